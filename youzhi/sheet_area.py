"""Bound the area a reader fills: time and memory follow the file's content, not its farthest cell.

python-calamine (and openpyxl's ``iter_rows``) build a dense grid from A1 to the farthest cell: one
value typed at XFD1048576 asks for 17 billion cells (calamine tries to allocate 512 GiB and aborts),
one at Z1048576 in a few sheets costs 2 GB and 14 s for a 52 KB file. Before any engine sees a file,
``bound_sheet`` looks at each worksheet's XML: a cheap upper bound of its area (last row × widest
column letters present) clears a normal sheet at once; a sheet past ``CELL_BUDGET`` loses its far
cells (the cells with the largest row × column, as few as needed to fit) and its ``<dimension>``, and
the dropped cells are reported so the reviewer can look at them.
"""

from __future__ import annotations

import io
import re
import zipfile

from youzhi.a1 import column_index, get_column_letter

CELL_BUDGET = 4_000_000  # cells of one sheet's grid (~100 MB in calamine); a budget form uses < 20,000
MAX_COLUMNS = 16_384

# Written as Excel, LibreOffice and every library write them (r="…", double quotes, no spaces): a
# literal prefix the regex engine finds at C speed. Other spellings get the general patterns.
# One pattern pass finds any of them (an r followed by whitespace, or by = and a space or quote '):
# six ``in`` tests cost five times as much.
_ODD_SPELLING = re.compile(rb"r(?:\s|=[\s'])")
_QUICK = re.compile(rb'r="(?:[A-Za-z]{2}|[A-Za-z]?[0-9]{4})')  # a row ≥ 1000 or a column past Z
_FAST = re.compile(rb'r="'), re.compile(rb"""\br\s*=\s*["']""")
# a row number of at least k digits anywhere (a <row r=…> or a cell reference), k = 7 … 4
_DIGITS = [(k, rb"[A-Za-z]{0,3}[0-9]{%d}" % k) for k in (7, 6, 5, 4)]
_LETTERS = [(702, rb"[A-Za-z]{3}[0-9]"), (26, rb"[A-Za-z]{2}[0-9]")]
_CELL = re.compile(
    rb"""<(?:\w+:)?c\b[^<>]*?\br\s*=\s*["']([A-Za-z]{1,3})([0-9]{1,7})["'][^<>]*?"""
    rb"""(?:/>|>.*?</(?:\w+:)?c\s*>)""",
    re.S,
)
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\b[^<>]*/>")


def column_number(letters: bytes) -> int:
    return column_index(letters.decode("ascii"))


def area_bound(xml: bytes) -> int:
    """An upper bound of rows × columns of the sheet's grid, from a few C-speed searches (the
    number of digits of the longest row number, the letters of the widest column reference)."""
    # Cells live in <sheetData>: what comes before it (the root's xmlns:r="http…") is no cell.
    start = max(xml.find(b"sheetData"), 0)
    odd = _ODD_SPELLING.search(xml, start) is not None
    if not odd and _QUICK.search(xml, start) is None:
        return 999 * 26
    prefix = (_FAST[1] if odd else _FAST[0]).pattern
    digits = next((k for k, tail in _DIGITS if re.compile(prefix + tail).search(xml, start)), 3)
    columns = next(
        (
            MAX_COLUMNS if n == 702 else 702
            for n, tail in _LETTERS
            if re.compile(prefix + tail).search(xml, start)
        ),
        26,
    )
    return (10**digits - 1) * columns


def bound_sheet(xml: bytes, budget: int = CELL_BUDGET) -> tuple[bytes, list[str]]:
    """``(xml, [])`` for a sheet within ``budget``; else the XML without its far cells and their
    A1 references (farthest first, as many as were dropped)."""
    if area_bound(xml) <= budget:
        return xml, []
    cells = [(int(m.group(2)), column_number(m.group(1))) for m in _CELL.finditer(xml)]
    if not cells or max(r for r, _ in cells) * max(c for _, c in cells) <= budget:
        return xml, []
    limit = _largest_product(cells, budget)
    dropped: list[tuple[int, int, int]] = []

    def keep(match: re.Match) -> bytes:
        row, col = int(match.group(2)), column_number(match.group(1))
        if row * col <= limit:
            return match.group(0)
        dropped.append((row * col, row, col))
        return b""

    trimmed = _CELL.sub(keep, xml)
    kept = [(r, c) for r, c in cells if r * c <= limit]
    last_col, last_row = max((c for _, c in kept), default=1), max((r for r, _ in kept), default=1)
    box = f"A1:{get_column_letter(last_col)}{last_row}"
    trimmed = _DIMENSION.sub(f'<dimension ref="{box}"/>'.encode(), trimmed, count=1)
    dropped.sort(reverse=True)
    return trimmed, [f"{get_column_letter(c)}{r}" for _, r, c in dropped]


def _largest_product(cells: list[tuple[int, int]], budget: int) -> int:
    """The largest row × column threshold whose cells fit in ``budget`` (binary search: the box of
    the cells under a threshold only grows with it)."""
    products = sorted({r * c for r, c in cells})
    low, high = 0, len(products) - 1
    best = 0
    while low <= high:
        mid = (low + high) // 2
        threshold = products[mid]
        rows = max((r for r, c in cells if r * c <= threshold), default=0)
        cols = max((c for r, c in cells if r * c <= threshold), default=0)
        if rows * cols <= budget:
            best, low = threshold, mid + 1
        else:
            high = mid - 1
    return best


def replace_parts(data: bytes, parts: dict[str, bytes]) -> bytes:
    """The workbook's bytes with some zip members swapped (in memory; the file is never touched)."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target,
    ):
        for info in source.infolist():
            target.writestr(info, parts.get(info.filename) or source.read(info))
    return out.getvalue()
