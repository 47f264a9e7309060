"""Per-unit caps: a price per 節 / 人次 / 車日 / 小時 / 件, by case, range, wage, equipment.

A cap compares a price per the cap's unit (``params.per``, a key of ``[caps]`` in
``youzhi/data/wording.toml``). When the line is priced in another unit (式, 批, 場, 趟, 人日 …), the
per-unit price is derived from the quantities its 說明用途 states ("40人次×200元", "每場2節",
"2輛1日") as a range (``youzhi.quantities.count_range``):

- the highest per-unit price the line allows is within the cap → quiet;
- even the lowest is over the cap → the rule's own finding (provable from the line);
- otherwise → a warning asking the school for the per-unit breakdown.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from validators import wages
from validators.finding import finding, say
from validators.kinds import cell, label, percent, plain, yuan_text
from youzhi import purpose, quantities

UNIT_NAMES = {
    "節": "每節",
    "人次": "每人次",
    "車日": "每車每日",
    "小時": "每小時",
    "件": "每件",
    "組": "每組",
    "人": "每人",
}
DIMENSION = {
    "節": "session",
    "人次": "person",
    "車日": "car",
    "小時": "hour",
    "件": "item",
    "組": "item",
    "人": "person",
}


@dataclass(frozen=True)
class PerUnit:
    """The price per cap unit a line allows: at least ``low``, at most ``high``."""

    low: Fraction
    high: Fraction | float
    how: str  # zh-TW: how it was derived ("" when the line is priced in the cap's unit)

    @property
    def exact(self) -> bool:
        return self.low == self.high


def per_unit(line, env, per: str | None) -> PerUnit | None:
    """The line's price per ``per`` (None: the typed 單價 as it is), or None without figures."""
    price = env.price
    text = str(line.purpose or "")
    if per is None:
        return None if price is None else PerUnit(Fraction(price), Fraction(price), "")
    total = env.computed if env.computed is not None else line.typed_total
    if total is None or (price is not None and quantities.same_unit(str(line.unit or ""), per)):
        return None if price is None else PerUnit(Fraction(price), Fraction(price), "")
    count = quantities.count_range(text, str(line.unit or ""), line.quantity, per)
    name = UNIT_NAMES.get(per, per)
    if count is not None and count.lo == count.hi and count.how == "" and price is not None:
        return PerUnit(Fraction(price), Fraction(price), "")
    if count is None or count.hi == math.inf:
        stated = quantities.stated_price(text, DIMENSION.get(per, ""))
        if stated is not None:
            return PerUnit(stated, stated, f"依說明用途所列{name}單價")
    if count is None or count.lo <= 0:
        return None if price is None else PerUnit(Fraction(0), Fraction(price), "")
    low = Fraction(0) if count.hi == math.inf else Fraction(total) / Fraction(count.hi)
    high = Fraction(total) / count.lo
    unit = f"以「{line.unit}」編列，" if line.unit else ""
    how = f"{unit}依說明用途「{count.how}」換算" if count.how else f"{unit}換算"
    return PerUnit(low, high, how)


def _verdict(value: PerUnit, limit) -> str:
    """ "quiet", "over" (provable) or "unclear"."""
    if value.high <= limit:
        return "quiet"
    return "over" if value.low > limit else "unclear"


def _capped(rule, line, value: PerUnit, cap, per: str, over, **extra) -> list:
    """A warning asking for the breakdown when unclear, the rule's finding when provable (its message
    ``over()``: written only then, most lines being within their caps)."""
    verdict = _verdict(value, cap)
    if verdict == "unclear":
        return [_ask(rule, line, value, int(cap), per)]
    if verdict == "over":
        where = cell(line, "unit_price")
        return [finding(rule, line.sheet, where, over(), value=plain(value.low), **extra)]
    return []


def _ask(rule, line, value: PerUnit, limit, per: str):
    unit = say(rule, "ask_unit", unit=line.unit) if line.unit else say(rule, "ask_no_unit")
    example = purpose.vocabulary()["caps"].get(per, {}).get("example", "")
    example = say(rule, "ask_example", example=example) if example else ""
    per = UNIT_NAMES.get(per, per)
    msg = say(rule, "ask", label=label(line), unit=unit, per=per, example=example, limit=limit)
    return finding(
        rule,
        line.sheet,
        cell(line, "unit_price"),
        msg,
        value=plain(value.high),
        limit=limit,
        severity="warning",
    )


def _price_text(rule, line, value: PerUnit, per: str | None) -> str:
    if not value.how:
        return say(rule, "price", label=label(line), price=yuan_text(value.low))
    name = "price_derived" if value.exact else "price_derived_low"
    return say(
        rule, name, label=label(line), how=value.how, per=UNIT_NAMES.get(per, per), price=yuan_text(value.low)
    )


def _case(rule, text: str):
    """The limit and label of the first case the purpose says (explicit words, then the payee)."""
    payee = purpose.payee(text)
    for option in rule.params.get("cases", ()):
        wanted = option.get("payee")
        if wanted is not None:
            if payee == wanted:
                return option["limit"], option.get("label", "")
        elif purpose.mentions(text, option.get("keywords", ()), topics=False):
            return option["limit"], option.get("label", "")
    return rule.limit, ""


