"""Fix-ups applied to an .xlsx/.xlsm after openpyxl saved it, before it is moved into place.

``number_comment_shapes``: openpyxl writes every sheet's comment drawing (``commentsDrawingN.vml``)
with the same ``<o:idmap data="1">`` and the same shape ids (``_x0000_s1026`` …). Excel gives each
drawing its own block of 1,024 shape ids (idmap ``data="N"``, shapes ``_x0000_s{N*1024+1}`` …) and is
reported to "repair" a file whose drawings share one; the annotated copy has notes on several
sheets. Each part gets its own block(s) here, numbered in part order.

All functions work on the package's parts (``{name: bytes}``) or on a path (rewritten in place:
call it on the temporary file before the atomic rename).
"""

from __future__ import annotations

import os
import re
import zipfile
from pathlib import Path

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
