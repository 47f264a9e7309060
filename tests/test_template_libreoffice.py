"""Filled templates recalculated by LibreOffice: every y-2/y-3/y-4 figure and the match equal the roll-up.

All workbooks of this module go through ONE LibreOffice call (module fixture). Cells are located by
their labels in LibreOffice's output (code in y-2 column A, ``115-A`` in y-3 column B, item names in
y-4 column B, labels in 基本資料 column A), not through our own layout, and money is compared in 元.
The hand-computed tests at the end hold literal figures worked out in the comments.
"""

from __future__ import annotations

import random
import shutil
from fractions import Fraction
from pathlib import Path

import lo
import openpyxl
import pytest
from builders import filled_budget, filled_template, school_figures, y2_figures, y3_figures, y4_figures, yuan

from youzhi import forms, rollup, template
from youzhi.calendar import Semester
from youzhi.model import School

F, S = Semester.FIRST, Semester.SECOND


def ln(category, item, quantity, unit_price, source="", *, unit="", total=None, purpose="說明"):
    return dict(
        category=category,
        item=item,
        unit=unit,
        quantity=quantity,
        unit_price=unit_price,
        total=total,
        purpose=purpose,
        source=source,
    )


OP, GR, CAP = forms.OPERATING, forms.GRANTS, forms.CAPITAL

# ------------------------------------------------------------------ scenarios (hand-computed below)

TIER1 = dict(  # 臺北市 (tier 1), 直轄市立, senior-high 115: rate 80 %
    programme="senior-high",
    academic_year=115,
    subplans=["A-1", "A-2", "B", "C"],
    school=dict(name="北市高中", authority="直轄市立", county="台北市"),  # 台 for 臺 on purpose
    blocks={
        ("A-1", F): [ln(OP, "講座鐘點費", 10, 2, unit="節")],  # 20.000 教育部
        ("A-2", S): [ln(OP, "印刷費", 1, 15.5, "教育部補助款")],  # 15.500 教育部
        ("B", F): [ln(CAP, "筆記型電腦", 2, 30, unit="臺")],  # 60.000 教育部 (資本門)
        ("C", S): [ln(OP, "雜支", 1, 5, "配合款")],  # 5.000 配合款
    },
)
TIER2 = dict(  # 新北市 (tier 2), 直轄市立, senior-high 115: rate 85 %
    programme="senior-high",
    academic_year=115,
    subplans=["A", "B", "C", "D"],
    school=dict(name="新北高中", authority="直轄市立", county="新北市"),
    blocks={
        ("A", F): [ln(OP, "講座鐘點費", 200, 2, unit="節")],  # 400.000
        ("B", S): [ln(CAP, "個人電腦(含顯示器)", 10, 30, unit="組")],  # 300.000
        ("C", F): [
            ln(OP, "材料費", 2670, 0.2, unit="人次"),  # 534.000
            ln(OP, "雜支", 1, 217.765, "配合款"),  # 217.765 配合款
        ],
    },
)
TIER5 = dict(  # 屏東縣 (tier 5), 縣市立, vocational 115: rate 90 %
    programme="vocational",
    academic_year=115,
    subplans=["一-1", "一-2", "二", "三", "四", "五"],
    school=dict(name="屏東高職", authority="縣市立", county="屏東縣"),
    blocks={
        ("一-1", F): [ln(OP, "講座鐘點費", 100, 2, unit="節")],  # 200.000
        ("一-2", S): [ln(OP, "物品費", 3, 0.335)],  # 1.005
        ("二", F): [
            ln(CAP, "平板電腦", 46, 15, unit="臺"),  # 690.000
            ln(OP, "印刷費", 9, 1, ""),  # 9.000
            ln(GR, "學生獎學(助)金", 10, 5, "自籌款"),  # 50.000 自籌款
        ],
        ("三", S): [ln(OP, "膳宿費", None, None, "其他補助款", total=3.6)],  # typed lump sum 3.600 其他
    },
)
NINETY = dict(  # 南投縣 (tier 4), 縣市立, vocational 115: rate 90 %; S = 900 元 → match exactly 100 元
    programme="vocational",
    academic_year=115,
    subplans=None,
    school=dict(name="南投高職", authority="縣市立", county="南投縣"),
    blocks={("一", F): [ln(OP, "物品費", 1, 0.9)]},
)
NATIONAL = dict(  # 國立: no match whatever the county
    programme="senior-high",
    academic_year=114,
    subplans=None,
    school=dict(name="國立高中", authority="國立", county="臺北市"),
    blocks={("A", F): [ln(OP, "講座鐘點費", 3, 1)]},
)


