"""經常門 / 資本門: a 資本門 item under 10,000 元, a durable item of ≥ 10,000 元 kept in 經常門.

Both compare the price of one item (``params.per``, default 件): a 資本門 line of 1 批 with
"滑鼠30個" in its purpose is thirty items of a few hundred 元, not one item of the whole amount.
"""

from __future__ import annotations

from validators.finding import finding, say
from validators.kinds import cell, label, plain, yuan_text
from validators.kinds.caps import per_unit
from youzhi import forms, purpose


def _say(rule, line, how: str, price) -> str:
    """The message for a typed 單價 (``message``) or one derived from the purpose (``message_derived``)."""
    values = {"label": label(line), "price": yuan_text(price), "limit": rule.limit}
    return say(rule, "message_derived", how=how, **values) if how else say(rule, **values)


def capital_minimum(rule, line, env):
    if line.category != forms.CAPITAL:
        return
    value = per_unit(line, env, rule.params.get("per"))
    if value is None or value.high <= 0 or value.high >= rule.limit:
        return  # at least one reading of the line prices an item at 10,000 元 or more
    exempt = rule.params.get("exempt_any", ())
    if exempt and purpose.matches({"any": exempt}, env.item_text, env.purpose_text):
        return  # books and DVDs bought in quantity for the curriculum are 設備及投資 (設備費 三)
    msg = _say(rule, line, value.how, value.high)
    yield finding(rule, line.sheet, cell(line, "unit_price"), msg, value=plain(value.high))


def durable_in_recurrent(rule, line, env):
    if not line.recurrent or env.item in rule.params.get("skip_items", ()):
        return
    if not purpose.matches(
        rule.params, env.item_text, env.purpose_text, topics=rule.params.get("topics", False)
    ):
        return  # (the words first: one pattern search, where the price per item reads the purpose)
    value = per_unit(line, env, rule.params.get("per"))
    if value is None or value.low < rule.limit:
        return  # only when an item provably costs 10,000 元 or more
    msg = _say(rule, line, value.how, value.low)
    yield finding(rule, line.sheet, cell(line, "unit_price"), msg, value=plain(value.low))
