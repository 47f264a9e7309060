"""One y-1 line: its cells (as the block's header placed them) → a ``Line``, numbers read leniently
(``money.parse_number``) and whatever cannot be read a ``Problem`` naming the sheet and cell."""

from __future__ import annotations

import unicodedata

from youzhi import forms, items
from youzhi.forms.cells import Reading, raw, ref, text
from youzhi.model import Columns, Line
from youzhi.money import MAX_LINE_YUAN, parse_number
from youzhi.sheets import SheetGrid
from youzhi.text import compact


def _standard_item(text: str, programme: str, academic_year: int, section: str) -> str:
    """The standard name when the written one is it (width, spaces, 台/臺, punctuation aside), else
    the written name (NFKC); ``youzhi.items`` decides."""
    found = items.identify(programme, academic_year, section, text)
    exact = found.how == items.EXACT or (found.how == items.CAPITAL and found.standard)
    return found.standard if exact else unicodedata.normalize("NFKC", text).strip()


def read_line(
    reading: Reading, grid: SheetGrid, r: int, cols: Columns, section: str, standard: tuple[str, int]
) -> Line | None:
    """Row ``r`` of a block as a ``Line`` of ``section`` (None when the row is blank)."""
    if _blank_row(grid, r, cols):
        return None
    v = grid.value
    item_raw, unit, purpose = text(v(r, cols.item)), text(v(r, cols.unit)), text(v(r, cols.purpose))
    q_raw, p_raw, t_raw = v(r, cols.quantity), v(r, cols.unit_price), v(r, cols.total)
    raw_source = raw(v(r, cols.source))
    # a 總價 formula's error value alone (e.g. #VALUE! on an empty row) does not make a line
    t_blank = t_raw is None or t_raw == "" or t_raw == 0 or (isinstance(t_raw, str) and t_raw.startswith("#"))
    if not (item_raw or unit or purpose or text(q_raw) or text(p_raw)) and t_blank:
        return None
    sheet = grid.name
    quantity = None
    parsed = parse_number(q_raw)
    if parsed.problem:
        cell = ref(cols.quantity, r)
        reading.problem(sheet, cell, f"數量{parsed.problem}")
    else:
        quantity = parsed.value
    unit_price, exact_price = reading.money_exact(sheet, ref(cols.unit_price, r), p_raw, "單價")
    if isinstance(t_raw, str) and t_raw.startswith("#"):
        # A formula's error result (both engines show it: see youzhi.sheets).
        cell = ref(cols.total, r)
        reading.problem(sheet, cell, f"總價儲存格顯示 {t_raw}，以數量×單價計算", "info")
        t_raw = None
    typed_total = reading.money(sheet, ref(cols.total, r), t_raw, "總價")
    source, known = items.source_of(raw_source)
    if not known:
        cell = ref(cols.source, r)
        reading.problem(
            sheet, cell, f"無法辨識經費來源「{raw_source.strip()}」，暫列{source}（活頁簿公式亦同）"
        )
    raw_category = text(v(r, cols.category)) if cols.category != cols.item else ""
    line = Line(
        sheet=sheet,
        row=r,
        category=section,
        item=_standard_item(item_raw, *standard, section),
        unit=unit,
        quantity=quantity,
        unit_price=unit_price,
        exact_price=exact_price,
        typed_total=typed_total,
        purpose=purpose,
        source=source,
        raw_source=raw_source,
        raw_item=raw(v(r, cols.item)),
        raw_category=raw_category,
        columns=cols,
        hidden=r in grid.hidden_rows,
    )
    _check(reading, line, section)
    return line


def _blank_row(grid: SheetGrid, r: int, cols: Columns) -> bool:
    """Nothing typed in the cells that make a line (a template's many empty rows leave here, before
    any per-cell work); a 總價 of 0 or an error value alone does not make a line either."""
    row = grid.rows[r - 1] if 0 < r <= len(grid.rows) else ()
    n = len(row)
    for c in (cols.item, cols.unit, cols.purpose, cols.quantity, cols.unit_price):
        if c <= n and row[c - 1] is not None and row[c - 1] != "":
            return False
    t = row[cols.total - 1] if cols.total <= n else None
    return t is None or t == "" or t == 0 or (isinstance(t, str) and t.startswith("#"))


def _check(reading: Reading, line: Line, section: str) -> None:
    """What the read line itself says is off: an absurd product, a category written in the wrong
    section, a typed 總價 that differs from 數量 × 單價."""
    sheet = line.sheet
    if line.computed_total is not None and abs(line.computed_total) > MAX_LINE_YUAN:
        reading.problem(
            sheet, line.cell("total"), "數量×單價超過 1 兆元，不像經費金額，無法計算；請檢查數量與單價"
        )
        line.quantity = None
    written = compact(line.raw_category)
    if written in forms.CATEGORIES and written != section:
        cell = line.cell("category")
        reading.problem(sheet, cell, f"此列寫「{written}」，但位於{section}區段，依區段以{section}計算")
    if line.total_mismatch:
        reading.problem(
            sheet,
            line.cell("total"),
            f"總價 {line.typed_total:,} 元與數量×單價 {line.computed_total:,} 元不符，彙總以數量×單價計算",
        )