def _random_scenario(seed: int, programme: str, academic_year: int, subplans, school) -> dict:
    """Many lines: every category, all four sources, blank sources, odd item names, fractional counts."""
    rng = random.Random(seed)
    items = {c: [*forms.items(programme, academic_year, c), "自訂項目"] for c in forms.CATEGORIES}
    sources = ["", "", *forms.SOURCES, "縣府配合款", "學校自籌"]
    codes = subplans or [s.code for s in forms.programme(programme, academic_year).subplans]
    blocks = {}
    for code in codes:
        for sem in (F, S):
            lines = []
            for category, most in ((OP, 12), (GR, 4), (CAP, 6)):
                for _ in range(rng.randint(0, most)):
                    quantity = rng.choice([1, 2, 3, 5, 8, 12, 40, 2.5, 0.5])
                    price = rng.randint(1, 40000) / 1000  # 千元, whole 元
                    lines.append(
                        ln(category, rng.choice(items[category]), quantity, price, rng.choice(sources))
                    )
            if rng.random() < 0.5:
                lines.append(
                    ln(OP, "雜支", None, None, rng.choice(sources), total=rng.randint(1, 9999) / 1000)
                )
            blocks[(code, sem)] = lines
    return dict(
        programme=programme, academic_year=academic_year, subplans=subplans, school=school, blocks=blocks
    )


RANDOM = [
    _random_scenario(
        1,
        "senior-high",
        114,
        ["A", "A-1", "A-2", "B", "C", "D"],
        dict(name="隨機一", authority="縣市立", county="苗栗縣"),
    ),
    _random_scenario(2, "senior-high", 115, None, dict(name="隨機二", authority="直轄市立", county="高雄市")),
    _random_scenario(3, "vocational", 115, ["一", "二", "三-1", "三-2", "四", "五"], dict(name="隨機三")),
    _random_scenario(4, "senior-high", 113, None, dict(name="隨機四", authority="私立", county="臺中市")),
]
SCENARIOS = {"tier1": TIER1, "tier2": TIER2, "tier5": TIER5, "ninety": NINETY, "national": NATIONAL}
SCENARIOS.update({f"random{i}": s for i, s in enumerate(RANDOM, start=1)})


TEMPLATES = sorted((Path(__file__).parents[1] / "xlsx_templates").glob("*.xlsx"))
EXAMPLE = Path(__file__).parents[1] / "examples" / "示範高中_114.xlsx"
WRITTEN = {"written_tier5": TIER5, "written_random1": RANDOM[0], "written_random3": RANDOM[2]}


def _write_filled(path: Path, spec: dict) -> Path:
    """The same lines written by XlsxWriter itself (``fill=``): every formula carries a cached value."""
    codes = spec["subplans"] or template.parse_subplans(spec["programme"], spec["academic_year"], None)
    school = spec["school"]
    return template.write_template(
        path,
        spec["programme"],
        spec["academic_year"],
        codes=codes,
        school=School(school.get("name", ""), school.get("authority"), school.get("county")),
        fill=spec["blocks"],
    )


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """Every workbook of this module through ONE LibreOffice call: {source path: recalculated path}."""
    root = tmp_path_factory.mktemp("filled")
    sources = [filled_template(root / f"{name}.xlsx", **spec) for name, spec in SCENARIOS.items()]
    sources += [_write_filled(root / f"{name}.xlsx", spec) for name, spec in WRITTEN.items()]
    for path in [*TEMPLATES, EXAMPLE]:  # copies: unique stems, committed files never touched
        sources.append(Path(shutil.copy(path, root / f"committed-{path.stem}.xlsx")))
    return lo.recalc(sources, root / "lo")


@pytest.fixture(scope="module")
def recalculated(batch):
    """{scenario: (LibreOffice values, Budget, error cells)} for the openpyxl-filled scenarios."""
    out = {}
    for name, spec in SCENARIOS.items():
        path = next(v for k, v in batch.items() if k.stem == name)
        out[name] = (lo.values(path), filled_budget(**spec), lo.error_cells(path))
    return out


# ------------------------------------------------------------------ every figure equals the roll-up


@pytest.mark.libreoffice
@pytest.mark.parametrize("name", list(SCENARIOS))
def test_no_error_value_anywhere(recalculated, name):
    _, _, errors = recalculated[name]
    assert errors == []


