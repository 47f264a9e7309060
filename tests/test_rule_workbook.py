"""Share, total-cap and workbook rules on real workbooks: each fires at the y-2 / y-3 / y-4 cell it
concerns (located here independently, from the seed's own layout), and a workbook that meets them
is quiet."""

from __future__ import annotations

import pytest
from officialish import official_workbook
from test_rule_lines import CAP, GR, NATIONAL, L, run, substantive

from youzhi.calendar import Semester
from youzhi.model import School
from youzhi.sheets import load_grids

TAIPEI = School("臺北市立○○高級中學", "直轄市立", "臺北市")

# 經常門 = 100 千元: each item just over its share.
SHARES_1 = [
    L("講座鐘點費", "節", 15.5, 2, "外聘講師專題講座"),  # 31 %
    L("稿費", "篇", 1, 4, "研發校訂必修教材"),  # 4 %
    L("臨時工作人員/工讀費", "小時", 30, 0.2, "活動工讀生"),  # 6 %
    L("印刷費", "份", 11, 1, "成果手冊印刷"),  # 11 %
    L("膳宿費", "人次", 11, 1, "研習餐費"),  # 11 %
    L("雜支", "式", 1, 21, "文具紙張"),  # 21 %
    L("諮詢費、輔導費、指導費", "人次", 8, 2, "課程諮詢委員"),  # 16 %
]
# 經常門 = 150 千元; 資本門 200 千元 (57 % of 350).
SHARES_2 = [
    L("材料費", "人次", 160, 0.2, "實作課程材料"),  # 32 = 21.3 %
    L("物品費", "個", 32, 1, "教學用教具"),  # 21.3 %
    L("設備維護費", "式", 1, 16, "實習設備保養"),  # 10.7 %
    L("學生入學獎學金", "人次", 2, 10, "入學成績優秀", cat=GR),
    L("學生獎學(助)金", "人次", 1, 10, "學期成績優異", cat=GR),
    L("學生獎學(助)金", "人次", 1, 1, "技藝競賽得獎", cat=GR),  # 獎學金 31 = 20.7 %
    L("資料蒐集費", "冊", 31, 1, "課程參考書"),  # 31,000 > 30,000
    L("諮詢費、輔導費、指導費", "人次", 4, 2, "課程諮詢委員"),
    L("單槍投影機", "臺", 8, 25, "專科教室教學", cat=CAP),
]
Y2_HEAD = [
    ["表y-2 ○○高中優質化年度經費編列總表【112學年度】"],
    ["單位：千元"],
    ["計畫代碼", "經費配置來源", "", "", "", "", "優質化整體經費分析", "", "", "優質化整體經費"],
    [
        "",
        "優質化專案教育部補助款",
        "優質化專案直轄市、縣(市)立學校主管機關配合款",
        "自籌款",
        "其他補助款",
        "合計數",
        "經常門",
        "資本門",
        "合計數",
        "申請金額",
        "核定金額",
    ],
]
Y2_TYPED = [*Y2_HEAD, ["A", 350, 0, 0, 0, 350, 150, 190, 340], ["小計", 350, 0, 0, 0, 350, 150, 200, 350]]


def row_of(grid, label: str, column: int) -> int:
    return next(r for r in range(1, grid.max_row + 1) if str(grid.value(r, column) or "").strip() == label)


@pytest.fixture(scope="module")
def shares_1(tmp_path_factory):
    path = tmp_path_factory.mktemp("wb") / "shares-1.xlsx"
    official_workbook(path, academic_year=112, blocks={("A", Semester.FIRST): SHARES_1}, approved={"A": 50})
    return load_grids(path), run(path, school=TAIPEI)


@pytest.fixture(scope="module")
def shares_2(tmp_path_factory):
    path = tmp_path_factory.mktemp("wb") / "shares-2.xlsx"
    official_workbook(
        path,
        academic_year=112,
        blocks={("A", Semester.FIRST): SHARES_2},
        summaries=("y-3", "y-4"),
        extra_sheets={"y-2": Y2_TYPED},
    )
    return load_grids(path), run(path)


def at(findings, rule):
    return [(f.sheet, f.cell) for f in findings if f.rule == rule]


@pytest.mark.parametrize(
    ("rule", "item"),
    [
        ("YZ301", "講座鐘點費"),
        ("YZ302", "稿費"),
        ("YZ303", "臨時工作人員/工讀費"),
        ("YZ304", "印刷費"),
        ("YZ305", "膳宿費"),
        ("YZ306", "雜支"),
    ],
)
def test_share_rules_fire_at_y4_ratio(shares_1, rule, item):
    grids, (_, findings) = shares_1
    y4 = grids.sheet("y-4")
    assert at(findings, rule) == [("y-4", f"H{row_of(y4, item, 2)}")]  # 學年度 比例 (seed 002 表y-4)


@pytest.mark.parametrize(
    ("rule", "item"),
    [("YZ307", "材料費"), ("YZ308", "物品費"), ("YZ309", "設備維護費"), ("YZ310", "學生入學獎學金")],
)
def test_more_share_rules_fire_at_y4_ratio(shares_2, rule, item):
    grids, (_, findings) = shares_2
    assert at(findings, rule) == [("y-4", f"H{row_of(grids.sheet('y-4'), item, 2)}")]


