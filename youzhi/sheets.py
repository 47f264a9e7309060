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

from youzhi.errors import UnreadableWorkbook, reason_of
from youzhi.safety import read_checked, strip_control_characters
from youzhi.sheet_area import bound_sheet, replace_parts
from youzhi.text import display_path

ENGINES = ("calamine", "openpyxl")
UNCACHED = "未計算公式"  # the kind recorded for a formula cell that holds no result


@dataclass
class SheetGrid:
    """One sheet's values; ``rows[r][c]`` is cell (r+1, c+1). Blank cells are ``None`` or ``""``."""

    name: str
    hidden: bool
    rows: list[list[object]]
    hidden_rows: frozenset[int] = frozenset()  # 1-based rows marked hidden in the sheet XML

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


def load_grids(path, engine: str = "calamine") -> WorkbookGrids:
    """Read every sheet of a workbook as values; ``UnreadableWorkbook`` when it cannot be opened.

    ``path`` may be ``str``, ``bytes`` or a path object (a bytes name in Big5 works too)."""
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r} (use one of {ENGINES})")
    path = os.fsdecode(os.fspath(path))
    _kind, data, archive = read_checked(path)  # the sniff's zip is reused by the scan below
    hidden: dict[str, frozenset[int]] = {}
    with archive:
        names, errors, far, controls = _workbook_facts(data, hidden, archive)
    if far:  # cells far beyond the form: read without them (see youzhi.sheet_area)
        try:
            data = replace_parts(data, {member: xml for member, xml, _ in far.values()})
        except _SCAN_ERRORS:
            raise UnreadableWorkbook("無法開啟活頁簿（檔案可能已損毀）") from None
    grids = _load_calamine(path, data) if engine == "calamine" else _load_openpyxl(path, data)
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
        raise UnreadableWorkbook(reason_of(exc)) from None
    return WorkbookGrids(path, sheets)


_DEFINED_NAME = re.compile(r"<definedName\b([^>]*)>([^<]*)</definedName>")
_NAME_ATTR = re.compile(r'\bname="([^"]*)"')


def _defined_names(xml: str) -> dict[str, str]:
    """Workbook-level defined names from the text of xl/workbook.xml."""
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
        raise UnreadableWorkbook(reason_of(exc)) from None
    try:
        sheets = []
        for ws in wb.worksheets:
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


# --- error values and uncached formulas (byte-level scan of the worksheet XML) ---------------------

