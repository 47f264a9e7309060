"""表y-4 經常門經費項目彙計表: one row per standards item (then 其他(非基準表項目) and 經常門總計), a
總計 column per 會計年度 and the 學年度's 總計 / 比例 columns. Recognised and parsed here; its figures are
the roll-up's, so the reader keeps nothing of it."""

from __future__ import annotations

from dataclasses import dataclass, field

from youzhi.forms import summary
from youzhi.items import OTHER_ITEMS

KEY = "y-4"
TOTAL = "經常門總計"
recognise = summary.recogniser(KEY)


@dataclass
class Y4Form:
    sheet: str
    rows: dict[str, int] = field(default_factory=dict)  # normalised item → row
    year_total_col: int | None = None
    year_ratio_col: int | None = None
    fiscal_total_cols: dict[int, int] = field(default_factory=dict)  # 會計年度 → its 總計 column


def parse(grid, items: tuple[str, ...]) -> Y4Form | None:
    """Where the y-4's item rows and columns are (None when no row names one of ``items``)."""
    labels = summary.labels(grid)
    wanted = {summary.label(i) for i in (*items, OTHER_ITEMS, TOTAL)}
    item_rows = {t: r for r, _c, t in labels if t in wanted}
    if not item_rows:
        return None
    first_item_row = min(item_rows.values())
    form = Y4Form(grid.name, item_rows)
    for r, c, t in labels:
        fiscal = summary.fiscal_year(t) if r < first_item_row and "會計年度" in t else None
        if fiscal:
            sub = [(cc, tt) for rr, cc, tt in labels if r < rr < first_item_row and cc >= c and tt == "總計"]
            form.fiscal_total_cols.setdefault(fiscal[0], min(sub)[0] if sub else c)
    year_cols = [(r, c) for r, c, t in labels if r < first_item_row and "學年度" in t and "會計年度" not in t]
    if not year_cols:
        return form
    hr, hc = year_cols[-1]
    sub = sorted((c, t) for r, c, t in labels if hr < r < first_item_row and c >= hc)
    total_col = next((c for c, t in sub if t == "總計"), hc)
    form.year_total_col = total_col
    form.year_ratio_col = next((c for c, t in sub if t == "比例" and c > total_col), total_col + 1)
    return form
