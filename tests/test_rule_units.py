"""Per-unit caps compare a per-unit price, whatever unit the line is priced in (real workbooks).

Every changed cap fires at the line's 單價 cell 1 元 over its cap and stays quiet at the cap, for a
line priced in the cap's own unit and for one priced per 式 / 場 / 趟 / 人日 / 組 whose 說明用途 states
the breakdown; a line whose breakdown cannot be derived gets a warning asking for it.
Prices below are in 千元 as on the form (8.001 = 8,001 元).
"""

from __future__ import annotations

import pytest
from officialish import official_workbook
from test_rule_lines import CAP, L, run

from youzhi.calendar import Semester
from youzhi.model import School

# (line, rule, severity it must have at the 單價 cell, or None: the rule must stay quiet on the line)
FIRST = [
    # 材料費 YZ207: 200 元 per 人次 — 1 式 of "40人次×200元" is 8,000 元
    (L("材料費", "式", 1, 8, "實作課程 40人次×200元"), "YZ207", None),
    (L("材料費", "式", 1, 8.001, "實作課程 40人次×200元"), "YZ207", "error"),  # 8,001 / 40 = 200.03
    (L("材料費", "人次", 40, 0.2, "實作課程材料"), "YZ207", None),
    (L("材料費", "人次", 40, 0.201, "實作課程材料"), "YZ207", "error"),
    (L("材料費", "式", 1, 8, "實作課程材料"), "YZ207", "warning"),  # 8,000 per 式, 人次 unknown
    (L("材料費", "式", 1, 0.2, "實作課程材料"), "YZ207", None),  # 200 for the whole lump: within
    # 講座鐘點費 YZ201: 外聘 2,000 元 per 節 — a 場 of 2 節
    (L("講座鐘點費", "場", 2, 4, "外聘講師專題講座，每場2節"), "YZ201", None),
    (L("講座鐘點費", "場", 2, 4.002, "外聘講師專題講座，每場2節"), "YZ201", "error"),  # 8,004 / 4 = 2,001
    (L("講座鐘點費", "場", 1, 4, "外聘講師專題講座"), "YZ201", "warning"),  # 節 per 場 not stated
    (L("講座鐘點費", "節", 2, 1, "內聘本校教師，主題：大學選才"), "YZ201", None),  # 內聘 1,000: at cap
    (L("講座鐘點費", "節", 2, 1.001, "內聘本校教師，主題：大學選才"), "YZ201", "error"),  # 內聘 wins
    # 租車費 YZ208: 12,000 元 per 車 per 日 — 1 式 for 2 cars on 1 day; a car per 趟, twice one day
    (L("租車費", "式", 1, 24, "校外教學遊覽車 2輛1日"), "YZ208", None),
    (L("租車費", "式", 1, 24.001, "校外教學遊覽車 2輛1日"), "YZ208", "error"),  # 24,001 / 2
    (L("租車費", "趟", 2, 6, "同日往返2趟，1輛1日"), "YZ208", None),  # 12,000 for 1 車日
    (L("租車費", "趟", 2, 8, "同日往返2趟，1輛1日"), "YZ208", "error"),  # 16,000 for 1 車日
    (L("租車費", "趟", 2, 8, "參訪接駁"), "YZ208", "warning"),  # 1 or 2 車日: ask
    (L("租車費", "趟", 2, 12.001, "參訪接駁"), "YZ208", "error"),  # over even at one 趟 a day
    # 諮詢費 YZ205: 1,000–2,500 元 per 人次 — a 場 with 2 people
    (L("諮詢費、輔導費、指導費", "場", 1, 5, "課程諮詢會議，外聘委員2人"), "YZ205", None),
    (L("諮詢費、輔導費、指導費", "場", 1, 5.002, "課程諮詢會議，外聘委員2人"), "YZ205", "error"),
    (L("諮詢費、輔導費、指導費", "場", 1, 1.998, "課程諮詢會議，外聘委員2人"), "YZ205", "error"),  # 999
    # 工讀費 YZ206 (上學期 114 = 2025-08: 190 元, cap 228 元): per 人日 of 8 小時
    (L("臨時工作人員/工讀費", "人日", 2, 1.824, "活動工讀生"), "YZ206", None),  # 228 × 8
    (L("臨時工作人員/工讀費", "人日", 2, 1.825, "活動工讀生"), "YZ206", "error"),
    (L("臨時工作人員/工讀費", "小時", 10, 0.228, "活動工讀生"), "YZ206", None),
    (L("臨時工作人員/工讀費", "小時", 10, 0.229, "活動工讀生"), "YZ206", "error"),
    # equipment per 組: a 組 of 3 laptops is three laptops; a 組 stated as nothing is one
    (L("筆記型電腦", "組", 1, 90, "行動教學 筆電3臺", cat=CAP), "YZ223", None),
    (L("筆記型電腦", "組", 1, 90.003, "行動教學 筆電3臺", cat=CAP), "YZ223", "warning"),
    (L("筆記型電腦", "組", 1, 31, "行動教學", cat=CAP), "YZ223", "warning"),
    (L("滑鼠", "批", 1, 15, "電腦教室滑鼠30個", cat=CAP), "YZ106", "error"),  # 500 元 an item
    (L("單槍投影機", "批", 1, 50, "專科教室 單槍投影機2臺", cat=CAP), "YZ106", None),  # 25,000 each
]


