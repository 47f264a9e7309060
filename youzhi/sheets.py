"""The small sheet interface: a workbook as plain grids of cell values.

``load_grids(path)`` reads every sheet's values (cached results for formulas) through
python-calamine (fast) or openpyxl (``data_only=True``). The xlwings adapter builds the same
``WorkbookGrids`` from a live book. The reader works on grids only.

Error values and formulas without a cached result: python-calamine reads both as ``""``, openpyxl
reads errors as ``"#REF!"`` … and uncached formulas as ``None``. So that a reviewer is told either
way, ``load_grids`` scans the worksheet XML at byte level (``scan_formula_cells``; a part without
``t="e"`` and without an empty formula result is skipped after a few ``in`` tests) and records what it
finds in ``WorkbookGrids.errors``; with calamine it also puts the error text back into the grid, so
both engines give the same values. The file is read once into memory and opened from there (a file
name the OS hands over as non-UTF-8 bytes, e.g. Big5, cannot be passed to calamine's ``from_path``).
"""

from __future__ import annotations

import io
import os
import re
import zipfile
import zlib
from dataclasses import dataclass, field

from youzhi.errors import UnreadableWorkbook

try:  # written by the batch engineer; guarded so the reader works while it is missing
    from youzhi.safety import check_file
except ImportError:  # pragma: no cover
    check_file = None

ENGINES = ("calamine", "openpyxl")
UNCACHED = "未計算公式"  # the kind recorded for a formula cell that holds no result


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
    # sheet → [(A1, "#REF!" | UNCACHED)] in sheet order: error values and formulas with no result
    errors: dict[str, list[tuple[str, str]]] = field(default_factory=dict)

    def sheet(self, name: str) -> SheetGrid | None:
        return next((s for s in self.sheets if s.name == name), None)


def load_grids(path, engine: str = "calamine") -> WorkbookGrids:
    """Read every sheet of a workbook as values; ``UnreadableWorkbook`` when it cannot be opened.

    ``path`` may be ``str``, ``bytes`` or a path object (a bytes name in Big5 works too)."""
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r} (use one of {ENGINES})")
    path = os.fsdecode(os.fspath(path))
    if check_file is not None:
        check_file(path)
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except FileNotFoundError:
        raise UnreadableWorkbook("檔案不存在") from None
    except OSError as exc:
        raise UnreadableWorkbook(f"無法讀取檔案（{exc.strerror or exc}）") from None
    grids = _load_calamine(path, data) if engine == "calamine" else _load_openpyxl(path, data)
    grids.errors = scan_formula_cells(data)
    if engine == "calamine":
        _restore_error_values(grids)
    return grids


def display_name(path: str | None) -> str:
    """A file's base name as people read it: a name that arrived as non-UTF-8 bytes (Big5 from a
    Windows share) is decoded as Big5 rather than printed as undecodable escapes."""
    if not path:
        return ""
    name = os.path.basename(path)
    try:
        name.encode("utf-8")
        return name
    except UnicodeEncodeError:
        raw = os.fsencode(name)
    try:
        return raw.decode("cp950")
    except UnicodeDecodeError:
        return raw.decode("utf-8", "replace")


def _load_calamine(path: str, data: bytes) -> WorkbookGrids:
    import python_calamine as pc

    try:
        book = pc.CalamineWorkbook.from_filelike(io.BytesIO(data))
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
    return WorkbookGrids(path, sheets, _defined_names(data))


_DEFINED_NAME = re.compile(r"<definedName\b([^>]*)>([^<]*)</definedName>")
_NAME_ATTR = re.compile(r'\bname="([^"]*)"')


def _defined_names(data: bytes) -> dict[str, str]:
    """Workbook-level defined names from xl/workbook.xml (calamine does not expose them)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
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


def _load_openpyxl(path: str, data: bytes) -> WorkbookGrids:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), data_only=True, read_only=True, keep_links=False)
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


# --- error values and uncached formulas (byte-level scan of the worksheet XML) ---------------------

_SHEET_TAG = re.compile(rb"<(?:\w+:)?sheet\b([^>]*)>")
_REL_TAG = re.compile(rb"<(?:\w+:)?Relationship\b([^>]*)>")
_ATTR = re.compile(rb"""([\w:]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.S)
_VALUE = re.compile(rb"<(?:\w+:)?v\b[^>]*?(?:/>|>([^<]*)</(?:\w+:)?v>)")
_FORMULA = re.compile(rb"<(?:\w+:)?f\b")
# A part holds an error value only if it says t="e"; a formula without a result only if one of these
# shapes occurs (a formula element closing its cell, or an empty value element).
_ERROR_HINTS = (b't="e"', b"t='e'")
_UNCACHED_HINTS = (b"</f></c>", b"/></c>", b"<v />", b"<v/>", b"<v></v>")
_TEXT_TYPES = (b"str", b"inlineStr", b"s")  # an empty value of these is a formula's cached ""
_SCAN_ERRORS = (KeyError, OSError, ValueError, EOFError, zipfile.BadZipFile, zlib.error, RuntimeError)


