"""Fix-ups applied to an .xlsx/.xlsm after openpyxl saved it, before it is moved into place.

``number_comment_shapes``: openpyxl writes every sheet's comment drawing (``commentsDrawingN.vml``)
with the same ``<o:idmap data="1">`` and the same shape ids (``_x0000_s1026`` …). Excel gives each
drawing its own block of 1,024 shape ids (idmap ``data="N"``, shapes ``_x0000_s{N*1024+1}`` …) and is
reported to "repair" a file whose drawings share one; the annotated copy has notes on several
sheets. Each part gets its own block(s) here, numbered in part order.

``add_cached_values``: openpyxl writes every formula with an empty result; the values the roll-up
computed (repair) or the input held (an annotated or marked copy: ``kept_cached_values``) go in, so
viewers that do not recalculate show the figures.

All functions work on the package's parts (``{name: bytes}``) or on a path (rewritten in place:
call it on the temporary file before the atomic rename).
"""

from __future__ import annotations

import os
import re
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

BLOCK = 1024  # shape ids per idmap block
_VML = re.compile(r"^xl/drawings/commentsDrawing(\d+)\.vml$")
_IDMAP = re.compile(rb'(<(?:\w+:)?idmap\b[^>]*?\bdata=")[^"]*(")')
_SHAPE_ID = re.compile(rb'(<(?:\w+:)?shape\b[^>]*?\bid="_x0000_s)(\d+)(")')


def comment_drawings(names) -> list[str]:
    """The comment drawing parts, in their number order."""
    found = [(int(m.group(1)), name) for name in names if (m := _VML.match(name))]
    return [name for _, name in sorted(found)]


def number_comment_shapes(parts: dict[str, bytes]) -> dict[str, bytes]:
    """Return ``parts`` with each comment drawing in its own id block(s); other parts unchanged."""
    out = dict(parts)
    block = 1
    for name in comment_drawings(parts):
        data = parts[name]
        shapes = len(_SHAPE_ID.findall(data))
        blocks = list(range(block, block + 1 + shapes // BLOCK))  # id N*1024 itself is never used
        block = blocks[-1] + 1
        counter = iter(range(blocks[0] * BLOCK + 1, blocks[-1] * BLOCK + BLOCK))
        data = _IDMAP.sub(lambda m, b=blocks: m.group(1) + ",".join(map(str, b)).encode() + m.group(2), data)
        data = _SHAPE_ID.sub(lambda m, c=counter: m.group(1) + str(next(c)).encode() + m.group(3), data)
        out[name] = data
    return out


def fix_package(path: str | os.PathLike) -> None:
    """Apply every fix-up to the package at ``path`` (rewritten in place only if something changed)."""
    path = Path(path)
    with zipfile.ZipFile(path) as archive:
        infos = archive.infolist()
        if not comment_drawings(info.filename for info in infos):
            return
        parts = {info.filename: archive.read(info.filename) for info in infos}
    fixed = number_comment_shapes(parts)
    if fixed == parts:
        return
    tmp = path.with_name(path.name + ".fix")
    try:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as out:
            for info in infos:
                out.writestr(info, fixed[info.filename])
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


_SHEET_ENTRY = re.compile(r'<sheet\b[^>]*?\bname="([^"]*)"[^>]*?\br:id="([^"]*)"')
_REL_ENTRY = re.compile(r'<Relationship\b[^>]*?\bTarget="([^"]*)"[^>]*?\bId="([^"]*)"')
_FORMULA_CELL = re.compile(r"<c r=\"([A-Z]+[0-9]+)\"([^>]*)><f>([^<]*)</f><v\s*/></c>")


def add_cached_values(path: str, cached: dict[tuple[str, str], object]) -> None:
    """Fill the empty ``<v/>`` of formula cells openpyxl wrote with the roll-up's values, so viewers
    that do not recalculate (Excel's Protected View, previewers, python-calamine) show the figures.
    Excel still recalculates everything on load (fullCalcOnLoad)."""
    with zipfile.ZipFile(path) as archive:
        members = {info.filename: archive.read(info.filename) for info in archive.infolist()}
        infos = archive.infolist()
    workbook = members["xl/workbook.xml"].decode("utf-8")
    rels = members["xl/_rels/workbook.xml.rels"].decode("utf-8")
    targets = {rid: target for target, rid in _REL_ENTRY.findall(rels)}
    by_sheet: dict[str, dict[str, object]] = {}
    for (sheet, ref), value in cached.items():
        by_sheet.setdefault(sheet, {})[ref] = value
    for name, rid in _SHEET_ENTRY.findall(workbook):
        values = by_sheet.get(_xml_unescape(name))
        if not values or rid not in targets:
            continue
        target = targets[rid].lstrip("/")
        part = target if target.startswith("xl/") else f"xl/{target}"
        if part not in members:
            continue

        def fill(match, values=values):
            ref, attrs, formula = match.groups()
            if ref not in values or values[ref] is None:
                return match.group(0)
            value = values[ref]
            attrs = re.sub(r'\s+t="[^"]*"', "", attrs)
            if isinstance(value, bool):
                return f'<c r="{ref}"{attrs} t="b"><f>{formula}</f><v>{int(value)}</v></c>'
            if isinstance(value, (int, float)):
                return f'<c r="{ref}"{attrs}><f>{formula}</f><v>{value!r}</v></c>'
            text = escape(str(value))
            return f'<c r="{ref}"{attrs} t="str"><f>{formula}</f><v>{text}</v></c>'

        members[part] = _FORMULA_CELL.sub(fill, members[part].decode("utf-8")).encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in infos:
            archive.writestr(info, members[info.filename])


def _xml_unescape(text: str) -> str:
    return (
        text.replace("&quot;", '"')
        .replace("&apos;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
    )


_ERROR_TEXT = re.compile(r"^#[A-Z0-9/]+[!?]?$")  # #REF!, #DIV/0!, #N/A, #NAME? …: not a result to keep


def kept_cached_values(wb, source) -> dict[tuple[str, str], object]:
    """{(sheet, A1): value} of every formula cell of the openpyxl workbook ``wb`` whose result the
    file ``source`` (the input ``wb`` was loaded from, its formulas unchanged) holds: numbers, booleans,
    text. Blank results (a formula never calculated) and error values are left out, and so is
    everything when ``source`` cannot be read again: Excel computes them on load."""
    from youzhi.errors import UnreadableWorkbook
    from youzhi.sheets import load_grids

    try:
        grids = load_grids(source)
    except UnreadableWorkbook:
        return {}
    kept: dict[tuple[str, str], object] = {}
    for ws in wb.worksheets:
        grid = grids.sheet(ws.title)
        if grid is None or not grid.read:
            continue
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type != "f":
                    continue
                value = grid.value(cell.row, cell.column)
                if not isinstance(value, bool | int | float | str) or value == "":
                    continue  # blank, or a date (calamine's datetime): Excel computes it on load
                if isinstance(value, str) and _ERROR_TEXT.match(value):
                    continue
                kept[(ws.title, cell.coordinate)] = value
    return kept
