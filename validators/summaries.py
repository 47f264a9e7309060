"""Where the y-2 / y-3 / y-4 cells are, found by their labels in the workbook's grids.

Workbook findings point at the summary cell they concern (a share at its y-4 學年度 比例 cell, the
capital share at y-3 經資門比例 資本門, the match at y-2 小計 配合款 …). The validators only get
the ``Budget``; when the caller also passes the grids (``youzhi.sheets.WorkbookGrids`` or anything
with ``.sheets`` of objects with ``.name`` and ``.rows``) the cells are located here, otherwise the
finding falls back to a y-1 cell. y-2's typed totals are also read here for the 合計數 rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from validators.names import normalise
from youzhi.a1 import get_column_letter
from youzhi.money import cell_to_yuan
from youzhi.rollup import OTHER_ITEMS

_SOURCE_WORDS = (
    ("教育部補助款", "教育部補助款"),
    ("配合款", "配合款"),
    ("自籌", "自籌款"),
    ("其他補助", "其他補助款"),
)
_A1 = re.compile(r"^([A-Z]{1,3})([0-9]+)$")
_FISCAL = re.compile(r"^(\d{2,3})")
Y4_TOTAL = "經常門總計"
_Y3_ROW = re.compile(r"^(\d{2,3})-(\S+)$")
MAX_ROWS = 120
MAX_COLS = 30


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
        row = self.y4_rows.get(normalise(item))
        col = self.y4_year_ratio_col if ratio else self.y4_year_total_col
        if self.y4_sheet is None or row is None or col is None:
            return None
        return self.y4_sheet, f"{get_column_letter(col)}{row}"


def _text(value) -> str:
    return normalise(value) if isinstance(value, str) else ""


def _grid(sheet):
    rows = sheet.rows[:MAX_ROWS]
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row[:MAX_COLS], start=1):
            yield r, c, value


def _find_sheet(grids, key: str):
    for sheet in grids.sheets:
        name = normalise(sheet.name).lower().removeprefix("表")
        if name == key:
            return sheet
    for sheet in grids.sheets:
        for r, _c, value in _grid(sheet):
            if r > 4:
                break
            if _text(value).lower().startswith(f"表{key}"):
                return sheet
    return None


def _header_cols(sheet, last_row: int) -> list[tuple[int, int, str]]:
    return [(r, c, _text(v)) for r, c, v in _grid(sheet) if r <= last_row and _text(v)]


def _read_y2(sheet, out: Summaries) -> None:
    labels = [(r, c, _text(v)) for r, c, v in _grid(sheet) if _text(v)]
    header_end = max((r for r, _c, t in labels if t in ("核定金額", "申請金額", "合計數")), default=None)
    if header_end is None:
        return
    totals = sorted(c for r, c, t in labels if r <= header_end and t == "合計數")
    for r, c, t in labels:
        if r > header_end:
            continue
        source = _source_of(t)
        if source:
            out.y2_columns.setdefault(source, c)
        elif t in ("經常門", "資本門", "核定金額", "申請金額"):
            out.y2_columns.setdefault(t, c)
    if len(totals) >= 2:
        out.y2_columns["來源合計數"], out.y2_columns["經資門合計數"] = totals[0], totals[1]
    out.y2_sheet = sheet.name
    first_col = min(c for _r, c, _t in labels)
    for r in range(header_end + 1, min(len(sheet.rows), MAX_ROWS) + 1):
        label = _text(sheet.value(r, first_col))
        if not label:
            continue
        if label.startswith("說明"):
            break
        entry = Y2Row(label, r)
        if len(totals) >= 2:
            entry.source_total = (f"{get_column_letter(totals[0])}{r}", _yuan(sheet.value(r, totals[0])))
            entry.analysis_total = (f"{get_column_letter(totals[1])}{r}", _yuan(sheet.value(r, totals[1])))
        out.y2_rows[label] = entry


def _source_of(text: str) -> str | None:
    """The funding source a header names (y-2 / y-3 print the long labels of forms.source_labels)."""
    for key, source in _SOURCE_WORDS:
        if key in text:
            return source
    return None


def _yuan(value) -> int | None:
    if isinstance(value, str) and value.strip().startswith("#"):
        return None
    try:
        return cell_to_yuan(value)
    except (ValueError, ArithmeticError):
        return None


def typed_yuan(sheet, ref: str) -> int | None:
    """The 元 a summary cell holds (None: blank, text, an error value or a formula without a result)."""
    found = _A1.match(ref)
    if not found:
        return None
    col = 0
    for letter in found.group(1):
        col = col * 26 + ord(letter) - 64
    value = sheet.value(int(found.group(2)), col)
    if value is None or value == "" or isinstance(value, bool):
        return None
    return _yuan(value)


def _read_y3(sheet, out: Summaries) -> None:
    labels = [(r, c, _text(v)) for r, c, v in _grid(sheet) if _text(v)]
    ratio_row = next((r for r, _c, t in labels if t.startswith("經資門比例")), None)
    group = next((c for r, c, t in labels if t.startswith("優質化整體經費")), None)
    if ratio_row is None:
        return
    capital_cols = [
        c for r, c, t in labels if r < ratio_row and t == "資本門" and (group is None or c >= group)
    ]
    out.y3_sheet = sheet.name
    if capital_cols:
        out.y3_capital_ratio = f"{get_column_letter(capital_cols[-1])}{ratio_row}"
    _read_y3_cells(sheet, labels, ratio_row, out)


def _read_y3_cells(sheet, labels, ratio_row: int, out: Summaries) -> None:
    """Each ``年度-code`` row's 經常門 / 資本門 cell per source (header: source label over 經常門)."""
    sources = {}
    for r, c, t in labels:
        source = _source_of(t)
        if source and r < ratio_row and _text(sheet.value(r + 1, c)) == "經常門":
            sources.setdefault(source, c)
    if not sources:
        return
    for r, _c, t in labels:
        found = _Y3_ROW.match(t) if r < ratio_row else None
        if not found:
            continue
        fy, code = int(found.group(1)), found.group(2)
        for source, c in sources.items():
            for recurrent, col in ((True, c), (False, c + 1)):
                out.y3_cells[(fy, code, source, recurrent)] = f"{get_column_letter(col)}{r}"


