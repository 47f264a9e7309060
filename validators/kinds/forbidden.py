"""Never-funded items, recognised from the item name and the purpose read as a sentence.

``params``: ``any`` / ``purpose_any`` / ``also`` / ``none`` (words, see ``youzhi.purpose.matches``:
a word denied — 非編制人員, 不含冷氣 — does not count);
``payee_words``: words that must be said of the person paid (協助本校教師 is not paying 本校教師);
``payee``: the kinds of payee that make it fire (``["internal"]``: 本校人員);
``venue = "internal"``: the purpose names the school's own place (借用本校禮堂);
``topics = true``: the words are things bought, so a course or title naming them does not count;
``skip_items``: standard items another rule covers.
"""

from __future__ import annotations

from validators.finding import finding, say
from validators.kinds import cell
from youzhi import purpose

_READ_OTHERWISE = ("payee", "venue", "payee_words")  # who is paid, whose venue: not a word search


def needed_words(params) -> tuple[str, ...] | None:
    """The words one of which the rule needs said (``purpose.matches``); None for the rules that read
    who is paid or whose venue it is."""
    if any(key in params for key in _READ_OTHERWISE):
        return None
    return purpose.needed_words(params)


def _said(params, line, env) -> bool:
    text = str(line.purpose or "")
    if "payee" in params:
        return purpose.payee(text) in params["payee"]
    if "venue" in params:
        return purpose.internal_venue(text)
    if "payee_words" in params:
        if not purpose.said_of_payee(f"{line.item or ''} {text}", params["payee_words"]):
            return False
        both = purpose.fold(f"{env.item_text} {env.purpose_text}")
        return not any(purpose.fold(w) in both for w in params.get("none", ()))
    return purpose.matches(params, env.item_text, env.purpose_text, topics=params.get("topics", False))


def forbidden(rule, line, env):
    if rule.items and env.item not in rule.items:
        return
    if env.item is not None and env.item in rule.params.get("skip_items", ()):
        return
    text = str(line.purpose or "")
    if not (line.item or text) or not _said(rule.params, line, env):
        return
    what = f"「{line.item}」" + (f"（{text}）" if text else "")
    msg = say(rule, "message" if rule.severity == "error" else "message_warning", what=what, title=rule.title)
    yield finding(rule, line.sheet, cell(line, "item"), msg, value=line.item)
