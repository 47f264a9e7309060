"""The workbook's own formulas put every line in the y-4 row and source `rollup --json` gives it.

Lines are written the ways schools write them (`講座 鐘點費`, `臨時工作人員／工讀費`, `諮詢費`, `運費`,
`講師費`, `圖書費`; sources `部款`, `縣市配合款`, `自籌` …). Three workbooks, one LibreOffice call:
the official form repaired, our template filled (shipped forms only: no repair needed), and our
template filled with forms only the workbook knows (`講座 鐘點費`, `自 籌`) then repaired.
LibreOffice recalculates each; its y-2/y-3/y-4 and 基本資料 figures must equal the roll-up of the
same file, and a few are checked against hand-computed literals.
"""

from __future__ import annotations

import json

import lo
import openpyxl
import pytest
from builders import filled_template, school_figures, y2_figures, y3_figures, y4_figures, yuan
from officialish import official_workbook

from youzhi import cell_spec, computed_y1, forms, items, rollup
from youzhi.calendar import Semester
from youzhi.cli import main
from youzhi.reader import is_summary_sheet, read_budget, read_grids
from youzhi.repair import repair_workbook
from youzhi.sheets import load_grids

OP, GR, CAP = forms.OPERATING, forms.GRANTS, forms.CAPITAL
LECTURE, CONSULT, TRAVEL = "講座鐘點費", "諮詢費、輔導費、指導費", "國內旅費、短程車資、運費"
TEMP, BOOKS, SUNDRY = "臨時工作人員/工讀費", "資料蒐集費", "雜支"


def L(category, item, unit, quantity, price, source="", purpose="說明"):
    return dict(category=category, item=item, unit=unit, quantity=quantity, unit_price=price,
                purpose=purpose, source=source)  # fmt: skip


OFFICIAL = {
    ("A", Semester.FIRST): [
        L(OP, "講座 鐘點費", "節", 4, 2, "部款"),  # 8,000 教育部
        L(OP, "臨時工作人員／工讀費", "小時", 20, 0.19, "縣市配合款"),  # 3,800 配合款
        L(OP, "諮詢費", "位", 5, 2, ""),  # 10,000 教育部 (blank)
        L(OP, "運費", "式", 1, 1.5, "自籌"),  # 1,500 自籌款
        L(OP, "講師費", "節", 2, 1.6, "其他補助"),  # 3,200 其他補助款
        L(OP, "圖書費", "批", 1, 12, "配合"),  # 12,000 配合款
        L(OP, "主持費", "人次", 1, 1, "家長會"),  # 1,000 其他 row; unknown source → 教育部
    ],
    ("A", Semester.SECOND): [
        L(OP, "講座鐘點費", "節", 2, 2, "教育部"),  # 4,000 教育部
        L(OP, "鐘點費", "節", 3, 0.4, "學校自籌", "彈性學習課程授課"),  # 1,200 其他 row; 自籌款
        L(OP, "雜支*", "式", 1, 0.5, "縣府配合款"),  # 500 雜支 (the * is no wildcard); 配合款
        L(CAP, "筆記型電腦", "臺", 1, 30, "部款"),  # 30,000 資本門 教育部
    ],
}

TEMPLATE = {
    ("A", Semester.FIRST): [
        L(OP, "諮詢費", "人次", 4, 2, "部款"),  # 8,000 教育部
        L(OP, "運費", "式", 1, 2.5, "縣市配合款"),  # 2,500 配合款
        L(OP, "講師費", "節", 3, 2, "自籌"),  # 6,000 自籌款
        L(OP, "臨時工作人員／工讀費", "小時", 10, 0.2, "其他補助"),  # 2,000 其他補助款
        L(GR, "學生獎助金", "人", 2, 5, ""),  # 10,000 教育部
    ],
    ("B", Semester.SECOND): [L(OP, "圖書費", "批", 1, 20, "配合")],  # 20,000 配合款
}

