"""The small sheet interface: a workbook as plain grids of cell values.

``load_grids(path)`` reads every sheet's values (cached results for formulas) through
python-calamine (fast) or openpyxl (``data_only=True``). The xlwings adapter builds the same
``WorkbookGrids`` from a live book. The reader works on grids only.

Error values and formulas without a cached result: python-calamine reads both as ``""``, openpyxl
reads errors as ``"#REF!"`` … and uncached formulas as ``None``. So that a reviewer is told either
way, ``load_grids`` has ``youzhi.xlsx_scan`` scan the worksheet XML at byte level (error cells,
uncached formulas, hidden rows, far cells, control-character hints, defined names) and records what
it finds in ``WorkbookGrids.errors``; with calamine it also puts the error text back into the grid,
so both engines give the same values. The file is read once into memory and opened from there (a
file name the OS hands over as non-UTF-8 bytes, e.g. Big5, cannot be passed to calamine's
``from_path``).
"""

from __future__ import annotations

import io
import os
from collections.abc import Collection
from dataclasses import dataclass, field

from youzhi.a1 import cell_position
from youzhi.errors import UnreadableWorkbook, reason_of
from youzhi.safety import read_checked, strip_control_characters
from youzhi.sheet_area import replace_parts
from youzhi.text import display_path
from youzhi.xlsx_scan import SCAN_ERRORS, UNCACHED, workbook_facts

ENGINES = ("calamine", "openpyxl")


@dataclass
class SheetGrid:
    """One sheet's values; ``rows[r][c]`` is cell (r+1, c+1). Blank cells are ``None`` or ``""``."""

    name: str
    hidden: bool
    rows: list[list[object]]
    hidden_rows: frozenset[int] = frozenset()  # 1-based rows marked hidden in the sheet XML
    read: bool = True  # False: a sheet asked to be left unread (``load_grids(unread=…)``): no rows

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
    # sheet → [(A1, "#REF!" | UNCACHED)] in sheet order: every error value, and the first formula
    # with no result (UNCACHED; files saved by openpyxl have one in every formula cell)
    errors: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    # sheet → [A1] of text cells whose control characters (ESC, NUL …) were removed on reading
    controls: dict[str, list[str]] = field(default_factory=dict)
    # sheet → [A1] of cells so far from the rest that reading them would cost gigabytes: left out
    far: dict[str, list[str]] = field(default_factory=dict)

    def sheet(self, name: str) -> SheetGrid | None:
        return next((s for s in self.sheets if s.name == name), None)


def load_grids(path, engine: str = "calamine", *, unread: Collection[str] = ()) -> WorkbookGrids:
    """Read every sheet of a workbook as values; ``UnreadableWorkbook`` when it cannot be opened.

    ``path`` may be ``str``, ``bytes`` or a path object (a bytes name in Big5 works too). The sheets
    named in ``unread`` are listed (``read=False``, no rows) but neither scanned nor read."""
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r} (use one of {ENGINES})")
    path = os.fsdecode(os.fspath(path))
    _kind, data, archive = read_checked(path)  # the sniff's zip is reused by the scan below
    hidden: dict[str, frozenset[int]] = {}
    with archive:
        names, errors, far, controls = workbook_facts(data, hidden, archive, skip=unread)
    if far:  # cells far beyond the form: read without them (see youzhi.sheet_area)
        try:
            data = replace_parts(data, {member: xml for member, xml, _ in far.values()})
        except SCAN_ERRORS:
            raise UnreadableWorkbook("無法開啟活頁簿（檔案可能已損毀）") from None
    load = _load_calamine if engine == "calamine" else _load_openpyxl
    grids = load(path, data, unread)
    grids.errors = errors
    grids.far = {name: refs for name, (_, _, refs) in far.items()}
    grids.controls = strip_control_characters(grids.sheets) if controls else {}
    for grid in grids.sheets:
        grid.hidden_rows = hidden.get(grid.name, frozenset())
    if engine == "calamine":
        grids.names = names  # calamine does not expose defined names
        _restore_error_values(grids)
    return grids


def display_name(path: str | None) -> str:
    """A file's base name as people read it (a Big5 name from a Windows share decoded as Big5)."""
    return os.path.basename(display_path(path)) if path else ""


def _load_calamine(path: str, data: bytes, unread: Collection[str] = ()) -> WorkbookGrids:
    import python_calamine as pc

    try:
        book = pc.CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = []
        for meta in book.sheets_metadata:
            if str(meta.typ) not in ("SheetTypeEnum.WorkSheet", "WorkSheet"):
                continue
            hidden = str(meta.visible) not in ("SheetVisibleEnum.Visible", "Visible")
            if meta.name in unread:
                sheets.append(SheetGrid(meta.name, hidden, [], read=False))
                continue
            rows = book.get_sheet_by_name(meta.name).to_python(skip_empty_area=False)
            sheets.append(SheetGrid(meta.name, hidden, rows))
        book.close()
    except UnreadableWorkbook:
        raise
    except Exception as exc:  # calamine raises its own errors and ValueError for broken parts
        raise UnreadableWorkbook(reason_of(exc)) from None
    return WorkbookGrids(path, sheets)


def _load_openpyxl(path: str, data: bytes, unread: Collection[str] = ()) -> WorkbookGrids:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), data_only=True, read_only=True, keep_links=False)
    except Exception as exc:
        raise UnreadableWorkbook(reason_of(exc)) from None
    try:
        sheets = []
        for ws in wb.worksheets:
            if ws.title in unread:
                sheets.append(SheetGrid(ws.title, ws.sheet_state != "visible", [], read=False))
                continue
            rows = [list(r) for r in ws.iter_rows(values_only=True)]
            sheets.append(SheetGrid(ws.title, ws.sheet_state != "visible", rows))
        names = {}
        for name, defined in wb.defined_names.items():
            names[name] = defined.attr_text
    except Exception as exc:  # read-only sheets are parsed as they are read
        raise UnreadableWorkbook(reason_of(exc)) from None
    finally:
        wb.close()
    return WorkbookGrids(path, sheets, names)


def _restore_error_values(grids: WorkbookGrids) -> None:
    """Put the error texts calamine reads as ``""`` back into the grids (as openpyxl shows them)."""
    for name, cells in grids.errors.items():
        grid = grids.sheet(name)
        if grid is None:
            continue
        for ref, kind in cells:
            where = cell_position(ref)
            if kind == UNCACHED or where is None:
                continue
            row, col = where
            cells_of_row = grid.rows[row - 1] if row <= len(grid.rows) else []
            if col <= len(cells_of_row) and cells_of_row[col - 1] in ("", None):
                cells_of_row[col - 1] = kind
