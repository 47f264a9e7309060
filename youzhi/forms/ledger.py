"""支用明細 (the spending ledger, execution year): recognised here so the reader never takes it for a y-1;
its spec and its reader are ``youzhi.ledger`` (``read_ledger``), which ``youzhi progress`` and
``youzhi settle`` call."""

from __future__ import annotations

KEY = "支用明細"


def recognise(grid) -> bool:
    """By its name, else by its header row (日期, 子計畫, 金額, 憑證編號 … in its first rows)."""
    if grid.name == KEY:
        return True
    if "憑證" not in str(grid.rows[:10]):
        return False  # cheap test first (one C-level search): every y-1 sheet passes through here
    from youzhi import ledger  # the ledger spec brings the computed-cell code: only when needed

    return ledger._header(grid) is not None
