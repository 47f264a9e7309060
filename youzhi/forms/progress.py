"""執行進度報告表 (附件二, execution year): recognised here so the reader never takes it for a y-1; the
sheet's spec is ``youzhi.progress_sheet`` and its figures ``youzhi.progress``."""

from __future__ import annotations

from youzhi.text import compact

KEY = "執行進度報告表"


def recognise(grid) -> bool:
    """By its name, else by its title (``…「方案」執行進度報告表`` in the first two rows)."""
    if grid.name == KEY:
        return True
    return any(isinstance(v, str) and "進度" in v and KEY in compact(v) for row in grid.rows[:2] for v in row)