@pytest.mark.libreoffice
@pytest.mark.parametrize("name", list(SCENARIOS))
def test_every_y2_figure_equals_rollup(recalculated, name):
    values, budget, _ = recalculated[name]
    sheet = y2_figures(values["y-2"])
    expected = rollup.y2(budget)
    assert list(sheet) == [r.code for r in expected]
    for row in expected:
        got = sheet[row.code]
        assert {s: got[s] for s in forms.SOURCES} == row.by_source, row.code
        assert (got["source_total"], got["recurrent"], got["capital"], got["total"]) == (
            row.source_total,
            row.recurrent,
            row.capital,
            row.total,
        ), row.code


@pytest.mark.libreoffice
@pytest.mark.parametrize("name", list(SCENARIOS))
def test_every_y3_figure_equals_rollup(recalculated, name):
    values, budget, _ = recalculated[name]
    sheet = y3_figures(values["y-3"])
    checked = 0
    for row in rollup.y3(budget):
        got = sheet[f"{row.fiscal_year}-{row.code}"]
        assert got[(row.source, True)] == row.recurrent, (row.fiscal_year, row.code, row.source)
        assert got[(row.source, False)] == row.capital, (row.fiscal_year, row.code, row.source)
        checked += 2
    for fy in budget.fiscal_years:
        for code in rollup.codes(budget):
            got = sheet[f"{fy}-{code}"]
            rows = [r for r in rollup.y3(budget) if r.fiscal_year == fy and r.code == code]
            rec, cap = sum(r.recurrent for r in rows), sum(r.capital for r in rows)
            assert (got["recurrent"], got["capital"], got["total"]) == (rec, cap, rec + cap)
        total = sheet[f"{fy}會計年度合計"]
        for source in forms.SOURCES:
            rows = [r for r in rollup.y3(budget) if r.fiscal_year == fy and r.source == source]
            assert total[(source, True)] == sum(r.recurrent for r in rows)
            assert total[(source, False)] == sum(r.capital for r in rows)
        rec, cap = rollup.recurrent_total(budget, fy), rollup.capital_total(budget, fy)
        assert (total["recurrent"], total["capital"], total["total"]) == (rec, cap, rec + cap)
    year = sheet[f"{budget.academic_year}全學年合計"]
    rec, cap = rollup.recurrent_total(budget), rollup.capital_total(budget)
    assert (year["recurrent"], year["capital"], year["total"]) == (rec, cap, rec + cap)
    for source in forms.SOURCES:
        assert year[(source, True)] + year[(source, False)] == rollup.source_total(budget, source)
    rec_ratio, cap_ratio = rollup.capital_ratio(budget)
    got = sheet["經資門比例"]
    assert got[0] == pytest.approx(float(rec_ratio or 0), abs=1e-12)
    assert got[1] == pytest.approx(float(cap_ratio or 0), abs=1e-12)
    assert checked == 2 * 2 * 4 * len(rollup.codes(budget))


@pytest.mark.libreoffice
@pytest.mark.parametrize("name", list(SCENARIOS))
def test_every_y4_figure_equals_rollup(recalculated, name):
    values, budget, _ = recalculated[name]
    sheet = y4_figures(values["y-4"], budget)
    for row in rollup.y4(budget):
        amount, ratio = sheet[(row.fiscal_year, row.item)]
        assert amount == row.amount, (row.fiscal_year, row.item)
        assert ratio == pytest.approx(float(row.ratio or 0), abs=1e-12), (row.fiscal_year, row.item)
    for fy in (*budget.fiscal_years, None):
        amount, _ = sheet[(fy, "經常門總計")]
        assert amount == rollup.recurrent_total(budget, fy)


@pytest.mark.libreoffice
@pytest.mark.parametrize("name", list(SCENARIOS))
def test_match_equals_rollup(recalculated, name):
    values, budget, _ = recalculated[name]
    got = school_figures(values["基本資料"])
    m = rollup.match(budget)
    assert (got["財力級次"] or None) == m.common_tier
    if m.common_rate is None:
        assert got["最高補助比率"] in (None, "")
    else:
        assert Fraction(str(got["最高補助比率"])) == m.common_rate
    assert yuan(got["教育部補助款"]) == m.subsidy
    assert yuan(got["應編配合款"]) == m.required
    assert yuan(got["已編配合款"]) == m.budgeted
    assert yuan(got["配合款差額"]) == m.shortfall


