"""Where the y-2 / y-3 / y-4 cells are, found by their labels in the workbook's grids.

Workbook findings point at the summary cell they concern (a share at its y-4 學年度 比例 cell, the
capital share at y-3 經資門比例 資本門, the match at y-2 小計 配合款 …). The validators only get
the ``Budget``; when the caller also passes the grids (``youzhi.sheets.WorkbookGrids`` or anything
with ``.sheets`` of objects with ``.name`` and ``.rows``) the cells are located here, otherwise the
finding falls back to a y-1 cell. y-2's typed totals are also read here for the 合計數 rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from youzhi.a1 import cell_position, get_column_letter
from youzhi.forms import registry, summary, y2, y3, y4
from youzhi.money import cell_to_yuan
from youzhi.text import name_key

Y4_TOTAL = y4.TOTAL


@dataclass
class Y2Row:
    label: str  # code or 小計
    row: int
    source_total: tuple[str, int | None] | None = None  # (cell, 元)
    analysis_total: tuple[str, int | None] | None = None


@dataclass
class Summaries:
    y2_sheet: str | None = None
    y2_rows: dict[str, Y2Row] = field(default_factory=dict)  # by code and "小計"
    y2_columns: dict[str, int] = field(default_factory=dict)  # 配合款, 資本門, 經常門, 核定金額 …
    y3_sheet: str | None = None
    y3_capital_ratio: str | None = None  # cell of 經資門比例 × 資本門 (整體經費)
    y4_sheet: str | None = None
    y4_rows: dict[str, int] = field(default_factory=dict)  # normalised item → row
    y4_year_total_col: int | None = None
    y4_year_ratio_col: int | None = None
    y4_fiscal_total_cols: dict[int, int] = field(default_factory=dict)  # 會計年度 → its 總計 column
    # (會計年度, code, source, recurrent?) → the y-3 cell
    y3_cells: dict[tuple[int, str, str, bool], str] = field(default_factory=dict)
    sheets: dict[str, object] = field(default_factory=dict)  # "y-2" / "y-3" / "y-4" → the sheet grid

    def y2_cell(self, label: str, column: str) -> tuple[str, str] | None:
        row = self.y2_rows.get(label)
        col = self.y2_columns.get(column)
        if self.y2_sheet is None or row is None or col is None:
            return None
        return self.y2_sheet, f"{get_column_letter(col)}{row.row}"

    def y4_cell(self, item: str, *, ratio: bool = True) -> tuple[str, str] | None:
        row = self.y4_rows.get(name_key(item))
        col = self.y4_year_ratio_col if ratio else self.y4_year_total_col
        if self.y4_sheet is None or row is None or col is None:
            return None
        return self.y4_sheet, f"{get_column_letter(col)}{row}"


def _read_y2(sheet, out: Summaries) -> None:
    """The y-2's columns and rows (``youzhi.forms.y2.parse``) with each row's two 合計數 cells."""
    form = y2.parse(sheet)
    if form is None:
        return
    out.y2_sheet, out.y2_columns = sheet.name, dict(form.columns)
    totals = (form.columns.get("來源合計數"), form.columns.get("經資門合計數"))
    for r, value in form.rows:
        label = summary.label(value)
        if not label or r > summary.MAX_ROWS:
            continue
        entry = Y2Row(label, r)
        if None not in totals:
            entry.source_total = (f"{get_column_letter(totals[0])}{r}", _yuan(sheet.value(r, totals[0])))
            entry.analysis_total = (f"{get_column_letter(totals[1])}{r}", _yuan(sheet.value(r, totals[1])))
        out.y2_rows[label] = entry


def _yuan(value) -> int | None:
    if isinstance(value, str) and value.strip().startswith("#"):
        return None
    try:
        return cell_to_yuan(value)
    except (ValueError, ArithmeticError):
        return None


def typed_yuan(sheet, ref: str) -> int | None:
    """The 元 a summary cell holds (None: blank, text, an error value or a formula without a result)."""
    where = cell_position(ref)
    if where is None:
        return None
    value = sheet.value(*where)
    if value is None or value == "" or isinstance(value, bool):
        return None
    return _yuan(value)


def _read_y3(sheet, out: Summaries) -> None:
    form = y3.parse(sheet)
    if form is not None:
        out.y3_sheet, out.y3_capital_ratio, out.y3_cells = sheet.name, form.capital_ratio, form.cells


def _read_y4(sheet, out: Summaries, items: tuple[str, ...]) -> None:
    form = y4.parse(sheet, items)
    if form is not None:
        out.y4_sheet, out.y4_rows, out.y4_fiscal_total_cols = sheet.name, form.rows, form.fiscal_total_cols
        out.y4_year_total_col, out.y4_year_ratio_col = form.year_total_col, form.year_ratio_col


def locate(grids, items: tuple[str, ...]) -> Summaries:
    """The summary cells of a workbook (empty ``Summaries`` when ``grids`` is None)."""
    out = Summaries()
    if grids is None:
        return out
    found = registry.summary_sheets(grids)  # recognised as the reader recognises them
    out.sheets.update(found)
    if "y-2" in found:
        _read_y2(found["y-2"], out)
    if "y-3" in found:
        _read_y3(found["y-3"], out)
    if "y-4" in found:
        _read_y4(found["y-4"], out, items)
    return out
