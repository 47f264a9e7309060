"""Wording read as a sentence, on a real workbook: each rule fires on its line and stays quiet on a
line worded almost like it (a negation, the school as the one who benefits, a course title)."""

from __future__ import annotations

import pytest
from test_rule_lines import CAP, GR, L
from test_rule_units import first_semester_workbook, on_row

# (line, rule, fires?)
LINES = [
    (L("臨時工作人員/工讀費", "小時", 10, 0.19, "本校編制人員協助活動"), "YZ416", True),
    (L("臨時工作人員/工讀費", "小時", 10, 0.19, "非編制人員之臨時人力協助活動"), "YZ416", False),
    (L("臨時工作人員/工讀費", "小時", 10, 0.19, "協助本校教師辦理研習之臨時人力"), "YZ416", False),
    (L("諮詢費、輔導費、指導費", "人次", 4, 2, "本校教師擔任課程諮詢"), "YZ410", True),
    (L("諮詢費、輔導費、指導費", "人次", 4, 2, "內聘本校教師，主題：大學選才"), "YZ410", True),
    (L("諮詢費、輔導費、指導費", "人次", 4, 2, "諮詢委員到校指導本校教師"), "YZ410", False),
    (L("場地使用費", "場", 1, 3, "借用本校禮堂"), "YZ402", True),
    (L("場地使用費", "場", 1, 3, "本校教師研習租借○○大學會議廳"), "YZ402", False),
    (L("雜支", "式", 1, 2, "教室冷氣汰換"), "YZ406", True),
    (L("材料費", "人次", 30, 0.2, "「冷凍空調科」冷氣實習課程材料"), "YZ406", False),
    (L("雜支", "式", 1, 2, "冷氣檢修證照輔導耗材"), "YZ406", False),
    (L("專科教室設備", "組", 1, 50, "實習設備（不含冷氣）", cat=CAP), "YZ406", False),
    (L("講座鐘點費", "節", 2, 1.001, "內聘本校教師，主題：大學選才"), "YZ201", True),  # 內聘 1,000
    (L("講座鐘點費", "節", 2, 1.5, "外聘大學教授，為本校教師增能研習"), "YZ201", False),  # 外聘 2,000
    (L("雜支", "式", 1, 1, "非例行性之課程成果發表會"), "YZ412", False),
    (L("雜支", "式", 1, 1, "校慶活動"), "YZ412", True),
    (L("學生獎學(助)金", "人次", 2, 5, "技藝競賽得獎，發給現金，非禮券", cat=GR), "YZ415", False),
    (L("學生獎學(助)金", "人次", 2, 5, "技藝競賽得獎，發給禮券", cat=GR), "YZ415", True),
]


@pytest.fixture(scope="module")
def wording(tmp_path_factory):
    return first_semester_workbook(tmp_path_factory, "wording", [ln for ln, _, _ in LINES])


IDS = [f"{r}-{f}-{i}" for i, (_, r, f) in enumerate(LINES)]


@pytest.mark.parametrize("index", range(len(LINES)), ids=IDS)
def test_rule_reads_the_sentence(wording, index):
    budget, findings = wording
    wanted, rule, fires = LINES[index]
    same = (wanted["item"], wanted["purpose"])
    (line,) = [ln for ln in budget.sheets[0].lines if (ln.item, ln.purpose) == same]
    hits = on_row(findings, rule, line)
    assert bool(hits) is fires, [(f.rule, f.cell, f.message) for f in hits]
