"""What the three summary forms share: how one is recognised (its sheet name or the title of 表y-2
經費編列總表 / 表y-3 經費編列檢核表 / 表y-4 經常門經費項目彙計表, seed 002) and the funding-source words
their headers print. Such sheets are never read as y-1 blocks."""

from __future__ import annotations

import re

from youzhi.text import compact, name_key

MARKERS = {
    "y-2": ("表y-2", "經費編列總表"),
    "y-3": ("表y-3", "經費編列檢核表"),
    "y-4": ("表y-4", "經常門經費項目彙計表"),
}
# Every marker holds one of these: a cell with neither is no title (tested before the markers).
_MARKER_CHARS = ("y", "經")
assert all(any(c in m for c in _MARKER_CHARS) for ms in MARKERS.values() for m in ms)
_TITLE_ROWS = 6  # a summary's title sits in its first rows
MAX_ROWS, MAX_COLS = 120, 30  # how much of a summary sheet its labels are looked for in
# A 會計年度 (2–3 digits) at the start of a label, and the code when the label is ``年度-code`` (y-3 rows)
_FISCAL = re.compile(r"^(\d{2,3})(?:-(\S+)$)?")
_SOURCE_WORDS = (
    ("教育部補助款", "教育部補助款"),
    ("配合款", "配合款"),
    ("自籌", "自籌款"),
    ("其他補助", "其他補助款"),
)


_last: list = [None, None]  # (grid, kind) of the last call: y-2, y-3 and y-4 ask in turn


def kind(grid) -> str | None:
    """``"y-2"``/``"y-3"``/``"y-4"`` when the sheet is a summary form (by its name, else its title)."""
    if _last[0] is not grid:
        _last[:] = [grid, _kind(grid)]
    return _last[1]


def _kind(grid) -> str | None:
    name = compact(grid.name).lower()
    for key in MARKERS:
        if name in (key, f"表{key}"):
            return key
    for row in grid.rows[:_TITLE_ROWS]:
        for value in row:
            if isinstance(value, str) and value:
                t = compact(value)
                if "y" not in t and "經" not in t:
                    continue
                for key, markers in MARKERS.items():
                    if any(m in t for m in markers) and "y-1" not in t:
                        return key
    return None


def recogniser(key: str):
    """The ``recognise(grid)`` of the summary form ``key``: one scan of the sheet serves all three."""

    def recognise(grid) -> bool:
        return kind(grid) == key

    return recognise


def label(value) -> str:
    """A text cell as summary labels are compared: ``text.name_key`` ("" for non-text)."""
    return name_key(value) if isinstance(value, str) else ""


def labels(grid) -> list[tuple[int, int, str]]:
    """(row, column, label) of every text cell in the first ``MAX_ROWS`` × ``MAX_COLS``."""
    out = []
    for r, row in enumerate(grid.rows[:MAX_ROWS], start=1):
        for c, value in enumerate(row[:MAX_COLS], start=1):
            t = label(value)
            if t:
                out.append((r, c, t))
    return out


def source_of(text: str) -> str | None:
    """The funding source a header names (y-2 / y-3 print the long labels of forms.source_labels)."""
    for key, source in _SOURCE_WORDS:
        if key in text:
            return source
    return None


def fiscal_year(text: str) -> tuple[int, str] | None:
    """The 會計年度 a label starts with and the code after it: ``113-A`` → (113, "A") (a y-3 row),
    ``113會計年度`` → (113, "") (a y-4 header); None when it starts with no year."""
    found = _FISCAL.match(text)
    return (int(found.group(1)), found.group(2) or "") if found else None
