"""The 經費調整對照表 (核撥結報作業要點 附件五): rows by hand, and LibreOffice's recalculation of the file.

Approved version (109 學年度, sub-plans A and B):
  A 8-12月  講座鐘點費 10 節 × 2 千元 = 20,000 (教育部補助款); 膳宿費 40 人次 × 0.08 = 3,200 (配合款)
  B 8-12月  筆記型電腦 1 臺 × 30 = 30,000 (教育部補助款, 資本門)
Changed version: 講座鐘點費 12 節 = 24,000; 膳宿費 50 人次 = 4,000 (配合款); 筆記型電腦 1 臺 × 26 = 26,000.
  row                      A       B       C       D      E=C−A   F=D−B
  業務費－講座鐘點費     20,000  20,000  24,000  24,000   4,000   4,000
  業務費－膳宿費          3,200       0   4,000       0     800       0
  設備及投資             30,000  30,000  26,000  26,000  −4,000  −4,000
  合計                   53,200  50,000  54,000  50,000     800       0
"""

from __future__ import annotations

from pathlib import Path

import lo
import openpyxl
import pytest
from officialish import _ln, official_workbook

from youzhi.adjustment import SHEET, adjustment_rows, totals, write_adjustment
from youzhi.calendar import Semester
from youzhi.errors import YouzhiError
from youzhi.reader import read_budget

F = Semester.FIRST
LECTURE = _ln("業務費", "講座鐘點費", "節", 10, 2, purpose="專家講座")
MEALS = _ln("業務費", "膳宿費", "人次", 40, 0.08, source="配合款", purpose="研習午餐")
LAPTOP = _ln("設備及投資", "筆記型電腦", "臺", 1, 30, purpose="課程教學使用")
EXPECTED = {
    "業務費－講座鐘點費": (20_000, 20_000, 24_000, 24_000, 4_000, 4_000),
    "業務費－膳宿費": (3_200, 0, 4_000, 0, 800, 0),
    "設備及投資": (30_000, 30_000, 26_000, 26_000, -4_000, -4_000),
    "合計": (53_200, 50_000, 54_000, 50_000, 800, 0),
}
UNCHANGED = _ln("業務費", "印刷費", "份", 100, 0.05, purpose="成果手冊")  # 5,000 both times
# the written file also lists 印刷費: 合計 grows by 5,000 in A…D, E and F unchanged
WRITTEN = {
    **EXPECTED,
    "業務費－印刷費": (5_000, 5_000, 5_000, 5_000, 0, 0),
    "合計": (58_200, 55_000, 59_000, 55_000, 800, 0),
}


def _budgets(tmp_path: Path, extra: list | None = None):
    extra = extra or []
    old = official_workbook(
        tmp_path / "核定.xlsx",
        blocks={("A", F): [LECTURE, MEALS, *extra], ("B", F): [LAPTOP]},
        school_sheet={"學校名稱": "示範高中"},
    )
    new = official_workbook(
        tmp_path / "變更.xlsx",
        blocks={
            ("A", F): [{**LECTURE, "quantity": 12}, {**MEALS, "quantity": 50}, *extra],
            ("B", F): [{**LAPTOP, "unit_price": 26}],
        },
        school_sheet={"學校名稱": "示範高中"},
    )
    return read_budget(old), read_budget(new)


def test_rows_by_hand(tmp_path):
    rows = adjustment_rows(*_budgets(tmp_path))
    got = {r.item: (r.a, r.b, r.c, r.d, r.e, r.f) for r in [*rows, totals(rows)]}
    assert got == EXPECTED


def test_unchanged_items_come_after_the_adjusted_ones(tmp_path):
    rows = adjustment_rows(*_budgets(tmp_path, [UNCHANGED]))
    assert [r.item for r in rows][-1] == "業務費－印刷費" and not rows[-1].adjusted
    assert all(r.adjusted for r in rows[:-1])


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    """The table written by the tool and the same file recalculated by LibreOffice (one soffice call)."""
    folder = tmp_path_factory.mktemp("adjustment")
    old, new = _budgets(folder, [UNCHANGED])
    path = folder / "調整對照表.xlsx"
    write_adjustment(old, new, path, 2)
    recalculated = lo.recalc([path], folder / "lo")[path] if lo.soffice() else None
    return path, recalculated


def _rows_of(values: dict) -> dict[str, tuple]:
    out = {}
    for ref, label in values.items():
        if ref.startswith("A") and label in (*EXPECTED, "業務費－印刷費"):
            row = ref[1:]
            out[label] = tuple(values.get(f"{c}{row}") for c in "BCDEFG")
    return out


def test_layout_as_the_ministry_prints_it(written):
    path, _ = written
    wb = openpyxl.load_workbook(path)
    ws = wb[SHEET]
    text = [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]
    assert text[0] == "教育部補(捐)助委辦計畫經費第2次調整對照表"
    for expected in (
        "執行單位名稱：示範高中",
        "計畫期程：109年8月1日至110年7月31日",
        "教育部補(捐)助計畫：□全額補(捐)助　■部分補(捐)助",  # 配合款 in the plan: partial
        "單位：新臺幣元",
        "調整前核定計畫",
        "調整後之計畫",
        "調整數",
        "調整原因說明",
        "教育部核定計畫金額(E=C-A)",
        "教育部核定補(捐)助金額(F=D-B)",
        "本次調整項目",
        "未調整項目",
        "業務單位：",
        "主(會)計單位：",
        "首長(或團體負責人)：",
        "四、「調整前核定計畫」應以教育部核定經費表金額為準，不含循內部程序自行調整數。",
    ):
        assert expected in text
    total_row = next(c.row for c in ws["A"] if c.value == "合計")
    assert ws[f"F{total_row}"].value == f"=D{total_row}-B{total_row}"
    assert ws[f"B{total_row}"].value.startswith("=SUM(B")


def test_cached_values_equal_hand_arithmetic(written):
    path, _ = written
    values = lo.values(path)[SHEET]  # what the tool cached in its own formulas
    assert _rows_of(values) == WRITTEN


@pytest.mark.libreoffice
def test_libreoffice_recalculates_the_same_figures_with_no_error_cell(written):
    _, recalculated = written
    assert lo.error_cells(recalculated) == []
    rows = _rows_of(lo.values(recalculated)[SHEET])
    assert {k: tuple(round(v) for v in figures) for k, figures in rows.items()} == WRITTEN


def test_bad_round_and_extension(tmp_path):
    old, new = _budgets(tmp_path)
    with pytest.raises(YouzhiError, match="調整次數"):
        write_adjustment(old, new, tmp_path / "x.xlsx", 0)
    with pytest.raises(YouzhiError, match="副檔名"):
        write_adjustment(old, new, tmp_path / "x.csv", 1)
    assert not (tmp_path / "x.xlsx").exists()