ONLY_HERE = {  # forms the shipped table lacks: right after repair
    ("A", Semester.FIRST): [
        L(OP, "講座 鐘點費", "節", 3, 2, "自 籌"),  # 6,000 講座鐘點費, 自籌款
        L(OP, "國內 旅費", "人次", 2, 0.5, ""),  # 1,000 國內旅費…, 教育部
    ],
}
SCHOOL = dict(name="變體高中", authority="縣市立", county="新竹縣")


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    """{name: (file the tool wrote, LibreOffice's recalculation of it)}."""
    root = tmp_path_factory.mktemp("items-lo")
    official = official_workbook(root / "official.xlsx", academic_year=114, blocks=OFFICIAL)
    repair_workbook(official, root / "official-repaired.xlsx")
    filled_template(root / "template.xlsx", blocks=TEMPLATE, school=SCHOOL)
    filled_template(root / "only-here.xlsx", blocks=ONLY_HERE, school=SCHOOL)
    repair_workbook(root / "only-here.xlsx", root / "only-here-repaired.xlsx")
    _as_before_lookup_tables(filled_template(root / "older.xlsx", blocks=OFFICIAL, school=SCHOOL))
    repair_workbook(root / "older.xlsx", root / "older-repaired.xlsx")
    files = {
        "official": root / "official-repaired.xlsx",
        "template": root / "template.xlsx",
        "only-here": root / "only-here-repaired.xlsx",
        "only-here-unrepaired": root / "only-here.xlsx",
        "older": root / "older-repaired.xlsx",
    }
    out = lo.recalc(list(files.values()), root / "lo")
    return {name: (path, out[path]) for name, path in files.items()}


def _as_before_lookup_tables(path) -> None:
    """A template written before the lookup tables: no names over them, nothing in 參數 T:X."""
    wb = openpyxl.load_workbook(path)
    for name in (*computed_y1.ITEM_TABLE_NAMES, *computed_y1.SOURCE_TABLE_NAMES):
        del wb.defined_names[name]
    for row in wb[cell_spec.PARAM_NAME].iter_rows(min_col=20, max_col=24):
        for cell in row:
            cell.value = None
    wb.save(path)


def _rollup_json(path, capsys) -> dict:
    assert main(["rollup", str(path), "--json"]) in (0, 1)
    return json.loads(capsys.readouterr().out)


def _sheets(path) -> dict[str, str]:
    found: dict[str, str] = {}
    for grid in load_grids(path).sheets:
        kind = is_summary_sheet(grid)
        if kind:
            found.setdefault(kind, grid.name)
    assert set(found) == {"y-2", "y-3", "y-4"}
    return found


def _recalculated(books, name):
    written, recalculated = books[name]
    values = lo.values(recalculated)
    titles = _sheets(recalculated)
    return written, recalculated, values, titles


@pytest.mark.libreoffice
@pytest.mark.parametrize("name", ["official", "template", "only-here", "older"])
def test_libreoffice_puts_every_line_where_rollup_json_does(books, name, capsys):
    written, recalculated, values, titles = _recalculated(books, name)
    assert lo.error_cells(recalculated) == []
    expected = _rollup_json(written, capsys)
    budget = read_budget(written)
    y4 = y4_figures(values[titles["y-4"]], budget)
    for row in expected["y4"]:
        assert y4[(row["fiscal_year"], row["item"])][0] == row["amount"], (name, row)
    y2 = y2_figures(values[titles["y-2"]])
    for row in expected["y2"]:
        got = y2[row["code"]]
        assert {s: got[s] for s in forms.SOURCES} == row["by_source"], (name, row["code"])
    y3 = y3_figures(values[titles["y-3"]])
    for row in expected["y3"]:
        got = y3[f"{row['fiscal_year']}-{row['code']}"]
        assert (got[(row["source"], True)], got[(row["source"], False)]) == (row["recurrent"], row["capital"])
    school = school_figures(values[forms_school_sheet(values)])
    assert yuan(school["教育部補助款"]) == expected["match"]["subsidy"]
    assert yuan(school["已編配合款"]) == expected["match"]["budgeted"]
    if expected["match"]["needed"]:
        assert yuan(school["應編配合款"]) == expected["match"]["required"]
    # and the recalculated file reads back to the same roll-up
    again = rollup.summary(read_budget(recalculated))
    assert {k: again[k] for k in ("y2", "y3", "y4", "match")} == {
        k: expected[k] for k in ("y2", "y3", "y4", "match")
    }


def forms_school_sheet(values) -> str:
    return next(name for name in values if name.startswith("基本資料"))