_SHEET_TAG = re.compile(rb"<(?:\w+:)?sheet\b([^>]*)>")
_REL_TAG = re.compile(rb"<(?:\w+:)?Relationship\b([^>]*)>")
# An error cell: t="e" among the attributes of a <c> tag, and the text of its <v>.
_ERROR_CELL = re.compile(
    rb"""<(?:\w+:)?c\b([^<>]*?\bt\s*=\s*["']e["'][^<>]*?)(?:/>|>(?:(?!</?(?:\w+:)?c\b).)*?"""
    rb"""<(?:\w+:)?v\b[^>]*>([^<]*)</(?:\w+:)?v>)""",
    re.S,
)
# A formula cell without a result: <f …/> or <f>…</f>, then no <v>, or an empty one (<v/>, <v></v>).
_UNCACHED_CELL = re.compile(
    rb"<(?:\w+:)?c\b([^<>]*)>\s*<(?:\w+:)?f\b(?:[^<>]*/>|[^<>]*>[^<]*</(?:\w+:)?f>)\s*"
    rb"(?:<(?:\w+:)?v\s*/>|<(?:\w+:)?v>\s*</(?:\w+:)?v>)?\s*</(?:\w+:)?c>"
)
# The same two, as Excel, LibreOffice, XlsxWriter and openpyxl write them (r first, no prefixes, no
# whitespace between elements): three times faster; the general patterns run when these miss a cell.
_ERROR_FAST = re.compile(
    rb'<c r="([A-Z]{1,3}[0-9]{1,7})"[^<>]*? t="e"[^<>]*>(?:<f[^<>]*/>|<f[^<>]*>[^<]*</f>)?<v>([^<]*)</v>'
)
# How a formula cell without a result ends (<v/>, <v />, <f …/> | </f> | empty <v></v>, then </c>):
# found with bytes.find, three times faster than a pattern that has to try every cell. Every pattern
# here stops at the next "<" (attributes never hold one), so a crafted part (thousands of "<c" or
# t="e" in a comment) costs time linear in its size, not quadratic.
_UNCACHED_TAILS = (b"/></c>", b"</f></c>", b"<v></v></c>")
_SHEET_NAME = re.compile(rb"""\bname\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_SHEET_RID = re.compile(rb"""\b(?:\w+:)?id\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_REL_ID = re.compile(rb"""\bId\s*=\s*["']([^"']*)["']""")
_REL_TARGET = re.compile(rb"""\bTarget\s*=\s*["']([^"']*)["']""")
_REF = re.compile(rb"""\br\s*=\s*["']([A-Za-z]{1,3}[0-9]{1,7})["']""")
_TYPE = re.compile(rb"""\bt\s*=\s*["'](\w+)["']""")
# A part holds an error value only if it says t="e"; a formula without a result only if a formula
# element closes its cell, or a self-closing <f/> or <v/> does, or a value element is empty. Indented
# XML (whitespace after <sheetData>, which no spreadsheet writer produces) always gets the full scan.
_ERROR_HINTS = (b't="e"', b"t='e'")
_UNCACHED_HINTS = (b"</f></c>", b"/></c>", b"<v></v>")
_TEXT_TYPES = (b"str", b"inlineStr", b"s")  # an empty value of these is a formula's cached ""
_SCAN_ERRORS = (KeyError, OSError, ValueError, EOFError, zipfile.BadZipFile, zlib.error, RuntimeError)


def _sheet_parts(workbook: bytes, rels: bytes) -> list[tuple[str, str]]:
    """(sheet name, zip member) of every sheet, in workbook order."""
    targets = {}
    for tag in _REL_TAG.findall(rels):
        rid, target = _REL_ID.search(tag), _REL_TARGET.search(tag)
        if rid and target:
            path = target.group(1).decode("utf-8")
            targets[rid.group(1)] = path.lstrip("/") if path.startswith("/") else f"xl/{path}"
    parts = []
    for tag in _SHEET_TAG.findall(workbook):
        name, rid = _SHEET_NAME.search(tag), _SHEET_RID.search(tag)
        member = targets.get(b"".join(rid.groups(b""))) if rid else None
        if member and name:
            parts.append((_unescape(b"".join(name.groups(b"")).decode("utf-8")), member))
    return parts


def _ref(head: bytes) -> str:
    if head.startswith(b'r="'):  # the usual shape: r comes first
        end = head.find(b'"', 3)
        if 2 <= end - 3 <= 10:
            return head[3:end].decode("ascii", "replace")
    found = _REF.search(head)
    return found.group(1).decode("ascii").upper() if found else ""


def _error_text(value: bytes | None) -> str:
    return (value or b"").decode("utf-8", "replace").strip() or "#N/A"


def _is_uncached(attrs: bytes, has_value: bool) -> bool:
    if b"t" not in attrs:
        return True  # no type: a number formula (openpyxl writes every formula so)
    kind = _TYPE.search(attrs)
    if kind is None:
        return True
    # t="str" with an empty <v>: a formula whose cached result is the empty text (Excel writes that)
    return kind.group(1) != b"e" and not (has_value and kind.group(1) in _TEXT_TYPES)


def _error_cells(xml: bytes) -> list[tuple[int, str, str]]:
    expected = sum(xml.count(hint) for hint in _ERROR_HINTS)
    found = [
        (m.start(), m.group(1).decode("ascii"), _error_text(m.group(2))) for m in _ERROR_FAST.finditer(xml)
    ]
    if len(found) != expected:
        found = [(m.start(), _ref(m.group(1)), _error_text(m.group(2))) for m in _ERROR_CELL.finditer(xml)]
    return found


def _indented(xml: bytes) -> bool:
    at = xml.find(b"<sheetData>")
    return at >= 0 and xml[at + 11 : at + 12].isspace()


def _uncached_by_tails(xml: bytes) -> list[tuple[int, str, str]]:
    """The first formula without a result (a file saved by openpyxl has hundreds: one tells)."""
    found = []
    for tail in _UNCACHED_TAILS:
        at, seen = xml.find(tail), 0
        while at >= 0:
            # the cell this tail closes starts after the previous tail (a cell holds one </c>):
            # searching back no further keeps the scan linear on crafted parts
            start = xml.rfind(b"<c ", seen, at)
            seen = at
            head_end = xml.find(b">", start, at) if start >= 0 else -1
            body = xml[head_end:at] if head_end >= 0 else b""
            if b"<f" in body and _is_uncached(
                xml[start + 3 : head_end], b"<v" in body or tail.startswith(b"<v")
            ):
                found.append((start, _ref(xml[start + 3 : head_end]), UNCACHED))
                break
            at = xml.find(tail, at + len(tail))
    return sorted(found)[:1]


def _uncached_cells(xml: bytes) -> list[tuple[int, str, str]]:
    found = []
    if not _indented(xml):
        found = _uncached_by_tails(xml)
        if found:
            return found
    for m in _UNCACHED_CELL.finditer(xml):
        if _is_uncached(m.group(1), b"<v" in m.group(0)[m.end(1) - m.start() :]):
            return [(m.start(), _ref(m.group(1)), UNCACHED)]
    return found


def _bad_cells(xml: bytes) -> list[tuple[str, str]]:
    """[(A1, kind)] of one worksheet part in sheet order, kind being the error text or ``UNCACHED``."""
    errors = any(hint in xml for hint in _ERROR_HINTS)
    uncached = any(hint in xml for hint in _UNCACHED_HINTS) or (_indented(xml) and b"<f" in xml)
    if not (errors or uncached):
        return []
    found = (_error_cells(xml) if errors else []) + (_uncached_cells(xml) if uncached else [])
    if errors and uncached:
        found.sort()
    return [(ref, kind) for _, ref, kind in found]


def _member(data: bytes, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """A member's bytes, inflated straight from ``data`` (zipfile's reader costs twice as much for a
    small part); never more than its declared size (a zip that lies about it is cut short)."""
    head = data[info.header_offset : info.header_offset + 30]
    if info.flag_bits & 1 or info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        return archive.read(info)
    if len(head) < 30 or head[:4] != b"PK\x03\x04":
        raise zipfile.BadZipFile("local header")
    start = (
        info.header_offset
        + 30
        + int.from_bytes(head[26:28], "little")
        + int.from_bytes(head[28:30], "little")
    )
    raw = data[start : start + info.compress_size]
    if info.compress_type == zipfile.ZIP_STORED:
        return raw[: info.file_size]
    return zlib.decompressobj(-15).decompress(raw, info.file_size)


Far = dict[str, tuple[str, bytes, list[str]]]  # sheet → (zip member, trimmed XML, dropped A1 refs)


Facts = tuple[dict[str, str], dict[str, list[tuple[str, str]]], Far, bool]


def _workbook_facts(
    data: bytes, hidden: dict[str, frozenset[int]] | None = None, archive: zipfile.ZipFile | None = None
) -> Facts:
    """(defined names, formula cells, sheets with far cells, whether any text may hold a control
    character) from the raw bytes of an .xlsx/.xlsm, inflating each worksheet once (``archive``: the
    zip already opened over ``data``, e.g. by ``safety.read_checked``); ``hidden`` (when given)
    receives each sheet's hidden rows."""
    try:
        if archive is None:
            with zipfile.ZipFile(io.BytesIO(data)) as opened:
                return _facts(data, opened, hidden)
        return _facts(data, archive, hidden)
    except _SCAN_ERRORS:
        return {}, {}, {}, True


def _facts(data: bytes, archive: zipfile.ZipFile, hidden) -> Facts:
    workbook = archive.read("xl/workbook.xml")
    names = _defined_names(workbook.decode("utf-8", "replace"))
    return (names, *_scan(data, archive, workbook, hidden))


# A control character as a raw byte, as Excel's _xHHHH_ escape, or maybe as a character reference: a
# part without any of these cannot give a cell text with one (so no cell is looked at for them).
_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])


