"""The reader on the official-style workbook and on school-style variants: figures to the 元."""

from __future__ import annotations

import openpyxl
import pytest
from officialish import VARIANTS, official_workbook, variant_workbook

from youzhi import rollup
from youzhi.calendar import Semester
from youzhi.errors import UnreadableWorkbook
from youzhi.model import School
from youzhi.reader import read_budget, school_from_name


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("variants")
    return {name: variant_workbook(name, folder) for name in VARIANTS}


def _check(budget, expected):
    assert budget.academic_year == expected["academic_year"]
    assert budget.programme == expected["programme"]
    school = budget.school
    assert {"name": school.name, "authority": school.authority, "county": school.county} == expected["school"]
    assert rollup.codes(budget) == expected["codes"]
    y3 = [(r.fiscal_year, r.code, r.source, r.recurrent, r.capital) for r in rollup.y3(budget)]
    assert [r for r in y3 if r[3] or r[4]] == expected["y3"]
    y4 = {(r.fiscal_year, r.item): r.amount for r in rollup.y4(budget) if r.fiscal_year and r.amount}
    assert y4 == expected["y4"]
    assert rollup.recurrent_total(budget) == expected["recurrent"]
    assert rollup.capital_total(budget) == expected["capital"]
    summary = rollup.summary(budget)
    for key, value in expected["match"].items():
        assert summary["match"][key] == value, key
    assert budget.applied == expected.get("applied", {})
    assert budget.approved == expected.get("approved", {})
    found = [(p.sheet, p.cell, p.message) for p in budget.problems]
    for sheet, cell, text in expected["problems"]:
        assert any(s == sheet and c == cell and text in m for s, c, m in found), (sheet, cell, text, found)
    unexpected = [
        p
        for p in budget.problems
        if p.severity != "info" and not any(p.sheet == s and p.cell == c for s, c, _ in expected["problems"])
    ]
    assert unexpected == []


@pytest.mark.parametrize("engine", ["calamine", "openpyxl"])
@pytest.mark.parametrize("name", list(VARIANTS))
def test_variant_figures(files, name, engine):
    _check(read_budget(files[name], engine=engine), VARIANTS[name]["expected"])


def test_layout_of_the_official_sheet(files):
    budget = read_budget(files["official"])
    block = budget.sheets[0]
    assert (block.sheet, block.code, block.semester, block.fiscal_year) == (
        "A(8-12月)",
        "A",
        Semester.FIRST,
        109,
    )
    lay = block.layout
    assert (lay.title_row, lay.header_row) == (1, 4)
    assert (lay.operating.first, lay.operating.last, lay.operating_subtotal_row) == (6, 11, 12)
    assert (lay.grants.first, lay.grants.last, lay.grants_subtotal_row) == (13, 17, 18)
    assert lay.recurrent_subtotal_row == 19
    assert (lay.capital.first, lay.capital.last, lay.capital_subtotal_row, lay.total_row) == (21, 25, 26, 27)
    line = block.lines[0]
    assert (line.cell("total"), line.unit_price, line.typed_total, line.amount) == ("F6", 2000, 10000, 10000)


def test_layout_with_shifted_columns_and_two_blocks_on_one_sheet(files):
    budget = read_budget(files["one-sheet-shifted-merged"])
    on_c = [b for b in budget.sheets if b.sheet == "C"]
    assert [(b.code, b.semester) for b in on_c] == [("C", Semester.FIRST), ("C", Semester.SECOND)]
    first, second = on_c
    assert first.layout.columns.total == 7 and first.layout.columns.category == 2
    assert second.layout.header_row > first.layout.total_row
    assert [ln.cell("total") for ln in second.lines] == [
        f"G{second.layout.operating.first}",
        f"G{second.layout.capital.first}",
    ]


def test_inserted_and_blank_rows_extend_the_spans(files):
    budget = read_budget(files["branches-inserted-rows"])
    block = next(b for b in budget.sheets if b.code == "A-1" and b.semester is Semester.FIRST)
    # 8 lines + 1 blank row in the 業務費 span: rows 6..14, 小計 on 15
    assert (block.layout.operating.first, block.layout.operating.last) == (6, 14)
    assert block.layout.operating_subtotal_row == 15
    assert [ln.row for ln in block.lines][:3] == [6, 8, 9]  # row 7 left blank


