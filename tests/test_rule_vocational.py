"""The vocational table (seed 004) where it differs from senior-high, on real workbooks."""

from __future__ import annotations

import pytest
from officialish import official_workbook
from test_rule_lines import CAP, GR, L, run, substantive

from youzhi.calendar import Semester

VOC_BAD = [
    (L("學生入學獎學金", "人次", 3, 12, "入學成績優秀", cat=GR), "YZ211", "unit_price"),
    (L("學生獎學(助)金", "人次", 3, 6, "學期成績優異", cat=GR), "YZ212", "unit_price"),
    (L("雜支", "式", 1, 1, "教師校外觀摩參訪課程"), "YZ404", "item"),
    (L("稿費", "篇", 1, 1, "教材編撰費"), "YZ408", "item"),
    (L("諮詢費、輔導費、指導費", "人次", 20, 2.5, "業界專家指導"), None, None),
]
# 經常門 100 千元: 入學獎學金 exactly 20 %, 獎助金 exactly 10 %; 資本門 60 of 160.
VOC_CLEAN = [
    L("講座鐘點費", "節", 10, 2, "外聘業師專題講座"),
    L("材料費", "人次", 50, 0.2, "實習課程材料"),
    L("諮詢費、輔導費、指導費", "人次", 8, 2.5, "產學合作業界專家指導"),
    L("雜支", "式", 1, 5, "文具紙張"),
    L("印刷費", "份", 100, 0.05, "實習手冊印刷"),
    L("租車費", "臺", 1, 10, "學生赴合作廠商參訪"),
    L("學生入學獎學金", "人次", 2, 10, "入學成績優秀", cat=GR),
    L("學生獎學(助)金", "人次", 2, 5, "技能檢定通過", cat=GR),
    L("筆記型電腦", "臺", 2, 30, "實習教學", cat=CAP),
]


@pytest.fixture(scope="module")
def voc_bad(tmp_path_factory):
    path = tmp_path_factory.mktemp("voc") / "voc-bad.xlsx"
    official_workbook(
        path,
        programme="vocational",
        academic_year=113,
        blocks={("一", Semester.FIRST): [line for line, _, _ in VOC_BAD]},
    )
    return run(path)


@pytest.mark.parametrize("index", range(4))
def test_vocational_line_rules_fire(voc_bad, index):
    budget, findings = voc_bad
    assert budget.programme == "vocational"
    wanted, rule, column = VOC_BAD[index]
    line = next(
        ln for ln in budget.sheets[0].lines if (ln.item, ln.purpose) == (wanted["item"], wanted["purpose"])
    )
    hits = [f for f in findings if f.rule == rule and (f.sheet, f.cell) == (line.sheet, line.cell(column))]
    assert hits and hits[0].severity == "error" and "國教署補助高職優質化輔助方案要點" in hits[0].citation


def test_vocational_caps_differ_from_senior_high(voc_bad):
    _, findings = voc_bad
    by_rule = {f.rule: f for f in findings}
    assert by_rule["YZ212"].limit == 5000  # 各單項每人 5,000 (senior-high: 學期成績 10,000)
    assert "YZ310" not in by_rule


def test_vocational_scholarship_shares_are_hard_limits(voc_bad):
    _, findings = voc_bad
    by_rule = {f.rule: f for f in findings}
    assert (by_rule["YZ311"].severity, by_rule["YZ311"].limit) == ("error", "0.20")  # 36 / 106
    assert (by_rule["YZ312"].severity, by_rule["YZ312"].limit) == ("error", "0.10")  # 18 / 106


def test_clean_vocational_workbook_is_quiet(tmp_path):
    blocks = {("一", Semester.FIRST): VOC_CLEAN, ("二", Semester.SECOND): [L("雜支", "式", 1, 0, "文具")]}
    path = official_workbook(tmp_path / "voc.xlsx", programme="vocational", academic_year=113, blocks=blocks)
    budget, findings = run(path)
    assert budget.programme == "vocational" and len(budget.lines) == len(VOC_CLEAN) + 1
    assert [(f.rule, f.cell, f.message) for f in substantive(findings)] == []
