"""經常門 / 資本門: a 資本門 item under 10,000 元, a durable item of ≥ 10,000 元 kept in 經常門.

Both compare the price of one item (``params.per``, default 件): a 資本門 line of 1 批 with
"滑鼠30個" in its purpose is thirty items of a few hundred 元, not one item of the whole amount.
"""

from __future__ import annotations

from validators.finding import finding
from validators.kinds import cell, label, plain, yuan_text
from validators.kinds.caps import per_unit
from youzhi import forms, purpose


def capital_minimum(rule, line, env):
    if line.category != forms.CAPITAL:
        return
    value = per_unit(line, env, rule.params.get("per"))
    if value is None or value.high <= 0 or value.high >= rule.limit:
        return  # at least one reading of the line prices an item at 10,000 元 or more
    exempt = rule.params.get("exempt_any", ())
    if exempt and purpose.matches({"any": exempt}, env.item_text, env.purpose_text):
        return  # books and DVDs bought in quantity for the curriculum are 設備及投資 (設備費 三)
    price = f"{value.how}每件" if value.how else "單價"
    msg = (
        f"{label(line)}列於資本門，{price} {yuan_text(value.high)} 未達 {rule.limit:,} 元；"
        "單價未達一萬元者屬經常門（物品費），請改列。"
    )
    yield finding(rule, line.sheet, cell(line, "unit_price"), msg, value=plain(value.high))


def durable_in_recurrent(rule, line, env):
    if not line.recurrent or env.item in rule.params.get("skip_items", ()):
        return
    value = per_unit(line, env, rule.params.get("per"))
    if value is None or value.low < rule.limit:
        return  # only when an item provably costs 10,000 元 or more
    if not purpose.matches(
        rule.params, env.item_text, env.purpose_text, topics=rule.params.get("topics", False)
    ):
        return
    price = f"{value.how}每件" if value.how else "單價"
    msg = (
        f"{label(line)}{price} {yuan_text(value.low)}，達 {rule.limit:,} 元的耐用設備屬資本門，"
        "請改列「設備及投資」。"
    )
    yield finding(rule, line.sheet, cell(line, "unit_price"), msg, value=plain(value.low))
