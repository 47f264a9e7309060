"""The form of every y-1 line: 說明用途, item name, 總價, unit, 乙式, missing figures."""

from __future__ import annotations

from validators import names
from validators.finding import finding
from validators.kinds import cell, label
from youzhi import forms
from youzhi.money import format_kiloyuan


def purpose_required(rule, line, env):
    if line.filled and not str(line.purpose or "").strip():
        msg = f"{label(line)}的說明用途空白，請簡略描述用途。"
        yield finding(rule, line.sheet, cell(line, "purpose"), msg)


def standard_name(rule, line, env):
    """Fires when the line's name alone does not say its standards item (youzhi.items): it then lands
    in y-4 其他; long names, their parts and the names people write (data/items.toml) stay quiet."""
    identity = env.identity
    if line.category == forms.CAPITAL or not line.item or identity is None or identity.by_name:
        return
    lands = f"列入表y-4「{identity.row}」"
    if env.item is not None:
        said = f"依說明用途應為「{env.item}」"
        msg = f"項目名稱「{line.item}」不是基準表名稱（{said}），{lands}；請改為「{env.item}」。"
    else:
        hints = identity.candidates or names.suggestions(env.programme, env.academic_year, line.item)
        if hints:
            msg = f"「{line.item}」不是基準表的項目名稱，{lands}；是否為「{'」或「'.join(hints)}」？"
        else:
            msg = f"「{line.item}」不是基準表的項目名稱，{lands}；請改用下拉式選單中的名稱。"
    yield finding(rule, line.sheet, cell(line, "item"), msg, value=line.item)


def arithmetic(rule, line, env):
    if not env.mismatch:
        return
    q = line.quantity.normalize()
    msg = (
        f"{label(line)}總價 {format_kiloyuan(line.typed_total)} 千元，不等於數量 {q:f} × 單價 "
        f"{format_kiloyuan(line.unit_price)} 千元 = {format_kiloyuan(env.computed)} 千元。"
    )
    where = cell(line, "total")
    yield finding(rule, line.sheet, where, msg, value=line.typed_total, limit=env.computed)


def unit(rule, line, env):
    """The unit the standards count in (``params.equivalents`` accepted); ``skip_items``: items a
    stricter rule of the same kind checks."""
    if env.item is None or env.item in rule.params.get("skip_items", ()):
        return
    standard = names.standard_unit(env.programme, env.academic_year, env.item)
    if not standard:
        return
    words = rule.params.get("equivalents", {}).get(standard, [standard])
    accepted = {names.normalise(u).lower() for u in words}
    written = names.normalise(line.unit).lower()
    if written in accepted:
        return
    if not written:
        msg = f"{label(line)}未填單位；基準以「{standard}」計。"
    else:
        msg = f"{label(line)}單位「{line.unit}」與基準不符；基準以「{standard}」計。"
    yield finding(rule, line.sheet, cell(line, "unit"), msg, value=line.unit, limit=standard)


def lump_sum(rule, line, env):
    applies = (rule.params.get("capital") and line.category == forms.CAPITAL) or env.item in rule.items
    if not applies:
        return
    if names.normalise(line.unit) in names.normalised_set(rule.params.get("units", ())):
        msg = f"{label(line)}以「{line.unit}」為單位；應列明名稱、數量及單價，不得以乙式編列。"
        yield finding(rule, line.sheet, cell(line, "unit"), msg, value=line.unit)


def missing_numbers(rule, line, env):
    if not line.item:
        return
    if line.quantity is None:
        yield finding(rule, line.sheet, cell(line, "quantity"), f"{label(line)}未填數量。")
    elif line.unit_price is None:
        yield finding(rule, line.sheet, cell(line, "unit_price"), f"{label(line)}未填單價。")


def wrong_category(rule, line, env):
    """A standard recurrent item in the other recurrent section (獎學金 under 業務費 …)."""
    if env.item is None or not line.recurrent:
        return
    expected = forms.category_of(env.programme, env.academic_year, env.item)
    if expected and expected != line.category:
        msg = f"{label(line)}屬{expected}，卻列在{line.category}區段；請移到{expected}。"
        yield finding(rule, line.sheet, cell(line, "item"), msg, value=line.category, limit=expected)
