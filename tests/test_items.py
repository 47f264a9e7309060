"""youzhi.items: what a written item and 經費來源 mean, over the ways schools write them."""

from __future__ import annotations

import pytest
from officialish import official_workbook

import validators
from youzhi import forms, items, rollup
from youzhi.calendar import Semester
from youzhi.model import Budget, Line, SubPlanSheet
from youzhi.reader import read_budget

SH, Y = "senior-high", 114
OP, GR, CAP = forms.OPERATING, forms.GRANTS, forms.CAPITAL
CONSULT = "諮詢費、輔導費、指導費"
TRAVEL = "國內旅費、短程車資、運費"
TEMP = "臨時工作人員/工讀費"
SOFTWARE = "軟體設計費、軟體授權費"
SCHOLARSHIP = "學生獎學(助)金"


@pytest.mark.parametrize(
    ("written", "standard", "how"),
    [
        # the long names, folded: width, spaces, 台/臺, punctuation
        ("講座鐘點費", "講座鐘點費", "exact"),
        ("講座 鐘點費", "講座鐘點費", "exact"),
        (" 講座鐘點費\u3000", "講座鐘點費", "exact"),
        ("臨時工作人員／工讀費", TEMP, "exact"),
        ("臨時工作人員/工讀費", TEMP, "exact"),
        ("諮詢費,輔導費,指導費", CONSULT, "exact"),
        ("諮詢費／輔導費／指導費", CONSULT, "exact"),
        ("學生獎學（助）金", SCHOLARSHIP, "exact"),
        ("全民健康保險補充保費", "全民健康保險補充保費", "exact"),
        ("ＰＣ講座鐘點費", "講座鐘點費", "contains"),
        # each part of a long name
        ("諮詢費", CONSULT, "part"),
        ("輔導費", CONSULT, "part"),
        ("指導費", CONSULT, "part"),
        ("國內旅費", TRAVEL, "part"),
        ("短程車資", TRAVEL, "part"),
        ("運費", TRAVEL, "part"),
        ("臨時工作人員", TEMP, "part"),
        ("工讀費", TEMP, "part"),
        ("軟體設計費", SOFTWARE, "part"),
        ("軟體授權費", SOFTWARE, "part"),
        ("學生獎學金", SCHOLARSHIP, "part"),
        ("學生獎助金", SCHOLARSHIP, "part"),
        # names people write (data/items.toml [aliases])
        ("講師費", "講座鐘點費", "alias"),
        ("圖書費", "資料蒐集費", "alias"),
        ("交通費", TRAVEL, "alias"),
        ("工讀金", TEMP, "alias"),
        ("二代健保", "全民健康保險補充保費", "alias"),
        ("影印費", "印刷費", "alias"),
        ("場地費", "場地使用費", "alias"),
        ("遊覽車", "租車費", "alias"),
        # a standards name inside a longer one, when only one item is named
        ("外聘講師交通費", TRAVEL, "contains"),
        ("學生平安保險費", "保險費", "contains"),
        ("教學材料費", "材料費", "contains"),
        ("其他雜支", "雜支", "contains"),
    ],
)
def test_names_that_decide_an_item(written, standard, how):
    found = items.identify(SH, Y, OP, written)
    assert (found.standard, found.row, found.how) == (standard, standard, how)
    assert found.written == written.strip()


@pytest.mark.parametrize(
    ("written", "purpose", "standard", "how"),
    [
        ("主持費", "座談主持", None, "unknown"),  # an item of its own in the 基準表, not a y-4 row
        ("出席費", "", None, "unknown"),
        ("審查費", "", None, "unknown"),
        ("鐘點費", "", None, "ambiguous"),  # 講座 or 授課: the purpose does not say
        ("鐘點費", "講座及授課", None, "ambiguous"),  # says both
        ("獎學金", "", None, "ambiguous"),
        ("耗材", "", None, "ambiguous"),
        ("講座鐘點費及交通費", "", None, "ambiguous"),  # two items in one line
        ("鐘點費", "外聘專題講座", "講座鐘點費", "purpose"),  # rules know it; y-4 still 其他
        ("鐘點費", "彈性學習課程授課", "授課鐘點費", "purpose"),
        ("獎學金", "新生入學", "學生入學獎學金", "purpose"),
        ("文具用品", "", None, "unknown"),  # short aliases are never looked for inside a name
    ],
)
def test_names_that_do_not_decide_an_item_land_in_other(written, purpose, standard, how):
    found = items.identify(SH, Y, OP, written, purpose)
    assert (found.standard, found.row, found.how) == (standard, items.OTHER_ITEMS, how)


def test_capital_lines_and_blank_names():
    assert items.identify(SH, Y, CAP, "講座鐘點費").row is None  # 資本門: not in y-4
    assert items.identify(SH, Y, CAP, "講座 鐘點費").standard == "講座鐘點費"  # the rules still see it
    assert items.identify(SH, Y, CAP, "材料").standard is None  # aliases only for recurrent lines
    assert items.identify(SH, Y, OP, "").row is None
    assert items.identify(SH, Y, OP, "（）").row == items.OTHER_ITEMS  # written, but names nothing


def test_grant_items_and_vocational():
    assert items.identify(SH, Y, GR, "學生獎助金").row == SCHOLARSHIP
    assert items.identify("vocational", 115, OP, "諮詢費").row == CONSULT


