"""Execution-year test workbooks: our template with 支用明細 (``--with-ledger``), y-1 lines written by
XlsxWriter (``fill=``), then ledger rows and 已撥經費 typed with openpyxl, as a school would.

Ledger rows: (date, 子計畫, 一級用途別, 項目, 經常/資本, 金額 元, 憑證編號, 請購/已支付).
Scenarios carry their hand-computed expectations next to them (tests/test_progress*.py, test_settle.py).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import openpyxl

from youzhi import template
from youzhi.calendar import Semester
from youzhi.ledger import FIRST_ROW, LEDGER_NAME
from youzhi.model import School
from youzhi.progress import PROGRESS_NAME

F, S = Semester.FIRST, Semester.SECOND


def line(category, item, unit, quantity, unit_price_k, source="", purpose="辦理研習"):
    return {
        "category": category,
        "item": item,
        "unit": unit,
        "quantity": quantity,
        "unit_price": unit_price_k,
        "purpose": purpose,
        "source": source,
    }


def workbook(
    path: Path,
    blocks: dict,
    rows: list[tuple],
    *,
    paid: int | None = None,
    text_dates: bool = False,
    approved: dict[str, float] | None = None,
) -> Path:
    """``approved``: y-2 核定金額 typed per code (千元, as the sheet holds it)."""
    path = Path(path)
    codes = sorted({code for code, _ in blocks} | {"A", "B", "C"})
    template.write_template(
        path, "senior-high", 114, codes=codes, school=School("示範高中"), fill=blocks, with_ledger=True
    )
    wb = openpyxl.load_workbook(path)
    ws = wb[LEDGER_NAME]
    for i, (when, code, category, item, kind, amount, voucher, status) in enumerate(rows):
        r = FIRST_ROW + i
        typed = when.replace("-", "/") if text_dates else datetime.fromisoformat(when)
        values = (typed, code, category, item, kind, amount, voucher, status)
        for col, value in enumerate(values, start=1):
            ws.cell(r, col).value = value
    if paid is not None:
        wb[PROGRESS_NAME]["B4"].value = paid
    y2 = wb["y-2"]
    for code, kiloyuan in (approved or {}).items():
        col = next(c.column for row in y2.iter_rows(max_row=6) for c in row if c.value == "核定金額")
        row = next(r for r in range(1, y2.max_row + 1) if y2.cell(r, 1).value == code)
        y2.cell(row, col).value = kiloyuan
    wb.save(path)
    return path


# --- scenarios ------------------------------------------------------------------------------

# 1. 500,000 元 (≤ 4,000,000: paid once), fully spent.
#    A 8-12月 講座鐘點費 100 節 × 2,000 = 200,000 (經常門); A 1-7月 教學設備 10 台 × 30,000 = 300,000 (資本門)
ONCE = {
    ("A", F): [line("業務費", "講座鐘點費", "節", 100, 2)],
    ("A", S): [line("設備及投資", "教學設備", "台", 10, 30)],
}
ONCE_ROWS = [
    ("2025-10-15", "A", "業務費", "講座鐘點費", "經常門", 200_000, "V001", "已支付"),
    ("2026-03-10", "A", "設備及投資", "教學設備", "資本門", 300_000, "V002", "已支付"),
]

# 2. 6,000,000 元: A 8-12月 講座鐘點費 1,500 節 × 2,000 = 3,000,000; A 1-7月 教學設備 100 × 30,000 =
#    3,000,000. Tranches 3,600,000 / 2,400,000; paid 3,600,000.
SIX_M = {
    ("A", F): [line("業務費", "講座鐘點費", "節", 1500, 2)],
    ("A", S): [line("設備及投資", "教學設備", "台", 100, 30)],
}
# exactly 70 %: 3,600,000 × 0.7 = 2,520,000 = 1,520,000 + 1,000,000
SIX_M_70 = [
    ("2025-09-20", "A", "業務費", "講座鐘點費", "經常門", 1_520_000, "V101", "已支付"),
    ("2025-11-20", "A", "設備及投資", "教學設備", "資本門", 1_000_000, "V102", "請購"),
]
# 69.99 %: 3,600,000 × 0.6999 = 2,519,640 = 1,519,640 + 1,000,000
SIX_M_6999 = [
    ("2025-09-20", "A", "業務費", "講座鐘點費", "經常門", 1_519_640, "V101", "已支付"),
    ("2025-11-20", "A", "設備及投資", "教學設備", "資本門", 1_000_000, "V102", "請購"),
]

# 3. Partly subsidised: A 8-12月 講座鐘點費 1,000 × 2,000 = 2,000,000 (教育部) and 物品費 50 × 10,000 =
#    500,000 (配合款); A 1-7月 教學設備 20 × 25,000 = 500,000 (自籌款). A = 3,000,000, B = 2,000,000.
PARTLY = {
    ("A", F): [
        line("業務費", "講座鐘點費", "節", 1000, 2),
        line("業務費", "物品費", "個", 50, 10, source="配合款"),
    ],
    ("A", S): [line("設備及投資", "教學設備", "台", 20, 25, source="自籌款")],
}
# E = 2,200,000 (經常門) + 400,000 (資本門) = 2,600,000; C = 1,800,000 (a tranche of 200,000 unpaid)
PARTLY_ROWS = [
    ("2025-10-01", "A", "業務費", "講座鐘點費", "經常門", 1_800_000, "V201", "已支付"),
    ("2025-12-01", "A", "業務費", "物品費", "經常門", 400_000, "V202", "已支付"),
    ("2026-04-01", "A", "設備及投資", "教學設備", "資本門", 400_000, "V203", "已支付"),
    ("2026-05-01", "A", "設備及投資", "教學設備", "資本門", 50_000, "V204", "請購"),  # not in E
]

# 4. 執行率 79 %: A 8-12月 講座鐘點費 500 × 2,000 = 1,000,000; spent 790,000.
LOW = {("A", F): [line("業務費", "講座鐘點費", "節", 500, 2)]}
LOW_ROWS = [("2025-10-01", "A", "業務費", "講座鐘點費", "經常門", 790_000, "V301", "已支付")]
