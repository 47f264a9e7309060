"""Never-funded items, recognised from the item name and the purpose."""

from __future__ import annotations

from validators import names
from validators.finding import finding
from validators.kinds import cell


def forbidden(rule, line, env):
    """The item or purpose has the rule's words (``params``: any / purpose_any / also / none, see
    ``names.matches``); ``skip_items`` names standard items another rule covers."""
    if rule.items and env.item not in rule.items:
        return
    if env.item is not None and env.item in rule.params.get("skip_items", ()):
        return
    purpose = str(line.purpose or "")
    if not (line.item or purpose) or not names.matches(rule.params, env.item_text, env.purpose_text):
        return
    what = f"「{line.item}」" + (f"（{purpose}）" if purpose else "")
    severity_note = "不予補助" if rule.severity == "error" else "請確認是否符合補助範圍"
    msg = f"{what}：{rule.title}，{severity_note}。"
    yield finding(rule, line.sheet, cell(line, "item"), msg, value=line.item)