def unit_cap(rule, line, env):
    """The price per ``per`` may not exceed the limit of the first case the purpose says (else ``limit``)."""
    if env.item not in rule.items:
        return
    text = f"{line.item} {line.purpose or ''}"
    if purpose.mentions(text, rule.params.get("unless", ())):
        return
    limit, case = _case(rule, text)
    per = rule.params.get("per")
    value = per_unit(line, env, per)
    if limit is None or value is None:
        return

    def over() -> str:
        where = say(rule, "case", case=case) if case else ""
        return say(rule, price_text=_price_text(rule, line, value, per), case=where, limit=limit)

    yield from _capped(rule, line, value, limit, per, over, limit=limit)


def purpose_silent(rule, line, env):
    """The purpose does not say who is paid: the higher limit was assumed (info)."""
    if env.item not in rule.items or not line.filled:
        return
    if purpose.payee(str(line.purpose or "")) is not None:
        return
    assumed = rule.params.get("assumed", "")
    msg = say(rule, label=label(line), assumed=assumed)
    yield finding(rule, line.sheet, cell(line, "unit_price"), msg)


def unit_range(rule, line, env):
    if env.item not in rule.items:
        return
    per = rule.params.get("per")
    value = per_unit(line, env, per)
    if value is None:
        return
    low = rule.params.get("minimum", 0)
    band = say(rule, "band", minimum=low, limit=rule.limit)

    def over() -> str:
        return say(rule, price_text=_price_text(rule, line, value, per), limit=rule.limit, band=band)

    found = _capped(rule, line, value, rule.limit, per or "人次", over)
    yield from found
    if not found and 0 < value.high < low:
        most = PerUnit(value.high, value.high, value.how)
        msg = say(rule, "message_low", price_text=_price_text(rule, line, most, per), minimum=low, band=band)
        yield finding(rule, line.sheet, cell(line, "unit_price"), msg, value=plain(value.high), limit=low)


def _wage_cap(rule, line, wage) -> tuple[Fraction, str]:
    """1.2 × the minimum wage, plus the employer's 勞保/勞退 share when the line says it includes it."""
    cap = Fraction(Decimal(rule.params.get("factor", "1.2"))) * wage.hourly
    if not purpose.loaded_pay(str(line.purpose or "")):
        return cap, ""
    share = wages.employer_share()
    note = say(rule, "loaded", share=percent(share))
    return cap * (1 + share), note


def hourly_wage(rule, line, env):
    """工讀費: minimum wage ≤ hourly pay ≤ factor × minimum wage of the semester it is paid in.

    A wage the purpose states (時薪235元) is checked as stated; a loaded rate (the line includes the
    employer's 勞保/勞退 share, seed 002 注意事項表 臨時工作人員/工讀費 四) is allowed that share.
    When the semester's minimum wage is not yet announced the finding is a warning naming the figure
    assumed.
    """
    if env.item not in rule.items or env.fiscal_year is None:
        return
    text = str(line.purpose or "")
    stated = quantities.stated_price(text, "hour")
    value = PerUnit(stated, stated, "依說明用途所列") if stated is not None else per_unit(line, env, "小時")
    if value is None:
        return
    wage = wages.minimum_wage(env.fiscal_year, env.semester)
    if stated is None:
        cap, note = _wage_cap(rule, line, wage)
    else:  # the stated wage is the pay itself, without the employer's share
        cap, note = Fraction(Decimal(rule.params.get("factor", "1.2"))) * wage.hourly, ""
    when = {"year": wage.on.year, "month": wage.on.month, "wage": wage.hourly}
    severity = None
    if wage.beyond_table:
        period = say(rule, "period_assumed", announced=wage.effective.year, **when)
        severity = "warning"
    else:
        period = say(rule, "period", **when)

    def over() -> str:
        wage_text = _wage_text(rule, line, value)
        return say(rule, wage_text=wage_text, period=period, cap=yuan_text(cap), note=note)

    found = _capped(rule, line, value, cap, "小時", over, limit=plain(cap), severity=severity)
    yield from found
    if not found and 0 < value.high < wage.hourly:
        lowest = PerUnit(value.high, value.high, value.how)
        msg = say(rule, "message_low", wage_text=_wage_text(rule, line, lowest), period=period)
        where = cell(line, "unit_price")
        yield finding(
            rule, line.sheet, where, msg, value=plain(value.high), limit=wage.hourly, severity=severity
        )


def _wage_text(rule, line, value: PerUnit) -> str:
    if not value.how:
        return say(rule, "wage", label=label(line), price=yuan_text(value.low))
    return say(rule, "wage_derived", label=label(line), how=value.how, price=yuan_text(value.low))


def equipment_cap(rule, line, env):
    """Recognised equipment (PC, laptop, tablet, camera, laser printer) above its cap per unit."""
    if not purpose.matches(rule.params, env.item_text, env.purpose_text):
        return
    per = rule.params.get("per")
    value = per_unit(line, env, per)
    if value is None:
        return

    def over() -> str:
        return say(rule, price_text=_price_text(rule, line, value, per), title=rule.title)

    yield from _capped(rule, line, value, rule.limit, per or "件", over)
