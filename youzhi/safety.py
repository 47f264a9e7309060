"""File safety: decide cheaply, before any reader touches a file, whether it is a workbook we may open.

``check_file(path)`` returns ``"xlsx"`` or ``"xlsm"``, or raises ``UnreadableWorkbook`` with one zh-TW
line that a reviewer can act on (missing, empty, too large, .xls, encrypted, CSV renamed, corrupt zip,
zip bomb, a worksheet too large to be a budget form, no workbook part). It reads only the first bytes
and the zip's central directory (declared sizes): nothing is extracted, nothing is written, macros are
never looked at beyond their presence. Cost: well under a millisecond for a normal workbook.
``read_checked(path)`` makes the same checks and hands the reader what they read (the bytes and the
open zip), so a file is read and its central directory parsed once per check.
"""

from __future__ import annotations

import io
import os
import re
import zipfile

from youzhi.errors import UnreadableWorkbook

MB = 1024 * 1024

MAX_FILE_BYTES = 50 * MB  # a budget workbook is ~30–300 KB; 50 MB is far beyond any real one
MAX_UNCOMPRESSED_BYTES = 300 * MB  # sum of the declared sizes of every zip member
MAX_MEMBER_BYTES = 100 * MB  # any one zip member
MAX_SHEET_XML_BYTES = 40 * MB  # one worksheet's XML (~ several hundred thousand rows of cells)
MAX_RATIO = 200  # uncompressed / compressed of one member (real sheet XML: 5–30×; zeros: 1000×)
RATIO_FLOOR_BYTES = 4 * MB  # a high ratio only matters for members larger than this

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_ENCRYPTION_STREAMS = ("EncryptionInfo", "EncryptedPackage")
_XLS_STREAMS = ("Workbook", "Book")
_HEAD_BYTES = 4096


def _mb(n: int) -> str:
    return f"{n / MB:,.0f}"


def check_file(
    path: str | os.PathLike,
    *,
    max_bytes: int = MAX_FILE_BYTES,
    max_uncompressed: int = MAX_UNCOMPRESSED_BYTES,
    max_sheet_xml: int = MAX_SHEET_XML_BYTES,
) -> str:
    """Return ``"xlsx"`` or ``"xlsm"`` for a workbook safe to open; raise ``UnreadableWorkbook`` otherwise."""
    path = os.fspath(path)
    _check_size(path, max_bytes)
    try:
        with open(path, "rb") as handle:
            head = handle.read(_HEAD_BYTES)
    except OSError as exc:
        raise UnreadableWorkbook(f"無法讀取檔案（{exc.strerror or exc}）") from None
    _check_head(path, head)
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise UnreadableWorkbook("檔案已損毀（不是有效的 xlsx 壓縮檔）") from None
    return _check_members(members, max_uncompressed=max_uncompressed, max_sheet_xml=max_sheet_xml)


def read_checked(path: str | os.PathLike) -> tuple[str, bytes, zipfile.ZipFile]:
    """``check_file`` that keeps what it read: (kind, the file's bytes, its zip opened over them), so
    a reader inflates its parts without reading the file or its central directory again. The caller
    closes the zip. The size is checked before the file is read into memory."""
    path = os.fspath(path)
    _check_size(path, MAX_FILE_BYTES)
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise UnreadableWorkbook(f"無法讀取檔案（{exc.strerror or exc}）") from None
    if len(data) > MAX_FILE_BYTES:  # grew since the stat
        raise UnreadableWorkbook(f"檔案過大（超過 {_mb(MAX_FILE_BYTES)} MB）")
    _check_head(path, data[:_HEAD_BYTES])
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise UnreadableWorkbook("檔案已損毀（不是有效的 xlsx 壓縮檔）") from None
    try:
        kind = _check_members(
            archive.infolist(), max_uncompressed=MAX_UNCOMPRESSED_BYTES, max_sheet_xml=MAX_SHEET_XML_BYTES
        )
    except UnreadableWorkbook:
        archive.close()
        raise
    return kind, data, archive


