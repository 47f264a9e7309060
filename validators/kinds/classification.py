"""經常門 / 資本門: a 資本門 item under 10,000 元, a durable item of ≥ 10,000 元 kept in 經常門."""

from __future__ import annotations

from validators import names
from validators.finding import finding
from validators.kinds import cell, label, plain, yuan_text
from youzhi import forms


def capital_minimum(rule, line, env):
    price = env.price
    if line.category != forms.CAPITAL or price is None or price <= 0 or price >= rule.limit:
        return
    exempt = rule.params.get("exempt_any", ())
    if exempt and names.matches({"any": exempt}, env.item_text, env.purpose_text):
        return  # books and DVDs bought in quantity for the curriculum are 設備及投資 (設備費 三)
    msg = (
        f"{label(line)}列於資本門，單價 {yuan_text(price)} 未達 {rule.limit:,} 元；"
        "單價未達一萬元者屬經常門（物品費），請改列。"
    )
    yield finding(rule, line.sheet, cell(line, "unit_price"), msg, value=plain(price))


def durable_in_recurrent(rule, line, env):
    if not line.recurrent or env.item in rule.params.get("skip_items", ()):
        return
    price = env.price
    if price is None or price < rule.limit:
        return
    if not names.matches(rule.params, env.item_text, env.purpose_text):
        return
    msg = (
        f"{label(line)}單價 {yuan_text(price)}，達 {rule.limit:,} 元的耐用設備屬資本門，"
        "請改列「設備及投資」。"
    )
    yield finding(rule, line.sheet, cell(line, "unit_price"), msg, value=plain(price))