def test_options_fill_and_override_school(files):
    budget = read_budget(files["renamed-text-numbers"], school=School("臺中市立臺中第一高級中學", None, None))
    assert (budget.school.authority, budget.school.county) == ("直轄市立", "臺中市")
    budget = read_budget(files["official"], school=School("", "縣市立", "苗栗縣"))
    m = rollup.match(budget)
    # 苗栗縣 tier 5, r = 0.90 (112 table used for 109, noted): ⌈20000 / 9⌉ = 2223
    assert (m.tier, m.required, m.needed) == (5, 2223, True)
    assert "112" in m.note


@pytest.mark.parametrize(
    ("name", "authority", "county"),
    [
        ("臺北市立建國高級中學", "直轄市立", "臺北市"),
        ("台中市立文華高級中等學校", "直轄市立", "臺中市"),
        ("嘉義縣立竹崎高級中學", "縣市立", "嘉義縣"),
        ("基隆市立中山高級中學", "縣市立", "基隆市"),
        ("國立臺南第一高級中學", "國立", None),
        ("私立延平高級中學", "私立", None),
        ("育達高中", None, None),
    ],
)
def test_school_from_name(name, authority, county):
    school = school_from_name(name)
    assert (school.authority, school.county) == (authority, county)


def test_not_a_budget_workbook(tmp_path):
    path = tmp_path / "other.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["姓名", "金額"])
    wb.active.append(["王小明", 100])
    wb.save(path)
    with pytest.raises(UnreadableWorkbook, match="找不到任何子計畫經費概算表"):
        read_budget(path)


def test_a_block_the_reader_cannot_place(tmp_path):
    # No 子計畫代碼, no 會計年度 label, a sheet name that says nothing.
    path = official_workbook(
        tmp_path / "noplace.xlsx",
        code_label="",
        fill_missing=False,
        summaries=(),
        sheet_names={("A", Semester.FIRST): "工作表1", ("A", Semester.SECOND): "工作表2"},
    )
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        ws["A1"] = "經費表"
        ws["A2"] = None
    wb.save(path)
    with pytest.raises(UnreadableWorkbook) as info:
        read_budget(path, academic_year=109)
    assert "子計畫" in str(info.value) and "\n" not in str(info.value)


def test_reading_does_not_touch_the_file(files):
    path = files["typed-totals"]
    before = path.read_bytes()
    read_budget(path)
    read_budget(path, engine="openpyxl")
    assert path.read_bytes() == before


def _y1_problems(budget):
    """The problems outside y-2 / y-3 / y-4 (whose cached #REF! / #DIV/0! the reader reports too)."""
    return [p for p in budget.problems if p.sheet not in ("y-2", "y-3", "y-4")]


def test_copied_fiscal_label_of_the_wrong_year(tmp_path):
    # The school copied the 8-12月 sheet and changed only the months: 109會計年度概算表(1-7月).
    path = official_workbook(
        tmp_path / "copied.xlsx",
        fiscal_labels={("A", Semester.SECOND): "109會計年度概算表(1-7月)"},
    )
    budget = read_budget(path)
    block = next(b for b in budget.sheets if b.sheet == "A(1-7月)")
    assert (block.semester, block.fiscal_year) == (Semester.SECOND, 110)
    assert [(p.sheet, p.cell) for p in _y1_problems(budget)] == [("A(1-7月)", "A3")]
    assert "應為 110 會計年度" in _y1_problems(budget)[0].message
    assert [r.recurrent for r in rollup.y3(budget) if r.code == "A" and r.source == "教育部補助款"] == [
        10000,
        10000,
    ]