@pytest.mark.libreoffice
def test_official_form_repaired_by_hand(books, capsys):
    written, _, values, titles = _recalculated(books, "official")
    y4 = y4_figures(values[titles["y-4"]], read_budget(written))
    assert y4[(114, LECTURE)][0] == 11200  # 講座 鐘點費 8,000 + 講師費 3,200
    assert y4[(114, TEMP)][0] == 3800  # 臨時工作人員／工讀費 20 × 190
    assert y4[(114, CONSULT)][0] == 10000  # 諮詢費 5 × 2,000 (the seed's example line)
    assert y4[(114, TRAVEL)][0] == 1500 and y4[(114, BOOKS)][0] == 12000  # 運費, 圖書費
    assert y4[(114, items.OTHER_ITEMS)][0] == 1000  # 主持費
    assert y4[(115, LECTURE)][0] == 4000 and y4[(115, SUNDRY)][0] == 500  # 雜支*
    assert y4[(115, items.OTHER_ITEMS)][0] == 1200  # 鐘點費: needs 說明用途, so 其他
    a = y2_figures(values[titles["y-2"]])["A"]
    # 教育部 8,000 + 10,000 + 1,000 (家長會: unknown) + 4,000 + 30,000 = 53,000
    # 配合款 3,800 + 12,000 + 500 = 16,300; 自籌 1,500 + 1,200 = 2,700; 其他補助款 3,200
    assert [a[s] for s in forms.SOURCES] == [53000, 16300, 2700, 3200]
    assert a["total"] == 75200  # 39,500 + 5,700 經常門 + 30,000 資本門
    problems = _rollup_json(written, capsys)["problems"]
    assert any("家長會" in p["message"] and "教育部補助款" in p["message"] for p in problems)


@pytest.mark.libreoffice
def test_template_filled_with_shipped_forms_by_hand(books):
    _, _, values, titles = _recalculated(books, "template")
    a = y2_figures(values[titles["y-2"]])["A"]
    # 教育部 8,000 + 10,000 = 18,000; 配合款 2,500; 自籌款 6,000; 其他補助款 2,000
    assert [a[s] for s in forms.SOURCES] == [18000, 2500, 6000, 2000]
    y3 = y3_figures(values[titles["y-3"]])
    assert y3["115-B"][(forms.MATCH, True)] == 20000  # 圖書費 written 配合
    school = school_figures(values[forms_school_sheet(values)])
    assert yuan(school["已編配合款"]) == 22500  # 2,500 + 20,000


@pytest.mark.libreoffice
def test_forms_only_the_workbook_knows_need_its_repair(books):
    """Before repair the template's tables lack `講座 鐘點費` and `自 籌` (a documented limit: the
    workbook's formulas match written forms exactly); repair adds them."""
    _, _, before, titles = _recalculated(books, "only-here-unrepaired")
    budget = read_grids(load_grids(books["only-here"][0]))
    y4 = y4_figures(before[titles["y-4"]], budget)
    # 講座 鐘點費 6,000 + 國內 旅費 1,000 = 7,000 in 其他 until repair
    assert y4[(114, LECTURE)][0] == 0 and y4[(114, items.OTHER_ITEMS)][0] == 7000
    _, _, after, titles = _recalculated(books, "only-here")
    y4 = y4_figures(after[titles["y-4"]], budget)
    assert y4[(114, LECTURE)][0] == 6000 and y4[(114, TRAVEL)][0] == 1000  # 3 × 2,000; 2 × 500
    assert y4[(114, items.OTHER_ITEMS)][0] == 0
    a = y2_figures(after[titles["y-2"]])["A"]
    assert (a[forms.SELF_FUNDED], a[forms.MINISTRY]) == (6000, 1000)


def test_an_older_parameter_sheet_is_left_alone_and_the_tables_get_their_own_sheet(tmp_path):
    path = filled_template(tmp_path / "older.xlsx", blocks=ONLY_HERE, school=SCHOOL)
    _as_before_lookup_tables(path)
    report = repair_workbook(path, tmp_path / "out.xlsx")
    assert computed_y1.LOOKUP_SHEET in report.created
    wb = openpyxl.load_workbook(tmp_path / "out.xlsx")
    assert all(c.value is None for row in wb[cell_spec.PARAM_NAME].iter_rows(min_col=20) for c in row)
    tables = wb[computed_y1.LOOKUP_SHEET]
    assert tables.sheet_state == "hidden"
    assert ("講座 鐘點費", LECTURE) in {
        (r[0].value, r[1].value) for r in tables.iter_rows(min_col=20, max_col=21)
    }
    assert computed_y1.table_sheet(wb.defined_names["yz_item_written"].attr_text) == computed_y1.LOOKUP_SHEET
    again = repair_workbook(tmp_path / "out.xlsx", tmp_path / "again.xlsx")  # a second repair reuses it
    assert computed_y1.LOOKUP_SHEET not in again.created
