"""Per-unit caps: a price per 節 / 人次 / 車日 / 小時 / 件, by case, range, wage, equipment.

A cap compares a price per the cap's unit (``params.per``, a key of ``[caps]`` in
``youzhi/data/wording.toml``). When the line is priced in another unit (式, 批, 場, 趟, 人日 …), the
per-unit price is derived from the quantities its 說明用途 states ("40人次×200元", "每場2節",
"2輛1日") as a range (``youzhi.purpose.count_range``):

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
from validators.finding import finding
from validators.kinds import cell, label, percent, plain, yuan_text
from youzhi import purpose

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
    if total is None or (price is not None and purpose.same_unit(str(line.unit or ""), per)):
        return None if price is None else PerUnit(Fraction(price), Fraction(price), "")
    count = purpose.count_range(text, str(line.unit or ""), line.quantity, per)
    name = UNIT_NAMES.get(per, per)
    if count is not None and count.lo == count.hi and count.how == "" and price is not None:
        return PerUnit(Fraction(price), Fraction(price), "")
    if count is None or count.hi == math.inf:
        stated = purpose.stated_price(text, DIMENSION.get(per, ""))
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


def _capped(rule, line, value: PerUnit, cap, per: str, over: str, **extra) -> list:
    """A warning asking for the breakdown when unclear, the rule's finding (``over``) when provable."""
    verdict = _verdict(value, cap)
    if verdict == "unclear":
        return [_ask(rule, line, value, int(cap), per)]
    if verdict == "over":
        where = cell(line, "unit_price")
        return [finding(rule, line.sheet, where, over, value=plain(value.low), **extra)]
    return []


def _ask(rule, line, value: PerUnit, limit, per: str):
    name = UNIT_NAMES.get(per, per)
    unit = f"以「{line.unit}」" if line.unit else "未填單位"
    example = purpose.vocabulary()["caps"].get(per, {}).get("example", "")
    msg = (
        f"{label(line)}{unit}編列，說明用途未列出足以換算{name}單價的數量"
        f"{f'（如{example}）' if example else ''}；{name}可能超過上限 {limit:,} 元，請列出明細。"
    )
    return finding(
        rule,
        line.sheet,
        cell(line, "unit_price"),
        msg,
        value=plain(value.high),
        limit=limit,
        severity="warning",
    )


def _price_text(line, value: PerUnit, per: str | None) -> str:
    if not value.how:
        return f"{label(line)}單價 {yuan_text(value.low)}"
    name = UNIT_NAMES.get(per, per)
    return f"{label(line)}{value.how}{name} {'' if value.exact else '至少 '}{yuan_text(value.low)}"


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
    where = f"（{case}）" if case else ""
    msg = f"{_price_text(line, value, per)}，超過{where}上限 {limit:,} 元。"
    yield from _capped(rule, line, value, limit, per, msg, limit=limit)


def purpose_silent(rule, line, env):
    """The purpose does not say who is paid: the higher limit was assumed (info)."""
    if env.item not in rule.items or not line.filled:
        return
    if purpose.payee(str(line.purpose or "")) is not None:
        return
    assumed = rule.params.get("assumed", "")
    msg = f"{label(line)}說明用途未註明內聘、外聘或從屬關係，已以{assumed}上限檢核；請於說明用途補註。"
    yield finding(rule, line.sheet, cell(line, "unit_price"), msg)


def unit_range(rule, line, env):
    if env.item not in rule.items:
        return
    per = rule.params.get("per")
    value = per_unit(line, env, per)
    if value is None:
        return
    low = rule.params.get("minimum", 0)
    band = f"（基準 {low:,}～{rule.limit:,} 元）"
    msg = f"{_price_text(line, value, per)}，超過上限 {rule.limit:,} 元{band}。"
    found = _capped(rule, line, value, rule.limit, per or "人次", msg)
    yield from found
    if not found and 0 < value.high < low:
        most = PerUnit(value.high, value.high, value.how)
        msg = f"{_price_text(line, most, per)}，低於下限 {low:,} 元{band}。"
        yield finding(rule, line.sheet, cell(line, "unit_price"), msg, value=plain(value.high), limit=low)


def _wage_cap(rule, line, wage) -> tuple[Fraction, str]:
    """1.2 × the minimum wage, plus the employer's 勞保/勞退 share when the line says it includes it."""
    cap = Fraction(Decimal(rule.params.get("factor", "1.2"))) * wage.hourly
    if not purpose.loaded_pay(str(line.purpose or "")):
        return cap, ""
    share = wages.employer_share()
    note = f"（說明用途載明含雇主負擔之勞保、勞退等，上限加計雇主負擔 {percent(share)}）"
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
    stated = purpose.stated_price(text, "hour")
    value = PerUnit(stated, stated, "依說明用途所列") if stated is not None else per_unit(line, env, "小時")
    if value is None:
        return
    wage = wages.minimum_wage(env.fiscal_year, env.semester)
    if stated is None:
        cap, note = _wage_cap(rule, line, wage)
    else:  # the stated wage is the pay itself, without the employer's share
        cap, note = Fraction(Decimal(rule.params.get("factor", "1.2"))) * wage.hourly, ""
    period = f"{wage.on.year}年{wage.on.month}月起適用之最低時薪 {wage.hourly} 元"
    severity = None
    if wage.beyond_table:
        period += (
            f"（{wage.on.year}年最低工資尚未列入，暫以 {wage.effective.year} 年公告之 {wage.hourly} 元計）"
        )
        severity = "warning"
    msg = f"{_wage_text(line, value)}，超過{period}的 1.2 倍（{yuan_text(cap)}）{note}。"
    found = _capped(rule, line, value, cap, "小時", msg, limit=plain(cap), severity=severity)
    yield from found
    if not found and 0 < value.high < wage.hourly:
        msg = f"{_wage_text(line, PerUnit(value.high, value.high, value.how))}，低於{period}。"
        where = cell(line, "unit_price")
        yield finding(
            rule, line.sheet, where, msg, value=plain(value.high), limit=wage.hourly, severity=severity
        )


def _wage_text(line, value: PerUnit) -> str:
    if not value.how:
        return f"{label(line)}時薪 {yuan_text(value.low)}"
    return f"{label(line)}{value.how}時薪 {yuan_text(value.low)}"


def equipment_cap(rule, line, env):
    """Recognised equipment (PC, laptop, tablet, camera, laser printer) above its cap per unit."""
    if not purpose.matches(rule.params, env.item_text, env.purpose_text):
        return
    per = rule.params.get("per")
    value = per_unit(line, env, per)
    if value is None:
        return
    msg = f"{_price_text(line, value, per)}：{rule.title}（以不超過為原則，超過請說明理由）。"
    yield from _capped(rule, line, value, rule.limit, per or "件", msg)
