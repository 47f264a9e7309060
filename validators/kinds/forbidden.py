"""Never-funded items, recognised from the item name and the purpose."""

from __future__ import annotations

from validators import names
from validators.finding import finding
from validators.kinds import cell


def forbidden(rule, line, env):
    if rule.items and env.item not in rule.items:
        return
    purpose = str(line.purpose or "")
    if not (line.item or purpose) or not names.matches(rule.params, env.item_text, env.purpose_text):
        return
    what = f"「{line.item}」" + (f"（{purpose}）" if purpose else "")
    severity_note = "不予補助" if rule.severity == "error" else "請確認是否符合補助範圍"
    msg = f"{what}：{rule.title}，{severity_note}。"
    yield finding(rule, line.sheet, cell(line, "item"), msg, value=line.item)