def test_lines_without_section_labels_fall_back_to_category_cells(tmp_path):
    # The school deleted the 業務費 小計 row: the 獎補助費 label starts the grants.
    path = official_workbook(
        tmp_path / "nosub.xlsx",
        blocks={
            ("A", Semester.FIRST): [
                {"category": "業務費", "item": "雜支", "unit": "式", "quantity": 1, "unit_price": 2},
                {
                    "category": "獎補助費",
                    "item": "學生獎學(助)金",
                    "unit": "人次",
                    "quantity": 1,
                    "unit_price": 5,
                },
            ]
        },
    )
    wb = openpyxl.load_workbook(path)
    ws = wb["A(8-12月)"]
    assert ws["B12"].value == "小計"
    ws.delete_rows(12)
    wb.save(path)
    budget = read_budget(path)
    block = budget.sheets[0]
    assert block.layout.operating_subtotal_row is None
    assert (block.layout.grants.first, block.layout.grants_subtotal_row) == (12, 17)
    assert [(ln.item, ln.category, ln.amount) for ln in block.lines] == [
        ("雜支", "業務費", 2000),
        ("學生獎學(助)金", "獎補助費", 5000),
    ]


def test_a_grant_written_in_the_operating_span_stays_operating(tmp_path):
    path = official_workbook(
        tmp_path / "label.xlsx",
        blocks={
            ("A", Semester.FIRST): [
                {"category": "業務費", "item": "雜支", "unit": "式", "quantity": 1, "unit_price": 2},
                {
                    "category": "業務費",
                    "item": "學生獎學(助)金",
                    "unit": "人次",
                    "quantity": 1,
                    "unit_price": 5,
                    "label": "獎補助費",
                },
            ]
        },
    )
    budget = read_budget(path)
    block = budget.sheets[0]
    assert (block.layout.operating.last, block.layout.operating_subtotal_row) == (11, 12)
    line = block.lines[1]
    assert (line.row, line.category, line.raw_category) == (7, "業務費", "獎補助費")
    assert [(p.cell, "獎補助費" in p.message) for p in _y1_problems(budget)] == [("A7", True)]


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("A", "A"),
        ("Ａ－１", "A-1"),
        ("a-1", "A-1"),
        ("A1 課綱", "A-1"),
        ("A-1課綱課程發展", "A-1"),
        ("一-2", "一-2"),
        ("B-1-2", "B-1-2"),
        ("課綱", "課綱"),
    ],
)
def test_codes_as_schools_write_them(written, code):
    from youzhi.forms.cells import normalise_code as _normalise_code

    assert _normalise_code(written) == code


def test_code_in_next_cell_and_title_with_fiscal_year(tmp_path):
    path = official_workbook(
        tmp_path / "next.xlsx",
        code_label="next-cell",
        school_title="桃園市立武陵高級中等學校",
        fill_missing=False,
        sheet_names={("A", Semester.FIRST): "A1 8-12月", ("A", Semester.SECOND): "工作表2"},
    )
    wb = openpyxl.load_workbook(path)
    ws = wb["工作表2"]
    ws["B2"] = "ａ１"  # the code cell, full-width and without the hyphen
    ws["A1"] = ws["A1"].value + " 110會計年度"  # title and fiscal year in one cell
    ws["A3"] = None
    wb.save(path)
    budget = read_budget(path)
    assert [(b.sheet, b.code, b.semester, b.fiscal_year) for b in budget.sheets] == [
        ("A1 8-12月", "A", Semester.FIRST, 109),
        ("工作表2", "A-1", Semester.SECOND, 110),
    ]
    assert (budget.school.name, budget.school.county) == ("桃園市立武陵高級中等學校", "桃園市")


def test_a_code_outside_the_programme_is_reported(tmp_path):
    path = official_workbook(
        tmp_path / "e.xlsx",
        fill_missing=False,
        blocks={
            ("E", Semester.FIRST): [
                {"category": "業務費", "item": "雜支", "unit": "式", "quantity": 1, "unit_price": 1}
            ]
        },
    )
    budget = read_budget(path, programme="senior-high")
    assert [(p.cell, p.message) for p in _y1_problems(budget)] == [
        ("A2", "子計畫代碼「E」不是本方案的子計畫（A、B、C、D）")
    ]
    assert rollup.grand_total(budget) == 1000
