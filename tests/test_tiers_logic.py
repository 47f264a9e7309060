"""Which tier table applies and how the match is split, on a small fixture table.

The fixture's tables cover 會計年度 201–206, which the shipped data never will, so these tests
survive every data update; only tests/test_tiers_match.py and the data test know the real tables.
Figures are computed by hand in the comments.
"""

from __future__ import annotations

from fractions import Fraction

import pytest
from builders import filled_budget

from youzhi import computed_params, forms, rollup, tables, tiers
from youzhi.calendar import Semester

F, S = Semester.FIRST, Semester.SECOND

FIXTURE = """
[[tier_table]]
fiscal_years = [201, 203]
source = "測試表甲"
[tier_table.counties]
"臺北市" = 1
"新竹縣" = 5
"花蓮縣" = 2

[[tier_table]]
fiscal_years = [204, 206]
source = "測試表乙"
[tier_table.counties]
"臺北市" = 1
"新竹縣" = 2
"花蓮縣" = 5

[[rate_table]]
programme = "senior-high"
from_academic_year = 201
source = "測試比率"
rates = { 1 = "0.50", 2 = "0.75", 3 = "0.80", 4 = "0.90", 5 = "0.95" }
"""


@pytest.fixture
def fixture_tables(tmp_path, monkeypatch):
    def use(*texts: str):
        paths = []
        for i, text in enumerate(texts):
            path = tmp_path / f"tables{i}.toml"
            path.write_text(text, encoding="utf-8")
            paths.append(str(path))
        monkeypatch.setenv("YOUZHI_TABLES", ":".join(paths))
        tables.clear_cache()

    use(FIXTURE)
    yield use
    monkeypatch.delenv("YOUZHI_TABLES")
    tables.clear_cache()


def test_a_fiscal_year_picks_the_table_whose_range_holds_it(fixture_tables):
    assert tiers.tier_table(201).title == "201–203年度"
    assert tiers.tier_table(203).title == "201–203年度"
    assert tiers.tier_table(204).title == "204–206年度"
    assert tiers.tier_of("新竹縣", 203) == 5
    assert tiers.tier_of("新竹縣", 204) == 2
    assert tiers.tier_of("台北市", 206) == 1  # 台 for 臺


def test_a_year_after_the_last_table_uses_it_and_says_so(fixture_tables):
    table = tiers.tier_table(207)
    assert table.title == "204–206年度" and not table.covers(207)
    budget = _budget(206, "花蓮縣", {("A", F): [_line(10, 2)]})
    m = rollup.match(budget)
    assert m.tier == 5 and m.required == 1053  # ⌈20,000 × 5 / 95⌉ = ⌈1,052.63⌉
    assert "無 207 年度財力級次表，暫依 204–206年度之財力級次表" in m.note


def test_one_table_one_part_two_tables_two_parts(fixture_tables):
    assert [(years, t.title) for years, t in tiers.fiscal_parts(202)] == [((202, 203), "201–203年度")]
    assert [(years, t.title) for years, t in tiers.fiscal_parts(203)] == [
        ((203,), "201–203年度"),
        ((204,), "204–206年度"),
    ]


def _line(quantity, unit_price, source=""):
    return dict(
        category=forms.OPERATING, item="講座鐘點費", unit="節", quantity=quantity,
        unit_price=unit_price, total=None, purpose="說明", source=source,
    )  # fmt: skip


def _budget(year, county, blocks):
    return filled_budget(
        academic_year=year, school=dict(name="測試高中", authority="縣市立", county=county), blocks=blocks
    )


def test_one_table_matches_once_on_the_whole_subsidy(fixture_tables):
    # 202學年度: 202 and 203年度 both under 201–203; 新竹縣 tier 5, r = 95 %.
    # S = 20,000 + 3,000 = 23,000 → ⌈23,000 × 5 / 95⌉ = ⌈1,210.53⌉ = 1,211.
    m = rollup.match(_budget(202, "新竹縣", {("A", F): [_line(10, 2)], ("A", S): [_line(1, 3)]}))
    assert not m.split and len(m.parts) == 1
    assert (m.parts[0].fiscal_years, m.parts[0].subsidy) == ((202, 203), 23_000)
    assert (m.tier, m.max_rate, m.required) == (5, Fraction(95, 100), 1_211)


def test_one_table_rounds_once_where_per_year_would_round_twice(fixture_tables):
    # 202學年度, 新竹縣 tier 5, r = 95 %, 900 in 202年度 and 1,000 in 203年度:
    # once ⌈1,900 × 5 / 95⌉ = ⌈100⌉ = 100; per year it would be ⌈47.37⌉ + ⌈52.63⌉ = 48 + 53 = 101.
    m = rollup.match(_budget(202, "新竹縣", {("A", F): [_line(1, 0.9)], ("A", S): [_line(1, 1)]}))
    assert m.required == 100


