"""Byte-level scans of an .xlsx/.xlsm's XML, for what the value engines hide or cannot say.

python-calamine reads error values and formulas without a cached result as ``""``; openpyxl reads
errors as ``"#REF!"`` … and uncached formulas as ``None``. ``workbook_facts`` inflates each worksheet
once, straight from the bytes ``safety.read_checked`` already holds, and finds: the error cells and
the first formula without a result (``scan_formula_cells``; a part without ``t="e"`` and without an
empty formula result is skipped after a few ``in`` tests), the hidden rows, whether any text may hold
a control character, the cells far beyond the form (``youzhi.sheet_area``) and the workbook's defined
names. ``youzhi.sheets.load_grids`` records what it finds on the ``WorkbookGrids``. The patterns and
fast paths are tuned (see ``benchmarks/``): every pattern stops at the next ``<``, so a crafted part
costs time linear in its size.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Collection

from youzhi.sheet_area import bound_sheet

UNCACHED = "未計算公式"  # the kind recorded for a formula cell that holds no result

# --- defined names (xl/workbook.xml) ---------------------------------------------------------------

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


# --- error values and uncached formulas (worksheet XML) -------------------------------------------

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
SCAN_ERRORS = (KeyError, OSError, ValueError, EOFError, zipfile.BadZipFile, zlib.error, RuntimeError)


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


def workbook_facts(
    data: bytes,
    hidden: dict[str, frozenset[int]] | None = None,
    archive: zipfile.ZipFile | None = None,
    skip: Collection[str] = (),
) -> Facts:
    """(defined names, formula cells, sheets with far cells, whether any text may hold a control
    character) from the raw bytes of an .xlsx/.xlsm, inflating each worksheet once (``archive``: the
    zip already opened over ``data``, e.g. by ``safety.read_checked``); ``hidden`` (when given)
    receives each sheet's hidden rows; the sheets named in ``skip`` (whose values are not read) are
    not looked at."""
    try:
        if archive is None:
            with zipfile.ZipFile(io.BytesIO(data)) as opened:
                return _facts(data, opened, hidden, skip)
        return _facts(data, archive, hidden, skip)
    except SCAN_ERRORS:
        return {}, {}, {}, True


def _facts(data: bytes, archive: zipfile.ZipFile, hidden, skip: Collection[str]) -> Facts:
    workbook = archive.read("xl/workbook.xml")
    names = _defined_names(workbook.decode("utf-8", "replace"))
    return (names, *_scan(data, archive, workbook, hidden, skip))


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


def _scan(data: bytes, archive: zipfile.ZipFile, workbook: bytes, hidden=None, skip: Collection[str] = ()):
    found: dict[str, list[tuple[str, str]]] = {}
    far: Far = {}
    try:
        rels = archive.read("xl/_rels/workbook.xml.rels")
    except SCAN_ERRORS:
        return found, far, True
    infos = {info.filename: info for info in archive.infolist()}
    strings = [i for name, i in infos.items() if name.lower().endswith("sharedstrings.xml")]
    try:
        controls = any(_maybe_control(_member(data, archive, info)) for info in strings)
    except SCAN_ERRORS:
        controls = True
    for name, member in _sheet_parts(workbook, rels):
        if member not in infos or name in skip:
            continue
        try:
            xml = _member(data, archive, infos[member])
            trimmed, dropped = bound_sheet(xml)
            if dropped:
                far[name] = (member, trimmed, dropped)
            cells = _bad_cells(trimmed)
        except SCAN_ERRORS:
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
    return workbook_facts(data)[1]