def test_share_values_are_exact_fractions(shares_1):
    _, (_, findings) = shares_1
    by_rule = {f.rule: f for f in findings}
    assert by_rule["YZ301"].value == "0.3100" and by_rule["YZ301"].limit == "0.30"
    assert by_rule["YZ302"].severity == "error" and by_rule["YZ301"].severity == "warning"
    assert "以編列之經常門總額 100,000 元計算" in by_rule["YZ306"].message


def test_total_cap_fires_at_y4_total(shares_2):
    grids, (_, findings) = shares_2
    assert at(findings, "YZ320") == [("y-4", f"G{row_of(grids.sheet('y-4'), '資料蒐集費', 2)}")]
    assert next(f for f in findings if f.rule == "YZ320").value == 31000


def test_capital_share_fires_at_y3_ratio(shares_2):
    grids, (_, findings) = shares_2
    y3 = grids.sheet("y-3")
    row = next(r for r in range(1, y3.max_row + 1) if "經資門比例" in str(y3.value(r, 1) or ""))
    assert at(findings, "YZ330") == [("y-3", f"L{row}")]


def test_y2_totals_rule_fires_on_the_row_that_disagrees(shares_2):
    _, (_, findings) = shares_2
    assert at(findings, "YZ503") == [("y-2", "I5")]  # 小計 (row 6) agrees: quiet


def test_match_and_approved_fire_on_y2(shares_1):
    grids, (_, findings) = shares_1
    y2 = grids.sheet("y-2")
    total_row, a_row = row_of(y2, "小計", 1), row_of(y2, "A", 1)
    assert at(findings, "YZ501") == [("y-2", f"C{total_row}")]
    match = next(f for f in findings if f.rule == "YZ501")
    # 臺北市 is tier 1: senior-high rate 80 % (112學年度起) → 100,000 × 0.2 / 0.8 = 25,000.
    assert (match.value, match.limit) == (0, 25000)
    assert at(findings, "YZ504") == [("y-2", f"K{a_row}"), ("y-2", f"K{total_row}")]


def test_match_unknown_is_info_without_authority(tmp_path):
    path = official_workbook(tmp_path / "a.xlsx", academic_year=112, blocks={("A", Semester.FIRST): SHARES_1})
    _, findings = run(path, school=None)
    match_rules = ("YZ501", "YZ502", "YZ503", "YZ504")
    assert [(f.rule, f.severity) for f in findings if f.rule in match_rules] == [("YZ502", "info")]


def test_workbook_rules_quiet_when_met(tmp_path):
    blocks = {
        ("A", Semester.FIRST): [
            L("諮詢費、輔導費、指導費", "人次", 4, 2.5, "課程諮詢委員"),
            L("諮詢費、輔導費、指導費", "人次", 1, 2.5, "課程諮詢委員"),
        ]
    }
    blocks[("A", Semester.FIRST)][1]["source"] = "配合款"  # 10,000 × 0.2 / 0.8 = 2,500 exactly
    path = official_workbook(
        tmp_path / "q.xlsx",
        academic_year=112,
        blocks=blocks,
        approved={"A": 12.5},
        summaries=("y-3", "y-4"),
        extra_sheets={
            "y-2": [
                *Y2_HEAD,
                ["A", 10, 2.5, 0, 0, 12.5, 12.5, 0, 12.5, "", 12.5],
                ["小計", 10, 2.5, 0, 0, 12.5, 12.5, 0, 12.5, "", 12.5],
            ]
        },
    )
    budget, findings = run(path, school=TAIPEI)
    assert budget.approved == {"A": 12500}
    assert [(f.rule, f.cell, f.message) for f in substantive(findings)] == []


def test_reader_problem_becomes_a_finding(tmp_path):
    blocks = {("A", Semester.FIRST): [L("諮詢費、輔導費、指導費", "人次", "三位", 2, "課程諮詢委員")]}
    path = official_workbook(tmp_path / "p.xlsx", blocks=blocks)
    budget, findings = run(path, school=NATIONAL)
    line = budget.sheets[0].lines[0]
    assert ("YZ001", line.sheet, line.cell("quantity")) in [(f.rule, f.sheet, f.cell) for f in findings]


def test_our_template_workbook_is_located_too(tmp_path):
    from builders import filled_template

    path = filled_template(
        tmp_path / "tpl.xlsx",
        programme="senior-high",
        academic_year=114,
        school={"name": "臺北市立○○高中", "authority": "直轄市立", "county": "臺北市"},
        blocks={("A", Semester.FIRST): SHARES_1},
    )
    grids = load_grids(path)
    _, findings = run(path, school=None)
    y4 = grids.sheet("y-4")
    assert at(findings, "YZ306") == [("y-4", f"H{row_of(y4, '雜支', 2)}")]
    assert at(findings, "YZ501") == [("y-2", f"C{row_of(grids.sheet('y-2'), '小計', 1)}")]