def _attrs(text: bytes) -> dict[bytes, bytes]:
    """Attributes of a tag, keys without their namespace prefix (``r:id`` → ``id``)."""
    return {key.rsplit(b":", 1)[-1]: double + single for key, double, single in _ATTR.findall(text)}


def _sheet_parts(archive: zipfile.ZipFile) -> list[tuple[str, str]]:
    """(sheet name, zip member) of every sheet, in workbook order."""
    workbook = archive.read("xl/workbook.xml")
    rels = archive.read("xl/_rels/workbook.xml.rels")
    targets = {}
    for tag in _REL_TAG.findall(rels):
        attrs = _attrs(tag)
        if b"Id" in attrs and b"Target" in attrs:
            target = attrs[b"Target"].decode("utf-8")
            targets[attrs[b"Id"]] = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    parts = []
    for tag in _SHEET_TAG.findall(workbook):
        attrs = _attrs(tag)
        member = targets.get(attrs.get(b"id", b""))
        if member and b"name" in attrs:
            parts.append((_unescape(attrs[b"name"].decode("utf-8")), member))
    return parts


def _bad_cells(xml: bytes) -> list[tuple[str, str]]:
    """[(A1, kind)] of one worksheet part, kind being the error text (``#REF!``) or ``UNCACHED``."""
    errors = any(hint in xml for hint in _ERROR_HINTS)
    uncached = _FORMULA.search(xml) is not None and any(hint in xml for hint in _UNCACHED_HINTS)
    if not (errors or uncached):
        return []
    found = []
    for head, body in _CELL.findall(xml):
        attrs = _attrs(head)
        kind = attrs.get(b"t", b"n")
        if kind == b"e":
            value = _VALUE.search(body or b"")
            text = (value.group(1) or b"").decode("utf-8", "replace").strip() if value else ""
            found.append((attrs.get(b"r", b"").decode("ascii", "replace"), text or "#N/A"))
        elif uncached and body and _FORMULA.search(body):
            value = _VALUE.search(body)
            if value is None or (not value.group(1) and kind not in _TEXT_TYPES):
                found.append((attrs.get(b"r", b"").decode("ascii", "replace"), UNCACHED))
    return found


def scan_formula_cells(data: bytes) -> dict[str, list[tuple[str, str]]]:
    """{sheet: [(A1, "#REF!" | UNCACHED)]} for the sheets that have error values or formulas without a
    cached result, from the raw bytes of an .xlsx/.xlsm. Never raises: a part it cannot read is skipped
    (the engines report real damage)."""
    found: dict[str, list[tuple[str, str]]] = {}
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = set(archive.namelist())
            for name, member in _sheet_parts(archive):
                if member not in members:
                    continue
                try:
                    cells = _bad_cells(archive.read(member))
                except _SCAN_ERRORS:
                    continue
                if cells:
                    found[name] = cells
    except _SCAN_ERRORS:
        return found
    return found


_ROW_COL = re.compile(r"^([A-Z]{1,3})([0-9]{1,7})$")


def _restore_error_values(grids: WorkbookGrids) -> None:
    """Put the error texts calamine reads as ``""`` back into the grids (as openpyxl shows them)."""
    for name, cells in grids.errors.items():
        grid = grids.sheet(name)
        if grid is None:
            continue
        for ref, kind in cells:
            found = _ROW_COL.match(ref)
            if kind == UNCACHED or not found:
                continue
            col = 0
            for letter in found.group(1):
                col = col * 26 + ord(letter) - 64
            row = int(found.group(2))
            cells_of_row = grid.rows[row - 1] if row <= len(grid.rows) else []
            if col <= len(cells_of_row) and cells_of_row[col - 1] in ("", None):
                cells_of_row[col - 1] = kind
