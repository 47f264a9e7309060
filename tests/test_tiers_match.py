"""The county match on the real tier tables (a data test: it knows today's tables).

Four schools, figures computed by hand in the comments; the CLI text, `rollup --json`, the YZ501
finding and the template's own formulas after LibreOffice's recalculation agree to the 元. A
repaired official workbook of a 學年度 that straddles two tables computes the same.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import lo
import openpyxl
import pytest
from builders import filled_budget
from officialish import _ln as ln
from officialish import variant_workbook

import validators
from youzhi import computed_school, forms, template
from youzhi.calendar import Semester
from youzhi.cli import main
from youzhi.model import School
from youzhi.money import cell_to_yuan
from youzhi.repair import repair_workbook

F, S = Semester.FIRST, Semester.SECOND
OP, CAP = forms.OPERATING, forms.CAPITAL


CASES = {
    # 臺東縣 is tier 1 from 115年度 (115–117 table; it was tier 5): vocational r = 50 % → match = S.
    # S = 20,000 + 10,000 = 30,000 → required 30,000 × 0.5 / 0.5 = 30,000; budgeted 3,000.
    "taitung_vocational_115": dict(
        programme="vocational",
        year=115,
        school=School("臺東縣立示範高中", "縣市立", "臺東縣"),
        blocks={
            ("一", F): [ln(OP, "講座鐘點費", "節", 10, 2)],  # 20,000
            ("二", S): [ln(OP, "材料費", "人次", 50, 0.2)],  # 10,000
            ("三", F): [ln(OP, "雜支", "式", 1, 3, "配合款")],  # 3,000
        },
        expected=dict(
            split=False,
            tiers=[1],
            rates=["0.50"],
            subsidies=[30_000],
            parts=[30_000],
            required=30_000,
            budgeted=3_000,
            shortfall=27_000,
        ),
    ),
    # 臺南市 is tier 5 in 115–117 (it was 3): senior-high r = 90 % → ⌈S / 9⌉.
    # S = 20,000 + 15,500 + 60,000 = 95,500 → ⌈10,611.1⌉ = 10,612; budgeted 5,000 → short 5,612.
    "tainan_senior_115": dict(
        programme="senior-high",
        year=115,
        school=School("臺南市立示範高中", "直轄市立", "臺南市"),
        blocks={
            ("A", F): [ln(OP, "講座鐘點費", "節", 10, 2)],  # 20,000
            ("B", S): [ln(OP, "印刷費", "式", 1, 15.5)],  # 15,500
            ("C", F): [ln(CAP, "筆記型電腦", "臺", 2, 30)],  # 60,000 (資本門)
            ("C", S): [ln(OP, "雜支", "式", 1, 5, "配合款")],  # 5,000
        },
        expected=dict(
            split=False,
            tiers=[5],
            rates=["0.90"],
            subsidies=[95_500],
            parts=[10_612],
            required=10_612,
            budgeted=5_000,
            shortfall=5_612,
        ),
    ),
    # 114學年度 straddles two tables: 8–12月 is 114年度 (112–114 table: 新竹縣 tier 3, senior-high
    # r = 88 %), 1–7月 is 115年度 (115–117 table: tier 1, r = 80 %). A match per 會計年度:
    # 114: S = 20,000 + 12,345 = 32,345 → ⌈32,345 × 12 / 88⌉ = ⌈4,410.68⌉ = 4,411;
    # 115: S = 8,000 + 60,000 = 68,000 → 68,000 × 20 / 80 = 17,000; required 4,411 + 17,000 = 21,411.
    # (One table for the whole year would have given other figures.) Budgeted 4,000 → short 17,411.
    "hsinchu_senior_114_split": dict(
        programme="senior-high",
        year=114,
        school=School("新竹縣立示範高中", "縣市立", "新竹縣"),
        blocks={
            ("A", F): [ln(OP, "講座鐘點費", "節", 10, 2)],  # 20,000 (114年度)
            ("B", F): [ln(OP, "印刷費", "式", 1, 12.345)],  # 12,345 (114年度)
            ("A", S): [ln(OP, "材料費", "人次", 40, 0.2)],  # 8,000 (115年度)
            ("C", S): [ln(CAP, "筆記型電腦", "臺", 2, 30)],  # 60,000 (115年度, 資本門)
            ("B", S): [ln(OP, "雜支", "式", 1, 4, "配合款")],  # 4,000
        },
        expected=dict(
            split=True,
            tiers=[3, 1],
            rates=["0.88", "0.80"],
            subsidies=[32_345, 68_000],
            parts=[4_411, 17_000],
            required=21_411,
            budgeted=4_000,
            shortfall=17_411,
        ),
    ),
    # 109學年度 (109 and 110年度): the table of the 109學年度 手冊 (109–111), 花蓮縣 tier 5,
    # vocational r = 90 %: S = 30,000 → ⌈30,000 / 9⌉ = ⌈3,333.3⌉ = 3,334; nothing budgeted.
    "hualien_vocational_109": dict(
        programme="vocational",
        year=109,
        school=School("花蓮縣立示範高中", "縣市立", "花蓮縣"),
        blocks={
            ("一", F): [ln(OP, "講座鐘點費", "節", 10, 2)],  # 20,000
            ("二", S): [ln(OP, "材料費", "人次", 50, 0.2)],  # 10,000
        },
        expected=dict(
            split=False,
            tiers=[5],
            rates=["0.90"],
            subsidies=[30_000],
            parts=[3_334],
            required=3_334,
            budgeted=0,
            shortfall=3_334,
        ),
    ),
}


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    root = tmp_path_factory.mktemp("tiers-match")
    paths = {}
    for name, case in CASES.items():
        codes = template.parse_subplans(case["programme"], case["year"], None)
        paths[name] = template.write_template(
            root / f"{name}.xlsx",
            case["programme"],
            case["year"],
            codes=codes,
            school=case["school"],
            fill=case["blocks"],
        )
    return paths


def _json(capsys, path) -> dict:
    assert main(["rollup", str(path), "--json"]) == 0
    return json.loads(capsys.readouterr().out)["match"]


@pytest.mark.parametrize("name", list(CASES))
def test_json_gives_the_hand_figures(written, capsys, name):
    want = CASES[name]["expected"]
    m = _json(capsys, written[name])
    assert m["split"] is want["split"]
    assert [p["tier"] for p in m["parts"]] == want["tiers"]
    assert [p["max_rate"] for p in m["parts"]] == want["rates"]
    assert [p["subsidy"] for p in m["parts"]] == want["subsidies"]
    assert [p["required"] for p in m["parts"]] == want["parts"]
    assert (m["required"], m["budgeted"]) == (want["required"], want["budgeted"])
    if want["split"]:
        assert [p["tier_table"] for p in m["parts"]] == ["112–114年度", "115–117年度"]
        assert [p["fiscal_years"] for p in m["parts"]] == [[114], [115]]
        assert m["tier"] is None  # 3 and 1: no single tier for the year


@pytest.mark.parametrize("name", list(CASES))
def test_cli_text_gives_the_hand_figures(written, capsys, name):
    want = CASES[name]["expected"]
    assert main(["rollup", str(written[name])]) == 0
    text = capsys.readouterr().out.split("\n配合款\n", 1)[1]
    row = next(line for line in text.splitlines() if line.startswith("應編配合款"))
    cells = row.split()
    assert cells[1] == f"{want['required'] / 1000:,.3f}"
    if want["split"]:
        assert cells[2:] == [f"{v / 1000:,.3f}" for v in want["parts"]]
        assert "分別計算" in text
    short = next(line for line in text.splitlines() if line.startswith("配合款不足"))
    assert short.split()[1] == f"{want['shortfall'] / 1000:,.3f}"


@pytest.mark.parametrize("name", list(CASES))
def test_yz501_names_the_shortfall(written, name):
    from youzhi.reader import read_budget

    want = CASES[name]["expected"]
    found = [f for f in validators.check(read_budget(written[name])) if f.rule == "YZ501"]
    assert len(found) == 1
    assert (found[0].value, found[0].limit) == (want["budgeted"], want["required"])
    assert f"不足 {want['shortfall']:,} 元" in found[0].message
    if want["split"]:
        assert "112–114年度" in found[0].message and "115–117年度" in found[0].message
        assert "4,411 元" in found[0].message and "17,000 元" in found[0].message


def test_yz501_quiet_when_the_split_match_is_budgeted(tmp_path):
    from youzhi.reader import read_budget

    case = CASES["hsinchu_senior_114_split"]
    blocks = dict(case["blocks"])
    blocks[("B", S)] = [ln(OP, "雜支", "式", 1, 21.411, "配合款")]  # exactly 4,411 + 17,000
    path = template.write_template(
        tmp_path / "enough.xlsx",
        "senior-high",
        114,
        codes=template.parse_subplans("senior-high", 114, None),
        school=case["school"],
        fill=blocks,
    )
    assert not [f for f in validators.check(read_budget(path)) if f.rule == "YZ501"]


def _school_values(cells: dict) -> dict[str, list]:
    """{label: [B, C, D]} of the 基本資料 match block."""
    return {
        label: [cells.get(f"{c}{row}") for c in "BCD"] for label, row in computed_school.MATCH_ROW.items()
    }


@pytest.fixture(scope="module")
def recalculated(written, tmp_path_factory):
    """The four templates and a repaired official 114 workbook through ONE LibreOffice call."""
    root = tmp_path_factory.mktemp("tiers-lo")
    repaired = root / "repaired-vocational-114.xlsx"
    repair_workbook(variant_workbook("vocational-no-summaries", root), repaired)
    own = root / "repaired-hsinchu_senior_114_split.xlsx"  # our template, repaired: 基本資料 rewritten
    repair_workbook(written["hsinchu_senior_114_split"], own)
    older = root / "upgraded-v1.xlsx"
    repair_workbook(_typed_into_v1(root / "v1.xlsx", "hsinchu_senior_114_split"), older)
    sources = [*written.values(), repaired, own, older]
    out = lo.recalc(sources, root / "lo")
    return {p.stem: out[p] for p in sources}


V1 = Path(__file__).with_name("fixtures") / "senior-high_114_template_v1.xlsx"


def _typed_into_v1(path: Path, name: str) -> Path:
    """The 114 template as the tool wrote it before tier tables were dated (template_version 1:
    one tier table, the match in column B only), filled in by a school with openpyxl."""
    case = CASES[name]
    shutil.copy(V1, path)
    school = case["school"]
    budget = filled_budget(
        programme=case["programme"], academic_year=case["year"], blocks=case["blocks"],
        school=dict(name=school.name, authority=school.authority, county=school.county),
    )  # fmt: skip
    wb = openpyxl.load_workbook(path)
    info = wb["基本資料"]
    for row, value in ((3, school.name), (4, school.authority), (5, school.county)):
        info.cell(row, 2).value = value
    raw = {(b.code, b.semester): b for b in budget.sheets}
    for key, lines in case["blocks"].items():
        ws = wb[raw[key].sheet]
        for line, d in zip(raw[key].lines, lines, strict=True):
            for col, field in enumerate(("category", "item", "unit", "quantity", "unit_price"), start=1):
                ws.cell(line.row, col).value = d[field]
            ws.cell(line.row, 7).value = d["purpose"]
            ws.cell(line.row, 8).value = d["source"] or None
    wb.save(path)
    return path


def _k(yuan: int) -> float:
    return yuan / 1000


@pytest.mark.libreoffice
@pytest.mark.parametrize("name", list(CASES))
def test_template_formulas_give_the_hand_figures(recalculated, written, name):
    want = CASES[name]["expected"]
    out = recalculated[name]
    assert lo.error_cells(out) == []
    got = _school_values(lo.values(out)["基本資料"])
    ours = _school_values(_cached(written[name]))
    year = CASES[name]["year"]
    assert got["會計年度"][1:] == [year, year + 1]
    tiers = want["tiers"] * 2 if not want["split"] else want["tiers"]
    assert got["財力級次"][1:] == tiers
    assert [round(r, 2) for r in got["最高補助比率"][1:]] == [float(r) for r in (want["rates"] * 2)[:2]]
    assert cell_to_yuan(got["應編配合款"][0]) == want["required"]
    assert cell_to_yuan(got["配合款差額"][0]) == want["shortfall"]
    assert cell_to_yuan(got["已編配合款"][0]) == want["budgeted"]
    assert cell_to_yuan(got["教育部補助款"][0]) == sum(want["subsidies"])
    if want["split"]:
        assert got["財力級次表"] == [computed_school.SPLIT_LABEL, "112–114年度", "115–117年度"]
        assert [cell_to_yuan(v) for v in got["教育部補助款"][1:]] == want["subsidies"]
        assert [cell_to_yuan(v) for v in got["應編配合款"][1:]] == want["parts"]
        assert got["財力級次"][0] in (None, "")  # 3 and 1
    else:
        assert got["財力級次"][0] == want["tiers"][0]
        assert got["應編配合款"][1:] in ([None, None], ["", ""])
    for label in ("財力級次", "應編配合款", "配合款差額", "教育部補助款"):  # our cached values agree
        assert [_norm(v) for v in ours[label]] == [_norm(v) for v in got[label]], label


def _cached(path) -> dict:
    ws = openpyxl.load_workbook(path, data_only=True)["基本資料"]
    return {c.coordinate: c.value for row in ws.iter_rows() for c in row if c.value is not None}


def _norm(value):
    if value in (None, ""):
        return None
    return round(float(value), 6) if isinstance(value, int | float) else value


@pytest.mark.libreoffice
def test_repaired_official_workbook_splits_the_match(recalculated):
    """vocational-no-summaries (tests/officialish.py): 新竹縣立, vocational, 114學年度.
    114年度: tier 3 (112–114), r = 90 %: 教育部 16,000 → ⌈16,000 / 9⌉ = ⌈1,777.8⌉ = 1,778;
    115年度: tier 1 (115–117), r = 50 %: no 教育部補助款 → 0. Required 1,778; 配合款 30,000 budgeted."""
    out = recalculated["repaired-vocational-114"]
    assert lo.error_cells(out) == []
    got = _school_values(lo.values(out)["基本資料"])
    assert got["財力級次"][1:] == [3, 1]
    assert got["最高補助比率"][1:] == [pytest.approx(0.9), pytest.approx(0.5)]
    assert [cell_to_yuan(v) for v in got["教育部補助款"]] == [16_000, 16_000, 0]
    assert [cell_to_yuan(v) for v in got["應編配合款"]] == [1_778, 1_778, 0]
    assert cell_to_yuan(got["配合款差額"][0]) == 0


@pytest.mark.libreoffice
def test_repaired_template_keeps_the_split_match(recalculated):
    """The split case of CASES after `repair` rewrote its 基本資料: the same hand figures."""
    want = CASES["hsinchu_senior_114_split"]["expected"]
    out = recalculated["repaired-hsinchu_senior_114_split"]
    assert lo.error_cells(out) == []
    got = _school_values(lo.values(out)["基本資料"])
    assert got["財力級次"][1:] == want["tiers"]
    assert [cell_to_yuan(v) for v in got["教育部補助款"][1:]] == want["subsidies"]
    assert [cell_to_yuan(v) for v in got["應編配合款"]] == [want["required"], *want["parts"]]
    assert cell_to_yuan(got["配合款差額"][0]) == want["shortfall"]


@pytest.mark.libreoffice
def test_an_older_templates_school_block_is_upgraded_by_repair(recalculated):
    """A 114 workbook made from the version-1 template (tests/fixtures): repair rewrites its 基本資料
    and 參數 in today's layout, keeps what the school typed, and the workbook then computes the
    split match itself (hand figures of hsinchu_senior_114_split: 4,411 + 17,000 = 21,411)."""
    want = CASES["hsinchu_senior_114_split"]["expected"]
    out = recalculated["upgraded-v1"]
    assert lo.error_cells(out) == []
    values = lo.values(out)
    got = _school_values(values["基本資料"])
    assert values["基本資料"]["B3"] == "新竹縣立示範高中" and values["基本資料"]["B5"] == "新竹縣"
    assert got["財力級次"][1:] == want["tiers"]
    assert [cell_to_yuan(v) for v in got["應編配合款"]] == [want["required"], *want["parts"]]
    assert cell_to_yuan(got["配合款差額"][0]) == want["shortfall"]


def test_a_school_block_that_is_not_ours_is_left_alone(tmp_path):
    """Only our own older 基本資料 (its title, its labels, a hidden 參數) is upgraded."""
    src = _typed_into_v1(tmp_path / "v1.xlsx", "hsinchu_senior_114_split")
    wb = openpyxl.load_workbook(src)
    wb["基本資料"]["A1"] = "本校基本資料"
    wb.save(src)
    before = openpyxl.load_workbook(src)
    report = repair_workbook(src, tmp_path / "out.xlsx")
    after = openpyxl.load_workbook(tmp_path / "out.xlsx")
    assert "基本資料" not in report.rebuilt and "參數" not in report.rebuilt
    for name in ("基本資料", "參數"):
        old = {c.coordinate: c.value for row in before[name].iter_rows() for c in row if c.value is not None}
        new = {c.coordinate: c.value for row in after[name].iter_rows() for c in row if c.value is not None}
        assert new == old, name
    assert "yz_tier_grid" not in after.defined_names
