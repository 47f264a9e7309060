"""The form of every y-1 line: 說明用途, item name, 總價, unit, 乙式, missing figures."""

from __future__ import annotations

from validators import names
from validators.finding import finding, say
from validators.kinds import cell, label
from youzhi import forms, purpose, quantities
from youzhi.money import format_kiloyuan
from youzhi.text import name_key


def purpose_required(rule, line, env):
    if line.filled and not str(line.purpose or "").strip():
        yield finding(rule, line.sheet, cell(line, "purpose"), say(rule, label=label(line)))


def standard_name(rule, line, env):
    """Fires when the line's name alone does not say its standards item (youzhi.items): it then lands
    in y-4 其他; long names, their parts and the names people write (data/items.toml) stay quiet."""
    identity = env.identity
    if line.category == forms.CAPITAL or not line.item or identity is None or identity.by_name:
        return
    words = {"item": line.item, "row": identity.row}
    if env.item is not None:
        msg = say(rule, "message_purpose", standard=env.item, **words)
    else:
        hints = identity.candidates or names.suggestions(env.programme, env.academic_year, line.item)
        if hints:
            msg = say(rule, "message_hints", hints="」或「".join(hints), **words)
        else:
            msg = say(rule, "message_unknown", **words)
    yield finding(rule, line.sheet, cell(line, "item"), msg, value=line.item)


def arithmetic(rule, line, env):
    if not env.mismatch:
        return
    q = line.quantity.normalize()
    msg = say(
        rule,
        label=label(line),
        total=format_kiloyuan(line.typed_total),
        quantity=f"{q:f}",
        price=format_kiloyuan(line.unit_price),
        computed=format_kiloyuan(env.computed),
    )
    where = cell(line, "total")
    yield finding(rule, line.sheet, where, msg, value=line.typed_total, limit=env.computed)


def unit(rule, line, env):
    """The unit the standards count in (``params.equivalents`` accepted); ``skip_items``: items a
    stricter rule of the same kind checks; ``counted_in_purpose``: quiet when the purpose counts the
    line in that unit (a hint, not a clause that mandates the unit, as 授課鐘點費's does)."""
    if env.item is None or env.item in rule.params.get("skip_items", ()):
        return
    standard = names.standard_unit(env.programme, env.academic_year, env.item)
    if not standard:
        return
    words = rule.params.get("equivalents", {}).get(standard, [standard])
    accepted = {name_key(u).lower() for u in words}
    written = name_key(line.unit).lower()
    if written in accepted or (
        written and rule.params.get("counted_in_purpose") and _counted_in(line, standard)
    ):
        return
    if not written:
        msg = say(rule, "message_blank", label=label(line), standard=standard)
    else:
        msg = say(rule, label=label(line), unit=line.unit, standard=standard)
    yield finding(rule, line.sheet, cell(line, "unit"), msg, value=line.unit, limit=standard)


def _counted_in(line, standard: str) -> bool:
    """The purpose counts the line in the standard's unit (1 式 with 「2節×2,000元」, 2 場 with 「每場2節」):
    the per-unit caps read the price per that unit from it, so the unit written is no problem."""
    if standard not in purpose.vocabulary()["caps"]:
        return False
    count = quantities.count_range(str(line.purpose or ""), str(line.unit or ""), line.quantity, standard)
    return count is not None and count.exact and bool(count.how)


def lump_sum(rule, line, env):
    applies = (rule.params.get("capital") and line.category == forms.CAPITAL) or env.item in rule.items
    if not applies:
        return
    if name_key(line.unit) in names.normalised_set(rule.params.get("units", ())):
        msg = say(rule, label=label(line), unit=line.unit)
        yield finding(rule, line.sheet, cell(line, "unit"), msg, value=line.unit)


def missing_numbers(rule, line, env):
    if not line.item:
        return
    if line.quantity is None:
        yield finding(
            rule, line.sheet, cell(line, "quantity"), say(rule, "message_quantity", label=label(line))
        )
    elif line.unit_price is None:
        yield finding(
            rule, line.sheet, cell(line, "unit_price"), say(rule, "message_price", label=label(line))
        )


def wrong_category(rule, line, env):
    """A standard recurrent item in the other recurrent section (獎學金 under 業務費 …)."""
    if env.item is None or not line.recurrent:
        return
    expected = forms.category_of(env.programme, env.academic_year, env.item)
    if expected and expected != line.category:
        msg = say(rule, label=label(line), expected=expected, category=line.category)
        yield finding(rule, line.sheet, cell(line, "item"), msg, value=line.category, limit=expected)