@pytest.mark.parametrize(
    ("written", "source", "known"),
    [
        ("", forms.MINISTRY, True),
        ("  ", forms.MINISTRY, True),
        ("教育部補助款", forms.MINISTRY, True),
        ("部款", forms.MINISTRY, True),  # rollup used to file this under 其他補助款
        ("教育部", forms.MINISTRY, True),
        ("教育部補助", forms.MINISTRY, True),
        ("補助款", forms.MINISTRY, True),
        ("國教署", forms.MINISTRY, True),
        ("配合款", forms.MATCH, True),
        ("配合", forms.MATCH, True),
        ("縣市配合款", forms.MATCH, True),
        ("縣（市）配合款", forms.MATCH, True),
        ("新竹縣政府配合款", forms.MATCH, True),  # by its word 配合
        ("自籌", forms.SELF_FUNDED, True),
        ("學校自籌", forms.SELF_FUNDED, True),
        ("自籌款", forms.SELF_FUNDED, True),
        ("其他補助", forms.OTHER, True),
        ("其他補助款", forms.OTHER, True),
        ("其他", forms.OTHER, True),
        ("家長會", forms.MINISTRY, False),  # unknown: counted as 教育部補助款, reported by the reader
        ("自籌(其他)", forms.MINISTRY, False),  # names two sources
    ],
)
def test_sources(written, source, known):
    assert items.source_of(written) == (source, known)


def test_criteria_escape_wildcards_and_refuse_operators():
    assert items.criterion("雜支*") == "雜支~*"
    assert items.criterion("講座?~") == "講座~?~~"
    assert items.criterion("=講師費") is None and items.criterion("<雜支") is None
    assert items.criterion("   ") is None and items.criterion("講" * 256) is None


def _budget(*lines) -> Budget:
    budget = Budget(programme=SH, academic_year=Y)
    sheet = SubPlanSheet("A", "A", Semester.FIRST, 114)
    sheet.lines = list(lines)
    budget.sheets.append(sheet)
    return budget


def test_lookup_tables_hold_shipped_forms_and_the_workbooks_own():
    written = Line(
        "A", 6, OP, "講座鐘點費", raw_item="講座 鐘點費 ", raw_source=" 縣府配合款", source=forms.MATCH
    )
    unknown = Line("A", 7, OP, "主持費", raw_item="主持費")
    table = dict(items.item_table(_budget(written, unknown)))
    assert table["講座 鐘點費 "] == "講座鐘點費"  # exactly as the cell holds it (SUMIF does not trim)
    assert table["諮詢費"] == CONSULT and table["臨時工作人員／工讀費"] == TEMP
    assert "主持費" not in table and "鐘點費" not in table  # those go to 其他 = the rest
    sources = dict(items.source_table(_budget(written)))
    assert sources[" 縣府配合款"] == forms.MATCH and sources["自籌"] == forms.SELF_FUNDED
    assert "部款" not in sources  # 教育部補助款 is the rest
    folded = [c.casefold() for c, _ in items.item_table(_budget(written))]
    assert len(folded) == len(set(folded))  # SUMIF ignores case: one row per case-folded form


# ------------------------------------------------ the official example line (seed 002 表y-1-1)

SEED_LINE = dict(category=OP, item="諮詢費", unit="位", quantity=5, unit_price=2,
                 purpose="A-1諮詢費編列2名、A-2諮詢費編列3名", source="")  # fmt: skip


def test_official_example_line_rolls_into_its_row_and_is_held_to_its_band(tmp_path):
    over = dict(SEED_LINE, unit_price=2.501)  # 2,501 元 a person: 1 元 over 2,500
    at = dict(SEED_LINE, unit_price=2.5)
    blocks = {("A", Semester.FIRST): [SEED_LINE, at], ("A", Semester.SECOND): [over]}
    path = official_workbook(tmp_path / "seed.xlsx", academic_year=114, blocks=blocks)
    budget = read_budget(path)
    rows = {(r.fiscal_year, r.item): r.amount for r in rollup.y4(budget)}
    # 5 × 2,000 = 10,000 and 5 × 2,500 = 12,500 in 114; 5 × 2,501 = 12,505 in 115
    assert rows[(114, CONSULT)] == 22500 and rows[(115, CONSULT)] == 12505
    assert rows[(None, items.OTHER_ITEMS)] == 0
    found = validators.check(budget)
    assert not [f for f in found if f.rule == "YZ102"]
    band = [(f.sheet, f.cell, f.value) for f in found if f.rule == "YZ205"]
    assert band == [(budget.sheets[1].sheet, "E6", 2501)]


def test_yz102_says_where_the_line_lands():
    found = validators.check_line(SH, Y, "主持費", "人次", 1, 1000, "座談主持", OP)
    msg = next(f.message for f in found if f.rule == "YZ102")
    assert "列入表y-4「其他(非基準表項目)」" in msg
    found = validators.check_line(SH, Y, "鐘點費", "節", 1, 1000, "外聘專題講座", OP)
    msg = next(f.message for f in found if f.rule == "YZ102")
    assert "講座鐘點費" in msg and "其他(非基準表項目)" in msg
    assert not [f for f in validators.check_line(SH, Y, "講師費", "節", 1, 1000, "外聘專題講座", OP)
                if f.rule == "YZ102"]  # fmt: skip


def test_the_lookup_tables_do_not_make_the_parameter_sheet_look_like_a_summary(tmp_path):
    from youzhi.reader import is_summary_sheet
    from youzhi.sheets import load_grids
    from youzhi.template import write_template

    path = tmp_path / "t.xlsx"
    write_template(path, SH, Y)
    kinds = {g.name: is_summary_sheet(g) for g in load_grids(path).sheets}
    assert kinds["參數"] is None and kinds["y-4"] == "y-4"
