"""What a reviewer needs to be told about the submitted workbook itself.

- ``summary_mismatch``: a y-2 / y-3 / y-4 figure the school typed (or Excel cached) that differs
  from what the y-1 lines give; error values (``#REF!`` …) and blank or uncached cells are left to
  the reader's one message per sheet.
- ``hidden_money``: money on a hidden row of a y-1 block (it still counts in every total).
- ``blank_total``: 總價 blank while 數量 and 單價 are filled (the tool computed it).
- ``implausible_price``: a 單價 so far beyond any cap of its item that it was most likely typed in
  元 where the form asks 千元; the message states the value ÷ 1000.
"""

from __future__ import annotations

from fractions import Fraction

from validators import names
from validators.finding import finding, say
from validators.kinds import cell, label, plain, yuan_text
from validators.summaries import Y4_TOTAL, typed_yuan
from youzhi import forms, rollup
from youzhi.a1 import get_column_letter
from youzhi.money import format_kiloyuan
from youzhi.text import name_key

# y-2 has two 合計數 columns: by source (經費配置來源) and by kind (優質化整體經費分析).
Y2_WORDING = {"來源合計數": "經費配置來源 合計數", "經資門合計數": "整體經費分析 合計數"}
# Rule kinds whose limit (and per-case limits) is a per-unit price cap of the items they cover.
PRICE_CAP_KINDS = ("unit_cap", "unit_range")


# --- summary figures ------------------------------------------------------------------------------


def _y2_expected(budget) -> list[tuple[str, str, str, int]]:
    """(row label, column key, what, 元) for every y-2 cell the roll-up gives."""
    out = []
    for row in rollup.y2(budget):
        values = {src: row.by_source[src] for src in forms.SOURCES}
        total = row.recurrent + row.capital
        values |= {"來源合計數": total, "經常門": row.recurrent, "資本門": row.capital, "經資門合計數": total}
        out += [(row.code, key, Y2_WORDING.get(key, key), v) for key, v in values.items()]
    return out


def _y2_mismatches(ctx):
    s = ctx.summaries
    sheet = s.sheets.get("y-2")
    if sheet is None:
        return
    for code, key, what, expected in _y2_expected(ctx.budget):
        where = s.y2_cell(code, key)
        if where is None:
            continue
        typed = typed_yuan(sheet, where[1])
        if typed is not None and typed != expected:
            yield where[1], f"表y-2「{code}」列「{what}」", typed, expected


def _y3_mismatches(ctx):
    s = ctx.summaries
    sheet = s.sheets.get("y-3")
    if sheet is None or not s.y3_cells:
        return
    for row in rollup.y3(ctx.budget):
        for recurrent, expected in ((True, row.recurrent), (False, row.capital)):
            ref = s.y3_cells.get((row.fiscal_year, row.code, row.source, recurrent))
            typed = None if ref is None else typed_yuan(sheet, ref)
            if typed is not None and typed != expected:
                kind = "經常門" if recurrent else "資本門"
                yield ref, f"表y-3「{row.fiscal_year}-{row.code}」列 {row.source} {kind}", typed, expected


def _y4_mismatches(ctx):
    s = ctx.summaries
    sheet = s.sheets.get("y-4")
    if sheet is None or not s.y4_rows:
        return
    columns = {fy: col for fy, col in s.y4_fiscal_total_cols.items()}
    if s.y4_year_total_col is not None:
        columns[None] = s.y4_year_total_col
    rows = rollup.y4(ctx.budget)
    expected = {(r.fiscal_year, name_key(r.item)): r.amount for r in rows}
    for fy in (*ctx.budget.fiscal_years, None):  # 經常門總計: every recurrent line lands in one row
        expected[(fy, name_key(Y4_TOTAL))] = sum(r.amount for r in rows if r.fiscal_year == fy)
    for (fy, item), amount in expected.items():
        row, col = s.y4_rows.get(item), columns.get(fy)
        if row is None or col is None:
            continue
        ref = f"{get_column_letter(col)}{row}"
        typed = typed_yuan(sheet, ref)
        if typed is not None and typed != amount:
            period = f"{fy}會計年度" if fy else f"{ctx.budget.academic_year}學年度"
            yield ref, f"表y-4「{item}」{period}總計", typed, amount


