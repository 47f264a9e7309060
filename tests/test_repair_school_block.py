"""A repaired official workbook computes the county match itself (基本資料 + hidden 參數 added).

Hand figures (tests/officialish.py, variant branches-inserted-rows): 新北市立 → 直轄市立, 新北市 tier 2,
senior-high 109 uses the 112 table's 85 % (the oldest there is): 教育部補助款 75,134 元 →
⌈75,134 × 15 / 85⌉ = ⌈13,258.94⌉ = 13,259 元; budgeted 配合款 32,300 元 → no shortfall.
"""

from __future__ import annotations

import lo
import openpyxl
import pytest
from officialish import variant_workbook

from youzhi import computed_school
from youzhi.money import cell_to_yuan
from youzhi.repair import repair_workbook


@pytest.fixture(scope="module")
def repaired(tmp_path_factory):
    folder = tmp_path_factory.mktemp("school-block")
    src = variant_workbook("branches-inserted-rows", folder)
    dest = folder / "out.xlsx"
    report = repair_workbook(src, dest)
    return src, dest, report


def test_school_block_and_parameters_are_added_after_the_schools_sheets(repaired):
    src, dest, report = repaired
    before = openpyxl.load_workbook(src).sheetnames
    after = openpyxl.load_workbook(dest)
    assert after.sheetnames[: len(before)] == before
    assert "基本資料" in report.created and "參數" in report.created
    assert after["參數"].sheet_state == "hidden"
    assert {"yz_tier_grid", "yz_rate_table", "yz_counties"} <= set(after.defined_names)
    school = after["基本資料"]
    assert school.cell(computed_school.SCHOOL_ROW["所在縣市"], 2).value == "新北市"
    assert school.cell(computed_school.SCHOOL_ROW["主管機關"], 2).value == "直轄市立"


@pytest.mark.libreoffice
def test_libreoffice_computes_the_match_in_the_repaired_workbook(repaired, tmp_path):
    _, dest, _ = repaired
    out = lo.recalc([dest], tmp_path)[dest]
    assert lo.error_cells(out) == []
    cells = lo.values(out)["基本資料"]
    row = computed_school.MATCH_ROW
    assert cells[f"B{row['財力級次']}"] == 2
    assert cells[f"B{row['最高補助比率']}"] == pytest.approx(0.85)
    assert cell_to_yuan(cells[f"B{row['教育部補助款']}"]) == 75134
    assert cell_to_yuan(cells[f"B{row['應編配合款']}"]) == 13260
    assert cell_to_yuan(cells[f"B{row['已編配合款']}"]) == 32300
    assert cell_to_yuan(cells.get(f"B{row['配合款差額']}", 0)) == 0


@pytest.mark.libreoffice
def test_a_renamed_y2_is_what_the_school_block_refers_to(tmp_path):
    src = variant_workbook("branches-inserted-rows", tmp_path)
    wb = openpyxl.load_workbook(src)
    wb["y-2"].title = "表y-2 總表"
    wb.save(src)
    dest = tmp_path / "renamed.out.xlsx"
    report = repair_workbook(src, dest)
    assert "表y-2 總表" in report.rebuilt
    formulas = openpyxl.load_workbook(dest)["基本資料"]
    assert "'表y-2 總表'!" in formulas.cell(computed_school.MATCH_ROW["教育部補助款"], 2).value
    out = lo.recalc([dest], tmp_path / "lo")[dest]
    assert lo.error_cells(out) == []
    cells = lo.values(out)["基本資料"]
    assert cell_to_yuan(cells[f"B{computed_school.MATCH_ROW['應編配合款']}"]) == 13260


def test_totals_typed_over_y2_are_kept_in_comments(tmp_path):
    """Schools re-type y-2 totals by hand over the official #REF! cells: rebuilding y-2 must not lose
    them. A typed figure equal to the recomputed one needs no note; a different one, or one in a cell
    the rebuilt table leaves empty, is kept in that cell's comment."""
    src = variant_workbook("branches-inserted-rows", tmp_path)
    first = repair_workbook(src, tmp_path / "first.xlsx")
    figures = sorted(
        (ref, value)
        for (sheet, ref), value in first.cached.items()
        if sheet == "y-2" and isinstance(value, float) and value > 0
    )
    (equal_ref, equal_value), (wrong_ref, right_value) = figures[0], figures[1]
    wb = openpyxl.load_workbook(src)
    y2 = wb["y-2"]
    y2[equal_ref] = equal_value
    y2[wrong_ref] = right_value + 1.5
    y2["P40"] = 7.5  # far outside the rebuilt table
    wb.save(src)
    dest = tmp_path / "typed.out.xlsx"
    report = repair_workbook(src, dest)
    out = openpyxl.load_workbook(dest)["y-2"]
    assert out[equal_ref].comment is None
    assert f"{right_value + 1.5:,.3f}" in out[wrong_ref].comment.text
    assert out[wrong_ref].value.startswith("=")
    assert "7.500" in out["P40"].comment.text
    assert {f"y-2!{wrong_ref}", "y-2!P40"} <= set(report.typed_kept)
    assert f"y-2!{equal_ref}" not in report.typed_kept
