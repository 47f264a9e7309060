"""Clauses recognised from the item as the school wrote it, not from a standard item.

- ``written_range``: the 基準表's per-人次 bands of items the 優質化 forms do not list (主持費、
  引言費, 訪視費, 評鑑費): a line whose written item names one (``params.names``; ``none`` keeps a
  near miss such as 訪視交通費 quiet) is held to ``minimum``…``limit`` per 人次, or ``half_day.limit``
  when the item, purpose or unit says 半日. Only lines priced per person (``params.units``, or no
  unit) are compared: a 場 or 式 price says nothing about one person's fee.
- ``self_paid``: money the school must pay itself (減授鐘點) budgeted from another source.
"""

from __future__ import annotations

from validators import names
from validators.finding import finding, say
from validators.kinds import cell, label, plain, yuan_text
from youzhi import purpose
from youzhi.text import name_key


def _written(line) -> str:
    return name_key(line.item).lower()


def written_range(rule, line, env):
    params = rule.params
    item = _written(line)
    if not item or not names.contains_any(item, params.get("names", ())):
        return
    text = f"{item} {env.purpose_text}"
    if names.contains_any(text, params.get("none", ())):
        return
    unit = name_key(line.unit).lower()
    if unit and unit not in names.normalised_set(params.get("units", ())):
        return
    price = env.price
    if price is None or price <= 0:
        return
    low, high = params.get("minimum", 0), rule.limit
    half = params.get("half_day")
    if half:
        band = say(rule, "band_half_day", minimum=low, limit=high, half_day=half["limit"])
        if names.contains_any(f"{text} {unit}", half["keywords"]):
            high = half["limit"]
    else:
        band = say(rule, "band", minimum=low, limit=high)
    values = {"label": label(line), "price": yuan_text(price), "band": band}
    if price > high:
        msg = say(rule, limit=high, **values)
        yield finding(rule, line.sheet, cell(line, "unit_price"), msg, value=plain(price), limit=high)
    elif price < low:
        msg = say(rule, "message_low", minimum=low, **values)
        yield finding(rule, line.sheet, cell(line, "unit_price"), msg, value=plain(price), limit=low)


def self_paid(rule, line, env):
    """``params``: ``any`` / ``none`` words (``purpose.matches``: said, not denied); ``sources``: the
    sources allowed."""
    if not purpose.matches(rule.params, env.item_text, env.purpose_text):
        return
    if line.source in rule.params.get("sources", ()):
        return
    what = f"「{line.item}」" + (f"（{line.purpose}）" if line.purpose else "")
    allowed = "、".join(rule.params.get("sources", ()))
    msg = say(rule, what=what, title=rule.title, source=line.source, allowed=allowed)
    yield finding(rule, line.sheet, cell(line, "source"), msg, value=line.source)