def _check_size(path: str, max_bytes: int) -> None:
    try:
        stat = os.stat(path)
    except FileNotFoundError:
        raise UnreadableWorkbook("檔案不存在") from None
    except OSError as exc:
        raise UnreadableWorkbook(f"無法讀取檔案（{exc.strerror or exc}）") from None
    if os.path.isdir(path):
        raise UnreadableWorkbook("這是資料夾，不是檔案")
    if stat.st_size == 0:
        raise UnreadableWorkbook("檔案是空的")
    if stat.st_size > max_bytes:
        raise UnreadableWorkbook(f"檔案過大（{_mb(stat.st_size)} MB，上限 {_mb(max_bytes)} MB）")


def _check_head(path: str, head: bytes) -> None:
    if head.startswith(OLE_MAGIC):
        raise UnreadableWorkbook(_ole_reason(path))
    if not head.startswith(ZIP_MAGICS):
        if _looks_like_text(head):
            raise UnreadableWorkbook("這不是 Excel 檔（看起來是 CSV 或文字檔）")
        raise UnreadableWorkbook("檔案已損毀（不是有效的 xlsx 壓縮檔）")


def _check_members(members: list[zipfile.ZipInfo], *, max_uncompressed: int, max_sheet_xml: int) -> str:
    names = set()
    total = 0
    for member in members:
        names.add(member.filename.replace("\\", "/").lstrip("/").lower())
        size = member.file_size
        total += size
        ratio = size / max(member.compress_size, 1)
        if size > MAX_MEMBER_BYTES or (size > RATIO_FLOOR_BYTES and ratio > MAX_RATIO):
            raise UnreadableWorkbook(
                f"壓縮內容異常（疑似 zip bomb：{member.filename} 解壓後 {_mb(size)} MB，"
                f"壓縮比 {ratio:,.0f} 倍）"
            )
        if _is_worksheet(member.filename) and size > max_sheet_xml:
            raise UnreadableWorkbook(
                f"工作表過大（{member.filename} 解壓後 {_mb(size)} MB，上限 {_mb(max_sheet_xml)} MB），"
                "不像經費表，請刪除多餘的列後再送"
            )
    if total > max_uncompressed:
        raise UnreadableWorkbook(f"壓縮內容異常（疑似 zip bomb：解壓後 {_mb(total)} MB）")
    if "xl/workbook.xml" not in names:
        if "xl/workbook.bin" in names:
            raise UnreadableWorkbook("這是 Excel 二進位活頁簿（.xlsb），請另存為 .xlsx")
        if "word/document.xml" in names or "ppt/presentation.xml" in names:
            raise UnreadableWorkbook("這不是 Excel 檔（是 Word 或 PowerPoint 文件），缺少工作表")
        raise UnreadableWorkbook("缺少工作表（壓縮檔內沒有 xl/workbook.xml，不是 Excel 活頁簿）")
    if "xl/vbaproject.bin" in names:
        return "xlsm"
    return "xlsx"


def _is_worksheet(name: str) -> bool:
    name = name.replace("\\", "/").lstrip("/").lower()
    return name.startswith("xl/worksheets/") and name.endswith(".xml")


def _ole_reason(path: str) -> str:
    """An OLE compound file: an encrypted OOXML workbook, an old .xls, or something else entirely."""
    streams = _ole_stream_names(path)
    if any(name in streams for name in _ENCRYPTION_STREAMS):
        return "檔案已加密（有密碼保護），請移除密碼後再送"
    if any(name in streams for name in _XLS_STREAMS):
        return "這是舊版 Excel 97-2003 (.xls) 檔案，請另存為 .xlsx"
    if streams:
        return "這不是 Excel 檔（是其他 Office 舊格式文件）"
    return "這是舊版 Office 格式（OLE）檔案且無法辨識，請用 Excel 另存為 .xlsx"


def _ole_stream_names(path: str) -> set[str]:
    """Top-level stream and storage names of a compound file (olefile, then a byte search as fallback)."""
    try:
        import olefile

        with olefile.OleFileIO(path) as ole:
            return {entry[-1] for entry in ole.listdir(streams=True, storages=True)}
    except Exception:  # a malformed directory must not stop the check: fall back to bytes
        pass
    with open(path, "rb") as handle:
        data = handle.read(MAX_FILE_BYTES)
    names = (*_ENCRYPTION_STREAMS, *_XLS_STREAMS)
    return {name for name in names if name.encode("utf-16-le") + b"\x00\x00" in data}


