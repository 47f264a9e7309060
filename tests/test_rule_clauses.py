"""Round-2 clauses (授課鐘點費 五/六, 膳宿費 三, 其他注意事項 一～六, seed 004 四, 國中部 sub-plans)
on real workbooks: tests/officialish.py writes them, the reader reads them, validators.check runs.

Each rule fires on the line that breaks it (at the cell it names) and stays quiet on a near miss:
a line worded like the bad one that the clause allows.
"""

from __future__ import annotations

import pytest
from officialish import official_workbook
from test_rule_lines import CAP, GR, L, run

import validators
from youzhi.calendar import Semester
from youzhi.sheets import load_grids

FIRST, SECOND = Semester.FIRST, Semester.SECOND

# (line, rule that must fire, column of the cell it names)
BAD = [
    (L("授課鐘點費", "月", 1, 40, "代理教師薪資"), "YZ110", "unit"),
    (L("授課鐘點費", "節", 16, 0.4, "專任教師基本授課節數"), "YZ409", "item"),
    (L("授課鐘點費", "節", 10, 0.4, "學習扶助補救課程"), "YZ405", "item"),
    (L("諮詢費、輔導費、指導費", "人次", 4, 1, "本校教師擔任課程諮詢"), "YZ410", "item"),
    (L("膳宿費", "人次", 10, 0.1, "學生參加全國技能競賽餐費"), "YZ411", "item"),
    (L("膳宿費", "人次", 20, 0.1, "學生校外教學午餐"), "YZ411", "item"),
    (L("雜支", "式", 1, 2, "校慶活動布置"), "YZ412", "item"),
    (L("資料蒐集費", "冊", 40, 0.3, "購置選修課程教科書"), "YZ413", "item"),
    (L("國內旅費、短程車資、運費", "人次", 2, 0.3, "校外教學隨車人員交通費"), "YZ414", "item"),
    (L("臨時工作人員/工讀費", "小時", 10, 0.18, "本校職員協助行政，行政人員工讀"), "YZ416", "item"),
    (L("國內旅費、短程車資、運費", "人次", 3, 0.5, "學生個人參加校外競賽交通費"), "YZ417", "item"),
    (L("雜支", "式", 1, 3, "計畫辦公室水電費、電話費"), "YZ401", "item"),
    # 基準表 業務費(一)(三)(四): 1 元 over each cap, or under the band
    (L("主持費", "人次", 2, 2.501, "課程專題研討主持"), "YZ230", "unit_price"),
    (L("引言費", "人次", 2, 0.999, "專題研討引言"), "YZ230", "unit_price"),
    (L("訪視費", "人次", 3, 4.001, "訪視委員到校訪視"), "YZ231", "unit_price"),
    (L("訪視費", "人次", 3, 2.501, "訪視委員半日到校訪視"), "YZ231", "unit_price"),
    (L("評鑑費", "人次", 2, 6.001, "課程評鑑委員到校評鑑"), "YZ232", "unit_price"),
    (L("評鑑費", "半日", 2, 4.001, "課程評鑑委員到校評鑑"), "YZ232", "unit_price"),
    (L("授課鐘點費", "節", 4, 0.4, "兼辦本計畫教師減授鐘點之代課費"), "YZ420", "source"),
    (L("學生獎學(助)金", "人次", 5, 1, "技藝競賽優勝頒發禮券", cat=GR), "YZ415", "item"),  # 獎補助費 last
    (L("學生獎學(助)金", "人次", 5, 1, "補助學生參加研習營費用", cat=GR), "YZ415", "item"),
]