def _maybe_control(xml: bytes) -> bool:
    """C-speed tests only (``in`` and ``translate``: a quarter of a millisecond for a whole form)."""
    return b"_x00" in xml or b"&#" in xml or len(xml.translate(None, _CONTROL_BYTES)) != len(xml)


_HIDDEN_ROW = re.compile(rb"<row\b([^>]*?)\bhidden=\"(?:1|true)\"")
_ROW_R = re.compile(rb"\br=\"([0-9]+)\"")


def hidden_rows(xml: bytes) -> frozenset[int]:
    """Rows of a worksheet part written ``<row r="N" … hidden="1">`` (a cheap ``in`` test first)."""
    if b'hidden="' not in xml:
        return frozenset()
    found = set()
    for m in _HIDDEN_ROW.finditer(xml):
        head = xml[m.start() : xml.find(b">", m.start())]
        number = _ROW_R.search(head)
        if number:
            found.add(int(number.group(1)))
    return frozenset(found)


def _scan(data: bytes, archive: zipfile.ZipFile, workbook: bytes, hidden=None):
    found: dict[str, list[tuple[str, str]]] = {}
    far: Far = {}
    try:
        rels = archive.read("xl/_rels/workbook.xml.rels")
    except _SCAN_ERRORS:
        return found, far, True
    infos = {info.filename: info for info in archive.infolist()}
    strings = [i for name, i in infos.items() if name.lower().endswith("sharedstrings.xml")]
    try:
        controls = any(_maybe_control(_member(data, archive, info)) for info in strings)
    except _SCAN_ERRORS:
        controls = True
    for name, member in _sheet_parts(workbook, rels):
        if member not in infos:
            continue
        try:
            xml = _member(data, archive, infos[member])
            trimmed, dropped = bound_sheet(xml)
            if dropped:
                far[name] = (member, trimmed, dropped)
            cells = _bad_cells(trimmed)
        except _SCAN_ERRORS:
            controls = True  # the engine may still read it: leave the cells to the full test
            continue
        controls = controls or _maybe_control(xml)
        if hidden is not None:
            rows = hidden_rows(xml)
            if rows:
                hidden[name] = rows
        if cells:
            found[name] = cells
    return found, far, controls


def scan_formula_cells(data: bytes) -> dict[str, list[tuple[str, str]]]:
    """{sheet: [(A1, "#REF!" | UNCACHED)]} for the sheets that have error values or formulas without a
    cached result, from the raw bytes of an .xlsx/.xlsm. Never raises: a part it cannot read is skipped
    (the engines report real damage)."""
    return _workbook_facts(data)[1]


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