def _read_y4(sheet, out: Summaries, items: tuple[str, ...]) -> None:
    labels = [(r, c, _text(v)) for r, c, v in _grid(sheet) if _text(v)]
    wanted = {normalise(i) for i in (*items, OTHER_ITEMS, Y4_TOTAL)}
    item_rows = {t: r for r, _c, t in labels if t in wanted}
    if not item_rows:
        return
    first_item_row = min(item_rows.values())
    for r, c, t in labels:
        fiscal = _FISCAL.match(t) if r < first_item_row and "會計年度" in t else None
        if fiscal:
            sub = [(cc, tt) for rr, cc, tt in labels if r < rr < first_item_row and cc >= c and tt == "總計"]
            out.y4_fiscal_total_cols.setdefault(int(fiscal.group(1)), min(sub)[0] if sub else c)
    year_cols = [(r, c) for r, c, t in labels if r < first_item_row and "學年度" in t and "會計年度" not in t]
    out.y4_sheet = sheet.name
    out.y4_rows = item_rows
    if not year_cols:
        return
    hr, hc = year_cols[-1]
    sub = sorted((c, t) for r, c, t in labels if hr < r < first_item_row and c >= hc)
    total_col = next((c for c, t in sub if t == "總計"), hc)
    ratio_col = next((c for c, t in sub if t == "比例" and c > total_col), total_col + 1)
    out.y4_year_total_col, out.y4_year_ratio_col = total_col, ratio_col


def locate(grids, items: tuple[str, ...]) -> Summaries:
    """The summary cells of a workbook (empty ``Summaries`` when ``grids`` is None)."""
    out = Summaries()
    if grids is None:
        return out
    for key, reader in (("y-2", _read_y2), ("y-3", _read_y3)):
        sheet = _find_sheet(grids, key)
        if sheet is not None:
            out.sheets[key] = sheet
            reader(sheet, out)
    sheet = _find_sheet(grids, "y-4")
    if sheet is not None:
        out.sheets["y-4"] = sheet
        _read_y4(sheet, out, items)
    return out
