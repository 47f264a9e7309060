"""The small sheet interface: a workbook as plain grids of cell values.

``load_grids(path)`` reads every sheet's values (cached results for formulas) through
python-calamine (fast; error cells and uncached formulas read as ``""``) or openpyxl
(``data_only=True``; error cells read as ``"#REF!"`` …). The xlwings adapter builds the same
``WorkbookGrids`` from a live book. The reader works on grids only.
"""

from __future__ import annotations

import os
import re
import zipfile
from dataclasses import dataclass, field

from youzhi.errors import UnreadableWorkbook

try:  # written by the batch engineer; guarded so the reader works while it is missing
    from youzhi.safety import check_file
except ImportError:  # pragma: no cover
    check_file = None

ENGINES = ("calamine", "openpyxl")


@dataclass
class SheetGrid:
    """One sheet's values; ``rows[r][c]`` is cell (r+1, c+1). Blank cells are ``None`` or ``""``."""

    name: str
    hidden: bool
    rows: list[list[object]]

    def value(self, row: int, col: int) -> object:
        """The value at 1-based (row, col); None outside the grid."""
        if row < 1 or col < 1 or row > len(self.rows):
            return None
        cells = self.rows[row - 1]
        return cells[col - 1] if col <= len(cells) else None

    def text(self, row: int, col: int) -> str:
        """The cell as stripped text ("" when blank)."""
        value = self.value(row, col)
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value).strip()

    @property
    def max_row(self) -> int:
        return len(self.rows)

    @property
    def max_col(self) -> int:
        return max((len(r) for r in self.rows), default=0)


@dataclass
class WorkbookGrids:
    path: str | None
    sheets: list[SheetGrid]
    names: dict[str, str] = field(default_factory=dict)  # defined name → its formula text

    def sheet(self, name: str) -> SheetGrid | None:
        return next((s for s in self.sheets if s.name == name), None)


def load_grids(path, engine: str = "calamine") -> WorkbookGrids:
    """Read every sheet of a workbook as values; ``UnreadableWorkbook`` when it cannot be opened."""
    path = os.fspath(path)
    if check_file is not None:
        check_file(path)
    if engine == "calamine":
        return _load_calamine(path)
    if engine == "openpyxl":
        return _load_openpyxl(path)
    raise ValueError(f"unknown engine {engine!r} (use one of {ENGINES})")


def _load_calamine(path: str) -> WorkbookGrids:
    import python_calamine as pc

    try:
        book = pc.CalamineWorkbook.from_path(path)
        sheets = []
        for meta in book.sheets_metadata:
            if str(meta.typ) not in ("SheetTypeEnum.WorkSheet", "WorkSheet"):
                continue
            sheet = book.get_sheet_by_name(meta.name)
            rows = sheet.to_python(skip_empty_area=False)
            hidden = str(meta.visible) not in ("SheetVisibleEnum.Visible", "Visible")
            sheets.append(SheetGrid(meta.name, hidden, rows))
        book.close()
    except UnreadableWorkbook:
        raise
    except Exception as exc:  # calamine raises its own errors and ValueError for broken parts
        raise UnreadableWorkbook(f"無法開啟活頁簿（檔案可能已損毀）：{type(exc).__name__}") from None
    return WorkbookGrids(path, sheets, _defined_names(path))


_DEFINED_NAME = re.compile(r"<definedName\b([^>]*)>([^<]*)</definedName>")
_NAME_ATTR = re.compile(r'\bname="([^"]*)"')


def _defined_names(path: str) -> dict[str, str]:
    """Workbook-level defined names from xl/workbook.xml (calamine does not expose them)."""
    try:
        with zipfile.ZipFile(path) as archive:
            xml = archive.read("xl/workbook.xml").decode("utf-8", "replace")
    except (KeyError, OSError, zipfile.BadZipFile):
        return {}
    names = {}
    for attrs, text in _DEFINED_NAME.findall(xml):
        if "localSheetId" in attrs:
            continue
        found = _NAME_ATTR.search(attrs)
        if found:
            names[found.group(1)] = _unescape(text)
    return names


def _unescape(text: str) -> str:
    return text.replace("&quot;", '"').replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _load_openpyxl(path: str) -> WorkbookGrids:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, data_only=True, read_only=True, keep_links=False)
    except Exception as exc:
        raise UnreadableWorkbook(f"無法開啟活頁簿（檔案可能已損毀）：{type(exc).__name__}") from None
    try:
        sheets = []
        for ws in wb.worksheets:
            rows = [list(r) for r in ws.iter_rows(values_only=True)]
            sheets.append(SheetGrid(ws.title, ws.sheet_state != "visible", rows))
        names = {}
        for name, defined in wb.defined_names.items():
            names[name] = defined.attr_text
    finally:
        wb.close()
    return WorkbookGrids(path, sheets, names)
