"""The hostile corpus: files a reviewer's inbox really holds, built byte by byte (no network, no LibreOffice).

Each builder writes one file and returns its path. ``hostile_corpus(folder, good)`` writes them all,
deriving the ``.xlsm`` and the formula-text cases from a good workbook, and returns
``{path: expected reason fragment or None}`` (None: a good file that must be checked normally).
"""

from __future__ import annotations

import re
import shutil
import struct
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

HOSTILE_PURPOSE = '=HYPERLINK("http://x","y")'
PLACEHOLDER = "ZZHOSTILEPURPOSEZZ"  # written into a good workbook, then swapped for HOSTILE_PURPOSE

# ---------------------------------------------------------------- compound files (OLE / CFB)
_END, _FREE, _FATSECT = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD
_SECTOR = 512
_NOSTREAM = 0xFFFFFFFF


def _dir_entry(name: str, kind: int, start: int, size: int, child: int, right: int) -> bytes:
    encoded = (name.encode("utf-16-le") + b"\x00\x00") if name else b""
    return (
        encoded.ljust(64, b"\x00")
        + struct.pack("<HBB", len(encoded), kind, 1)  # name length, type, colour black
        + struct.pack("<III", _NOSTREAM, right, child)  # left, right, child
        + b"\x00" * 16  # CLSID
        + struct.pack("<I", 0)  # state bits
        + b"\x00" * 16  # created, modified
        + struct.pack("<IQ", start, size)
    )


