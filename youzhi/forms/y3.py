"""表y-3 經費編列檢核表: per ``會計年度-code`` row, each funding source's 經常門 / 資本門 cells, and the
經資門比例 row (its 資本門 cell under 優質化整體經費). Recognised and parsed here; the figures themselves
are the roll-up's (``youzhi.rollup``), so the reader keeps nothing of it."""

from __future__ import annotations

from dataclasses import dataclass, field

from youzhi.a1 import get_column_letter
from youzhi.forms import summary

KEY = "y-3"
recognise = summary.recogniser(KEY)


@dataclass
class Y3Form:
    sheet: str
    capital_ratio: str | None = None  # cell of 經資門比例 × 資本門 (整體經費)
    # (會計年度, code, source, recurrent?) → the cell
    cells: dict[tuple[int, str, str, bool], str] = field(default_factory=dict)


def parse(grid) -> Y3Form | None:
    """Where the y-3's cells are (None when it has no 經資門比例 row)."""
    labels = summary.labels(grid)
    ratio_row = next((r for r, _c, t in labels if t.startswith("經資門比例")), None)
    group = next((c for r, c, t in labels if t.startswith("優質化整體經費")), None)
    if ratio_row is None:
        return None
    capital_cols = [
        c for r, c, t in labels if r < ratio_row and t == "資本門" and (group is None or c >= group)
    ]
    form = Y3Form(grid.name)
    if capital_cols:
        form.capital_ratio = f"{get_column_letter(capital_cols[-1])}{ratio_row}"
    _cells(grid, labels, ratio_row, form)
    return form


def _cells(grid, labels, ratio_row: int, form: Y3Form) -> None:
    """Each ``年度-code`` row's 經常門 / 資本門 cell per source (header: source label over 經常門)."""
    sources = {}
    for r, c, t in labels:
        source = summary.source_of(t)
        if source and r < ratio_row and summary.label(grid.value(r + 1, c)) == "經常門":
            sources.setdefault(source, c)
    if not sources:
        return
    for r, _c, t in labels:
        found = summary.fiscal_year(t) if r < ratio_row else None
        if not found or not found[1]:  # a cell row names its 會計年度 and code: 113-A
            continue
        fy, code = found
        for source, c in sources.items():
            for recurrent, col in ((True, c), (False, c + 1)):
                form.cells[(fy, code, source, recurrent)] = f"{get_column_letter(col)}{r}"