# (line, rule that must NOT fire on it): what the clause allows, worded close to the bad line.
NEAR = [
    (L("授課鐘點費", "節", 16, 0.4, "專任教師基本節數外超鐘點協同教學"), "YZ409"),
    (L("授課鐘點費", "堂", 10, 0.4, "彈性學習課程授課"), "YZ110"),
    (L("諮詢費、輔導費、指導費", "人次", 4, 2.5, "校內課程諮詢會議外聘專家"), "YZ410"),
    (L("膳宿費", "人次", 40, 0.12, "本校主辦校際學生競賽，評審半日午餐"), "YZ411"),
    (L("膳宿費", "人次", 40, 0.12, "教師增能研習半日午餐"), "YZ411"),
    (L("膳宿費", "人次", 40, 0.12, "學生專題競賽成果發表半日午餐"), "YZ411"),
    (L("雜支", "式", 1, 2, "六年一貫課程成果發表會文具（非例行）"), "YZ412"),
    (L("資料蒐集費", "冊", 40, 0.3, "教科書以外之補充教材"), "YZ413"),
    (L("國內旅費、短程車資、運費", "人次", 4, 0.5, "講師交通費"), "YZ414"),
    (L("國內旅費、短程車資、運費", "人次", 10, 0.1, "學生個人參加跨校選修課程交通費"), "YZ417"),
    (L("臨時工作人員/工讀費", "小時", 10, 0.18, "學生工讀生協助行政人員"), "YZ416"),
    (L("主持費", "人次", 2, 2.5, "課程專題研討主持"), "YZ230"),  # at the cap
    (L("計畫主持人費", "人次", 1, 3, "外聘計畫主持人"), "YZ230"),  # 人事費, not a 主持費
    (L("訪視費", "人次", 3, 4, "訪視委員到校訪視"), "YZ231"),
    (L("訪視費", "人次", 3, 2.5, "訪視委員半日到校訪視"), "YZ231"),
    (L("訪視交通費", "人次", 3, 4.5, "訪視委員往返交通"), "YZ231"),
    (L("評鑑費", "人次", 2, 6, "課程評鑑委員到校評鑑"), "YZ232"),
    (L("評鑑費", "半日", 2, 4, "課程評鑑委員到校評鑑"), "YZ232"),
    (L("評鑑費", "場", 1, 12, "課程評鑑委員2人全日"), "YZ232"),  # per 場: not one person's fee
    ({**L("授課鐘點費", "節", 4, 0.4, "兼辦本計畫教師減授鐘點之代課費"), "source": "自籌款"}, "YZ420"),
    (L("授課鐘點費", "節", 4, 0.4, "彈性學習課程授課（不含減授鐘點）"), "YZ420"),
    (L("學生獎學(助)金", "人次", 5, 1, "技藝競賽優勝頒發獎學金", cat=GR), "YZ415"),
    (L("學生獎學(助)金", "人次", 5, 1, "自主學習研習成果優異獎學金", cat=GR), "YZ415"),
]


@pytest.fixture(scope="module")
def clauses(tmp_path_factory):
    path = tmp_path_factory.mktemp("clauses") / "clauses.xlsx"
    blocks = {("A", FIRST): [line for line, _, _ in BAD], ("A", SECOND): [line for line, _ in NEAR]}
    return run(official_workbook(path, blocks=blocks))


@pytest.mark.parametrize("index", range(len(BAD)), ids=[rule for _, rule, _ in BAD])
def test_clause_rule_fires_at_its_cell(clauses, index):
    budget, findings = clauses
    wanted, rule, column = BAD[index]
    line = budget.sheets[0].lines[index]
    assert (line.item, line.purpose) == (wanted["item"], wanted["purpose"])
    hits = [f for f in findings if f.rule == rule and (f.sheet, f.cell) == (line.sheet, line.cell(column))]
    assert hits, f"{rule} did not fire at {line.sheet}!{line.cell(column)}"
    rules = {r.code: r for r in validators.catalogue("senior-high")}
    assert all(f.severity == rules[rule].severity and f.citation.startswith(("《", "國教署")) for f in hits)


@pytest.mark.parametrize("index", range(len(NEAR)), ids=[rule for _, rule in NEAR])
def test_clause_rule_quiet_on_a_near_miss(clauses, index):
    budget, findings = clauses
    wanted, rule = NEAR[index]
    line = budget.sheets[1].lines[index]
    assert (line.item, line.purpose) == (wanted["item"], wanted["purpose"])
    rows = [f for f in findings if f.sheet == line.sheet and f.cell.lstrip("ABCDEFGH") == str(line.row)]
    assert rule not in {f.rule for f in rows}


def test_unit_rule_for_teaching_fee_replaces_the_general_one(clauses):
    budget, findings = clauses
    line = budget.sheets[0].lines[0]
    at_unit = [f.rule for f in findings if (f.sheet, f.cell) == (line.sheet, line.cell("unit"))]
    assert at_unit == ["YZ110"]  # not YZ104 (warning) as well


def test_check_line_knows_the_new_clauses():
    found = validators.check_line("senior-high", 113, "授課鐘點費", "節", 16, 400, "教師本職基本授課節數")
    assert "YZ409" in {f.rule for f in found}
    found = validators.check_line(
        "vocational", 113, "國內旅費、短程車資、運費", "人次", 2, 300, "隨車人員交通費"
    )
    assert [f.rule for f in found if f.severity == "error"] == ["YZ414"]


# ---- 國中部 six-year sub-plans: 200,000 – 500,000 元 (seed 002 陸、三、(二)1.(2)) ----------------

SIX_FIRST = [L("講座鐘點費", "節", 20, 2, "外聘講師專題講座"), L("材料費", "人次", 200, 0.2, "實作材料")]
SIX_SECOND = [L("雜支", "式", 1, 20, "課程會議文具"), L("物品費", "個", 5, 10, "教具")]  # with FIRST: 150,000


