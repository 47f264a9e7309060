"""A1 notation without importing openpyxl (which pulls in numpy: ~125 ms at every start-up)."""

from __future__ import annotations

import re
from functools import cache, lru_cache

_REF = re.compile(r"^([A-Za-z]{1,3})([0-9]{1,7})$")


@cache
def get_column_letter(col: int) -> str:
    """1 → A, 26 → Z, 27 → AA, 16384 → XFD (same contract as ``openpyxl.utils.get_column_letter``)."""
    if not 1 <= col <= 18278:
        raise ValueError(f"column index out of range: {col}")
    letters = ""
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def column_index(letters: str) -> int:
    """A → 1, Z → 26, AA → 27, XFD → 16384 (lower case too)."""
    number = 0
    for ch in letters.upper():
        number = number * 26 + ord(ch) - 64
    return number


@lru_cache(maxsize=4096)  # the same summary and error cells come back in every workbook
def cell_position(ref: str) -> tuple[int, int] | None:
    """``"B12"`` → (12, 2); None for text that is no cell reference."""
    found = _REF.match(ref)
    return None if found is None else (int(found.group(2)), column_index(found.group(1)))
