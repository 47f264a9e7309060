"""The ``YZ_*`` worksheet functions as plain functions (xlwings' decorators are inert on Linux),
against the same numbers the CLI and the file checker give for real workbooks."""

from __future__ import annotations

import json
from fractions import Fraction

import pytest
from officialish import official_workbook

import macros
from youzhi import cli, pipeline, rollup, tiers
from youzhi.calendar import Semester
from youzhi.money import yuan_to_cell
from youzhi.reader import read_budget

LINES = [
    {"category": "業務費", "item": "講座鐘點費", "unit": "節", "quantity": 4, "unit_price": 2.5}
    | {"purpose": "外聘大學教授", "source": ""},
    {"category": "業務費", "item": "諮詢費、輔導費、指導費", "unit": "人次", "quantity": 5, "unit_price": 2}
    | {"purpose": "", "source": "配合款"},
    {"category": "業務費", "item": "印刷費", "unit": "式", "quantity": 1, "unit_price": 95}
    | {"purpose": "課程手冊", "source": "配合款"},
    {"category": "設備及投資", "item": "筆記型電腦", "unit": "臺", "quantity": 3, "unit_price": 33}
    | {"purpose": "行動學習", "source": ""},
]
LINE_KINDS = {
    *("arithmetic", "unit", "unit_cap", "unit_range", "equipment_cap", "lump_sum"),
    *("forbidden", "purpose_required", "purpose_silent", "standard_name", "missing_numbers"),
}


@pytest.fixture(scope="module")
def workbook(tmp_path_factory):
    path = tmp_path_factory.mktemp("udf") / "school.xlsx"
    return official_workbook(path, academic_year=113, blocks={("A", Semester.FIRST): LINES})