def six_year(tmp_path, equipment_sets: int, *, named=True, purposes=None, programme="senior-high"):
    capital = [L("單槍投影機", "臺", equipment_sets, 25, "專科教室教學", cat=CAP)] if equipment_sets else []
    first, second = (
        (SIX_FIRST, SIX_SECOND)
        if purposes is None
        else ([{**ln, "purpose": purposes} for ln in lines] for lines in (SIX_FIRST, SIX_SECOND))
    )
    code = "D-1" if programme == "senior-high" else "五"
    blocks = {
        (code, FIRST): first + capital,
        (code, SECOND): second,
        ("A" if programme == "senior-high" else "一", FIRST): [L("雜支", "式", 1, 5, "國中部學生活動文具")],
    }
    names = {(code, FIRST): f"{code}六年一貫(8-12月)"} if named else {}
    path = official_workbook(
        tmp_path / "six.xlsx", programme=programme, academic_year=113, blocks=blocks, sheet_names=names
    )
    budget, findings = run(path)
    return budget, [f for f in findings if f.rule == "YZ340"]


def test_six_year_subplan_below_the_band_warns_on_its_y2_row(tmp_path):
    _, found = six_year(tmp_path, 0)
    assert [(f.severity, f.value, f.limit) for f in found] == [("warning", 150000, 200000)]
    assert found[0].sheet == "y-2" and "D-1" in found[0].message and "六年一貫" in found[0].message


def test_six_year_subplan_above_the_band_warns(tmp_path):
    _, found = six_year(tmp_path, 18)  # 150,000 + 18 × 25,000 = 600,000
    assert [(f.value, f.limit) for f in found] == [(600000, 500000)]


@pytest.mark.parametrize("sets", [2, 6, 14])  # 200,000 (the floor), 300,000, 500,000 (the ceiling)
def test_six_year_subplan_inside_the_band_is_quiet(tmp_path, sets):
    assert six_year(tmp_path, sets)[1] == []


def test_six_year_subplan_recognised_from_its_purposes(tmp_path):
    _, found = six_year(tmp_path, 18, named=False, purposes="國中部六年一貫課程")
    assert [f.value for f in found] == [600000] and "列的項目或說明用途" in found[0].message


def test_ordinary_subplan_mentioning_the_junior_section_once_is_not_one(tmp_path):
    # D-1 unnamed with silent purposes is not recognised (600,000 元 would be above the band), and
    # A's single line about 國中部 (5,000 元, below the band) does not make A a six-year sub-plan.
    assert six_year(tmp_path, 18, named=False)[1] == []


def test_six_year_band_is_a_senior_high_rule(tmp_path):
    _, found = six_year(tmp_path, 18, programme="vocational")
    assert found == [] and "YZ340" not in {r.code for r in validators.catalogue("vocational")}


def test_six_year_subplan_recognised_from_its_code_label(tmp_path):
    code = "D-1 六年一貫課程"  # written as 子計畫代碼:D-1 六年一貫課程; the sheets are plain D-1(…)
    blocks = {(code, FIRST): SIX_FIRST, (code, SECOND): SIX_SECOND}
    names = {(code, FIRST): "D-1(8-12月)", (code, SECOND): "D-1(1-7月)"}
    path = official_workbook(tmp_path / "label.xlsx", academic_year=113, blocks=blocks, sheet_names=names)
    budget, findings = run(path)
    found = [f for f in findings if f.rule == "YZ340"]
    assert [(f.value, f.sheet) for f in found] == [(150000, "D-1(8-12月)")]  # no y-2 row for it: 1st line
    assert "子計畫代碼:D-1 六年一貫課程" in found[0].message
    first = budget.sheets[-2].lines[0]
    assert found[0].cell == first.cell("total")


def test_school_name_in_the_title_row_does_not_mark_every_subplan(tmp_path):
    blocks = {("A", FIRST): SIX_FIRST, ("A", SECOND): SIX_SECOND}  # 150,000, below the band
    path = official_workbook(tmp_path / "t.xlsx", school_title="○○高中國中部", blocks=blocks)
    budget, findings = run(path)
    assert "國中部" in str(load_grids(path).sheet(budget.sheets[0].sheet).rows)
    assert [f for f in findings if f.rule == "YZ340"] == []


def test_catalogue_shows_the_basic_table_bands():
    from youzhi.cmd.rules import limit_text

    rules = {r.code: r for r in validators.catalogue("vocational")}
    assert limit_text(rules["YZ230"]) == "1,000～2,500 元"
    assert limit_text(rules["YZ231"]) == "1,000～4,000 元；半日 2,500 元"
    assert limit_text(rules["YZ232"]) == "2,000～6,000 元；半日 4,000 元"
    assert "YZ420" not in rules  # the vocational 方案 does not say who pays for 減授
