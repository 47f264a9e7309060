"""Our own template (tests/builders.py), filled as a user would: read exactly, repaired losslessly."""

from __future__ import annotations

import lo
import openpyxl
import pytest
from builders import filled_budget, filled_template

from youzhi import computed_summaries, rollup
from youzhi.calendar import Semester
from youzhi.money import cell_to_yuan
from youzhi.reader import read_budget
from youzhi.repair import repair_workbook

SCHOOL = {"name": "臺北市立建國高級中學", "authority": "直轄市立", "county": "臺北市"}
BLOCKS = {
    ("A", Semester.FIRST): [
        {
            "category": "業務費",
            "item": "講座鐘點費",
            "unit": "節",
            "quantity": 10,
            "unit_price": 2,
            "purpose": "專題講座",
            "source": "",
        },
        {
            "category": "業務費",
            "item": "印刷費",
            "unit": "式",
            "quantity": 1,
            "unit_price": 4.5,
            "total": 5,
            "purpose": "講義",
            "source": "配合款",
        },
    ],
    ("B", Semester.SECOND): [
        {
            "category": "設備及投資",
            "item": "筆記型電腦",
            "unit": "臺",
            "quantity": 1,
            "unit_price": 30,
            "purpose": "教學",
            "source": "配合款",
        },
        {
            "category": "獎補助費",
            "item": "學生獎學(助)金",
            "unit": "人次",
            "quantity": 2,
            "unit_price": 5,
            "purpose": "獎勵",
            "source": "自籌款",
        },
    ],
}


@pytest.fixture(scope="module")
def template_file(tmp_path_factory):
    folder = tmp_path_factory.mktemp("template")
    return filled_template(folder / "filled.xlsx", academic_year=114, school=SCHOOL, blocks=BLOCKS)


def test_reader_finds_the_template_exactly(template_file):
    budget = read_budget(template_file)
    expected = filled_budget(academic_year=114, school=SCHOOL, blocks=BLOCKS)
    assert [(b.sheet, b.code, b.semester, b.layout) for b in budget.sheets] == [
        (b.sheet, b.code, b.semester, b.layout) for b in expected.sheets
    ]
    assert (budget.school.name, budget.school.authority, budget.school.county) == tuple(SCHOOL.values())
    got, want = rollup.summary(budget), rollup.summary(expected)
    for key in ("y2", "y3", "y4", "match"):
        assert got[key] == want[key], key
    # by hand: 教育部 20,000 (A 講座); 配合款 4,500 + 30,000; 自籌 10,000; 臺北市 tier 1 r 0.80 → 5,000
    assert (got["match"]["subsidy"], got["match"]["budgeted"], got["match"]["required"]) == (
        20000,
        34500,
        5000,
    )
    assert [p.cell for p in budget.problems if p.severity != "info"] == ["F7"]  # typed 5.000 against 1 × 4.5
    # openpyxl (the test builder) saves formulas without results: one note per sheet, never a warning
    uncached = [p for p in budget.problems if "未計算公式" in p.message]
    assert {p.sheet for p in uncached} >= {b.sheet for b in budget.sheets} | {"y-2", "y-3", "y-4"}
    assert all(p.severity == "info" for p in uncached)


@pytest.mark.libreoffice
def test_repair_of_the_template_keeps_inputs_and_recalculates_clean(template_file, tmp_path):
    out = tmp_path / "repaired.xlsx"
    report = repair_workbook(template_file, out)
    assert report.created == [] and report.rebuilt == ["y-2", "y-3", "y-4"]
    before, after = openpyxl.load_workbook(template_file), openpyxl.load_workbook(out)
    assert after.sheetnames == before.sheetnames
    for ws in before.worksheets:
        if ws.title in report.rebuilt:
            continue
        new = after[ws.title]
        assert new.sheet_state == ws.sheet_state and new.protection.sheet == ws.protection.sheet
        for row in ws.iter_rows():
            for a in row:
                if (ws.title, a.coordinate) not in report.computed_refs:
                    b = new[a.coordinate]
                    assert (a.value, repr(a.font), repr(a.protection)) == (
                        b.value,
                        repr(b.font),
                        repr(b.protection),
                    )
    recalculated = lo.recalc([out], tmp_path / "lo")[out]
    assert lo.error_cells(recalculated) == []
    values = lo.values(recalculated)
    budget = report.budget
    for spec in computed_summaries.summary_sheets(budget):
        for cell in spec.cells:
            if cell.formula is not None and cell.style.startswith("money"):
                assert cell_to_yuan(values[spec.name].get(cell.ref, 0)) == cell_to_yuan(cell.cached), cell.ref