# ------------------------------------------------------------------ hand-computed expectations


@pytest.mark.libreoffice
def test_tier1_taipei_by_hand(recalculated):
    values, _, _ = recalculated["tier1"]
    school = school_figures(values["基本資料"])
    # 教育部 S = 20,000 + 15,500 + 60,000 = 95,500; 臺北市 tier 1, senior-high rate 80 %:
    # required = ⌈95,500 × 20 / 80⌉ = 23,875; budgeted 配合款 5,000; shortfall 18,875.
    assert school["財力級次"] == 1 and school["最高補助比率"] == pytest.approx(0.8)
    assert [yuan(school[k]) for k in ("教育部補助款", "應編配合款", "已編配合款", "配合款差額")] == [
        95500,
        23875,
        5000,
        18875,
    ]
    y2 = y2_figures(values["y-2"])
    assert list(y2) == ["A-1", "A-2", "B", "C", "小計"]  # branch plans each get a y-2 row
    assert (y2["A-1"]["教育部補助款"], y2["A-2"]["教育部補助款"], y2["B"]["capital"]) == (20000, 15500, 60000)
    assert (y2["C"]["配合款"], y2["C"]["教育部補助款"]) == (5000, 0)
    assert (y2["小計"]["recurrent"], y2["小計"]["capital"], y2["小計"]["total"]) == (40500, 60000, 100500)
    y3 = y3_figures(values["y-3"])
    # 115 (8-12月): A-1 20,000 + B 60,000; 116 (1-7月): A-2 15,500 + C 5,000 (配合款).
    assert y3["115-A-1"][("教育部補助款", True)] == 20000 and y3["115-B"][("教育部補助款", False)] == 60000
    assert y3["116-C"][("配合款", True)] == 5000 and y3["116-A-2"]["total"] == 15500
    assert (y3["115會計年度合計"]["total"], y3["116會計年度合計"]["total"]) == (80000, 20500)
    # 經資門比例: 40,500 / 100,500 = 0.402985…, 60,000 / 100,500 = 0.597014…
    assert y3["經資門比例"][0] == pytest.approx(40500 / 100500) and y3["經資門比例"][1] == pytest.approx(
        60000 / 100500
    )


@pytest.mark.libreoffice
def test_tier2_new_taipei_by_hand(recalculated):
    values, _, _ = recalculated["tier2"]
    school = school_figures(values["基本資料"])
    # S = 400,000 + 300,000 + 534,000 = 1,234,000; 新北市 tier 2, rate 85 %:
    # required = ⌈1,234,000 × 15 / 85⌉ = ⌈217,764.70…⌉ = 217,765, budgeted exactly 217,765.
    assert school["財力級次"] == 2 and school["最高補助比率"] == pytest.approx(0.85)
    assert [yuan(school[k]) for k in ("教育部補助款", "應編配合款", "已編配合款", "配合款差額")] == [
        1234000,
        217765,
        217765,
        0,
    ]
    y4 = y4_figures(values["y-4"], filled_budget(**TIER2))
    # 經常門: 115 = 400,000 + 534,000 + 217,765 = 1,151,765; 116 = 0 (the 1-7月 line is 資本門).
    assert y4[(115, "經常門總計")] == (1151765, 1) and y4[(116, "經常門總計")] == (0, 0)
    assert y4[(115, "講座鐘點費")][0] == 400000
    assert y4[(115, "講座鐘點費")][1] == pytest.approx(400000 / 1151765)  # 0.347293…
    assert y4[(116, "講座鐘點費")] == (0, 0)  # no 經常門 in 1-7月: ratio 0, not #DIV/0!
    assert y4[(None, "材料費")][0] == 534000 and y4[(None, "雜支")][0] == 217765