def _looks_like_text(head: bytes) -> bool:
    """CSV, TSV, HTML or plain text renamed to .xlsx: no NUL bytes and decodable as a common encoding."""
    if b"\x00" in head:
        return head.startswith((b"\xff\xfe", b"\xfe\xff"))  # UTF-16 text with a BOM
    sample = head[: len(head) - 4] if len(head) == _HEAD_BYTES else head  # a cut multibyte char at the end
    for encoding in ("utf-8-sig", "cp950", "big5hkscs"):
        try:
            text = sample.decode(encoding)
        except UnicodeDecodeError:
            continue
        printable = sum(ch.isprintable() or ch in "\r\n\t" for ch in text)
        return printable >= 0.95 * max(len(text), 1)
    return False


# ---------------------------------------------------------------- text from a submission
# Control characters a cell must not carry into what the tool writes: openpyxl refuses them (XML 1.0
# forbids them) and a terminal would obey them (ESC starts ANSI sequences that recolour, retitle or
# clear the screen). Tab, LF and CR are ordinary cell text.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# On a terminal also C1 controls (0x9b is a one-byte CSI) and the bidirectional overrides that make
# text read differently from what it is ("Trojan source").
_TERMINAL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_TERMINAL_CR = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
CONTROL_NOTE = "含控制字元（如 ESC、NUL 等不可見字元，可能是複製貼上帶入），已移除後讀取"


def strip_controls(text: str) -> str:
    return CONTROL.sub("", text)


def has_controls(text: str) -> bool:
    return CONTROL.search(text) is not None


def terminal_text(text: str, *, keep_cr: bool = False) -> str:
    """``text`` safe to print: every control character shown as ``\\x1b``-style escapes."""
    pattern = _TERMINAL_CR if keep_cr else _TERMINAL
    return pattern.sub(
        lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 256 else f"\\u{ord(m.group()):04x}", text
    )


def put_value(cell, value) -> None:
    """Write ``value`` into an openpyxl cell so that text stays text: ``=…`` typed in a submission
    (school name, item, sheet name …) must never become a live formula, and control characters are
    dropped (openpyxl would raise IllegalCharacterError)."""
    if isinstance(value, str):
        cell.value = strip_controls(value)
        if cell.data_type == "f":
            cell.data_type = "s"
    else:
        cell.value = value


# CSV injection guard (OWASP "CSV Injection"): a field that a spreadsheet would read as a formula or
# a DDE command starts with = + - @ or a tab / CR; a leading apostrophe makes it text (Excel hides it).
CSV_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def csv_field(value):
    if isinstance(value, str) and value.startswith(CSV_TRIGGERS):
        return "'" + value
    return value


def clean_workbook(wb) -> list[str]:
    """Drop control characters from the text cells of an openpyxl workbook; ``["sheet!A1", …]``."""
    cleaned = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                value = cell.value
                if isinstance(value, str) and CONTROL.search(value):
                    put_value(cell, value)
                    cleaned.append(f"{ws.title}!{cell.coordinate}")
    return cleaned


def strip_control_characters(sheets: list) -> dict[str, list[str]]:
    """Remove control characters from every text cell (a terminal would obey an ESC, openpyxl cannot
    save a NUL); {sheet: [A1 …]} of the cells changed. ``str.isprintable`` (C speed) lets almost
    every cell through untested."""
    from youzhi.a1 import get_column_letter

    found: dict[str, list[str]] = {}
    for grid in sheets:
        for r, row in enumerate(grid.rows, start=1):
            for c, value in enumerate(row, start=1):
                if value.__class__ is str and not value.isprintable() and CONTROL.search(value):
                    row[c - 1] = CONTROL.sub("", value)
                    found.setdefault(grid.name, []).append(f"{get_column_letter(c)}{r}")
    return found


_RAW_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def openable(path: str | os.PathLike):
    """``path``, or an in-memory copy whose XML parts lost their raw control bytes: XML 1.0 forbids
    them, so openpyxl refuses the whole file, where calamine reads it. (Bytes below 0x20 never occur
    inside a UTF-8 sequence, so removing them cannot break a character.)"""
    import io

    with zipfile.ZipFile(path) as archive:
        members = [(info, archive.read(info)) for info in archive.infolist()]
    dirty = [
        info.filename
        for info, data in members
        if info.filename.endswith(".xml") and _RAW_CONTROL.search(data)
    ]
    if not dirty:
        return path
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in members:
            target.writestr(info, _RAW_CONTROL.sub(b"", data) if info.filename in dirty else data)
    out.seek(0)
    return out