def first_semester_workbook(tmp_path_factory, name: str, lines: list) -> tuple:
    """A 114 senior-high workbook with ``lines`` in A(8-12月), read and checked."""
    path = tmp_path_factory.mktemp(name) / f"{name}.xlsx"
    official_workbook(path, academic_year=114, blocks={("A", Semester.FIRST): lines})
    return run(path)


def on_row(findings, rule: str, line) -> list:
    """The findings of ``rule`` on the line's row."""
    return [f for f in findings if f.rule == rule and f.sheet == line.sheet and f.cell[1:] == str(line.row)]


@pytest.fixture(scope="module")
def units(tmp_path_factory):
    return first_semester_workbook(tmp_path_factory, "units", [line for line, _, _ in FIRST])


IDS = [f"{r}-{s}-{i}" for i, (_, r, s) in enumerate(FIRST)]


@pytest.mark.parametrize("index", range(len(FIRST)), ids=IDS)
def test_cap_by_unit(units, index):
    budget, findings = units
    wanted, rule, severity = FIRST[index]
    line = budget.sheets[0].lines[index]
    assert (line.item, line.purpose) == (wanted["item"], wanted["purpose"])
    on_line = on_row(findings, rule, line)
    if severity is None:
        assert on_line == [], on_line
    else:
        assert [(f.severity, f.cell) for f in on_line] == [(severity, line.cell("unit_price"))], on_line
        assert on_line[0].message.startswith(f"「{line.item}」")


def test_derived_price_is_in_the_message(units):
    _, findings = units
    texts = [f.message for f in findings if f.rule in ("YZ207", "YZ208", "YZ201") and f.severity == "error"]
    assert any("依說明用途「40人次」換算每人次 200.03 元" in t for t in texts), texts  # 8,001 / 40
    assert any("依說明用途「2輛、1日」換算每車每日 12,000.50 元" in t for t in texts), texts  # 24,001 / 2
    assert any("依說明用途「每場2節」換算每節 2,001 元" in t for t in texts), texts  # 8,004 / (2 × 2)
    asks = [f.message for f in findings if f.severity == "warning" and "請列出明細" in f.message]
    assert len(asks) == 3, asks  # 材料 式, 講座 場, 租車 趟 (a 組 without a count is one laptop)


# 工讀費 with the employer's share (注意事項表 臨時工作人員/工讀費 四): 115 上學期 = 2026-08, 196 元,
# cap 1.2 × 196 = 235.20 元; a loaded rate may add 15.33 % → 235.20 × 1.1533 = 271.26 元.
WAGES = [
    (L("臨時工作人員/工讀費", "小時", 10, 0.26, "時薪235元，另含勞保、勞退雇主負擔"), None),
    (L("臨時工作人員/工讀費", "小時", 10, 0.26, "時薪236元，另含勞保、勞退雇主負擔"), "error"),  # > 235.20
    (L("臨時工作人員/工讀費", "小時", 10, 0.271, "活動工讀生，含勞保、勞退雇主負擔"), None),
    (L("臨時工作人員/工讀費", "小時", 10, 0.272, "活動工讀生，含勞保、勞退雇主負擔"), "error"),
    (L("臨時工作人員/工讀費", "小時", 10, 0.26, "活動工讀生"), "error"),  # no share stated
    (L("臨時工作人員/工讀費", "小時", 10, 0.235, "活動工讀生"), None),
]


def test_loaded_hourly_rate(tmp_path):
    path = official_workbook(
        tmp_path / "wages.xlsx", academic_year=115, blocks={("A", Semester.FIRST): [ln for ln, _ in WAGES]}
    )
    budget, findings = run(path, school=School("國立○○高級中學", "國立", "臺中市"))
    for line, (_, severity) in zip(budget.sheets[0].lines, WAGES, strict=True):
        got = [f.severity for f in findings if f.rule == "YZ206" and f.cell == line.cell("unit_price")]
        assert got == ([severity] if severity else []), (line.purpose, line.unit_price, got)


def test_unannounced_wage_is_a_warning_naming_the_figure(tmp_path):
    """115 下學期 = 2027-01: no 2027 minimum wage in the table; 196 元 is assumed, never an error."""
    lines = [L("臨時工作人員/工讀費", "小時", 10, 0.24, "活動工讀生")]  # 240 > 235.20
    path = official_workbook(tmp_path / "w.xlsx", academic_year=115, blocks={("A", Semester.SECOND): lines})
    _, findings = run(path)
    (hit,) = [f for f in findings if f.rule == "YZ206"]
    assert hit.severity == "warning" and "2027年最低工資尚未列入，暫以 2026 年公告之 196 元計" in hit.message
