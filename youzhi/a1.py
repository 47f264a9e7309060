"""A1 notation without importing openpyxl (which pulls in numpy: ~125 ms at every start-up)."""

from __future__ import annotations

from functools import cache


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