def _cli_rollup(path, capsys, *options) -> dict:
    assert cli.main(["rollup", str(path), "--json", *options]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize(
    ("county", "authority"),
    [("新北市", "直轄市立"), ("台中市", "直轄市立"), ("花蓮縣", "縣市立"), ("臺北市", "直轄市立")],
)
def test_yz_match_gives_the_clis_required_match(workbook, capsys, county, authority):
    summary = _cli_rollup(workbook, capsys, "--county", county, "--authority", authority)
    match = summary["match"]
    subsidy_cell = yuan_to_cell(match["subsidy"])  # 教育部補助款 as the sheet shows it (千元)
    assert macros.YZ_MATCH(subsidy_cell, county, 113, "senior-high") == yuan_to_cell(match["required"])
    column = macros.YZ_MATCH([[subsidy_cell], [0], [""]], county, 113, "高中")
    assert column == [[yuan_to_cell(match["required"])], [0.0], [""]]


def test_yz_match_is_exact_to_the_yuan():
    # 新北市 is tier 2; vocational 109 allows 70 %: S = 900,000 元 → ⌈900,000 × 0.3 / 0.7⌉ = 385,715 元.
    assert macros.YZ_MATCH(900, "新北市", 109, "vocational") == 385.715
    assert macros.YZ_MATCH("９００", "新北市", 109, "2") == 385.715  # full-width digits as typed
    assert tiers.required_match(900_000, Fraction(7, 10)) == 385_715
    assert macros.YZ_MATCH(900, "火星", 109, "vocational") == "財力級次表中找不到縣市「火星」"


def test_yz_tier_covers_the_whole_tier_table():
    table = tiers.counties(113)
    assert len(table) == 22
    names = list(table)
    column = macros.YZ_TIER([[n] for n in names], 113)
    assert column == [[table[n]] for n in names]
    assert macros.YZ_TIER("台東縣", 113) == table["臺東縣"] == 5
    assert macros.YZ_TIER("", 113) == ""


def test_yz_ratio_gives_the_rollups_capital_share(workbook):
    budget = read_budget(workbook)
    capital, total = rollup.capital_total(budget), rollup.grand_total(budget)
    ratio = macros.YZ_RATIO(yuan_to_cell(capital), yuan_to_cell(total))
    assert ratio == float(Fraction(capital, total)) == pytest.approx(99 / (10 + 10 + 95 + 99))
    assert macros.YZ_RATIO([[1, 2, 3]], [[0, 4, ""]]) == [[0.0, 0.5, 0.0]]


def test_yz_cap_reads_the_rule_tables():
    assert macros.YZ_CAP("講座鐘點費", "", "senior-high", 113) == 2.0
    assert macros.YZ_CAP("講座鐘點費", "內聘", "senior-high", 113) == 1.0
    assert macros.YZ_CAP("講座鐘點費", "有從屬關係之單位", "senior-high", 113) == 1.5
    assert macros.YZ_CAP("授課鐘點費", None, "senior-high", 113) == 0.55
    assert macros.YZ_CAP("諮詢費、輔導費、指導費", None, "senior-high", 113) == 2.5
    assert macros.YZ_CAP("筆記型電腦", None, "senior-high", 113) == 30.0
    assert macros.YZ_CAP("個人電腦(不含顯示器)", None, "senior-high", 113) == 25.0
    assert macros.YZ_CAP("印刷費", None, "senior-high", 113) == ""


def test_yz_check_line_says_what_the_file_check_says(workbook):
    budget = read_budget(workbook)
    kinds = {rule.code: rule.kind for rule in __import__("validators").catalogue()}
    found = pipeline.check_file(workbook).findings  # what `youzhi check` finds
    block = next(b for b in budget.sheets if b.code == "A" and b.semester is Semester.FIRST)
    rows = [
        [line.item, line.unit, float(line.quantity), line.unit_price / 1000, line.purpose]
        for line in block.lines
    ]
    columns = [[[row[i]] for row in rows] for i in range(5)]
    results = macros.YZ_CHECK_LINE(*columns, "senior-high", 113)  # one call for the whole block
    assert len(results) == len(block.lines) == 4
    for line, (result,) in zip(block.lines, results, strict=True):
        expected = {
            f.message
            for f in found
            if f.sheet == block.sheet and f.cell[1:] == str(line.row) and kinds.get(f.rule) in LINE_KINDS
        }
        assert set(filter(None, result.split("；"))) == expected, line.item
    assert "3,000" not in results[0][0]  # 2,500 a 節 for an external lecturer is within the cap
    assert "說明用途" in results[1][0]
    assert results[2][0] == ""  # 印刷費 has no per-unit standard (its share is a workbook rule)
    assert "33,000" in results[3][0] and "3 萬元" in results[3][0]  # a laptop over 30,000 a 臺


def test_yz_check_line_single_values_and_blank_rows():
    assert macros.YZ_CHECK_LINE("講座鐘點費", "節", 2, 1, "內聘本校教師", "senior-high", 113) == ""
    message = macros.YZ_CHECK_LINE("講座鐘點費", "節", 2, 3, "外聘講座", "senior-high", 113)
    assert "3,000" in message and "2,000" in message
    assert macros.YZ_CHECK_LINE([[""], [None]], [[""], [""]], [[""], [""]], [[""], [""]], [[""], [""]]) == [
        [""],
        [""],
    ]


def test_check_line_joins_several_reasons_as_one_sentence_list():
    # 材料費 per 式 at 9,000 元, the purpose counting no 人次: the unit differs from the standard's
    # (YZ104) and the 200 元 a 人次 cap cannot be read (its warning asks for the breakdown): two reasons
    message = macros.YZ_CHECK_LINE("材料費", "式", 1, 9, "學生實作", "senior-high", 115)
    assert "「材料費」單位「式」與基準不符" in message and "請列出明細" in message
    assert message.index("與基準不符") < message.index("請列出明細")
    assert "。；" not in message and message.endswith("。")
    # the purpose counting the line in 人次 settles both: only the cap speaks (225 元 a 人次)
    counted = macros.YZ_CHECK_LINE("材料費", "式", 1, 9, "40人次×200元", "senior-high", 115)
    assert "225 元，超過上限 200 元" in counted and "與基準不符" not in counted


def test_yz_match_and_tier_per_fiscal_year_when_the_year_straddles_two_tier_tables():
    """114學年度: 114年度 under the 112–114 table (新竹縣 tier 3, senior-high 88 %), 115年度 under the
    115–117 table (tier 1, 80 %). The CLI matches each year on its own subsidy, rounded up, and adds:
    ⌈32,345 × 12/88⌉ = 4,411 and 68,000 × 20/80 = 17,000 (tests/test_tiers_match.py)."""
    assert macros.YZ_MATCH(32.345, "新竹縣", 114, "高中", 114) == 4.411
    assert macros.YZ_MATCH(68, "新竹縣", 114, "高中", 115) == 17.0
    whole = macros.YZ_MATCH(100.345, "新竹縣", 114, "高中")
    assert (
        isinstance(whole, str) and "會計年度" in whole and "第 5 個參數" in whole
    )  # never a figure a few 元 off
    assert macros.YZ_TIER("新竹縣", 114, 114) == 3 and macros.YZ_TIER("新竹縣", 114, 115) == 1
    assert "會計年度" in macros.YZ_TIER("新竹縣", 114)
    assert macros.YZ_MATCH(10, "新竹縣", 114, "高中", 116) == "114學年度的會計年度是 114、115，不是 116"
    assert "會計年度請輸入民國年" in macros.YZ_MATCH(10, "新竹縣", 114, "高中", "明年")
    # a 學年度 under one table needs no 會計年度, and gives the same figure with either
    assert macros.YZ_MATCH(900, "新北市", 109, "vocational") == 385.715
    assert macros.YZ_MATCH(900, "新北市", 109, "vocational", 110) == 385.715