def summary_mismatch(rule, ctx):
    """Every summary cell whose figure differs from the y-1 lines, naming both values."""
    for key, mismatches in (("y-2", _y2_mismatches), ("y-3", _y3_mismatches), ("y-4", _y4_mismatches)):
        sheet = ctx.summaries.sheets.get(key)
        for ref, what, typed, expected in mismatches(ctx):
            msg = say(
                rule,
                what=what,
                typed=format_kiloyuan(typed),
                expected=format_kiloyuan(expected),
                difference=format_kiloyuan(typed - expected),
            )
            yield finding(rule, sheet.name, ref, msg, value=typed, limit=expected)


# --- lines ------------------------------------------------------------------------------------------


def hidden_money(rule, ctx):
    """Money on a hidden y-1 row: it counts in every total, and the reviewer cannot see it."""
    for line in ctx.budget.lines:
        if not line.hidden or not line.amount:
            continue
        msg = say(rule, row=line.row, label=label(line), amount=format_kiloyuan(line.amount))
        yield finding(rule, line.sheet, cell(line, "total"), msg, value=line.amount)


def _uncached_sheets(ctx) -> set[str]:
    from youzhi.sheets import UNCACHED

    errors = getattr(ctx.grids, "errors", None) or {}
    return {name for name, cells in errors.items() if any(kind == UNCACHED for _ref, kind in cells)}


def blank_total(rule, ctx):
    """總價 blank, 數量 and 單價 filled: the tool computed 數量 × 單價 (a formula that has no result
    yet is not blank: sheets with uncached formulas are skipped)."""
    uncached = _uncached_sheets(ctx)
    for line in ctx.budget.lines:
        if line.typed_total is not None or line.computed_total is None or line.sheet in uncached:
            continue
        msg = say(rule, label=label(line), computed=format_kiloyuan(line.computed_total))
        yield finding(rule, line.sheet, cell(line, "total"), msg, value=None, limit=line.computed_total)


# --- amounts typed in 元 -------------------------------------------------------------------------


def _caps(rules) -> dict[str, int]:
    """Item → the highest per-unit cap any rule gives it (case limits included)."""
    caps: dict[str, int] = {}
    for rule in rules:
        if rule.kind not in PRICE_CAP_KINDS or not isinstance(rule.limit, int):
            continue
        limits = [rule.limit, *(c["limit"] for c in rule.params.get("cases", ()))]
        for item in rule.items:
            caps[item] = max(caps.get(item, 0), *limits)
    return caps


def _in_cap_unit(line, item: str, ctx, equivalents: dict) -> bool:
    standard = names.standard_unit(ctx.budget.programme, ctx.budget.academic_year, item)
    if not standard:
        return False
    words = {name_key(u).lower() for u in equivalents.get(standard, [standard])}
    return name_key(line.unit).lower() in words


def implausible_price(rule, ctx):
    """``params``: ``factor`` × the item's cap when the line is priced in the cap's unit; otherwise
    (式, 批, 場 … or an item without a cap) ``recurrent_bound`` / ``capital_bound`` 元 per unit."""
    caps = _caps(ctx.rules)
    unit_rule = next((r for r in ctx.rules if r.kind == "unit" and not r.items), None)
    equivalents = unit_rule.params.get("equivalents", {}) if unit_rule else {}
    factor = rule.params.get("factor", 20)
    for line in ctx.budget.lines:
        price = line.unit_price
        if price is None or price <= 0:
            continue
        b = ctx.budget
        item = names.canonical(b.programme, b.academic_year, line.item) if line.item else None
        cap = caps.get(item) if item else None
        if cap and _in_cap_unit(line, item, ctx, equivalents):
            bound, why = cap * factor, say(rule, "why_cap", cap=cap, factor=factor)
        elif line.recurrent:
            bound, why = rule.params["recurrent_bound"], say(rule, "why_recurrent")
        else:
            bound, why = rule.params["capital_bound"], say(rule, "why_capital")
        if price <= bound:
            continue
        intended = Fraction(price, 1000)
        fill = say(rule, "fill", kiloyuan=format_kiloyuan(price // 1000)) if price % 1000 == 0 else ""
        msg = say(
            rule,
            label=label(line),
            price_kiloyuan=format_kiloyuan(price),
            price=price,
            why=why,
            bound=bound,
            intended=yuan_text(intended),
            fill=fill,
        )
        yield finding(rule, line.sheet, cell(line, "unit_price"), msg, value=price, limit=plain(bound))