@pytest.mark.libreoffice
def test_tier5_pingtung_vocational_by_hand(recalculated):
    values, _, _ = recalculated["tier5"]
    school = school_figures(values["基本資料"])
    # 教育部 (blank sources count as 教育部): 200,000 + 1,005 + 690,000 + 9,000 = 900,005;
    # 屏東縣 tier 5, vocational rate 90 %: required = ⌈900,005 / 9⌉ = ⌈100,000.55…⌉ = 100,001; none budgeted.
    assert school["財力級次"] == 5 and school["最高補助比率"] == pytest.approx(0.9)
    assert [yuan(school[k]) for k in ("教育部補助款", "應編配合款", "已編配合款", "配合款差額")] == [
        900005,
        100001,
        0,
        100001,
    ]
    y2 = y2_figures(values["y-2"])
    assert list(y2) == ["一-1", "一-2", "二", "三", "四", "五", "小計"]
    # 二: 690,000 資本 + 9,000 + 50,000 (自籌) 經常; 三: typed lump sum 3,600 其他補助款.
    assert (y2["二"]["recurrent"], y2["二"]["capital"], y2["二"]["自籌款"]) == (59000, 690000, 50000)
    assert (y2["三"]["其他補助款"], y2["三"]["total"]) == (3600, 3600)
    # 小計: 200,000 + 1,005 + 699,000 + 50,000 + 3,600 = 953,605.
    assert y2["小計"]["total"] == 953605 and y2["小計"]["source_total"] == 953605
    y4 = y4_figures(values["y-4"], filled_budget(**TIER5))
    # 學年度 經常門 = 953,605 − 690,000 = 263,605; 學生獎學(助)金 50,000 / 263,605 = 0.18968…
    assert y4[(None, "經常門總計")][0] == 263605
    assert y4[(None, "學生獎學(助)金")][1] == pytest.approx(50000 / 263605)
    # 膳宿費 is typed in the 1-7月 sheet of 三: 116 column.
    assert y4[(116, "膳宿費")][0] == 3600


@pytest.mark.libreoffice
def test_match_rounds_up_only_real_fractions(recalculated):
    values, _, _ = recalculated["ninety"]
    school = school_figures(values["基本資料"])
    # S = 900 元; 900 × 10 / 90 = 100 exactly: 100 元, not 101 (float 100.00000000000001 must not round up).
    assert yuan(school["教育部補助款"]) == 900 and yuan(school["應編配合款"]) == 100


@pytest.mark.libreoffice
def test_national_school_owes_no_match(recalculated):
    values, _, _ = recalculated["national"]
    school = school_figures(values["基本資料"])
    assert school["財力級次"] in (None, "") and yuan(school["應編配合款"]) == 0
    assert yuan(school["教育部補助款"]) == 3000


# ------------------------------------------------------------------ empty templates and cached values


@pytest.mark.libreoffice
def test_committed_templates_recalculate_without_errors_and_show_zero(batch):
    assert len(TEMPLATES) == 5  # senior-high 114, 115, 116; vocational 115, 116
    for source, out in batch.items():
        if not source.stem.startswith("committed-") or "示範" in source.stem:
            continue
        assert lo.error_cells(out) == [], source.stem
        values = lo.values(out)
        for code, row in y2_figures(values["y-2"]).items():
            assert set(row.values()) == {0}, (source.stem, code)
        y3 = y3_figures(values["y-3"])
        assert y3.pop("經資門比例") == (0, 0, 0)  # guarded: 0, never #DIV/0!
        assert all(v == 0 for row in y3.values() for v in row.values())
        school = school_figures(values["基本資料"])
        assert (
            school["財力級次"] in (None, "") and yuan(school["應編配合款"]) == 0
        )  # no county yet: blank, not #N/A


def _formula_cells(path: Path) -> dict[str, set[str]]:
    wb = openpyxl.load_workbook(path)
    return {
        ws.title: {c.coordinate for row in ws.iter_rows() for c in row if c.data_type == "f"}
        for ws in wb.worksheets
    }


def _same(cached, computed) -> bool:
    if cached in (None, "") and computed in (None, ""):
        return True
    if isinstance(cached, (int, float)) and isinstance(computed, (int, float)):
        return abs(cached - computed) < 1e-9
    return cached == computed


@pytest.mark.libreoffice
@pytest.mark.parametrize(
    "stem", [*WRITTEN, "committed-示範高中_114", *(f"committed-{p.stem}" for p in TEMPLATES)]
)
def test_cached_values_equal_libreoffice_for_every_formula(batch, stem):
    """What a viewer that does not recalculate shows (our cached values) is what LibreOffice computes."""
    source = next(k for k in batch if k.stem == stem)
    cached = lo.values(source)  # openpyxl data_only: the cached values XlsxWriter wrote
    recomputed = lo.values(batch[source])
    formulas = _formula_cells(source)
    count = 0
    for sheet, refs in formulas.items():
        for ref in refs:
            assert _same(cached[sheet].get(ref), recomputed[sheet].get(ref)), (sheet, ref)
            count += 1
    assert count > 500
