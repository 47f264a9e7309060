"""A minimal streaming .xlsx writer for large, plain tables (the batch report).

Why not XlsxWriter: it costs ~8 µs a cell, and a report of 1,000 schools holds over a million cells.
Here a row is rendered once to XML (``row_xml``, ~1 µs a cell, and it can run in the worker process
that read the school's file) with ``ROW`` standing where the row number goes; the sheet numbers the
rows as it deflates them into a temporary file, and ``close`` writes the zip around those compressed
bytes (copied as they are, never compressed twice). Memory stays flat; temporary disk is about the
report's own size.

What it writes: text as inline strings (never formulas: a cell that reads ``=HYPERLINK(…)`` stays
text), numbers with a few number formats, a bold shaded header row, frozen header, autofilter
(with the ``_FilterDatabase`` names Excel writes), column widths and ``cellIs`` conditional fills;
print setup (A4 landscape, fitted to the page width, header row repeated on every page, 第 n 頁 footer)
and the parts Excel-made files carry: theme, docProps (core, app).
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
from xml.sax.saxutils import escape, quoteattr

from youzhi.a1 import get_column_letter
from youzhi.xlsx_theme import THEME_XML
from youzhi.xlsx_zip import Member, in_memory, write_zip

ROW = "\x00"  # stands for the row number in a rendered row (never in escaped text: NUL is escaped)
_ROW_BYTES = ROW.encode()
MAX_ROWS = 1_048_576
MAX_TEXT = 32_767
_LETTERS = [get_column_letter(i) for i in range(1, 101)]

# Style ids (cellXfs order in STYLES below) by column kind.
STYLE = {"text": 0, "header": 1, "money": 2, "int": 3, "ratio": 4, "number": 0, "any": 0}

_NEEDS_ESCAPE = re.compile(r"[&<>\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|_x[0-9A-Fa-f]{4}_")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|_(?=x[0-9A-Fa-f]{4}_)")

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
DOC_REL = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"
APP_REL = f"{REL}/extended-properties"
# Print setup: A4 (paperSize 9), landscape, one page wide and as many pages tall as needed.
PAGE_SETUP = '<pageSetup paperSize="9" orientation="landscape" fitToWidth="1" fitToHeight="0"/>'
FOOTER = "<headerFooter><oddFooter>&amp;C第 &amp;P 頁，共 &amp;N 頁</oddFooter></headerFooter>"


def xml_text(text: str) -> str:
    """Text as Excel stores it: XML-escaped, control characters as ``_xHHHH_``, at most 32,767 chars."""
    if len(text) > MAX_TEXT:
        text = text[:MAX_TEXT]
    if text.isprintable() and "&" not in text and "<" not in text and ">" not in text and "_x" not in text:
        return text  # the common case, decided by C-speed scans
    if not _NEEDS_ESCAPE.search(text):
        return text
    text = _CONTROL.sub(lambda m: f"_x{ord(m.group()):04X}_", text)
    return escape(text)


_ROW_OPEN = f'<row r="{ROW}">'
_TEXT = [f'<c r="{letter}{ROW}" t="inlineStr"><is><t>' for letter in _LETTERS]
_TEXT_KEEP = [f'<c r="{letter}{ROW}" t="inlineStr"><is><t xml:space="preserve">' for letter in _LETTERS]
_NUMBER = {
    style: [f'<c r="{letter}{ROW}" s="{style}"><v>' for letter in _LETTERS] for style in set(STYLE.values())
}


def row_xml(values, kinds) -> str:
    """One row rendered with ``ROW`` for its number; ``kinds`` are column kinds (see ``STYLE``).

    Blank cells (None, "") are left out; NaN and infinities too (they have no cell value). Hot path:
    ~60 rows a school, so the cell openings are prepared once per column.
    """
    parts = [_ROW_OPEN]
    add = parts.append
    for index, value in enumerate(values):
        kind = type(value)
        if kind is str:
            if not value:
                continue
            add((_TEXT_KEEP if value[0].isspace() or value[-1].isspace() else _TEXT)[index])
            add(xml_text(value))
            add("</t></is></c>")
        elif kind is int:
            add(_NUMBER[STYLE[kinds[index]]][index])
            add(str(value))
            add("</v></c>")
        elif value is None:
            continue
        elif kind is float:
            if math.isfinite(value):
                add(_NUMBER[STYLE[kinds[index]]][index])
                add(repr(value))
                add("</v></c>")
        elif kind is bool:
            add(f'<c r="{_LETTERS[index]}{ROW}" t="b"><v>{int(value)}</v></c>')
        elif isinstance(value, int):  # int subclasses (IntEnum …)
            add(_NUMBER[STYLE[kinds[index]]][index])
            add(str(int(value)))
            add("</v></c>")
        else:
            add(_TEXT[index])
            add(xml_text(str(value)))
            add("</t></is></c>")
    add("</row>")
    return "".join(parts)


class Sheet:
    """Rows appended in order, deflated into a temporary file; see ``Book.sheet``."""

    def __init__(self, name: str, headers: list[str], widths: list[float], folder: str | None):
        self.name, self.headers, self.widths = name, headers, widths
        self.conditional: list[tuple[int, str, str]] = []  # (column index, equals text, fill rgb)
        self._member = Member(spool=True, folder=folder)
        self.rows = 0
        cols = "".join(
            f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>' for i, w in enumerate(widths, 1)
        )
        self._member.write(
            (
                f'{XML_HEAD}<worksheet xmlns="{MAIN}" xmlns:r="{REL}">'
                '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr><sheetViews><sheetView workbookViewId="0">'
                '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
                '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
                f'<sheetFormatPr defaultRowHeight="15"/><cols>{cols}</cols><sheetData>'
            ).encode()
        )
        self.add(row_xml(headers, ["text"] * len(headers)).replace("<c ", '<c s="1" '))

    @property
    def full(self) -> bool:
        return self.rows >= MAX_ROWS

    def add(self, rendered: str | bytes) -> None:
        """Append a row from ``row_xml`` (as ``str``, or encoded UTF-8 as it comes from a worker)."""
        self.rows += 1
        if isinstance(rendered, str):
            rendered = rendered.encode("utf-8", "replace")
        self._member.write(rendered.replace(_ROW_BYTES, b"%d" % self.rows))

    @property
    def filter_range(self) -> str:
        return f"$A$1:${_LETTERS[len(self.headers) - 1]}${max(self.rows, 2)}"

    def highlight(self, column: int, equals: str, rgb: str) -> None:
        self.conditional.append((column, equals, rgb))

    def _finish(self, dxf_ids: dict[str, int]) -> Member:
        tail = f'</sheetData><autoFilter ref="{self.filter_range.replace("$", "")}"/>'
        for priority, (column, equals, rgb) in enumerate(self.conditional, 1):
            letter = _LETTERS[column]
            tail += (
                f'<conditionalFormatting sqref="{letter}2:{letter}{MAX_ROWS}">'
                f'<cfRule type="cellIs" dxfId="{dxf_ids[rgb]}" priority="{priority}" operator="equal">'
                f"<formula>{escape(_quote(equals))}</formula></cfRule></conditionalFormatting>"
            )
        tail += '<pageMargins left="0.5" right="0.5" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
        self._member.write((tail + PAGE_SETUP + FOOTER + "</worksheet>").encode())
        self._member.finish()
        return self._member

    def close(self) -> None:
        self._member.close()


def _quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


class Book:
    """``sheet(name, headers, widths)`` → ``Sheet``; ``close(path)`` writes the .xlsx (not atomically:
    give it a temporary path and rename)."""

    def __init__(self, font: str = "Calibri", folder: str | None = None):
        self.font = font
        self.sheets: list[Sheet] = []
        self.folder = folder

    def sheet(self, name: str, headers: list[str], widths: list[float]) -> Sheet:
        sheet = Sheet(name, headers, widths, self.folder)
        self.sheets.append(sheet)
        return sheet

    def discard(self) -> None:
        """Drop the sheets' temporary files without writing anything."""
        for sheet in self.sheets:
            sheet.close()

    def close(self, path: str | os.PathLike) -> None:
        fills = sorted({rgb for s in self.sheets for _, _, rgb in s.conditional})
        dxf_ids = {rgb: i for i, rgb in enumerate(fills)}
        parts = {
            "[Content_Types].xml": self._content_types(),
            "_rels/.rels": _package_rels(),
            "docProps/core.xml": _core(),
            "docProps/app.xml": self._app(),
            "xl/theme/theme1.xml": THEME_XML,
            "xl/workbook.xml": self._workbook(),
            "xl/_rels/workbook.xml.rels": _rels(
                [("worksheet", f"worksheets/sheet{i}.xml") for i in range(1, len(self.sheets) + 1)]
                + [("styles", "styles.xml"), ("theme", "theme/theme1.xml")]
            ),
            "xl/styles.xml": self._styles(fills),
        }
        try:
            members = [(name, in_memory(text)) for name, text in parts.items()]
            for i, sheet in enumerate(self.sheets, 1):
                members.append((f"xl/worksheets/sheet{i}.xml", sheet._finish(dxf_ids)))
            with open(path, "wb") as out:
                write_zip(out, members)
        finally:
            for sheet in self.sheets:
                sheet.close()

    def _content_types(self) -> str:
        kind = "application/vnd.openxmlformats-officedocument.spreadsheetml"
        sheets = "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{kind}.worksheet+xml"/>'
            for i in range(1, len(self.sheets) + 1)
        )
        return (
            f'{XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{kind}.sheet.main+xml"/>'
            f'<Override PartName="/xl/styles.xml" ContentType="{kind}.styles+xml"/>{sheets}'
            '<Override PartName="/xl/theme/theme1.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.theme+xml"/>'
            '<Override PartName="/docProps/core.xml" '
            'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
            '<Override PartName="/docProps/app.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/></Types>'
        )

    def _app(self) -> str:
        """docProps/app.xml: the sheet names as Excel lists them (TitlesOfParts)."""
        names = "".join(f"<vt:lpstr>{escape(s.name)}</vt:lpstr>" for s in self.sheets)
        count = len(self.sheets)
        return (
            f'{XML_HEAD}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
            'extended-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
            "<Application>Microsoft Excel</Application><DocSecurity>0</DocSecurity>"
            '<ScaleCrop>false</ScaleCrop><HeadingPairs><vt:vector size="2" baseType="variant">'
            f"<vt:variant><vt:lpstr>工作表</vt:lpstr></vt:variant><vt:variant><vt:i4>{count}</vt:i4>"
            f'</vt:variant></vt:vector></HeadingPairs><TitlesOfParts><vt:vector size="{count}" '
            f'baseType="lpstr">{names}</vt:vector></TitlesOfParts><AppVersion>16.0300</AppVersion></Properties>'
        )

    def _workbook(self) -> str:
        sheets = "".join(
            f'<sheet name={quoteattr(s.name)} sheetId="{i}" r:id="rId{i}"/>'
            for i, s in enumerate(self.sheets, 1)
        )
        names = "".join(
            f'<definedName name="_xlnm._FilterDatabase" localSheetId="{i}" hidden="1">'
            f"{escape(_sheet_ref(s.name))}!{s.filter_range}</definedName>"
            for i, s in enumerate(self.sheets)
        ) + "".join(  # the header row printed on every page
            f'<definedName name="_xlnm.Print_Titles" localSheetId="{i}">'
            f"{escape(_sheet_ref(s.name))}!$1:$1</definedName>"
            for i, s in enumerate(self.sheets)
        )
        return (
            f'{XML_HEAD}<workbook xmlns="{MAIN}" xmlns:r="{REL}"><bookViews><workbookView/></bookViews>'
            f"<sheets>{sheets}</sheets><definedNames>{names}</definedNames></workbook>"
        )

    def _styles(self, fills: list[str]) -> str:
        font = f'<sz val="11"/><name val={quoteattr(self.font)}/><family val="2"/>'
        thin = '<left style="thin"/><right style="thin"/><top style="thin"/><bottom style="thin"/><diagonal/>'
        xfs = (
            '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
            '<xf numFmtId="0" fontId="1" fillId="2" borderId="1" xfId="0" applyFont="1" applyFill="1" '
            'applyBorder="1"/>'
            '<xf numFmtId="3" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
            '<xf numFmtId="1" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
            '<xf numFmtId="10" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
        )
        dxfs = "".join(
            f'<dxf><fill><patternFill><bgColor rgb="FF{rgb}"/></patternFill></fill></dxf>' for rgb in fills
        )
        return (
            f'{XML_HEAD}<styleSheet xmlns="{MAIN}">'
            f'<fonts count="2"><font>{font}</font><font><b/>{font}</font></fonts>'
            '<fills count="3"><fill><patternFill patternType="none"/></fill>'
            '<fill><patternFill patternType="gray125"/></fill>'
            '<fill><patternFill patternType="solid"><fgColor rgb="FFDDEBF7"/><bgColor indexed="64"/>'
            "</patternFill></fill></fills>"
            f'<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border>'
            f"<border>{thin}</border></borders>"
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
            f'<cellXfs count="5">{xfs}</cellXfs>'
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
            f'<dxfs count="{len(fills)}">{dxfs}</dxfs></styleSheet>'
        )


def _sheet_ref(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


def _package_rels() -> str:
    rels = (
        f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/>'
        f'<Relationship Id="rId2" Type="{DOC_REL}" Target="docProps/core.xml"/>'
        f'<Relationship Id="rId3" Type="{APP_REL}" Target="docProps/app.xml"/>'
    )
    return f'{XML_HEAD}<Relationships xmlns="{PKG_REL}">{rels}</Relationships>'


def _core(now: dt.datetime | None = None) -> str:
    """docProps/core.xml: creator and the creation time (W3CDTF, UTC), as Excel writes them."""
    stamp = (now or dt.datetime.now(dt.UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
    return (
        f'{XML_HEAD}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
        'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        "<dc:creator>youzhi</dc:creator><cp:lastModifiedBy>youzhi</cp:lastModifiedBy>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified></cp:coreProperties>'
    )


def _rels(targets: list[tuple[str, str]]) -> str:
    rels = "".join(
        f'<Relationship Id="rId{i}" Type="{REL}/{kind}" Target="{target}"/>'
        for i, (kind, target) in enumerate(targets, 1)
    )
    return f'{XML_HEAD}<Relationships xmlns="{PKG_REL}">{rels}</Relationships>'