def compound_file(path: Path, streams: dict[str, bytes]) -> Path:
    """A minimal valid CFB v3 file holding top-level ``streams`` (each padded to ≥ 4096 bytes so it
    lives in regular sectors, no mini stream). olefile opens it; Excel would call it .xls/encrypted."""
    assert 1 <= len(streams) <= 3
    padded = {name: data.ljust(4096, b"\x00") for name, data in streams.items()}
    fat = [_FATSECT, _END]  # sector 0: the FAT, sector 1: the directory
    entries = [b""]  # root filled in below
    next_sector = 2
    names = list(padded)
    for index, name in enumerate(names):
        data = padded[name]
        count = -(-len(data) // _SECTOR)
        fat += [next_sector + i + 1 for i in range(count - 1)] + [_END]
        right = index + 2 if index + 1 < len(names) else _NOSTREAM
        entries.append(_dir_entry(name, 2, next_sector, len(data), _NOSTREAM, right))
        next_sector += count
    entries[0] = _dir_entry("Root Entry", 5, _END, 0, 1, _NOSTREAM)
    while len(entries) < 4:
        entries.append(_dir_entry("", 0, _FREE, 0, _NOSTREAM, _NOSTREAM))
    header = (
        bytes.fromhex("d0cf11e0a1b11ae1")
        + b"\x00" * 16
        + struct.pack("<HHHHH", 0x003E, 0x0003, 0xFFFE, 9, 6)
        + b"\x00" * 6
        + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, _END, 0, _END, 0)
        + struct.pack("<I", 0)
        + struct.pack("<I", _FREE) * 108
    )
    assert len(header) == _SECTOR
    fat_sector = b"".join(struct.pack("<I", v) for v in fat).ljust(_SECTOR, b"\xff")
    body = b"".join(padded[name].ljust(-(-len(padded[name]) // _SECTOR) * _SECTOR, b"\x00") for name in names)
    path.write_bytes(header + fat_sector + b"".join(entries) + body)
    return path


def xls_file(path: Path) -> Path:
    """An Excel 97-2003 workbook as far as any sniffer can tell: a compound file with a BIFF8 stream."""
    bof = struct.pack("<HHHH", 0x0809, 8, 0x0600, 0x0005) + b"\x00" * 4
    return compound_file(path, {"Workbook": bof})


def encrypted_file(path: Path) -> Path:
    """A password-protected .xlsx as Excel writes it: a compound file with the agile-encryption streams."""
    info = struct.pack("<HHI", 4, 4, 0x40) + b'<?xml version="1.0"?><encryption/>'
    return compound_file(
        path, {"EncryptionInfo": info, "EncryptedPackage": struct.pack("<Q", 1234) + b"\x5a" * 64}
    )


# ---------------------------------------------------------------- zips
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="xml" ContentType="application/xml"/></Types>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheets/></workbook>'
)


def corrupt_zip(path: Path, good: Path) -> Path:
    """The first half of a good workbook: a download cut short (no central directory)."""
    data = good.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def zip_bomb(path: Path, megabytes: int = 200) -> Path:
    """A 'workbook' whose one sheet inflates to ``megabytes`` MB of zeros (~200 KB on disk), streamed."""
    chunk = b"\x00" * (1024 * 1024)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            for _ in range(megabytes):
                member.write(chunk)
    return path


def lying_bomb(path: Path, good: Path, megabytes: int = 60) -> Path:
    """A good workbook whose first sheet inflates to ``megabytes`` MB of ``<row/>`` while the zip's
    central directory declares 1,000 bytes: the size check passes, the reader must still stop."""
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            if item.filename != "xl/worksheets/sheet1.xml":
                target.writestr(item, source.read(item.filename))
                continue
            with target.open(item.filename, "w") as member:
                member.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
                member.write(b"<sheetData>")
                chunk = b"<row/>" * (1024 * 1024 // 6)
                for _ in range(megabytes):
                    member.write(chunk)
                member.write(b"</sheetData></worksheet>")
    data = bytearray(path.read_bytes())
    name = b"xl/worksheets/sheet1.xml"
    at = 0
    while (at := data.find(name, at + 1)) > 0:
        header = at - 46  # central directory entry: its uncompressed size is at offset 24
        if data[header : header + 4] == b"PK\x01\x02":
            struct.pack_into("<I", data, header + 24, 1000)
    path.write_bytes(bytes(data))
    return path


def million_rows(path: Path, rows: int = 1_048_576) -> Path:
    """A real, well-formed workbook with one sheet of a million numbered rows (sheet XML written directly)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            "</Types>",
        )
        archive.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Target="xl/workbook.xml" Type="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships/officeDocument"/></Relationships>',
        )
        archive.writestr(
            "xl/workbook.xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<sheets><sheet name="A(8-12月)" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Target="worksheets/sheet1.xml" Type="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships/worksheet"/></Relationships>',
        )
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            member.write(
                b'<?xml version="1.0" encoding="UTF-8"?>'
                b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            )
            step = 10_000
            for start in range(1, rows + 1, step):
                stop = min(start + step, rows + 1)
                member.write(
                    "".join(
                        f'<row r="{r}"><c r="A{r}"><v>{r}</v></c><c r="D{r}"><v>{r % 97}</v></c></row>'
                        for r in range(start, stop)
                    ).encode()
                )
            member.write(b"</sheetData></worksheet>")
    return path


def far_cell(path: Path, good: Path) -> Path:
    """A good workbook with one stray value typed in the sheet's last row (1,048,576): a tiny file
    whose first sheet spans a million rows for any reader that fills the used range."""
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                stray = b'<row r="1048576"><c r="H1048576" t="inlineStr"><is><t>x</t></is></c></row>'
                data = data.replace(b"</sheetData>", stray + b"</sheetData>")
                data = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:H1048576"/>', data)
            target.writestr(item, data)
    return path


def with_macros(path: Path, good: Path) -> Path:
    """A good workbook plus a VBA project (bytes that never run): an .xlsm as schools send them."""
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "[Content_Types].xml":
                data = data.replace(
                    b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                    b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
                ).replace(
                    b"</Types>",
                    b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>',
                )
            target.writestr(item, data)
        target.writestr("xl/vbaProject.bin", bytes.fromhex("d0cf11e0a1b11ae1") + b'Sub AutoOpen(): Shell "x"')
    return path


def swap_placeholder(path: Path, good_with_placeholder: Path, text: str = HOSTILE_PURPOSE) -> Path:
    """Copy a workbook, replacing the text ``PLACEHOLDER`` in its string cells by ``text`` (still a
    string cell, never a formula): how formula-like text typed after an apostrophe looks in the file."""
    needle, replacement = PLACEHOLDER.encode(), escape(text, {'"': "&quot;"}).encode()
    with (
        zipfile.ZipFile(good_with_placeholder) as source,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        found = False
        for item in source.infolist():
            data = source.read(item.filename)
            if needle in data:
                found = True
                data = data.replace(needle, replacement)
            target.writestr(item, data)
    assert found, f"{PLACEHOLDER} not found in {good_with_placeholder}"
    return path


# ---------------------------------------------------------------- the corpus
EXPECTED = {
    "empty.xlsx": "檔案是空的",
    "old.xlsx": "舊版 Excel 97-2003",
    "old.xls": None,  # not collected at all: batch only takes .xlsx/.xlsm
    "encrypted.xlsx": "檔案已加密",
    "renamed.xlsx": "看起來是 CSV",
    "truncated.xlsx": "檔案已損毀",
    "bomb.xlsx": "疑似 zip bomb",
    "million.xlsx": "工作表過大",
    "word.xlsx": "缺少工作表",
    "liar.xlsx": "檔案可能已損毀",
}
PASSES_SAFETY = {"liar.xlsx"}  # its declared sizes are harmless: the reader is what stops it


def hostile_corpus(folder: Path, good: Path) -> dict[Path, str]:
    """Write every bad file into ``folder``; returns ``{path: expected reason fragment}``."""
    folder.mkdir(parents=True, exist_ok=True)
    made = {
        (folder / "empty.xlsx"): EXPECTED["empty.xlsx"],
        xls_file(folder / "old.xlsx"): EXPECTED["old.xlsx"],
        encrypted_file(folder / "encrypted.xlsx"): EXPECTED["encrypted.xlsx"],
        corrupt_zip(folder / "truncated.xlsx", good): EXPECTED["truncated.xlsx"],
        zip_bomb(folder / "bomb.xlsx"): EXPECTED["bomb.xlsx"],
        million_rows(folder / "million.xlsx"): EXPECTED["million.xlsx"],
        lying_bomb(folder / "liar.xlsx", good): EXPECTED["liar.xlsx"],
    }
    (folder / "empty.xlsx").write_bytes(b"")
    renamed = folder / "renamed.xlsx"
    renamed.write_text("學校,項目,金額\n○○高中,諮詢費,10000\n", encoding="utf-8")
    made[renamed] = EXPECTED["renamed.xlsx"]
    word = folder / "word.xlsx"
    with zipfile.ZipFile(word, "w") as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("word/document.xml", "<w:document/>")
    made[word] = EXPECTED["word.xlsx"]
    xls_file(folder / "old.xls")  # wrong extension: never collected
    return made


def copy_good(folder: Path, good: Path, name: str) -> Path:
    target = folder / name
    shutil.copyfile(good, target)
    return target


def stray_cells(path: Path, good: Path, ref: str, sheets: int = 1) -> Path:
    """A good workbook with one value typed at ``ref`` (e.g. XFD1048576) on its first ``sheets``
    worksheets: a file of a few KB whose grid, filled densely, has billions of cells."""
    row = re.match(r"[A-Z]+([0-9]+)", ref).group(1)
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            number = re.fullmatch(r"xl/worksheets/sheet([0-9]+)\.xml", item.filename)
            if number and int(number.group(1)) <= sheets:
                stray = f'<row r="{row}"><c r="{ref}"><v>1</v></c></row>'.encode()
                data = data.replace(b"</sheetData>", stray + b"</sheetData>")
                data = re.sub(rb'<dimension ref="[^"]*"/>', f'<dimension ref="A1:{ref}"/>'.encode(), data)
            target.writestr(item, data)
    return path


def patch_sheet(
    path: Path, good: Path, before: bytes, after: bytes, member: str = "xl/worksheets/sheet1.xml"
) -> Path:
    """A good workbook with ``before`` replaced by ``after`` in one part (crafted XML)."""
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == member:
                assert before in data, (member, before)
                data = data.replace(before, after, 1)
            target.writestr(item, data)
    return path