def test_two_tables_match_each_fiscal_year_rounded_up_and_added(fixture_tables):
    # 203學年度: 203年度 under 201–203 (新竹縣 tier 5, r = 95 %), 204年度 under 204–206 (tier 2, 75 %).
    # 203: ⌈20,000 × 5 / 95⌉ = ⌈1,052.63⌉ = 1,053; 204: 3,000 × 25 / 75 = 1,000; 1,053 + 1,000 = 2,053.
    m = rollup.match(_budget(203, "新竹縣", {("A", F): [_line(10, 2)], ("A", S): [_line(1, 3, "")]}))
    assert m.split
    assert [(p.fiscal_years, p.table, p.tier, p.max_rate, p.subsidy, p.required) for p in m.parts] == [
        ((203,), "201–203年度", 5, Fraction(95, 100), 20_000, 1_053),
        ((204,), "204–206年度", 2, Fraction(75, 100), 3_000, 1_000),
    ]
    assert (m.subsidy, m.required) == (23_000, 2_053)
    assert (m.common_tier, m.common_rate) == (None, None)
    summary = rollup.summary(_budget(203, "新竹縣", {("A", F): [_line(10, 2)], ("A", S): [_line(1, 3)]}))
    assert summary["match"]["split"] is True and summary["match"]["tier"] is None
    assert [p["required"] for p in summary["match"]["parts"]] == [1_053, 1_000]
    assert "203年度：201–203年度表第 5 級 95%" in rollup.match_basis(m)


def test_two_tables_with_the_same_tier_still_round_per_year(fixture_tables):
    # 臺北市 is tier 1 (r = 50 %) in both tables, so the year has one tier and one rate, but the
    # match is still per 年度: 203: 1,001 × 0.5 / 0.5 = 1,001; 204: 999 → 999; 1,001 + 999 = 2,000.
    m = rollup.match(_budget(203, "臺北市", {("A", F): [_line(1, 1.001)], ("A", S): [_line(1, 0.999)]}))
    assert m.split and m.common_tier == 1 and m.common_rate == Fraction(1, 2)
    assert [p.required for p in m.parts] == [1_001, 999] and m.required == 2_000


def test_national_schools_owe_nothing_even_across_tables(fixture_tables):
    budget = filled_budget(
        academic_year=203, school=dict(name="國立高中", authority="國立", county="新竹縣"),
        blocks={("A", F): [_line(10, 2)]},
    )  # fmt: skip
    m = rollup.match(budget)
    assert (m.needed, m.required, m.parts) == (False, 0, ())


def test_a_later_table_with_the_same_first_year_replaces_the_earlier(fixture_tables):
    fixture_tables(FIXTURE, '[[tier_table]]\nfiscal_years = [204, 206]\nsource = "更正"\n'
                   '[tier_table.counties]\n"新竹縣" = 3\n"臺北市" = 1\n')  # fmt: skip
    assert tiers.tier_of("新竹縣", 205) == 3
    assert tiers.tier_table(205).source == "更正"


def test_the_older_open_ended_format_still_loads(fixture_tables):
    fixture_tables(FIXTURE, '[[tier_table]]\nvalid_from = 210\nsource = "舊格式"\n'
                   '[tier_table.counties]\n"新竹縣" = 4\n')  # fmt: skip
    table = tiers.tier_table(230)
    assert (table.title, table.covers(230), tiers.tier_of("新竹縣", 230)) == ("210年度起", True, 4)


def test_a_reversed_range_is_a_clear_message(fixture_tables):
    fixture_tables(
        '[[tier_table]]\nfiscal_years = [209, 207]\nsource = "x"\n[tier_table.counties]\n"臺北市" = 1\n'
    )
    with pytest.raises(tiers.TierError, match="顛倒"):
        tiers.tier_tables()


def test_rate_tables_are_keyed_by_academic_year(fixture_tables):
    table = tiers.rate_table("senior-high", 203)
    assert (table.from_academic_year, table.rates[5]) == (201, Fraction(95, 100))
    assert tiers.rate_table("senior-high", 200).from_academic_year == 112  # the shipped one


def test_parameters_sheet_carries_the_dated_tables_of_the_year(fixture_tables):
    spec, names = computed_params.param_sheet(_budget(203, "新竹縣", {("A", F): [_line(1, 1)]}))
    cells = {(c.row, c.col): c.value for c in spec.cells}
    assert cells[(1, 2)] == "財力級次（201–203年度）" and cells[(1, 3)] == "財力級次（204–206年度）"
    row_of = {cells[(r, 1)]: r for (r, c) in cells if c == 1}
    hsinchu = row_of["新竹縣"]
    assert (cells[(hsinchu, 2)], cells[(hsinchu, 3)]) == (5, 2)
    key = row_of["適用年度起"]
    assert (cells[(key, 2)], cells[(key, 3)]) == (201, 204)
    assert names["yz_tier_from"].endswith(f"!$B${key}:$C${key}")
    single, _ = computed_params.param_sheet(_budget(202, "新竹縣", {("A", F): [_line(1, 1)]}))
    assert (1, 3) not in {(c.row, c.col) for c in single.cells if c.value}  # one table: one column


def test_template_command_says_which_tables_it_uses(fixture_tables):
    from youzhi.cmd.template import tier_tables_line

    assert tier_tables_line(202) == "財力級次表：202、203年度依 201–203年度表。"
    assert tier_tables_line(203) == (
        "財力級次表：203年度依 201–203年度表；204年度依 204–206年度表，兩個會計年度之配合款分別計算後相加。"
    )
    assert (
        tier_tables_line(206) == "財力級次表：206、207年度依 204–206年度表（尚無 207 年度之表，暫依此表）。"
    )
