"""The repair plan (youzhi.repair_plan): what a repair does, decided without any writer.

Inputs are real workbooks (tests/officialish.py, our template) read as the add-in reads them: their
values (python-calamine), and which cells hold formulas (``formulas_from_xlsx``, what Excel's desktop
engine gives ``xlwings_repair.formula_cells``). The writers are tested in test_repair*.py,
test_macros*.py and, against each other, test_two_writers.py.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace

import pytest
from builders import filled_template
from officialish import variant_workbook
from remote_payload import formulas_from_xlsx

from youzhi import cell_spec
from youzhi import repair_plan as rp
from youzhi.model import Semester
from youzhi.reader import read_grids
from youzhi.sheets import load_grids


def _planned(path, *, facts: bool = True, **options):
    grids = load_grids(path)
    budget = read_grids(grids)
    return budget, rp.plan(budget, grids, formulas=formulas_from_xlsx(path) if facts else None, **options)


def _ops(plan, kind, sheet=None):
    return [
        op
        for op in plan.ops
        if isinstance(op, kind) and (sheet is None or getattr(op, "sheet", None) == sheet)
    ]


@pytest.fixture(scope="module")
def typed_totals(tmp_path_factory):
    return variant_workbook("typed-totals", tmp_path_factory.mktemp("typed"))


@pytest.fixture(scope="module")
def renamed(tmp_path_factory):
    return variant_workbook("renamed-text-numbers", tmp_path_factory.mktemp("renamed"))


def test_the_plan_needs_no_spreadsheet_library():
    code = "import sys, youzhi.repair_plan; print(sorted({'openpyxl', 'xlwings'} & set(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_a_wrong_typed_total_is_kept_in_a_note_and_a_right_one_is_not(typed_totals):
    _, plan = _planned(typed_totals)
    notes = {op.ref: op.text for op in _ops(plan, rp.Note, "B(8-12月)")}
    # 講座鐘點費 typed 8 千元 over 6 節 × 1 千元 = 6 千元: kept; 場地使用費 typed 5 = 2 × 2.5: no note
    assert notes["F6"] == "youzhi 修復前此格填的是 8.000（已改為公式計算）"
    assert "F7" not in notes
    cells = {c.ref: c for op in _ops(plan, rp.SetCells, "B(8-12月)") for c in op.cells}
    assert cells["F6"].formula.startswith("=IF(COUNT(D6:E6)=2") and cells["F6"].cached == 6.0
    # each note comes after the cells it sits on, so a writer never writes a cell over its note
    first_note = plan.ops.index(_ops(plan, rp.Note, "B(8-12月)")[0])
    assert plan.ops.index(_ops(plan, rp.SetCells, "B(8-12月)")[0]) < first_note


def test_calculated_figures_on_a_summary_sheet_are_not_typed_ones(renamed):
    _, with_facts = _planned(renamed)
    assert _ops(with_facts, rp.Note, "y-3") == []
    # Without knowing the formulas (xlwings' remote engine), a shown figure that differs from the
    # rebuilt one is kept: the official y-3 showed 0 where the rebuilt one computes the totals.
    _, values_only = _planned(renamed, facts=False)
    assert "youzhi 修復前此格填的是 0.000（修復時重建此表）" in {
        n.text for n in _ops(values_only, rp.Note, "y-3")
    }


def test_a_text_quantity_gets_the_figure_not_a_formula(renamed):
    _, plan = _planned(renamed)
    cells = {c.ref: c for op in _ops(plan, rp.SetCells, "教師增能") for c in op.cells}
    # 物品費 5 個 × "10千" = 50,000 元 → 50.000 千元, as a number
    assert "教師增能!F6" in plan.text_lines
    assert cells["F6"].formula is None and cells["F6"].value == 50.0
    assert cells["F8"].formula is not None  # a blank line keeps its formula


def test_the_official_form_gets_the_school_block_and_our_template_only_its_formulas(typed_totals, tmp_path):
    _, official = _planned(typed_totals)
    added = [op.spec for op in _ops(official, rp.PutSheet) if op.into is None]
    assert [(s.name, s.hidden) for s in added] == [("基本資料", False), ("參數", True)]
    names = _ops(official, rp.Names)
    assert len(names) == 1 and not names[0].replace and "yz_counties" in names[0].names
    assert official.rebuilt == official.summaries == ["y-2", "y-3", "y-4"]

    blocks = {
        ("A", Semester.FIRST): [
            {"category": "業務費", "item": "講座鐘點費", "unit": "節"}
            | {"quantity": 2, "unit_price": 2, "purpose": "研習"}
        ]
    }
    ours = filled_template(
        tmp_path / "ours.xlsx", school={"name": "示範高中", "county": "新竹縣"}, blocks=blocks
    )
    _, plan = _planned(ours)
    assert [op.into for op in _ops(plan, rp.PutSheet)] == ["y-2", "y-3", "y-4"]  # nothing added
    school = _ops(plan, rp.SetCells, "基本資料")
    assert school and all(c.formula for c in school[0].cells)
    tables = _ops(plan, rp.SetCells, cell_spec.PARAM_NAME)  # the lookup tables, where our names point
    assert tables and {c.value for c in tables[0].cells} >= {"講座鐘點費"}
    assert _ops(plan, rp.Names) == [] and _ops(plan, rp.Note) == []


def test_a_computed_cell_inside_a_merged_range_is_left_alone(typed_totals):
    _, plan = _planned(typed_totals, merged={"B(8-12月)": [(5, 6, 6, 6)]})  # F5:F6 merged
    assert "B(8-12月)!F6" in plan.skipped
    assert "F6" not in {c.ref for op in _ops(plan, rp.SetCells, "B(8-12月)") for c in op.cells}
    _, unmerged = _planned(typed_totals)
    assert unmerged.skipped == []


def test_amounts_requested_for_a_code_without_a_y1_sheet_are_kept_on_the_y2_title(typed_totals):
    grids = load_grids(typed_totals)
    budget = read_grids(grids)
    budget = replace(budget, applied={**budget.applied, "Z": 12_000})
    notes = _ops(rp.plan(budget, grids, formulas=formulas_from_xlsx(typed_totals)), rp.Note, "y-2")
    assert [(n.ref, n.text) for n in notes] == [
        ("A1", "youzhi 修復前 y-2 另有下列代碼（無對應概算表）：Z：申請金額 12.000")
    ]
    assert (
        _ops(rp.plan(read_grids(grids), grids, formulas=formulas_from_xlsx(typed_totals)), rp.Note, "y-2")
        == []
    )


def test_titles_taken_by_the_school_get_a_youzhi_suffix_and_references_follow():
    assert rp.free_title(["參數"], "參數") == "參數(youzhi)"
    assert rp.free_title(["y-2"], "基本資料") == "基本資料"
    spec = cell_spec.SheetSpec("基本資料")
    spec.add(3, 2, formula="='y-2'!B5+'y-2'!C5")
    moved = rp.retarget(spec, "y-2", "表y-2")
    assert moved.cells[0].formula == "='表y-2'!B5+'表y-2'!C5"
    assert rp.retarget(spec, "y-2", "y-2") is spec


def test_typed_means_neither_a_formula_nor_an_error_nor_blank():
    assert [rp.typed(v) for v in (8, 0.5, "10千")] == [True, True, True]
    assert [rp.typed(v) for v in ("=A1*B1", "#REF!", "", None, True)] == [False] * 5
