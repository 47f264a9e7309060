"""The template's structure: protection, drop-downs, names, fingerprint, print set-up, reproduction, CLI."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from builders import filled_budget, filled_template, y2_figures

from youzhi import computed_school, forms, rollup, tiers, y1form
from youzhi.calendar import Semester
from youzhi.cli import main
from youzhi.errors import YouzhiError
from youzhi.model import School
from youzhi.template import PORTABLE_FUNCTIONS, parse_subplans, write_template

ROOT = Path(__file__).parents[1]
COMMITTED = {
    "senior-high_114.xlsx": ["--year", "114", "--programme", "senior-high"],
    "senior-high_115.xlsx": ["--year", "115", "--programme", "senior-high"],
    "vocational_115.xlsx": ["--year", "115", "--programme", "vocational"],
    "senior-high_116.xlsx": ["--year", "116", "--programme", "senior-high"],
    "vocational_116.xlsx": ["--year", "116", "--programme", "vocational"],
}


@pytest.fixture(scope="module")
def workbook(tmp_path_factory):
    path = tmp_path_factory.mktemp("tpl") / "t.xlsx"
    write_template(path, "senior-high", 115, codes=["A-1", "A-2", "B", "C", "D"], school=School("示範高中"))
    return path, openpyxl.load_workbook(path)


def test_sheets_in_order_and_hidden_ones(workbook):
    _, wb = workbook
    y1 = [f"{c}({m})" for c in ("A-1", "A-2", "B", "C", "D") for m in ("8-12月", "1-7月")]
    assert wb.sheetnames == ["基本資料", *y1, "y-2", "y-3", "y-4", "參數", "_youzhi"]
    hidden = {ws.title for ws in wb.worksheets if ws.sheet_state != "visible"}
    assert hidden == {"參數", "_youzhi"}


def test_y1_labels_as_the_official_form(workbook):
    _, wb = workbook
    ws = wb["A-1(1-7月)"]
    column_a = [ws.cell(r, 1).value for r in range(1, ws.max_row + 1)]
    assert ws["A1"].value == "表y-1-2 示範高中優質化年度子計畫經費概算表(1-7月)"
    assert ws["A2"].value == "子計畫代碼:A-1"
    assert ws["A3"].value == "116會計年度概算表(1-7月)"
    assert [ws.cell(4, c).value for c in range(1, 9)] == [h or None for h in forms.Y1_HEADER]
    for label in (
        "(一)經常門",
        "業務費",
        "獎補助費",
        "經常門小計",
        "(二)資本門",
        "設備及投資",
        "資本門小計",
        "116會計年度合計",
    ):
        assert label in column_a, label
    assert [ws.cell(r, 2).value for r in range(1, ws.max_row + 1)].count("小計") == 2
    assert "1. 子計畫表單可自行增加。" in column_a
    assert any(str(v).startswith("承辦人") for v in column_a if v)


def test_line_counts_are_parameters(tmp_path):
    path = write_template(
        tmp_path / "c.xlsx", "senior-high", 115, counts=y1form.LineCounts(operating=3, grants=2, capital=4)
    )
    ws = openpyxl.load_workbook(path)["A(8-12月)"]
    formulas = [r for r in range(1, ws.max_row + 1) if str(ws.cell(r, 6).value).startswith("=IF(COUNT")]
    assert len(formulas) == 3 + 2 + 4


def test_formula_cells_locked_inputs_unlocked_sheets_protected(workbook):
    _, wb = workbook
    for ws in wb.worksheets:
        if ws.sheet_state == "visible":
            assert ws.protection.sheet, ws.title
            assert not ws.protection.password, ws.title
    ws = wb["B(8-12月)"]
    assert ws["F6"].value.startswith("=IF(COUNT(D6:E6)=2") and ws["F6"].protection.locked
    for ref in ("A6", "B6", "C6", "D6", "E6", "G6", "H6", "B30", "E37"):
        assert ws[ref].protection.locked is False, ref
    assert ws["A4"].protection.locked and ws["F21"].protection.locked  # header, 小計
    school = wb["基本資料"]
    for label in ("學校名稱", "主管機關", "所在縣市"):
        assert school.cell(computed_school.SCHOOL_ROW[label], 2).protection.locked is False
    assert school.cell(computed_school.MATCH_ROW["應編配合款"], 2).protection.locked
    for ref, cell in ((c.coordinate, c) for row in wb["y-3"].iter_rows() for c in row):
        if cell.data_type == "f":
            assert cell.protection.locked, ref


def test_drop_downs_name_the_standard_lists(workbook):
    _, wb = workbook
    names = wb.defined_names
    param = wb["參數"]

    def listed(name: str) -> list[str]:
        dest = next(iter(names[name].destinations))
        return [c.value for row in param[dest[1].replace("$", "")] for c in row]

    assert listed("yz_items_operating") == list(forms.items("senior-high", 115, forms.OPERATING))
    assert listed("yz_items_grants") == ["學生入學獎學金", "學生獎學(助)金"]
    assert listed("yz_sources") == list(forms.SOURCES)
    assert listed("yz_categories") == list(forms.CATEGORIES)
    assert listed("yz_authorities") == list(tiers.AUTHORITIES)
    assert sorted(listed("yz_counties")) == sorted(tiers.counties(115))
    ws = wb["C(1-7月)"]
    rules = {(str(dv.sqref), dv.formula1): dv for dv in ws.data_validations.dataValidation}
    # item names: a warning the user may override (the validators report non-standard names)
    assert rules[("B6:B20", "yz_items_operating")].showErrorMessage
    assert rules[("B6:B20", "yz_items_operating")].errorStyle == "warning"
    assert rules[("B22:B26", "yz_items_grants")].errorStyle == "warning"
    assert rules[("H6:H20", "yz_sources")].showErrorMessage
    assert rules[("H6:H20", "yz_sources")].errorStyle in (None, "stop")
    assert not rules[("B30:B37", "yz_items_capital")].showErrorMessage  # 資本門: any equipment name
    assert {k[1] for k in rules} >= {"yz_categories", "yz_sources"}
    school = {dv.formula1 for dv in wb["基本資料"].data_validations.dataValidation}
    assert school == {"yz_authorities", "yz_counties"}


def test_fingerprint_sheet_and_names(workbook):
    _, wb = workbook
    fp = wb["_youzhi"]
    pairs = {fp.cell(r, 1).value: fp.cell(r, 2).value for r in range(1, fp.max_row + 1)}
    assert pairs == {
        "form": "youzhi-budget",
        "programme": "senior-high",
        "academic_year": 115,
        "template_version": "2",
    }
    assert wb.defined_names["youzhi_programme"].attr_text == '"senior-high"'
    assert wb.defined_names["youzhi_year"].attr_text == "115"


def test_print_setup_a4_landscape_with_titles_and_full_recalc(workbook):
    path, wb = workbook
    for name in ("A-1(8-12月)", "y-2", "y-3", "y-4"):
        ws = wb[name]
        assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9, name
        assert ws.sheet_properties.pageSetUpPr.fitToPage, name
        assert ws.page_setup.fitToWidth in (None, 1), name  # 1 page wide (1 is the default, left out)
        assert ws.print_title_rows, name
    assert wb["A-1(8-12月)"].print_title_rows == "$1:$4"
    assert wb["A-1(8-12月)"].page_setup.fitToHeight in (None, 1)  # a y-1 block prints on one page
    assert wb["y-3"].page_setup.fitToHeight == 0  # summaries: as many pages tall as needed
    with zipfile.ZipFile(path) as z:
        assert 'fullCalcOnLoad="1"' in z.read("xl/workbook.xml").decode()
        assert "標楷體" in z.read("xl/styles.xml").decode()


def test_formulas_use_only_portable_functions(workbook):
    _, wb = workbook
    used = set()
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    for quoted in re.findall(r"'((?:[^']|'')+)'!", cell.value):  # no 3-D references
                        assert quoted.replace("''", "'") in wb.sheetnames, (ws.title, cell.coordinate)
                    bare = re.sub(
                        r"'(?:[^']|'')*'|\"[^\"]*\"", "", cell.value
                    )  # without sheet names, strings
                    used.update(re.findall(r"([A-Z][A-Z0-9._]*)\(", bare))
    # SUMPRODUCT is allowed since the y-2/y-3/y-4 figures look up written forms on 參數 (computed_y1.py)
    assert used <= PORTABLE_FUNCTIONS and not used & {"OFFSET", "SUBTOTAL", "INDIRECT"}
    assert "SUMPRODUCT" in used
    assert {"SUM", "SUMIF", "IF", "COUNT", "ROUND", "ROUNDUP", "VLOOKUP", "IFERROR"} <= used


def test_ratios_are_guarded(workbook):
    _, wb = workbook
    for name in ("y-3", "y-4"):
        for row in wb[name].iter_rows():
            for cell in row:
                if cell.data_type == "f" and "/" in cell.value:
                    assert cell.value.startswith("=IF(") and "=0,0," in cell.value, (name, cell.coordinate)


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {name: z.read(name) for name in z.namelist()}


@pytest.mark.parametrize("name", list(COMMITTED))
def test_cli_reproduces_committed_templates(tmp_path, name, capsys):
    out = tmp_path / name
    assert main(["template", *COMMITTED[name], "-o", str(out)]) == 0
    assert "已產生" in capsys.readouterr().out
    committed = ROOT / "xlsx_templates" / name
    assert _parts(out) == _parts(committed), f"regenerate with: youzhi template {' '.join(COMMITTED[name])}"


def test_writes_atomically_and_leaves_no_temporary_file(tmp_path):
    out = tmp_path / "t.xlsx"
    out.write_bytes(b"old")
    write_template(out, "vocational", 115)
    assert zipfile.is_zipfile(out)
    assert [p.name for p in tmp_path.iterdir()] == ["t.xlsx"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--year", "115", "--subplans", "A,B"], "缺少必要子計畫：C"),
        (["--year", "115", "--subplans", "A,B,C,Z"], "子計畫代碼「Z」"),
        (["--year", "115", "--subplans", "A,A,B,C"], "子計畫代碼重複"),
        (["--year", "115", "--county", "火星市"], "找不到縣市「火星市」"),
        (["--year", "115", "--authority", "公立"], "主管機關「公立」無法辨識"),
        (["--year", "2026"], "請以民國年填寫"),
        (["--year", "115", "--lines", "15,5"], "--lines"),
    ],
)
def test_cli_bad_input_gives_one_zh_tw_line(tmp_path, capsys, argv, message):
    out = tmp_path / "x.xlsx"
    assert main(["template", *argv, "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert message in err and err.startswith("錯誤：") and "Traceback" not in err
    assert not out.exists()


def test_cli_refuses_missing_folder_and_wrong_suffix(tmp_path, capsys):
    assert main(["template", "--year", "115", "-o", str(tmp_path / "no" / "x.xlsx")]) == 2
    assert main(["template", "--year", "115", "-o", str(tmp_path / "x.xls")]) == 2
    err = capsys.readouterr().err
    assert "輸出資料夾不存在" in err and ".xlsx" in err


def test_cli_never_overwrites_without_force(tmp_path, capsys):
    out = tmp_path / "filled.xlsx"
    out.write_bytes(b"a filled workbook")
    assert main(["template", "--year", "115", "-o", str(out)]) == 2
    assert "檔案已存在" in capsys.readouterr().err and out.read_bytes() == b"a filled workbook"
    assert main(["template", "--year", "115", "-o", str(out), "--force"]) == 0
    assert zipfile.is_zipfile(out)


def test_cli_school_options_fill_the_school_block(tmp_path):
    out = tmp_path / "s.xlsx"
    argv = ["template", "--year", "115", "--school", "北市高中", "--county", "台北市", "--authority", "市立"]
    assert main([*argv, "--subplans", "A-1,A-2,B,C", "-o", str(out)]) == 0
    wb = openpyxl.load_workbook(out)
    info = wb["基本資料"]
    values = [info.cell(computed_school.SCHOOL_ROW[k], 2).value for k in ("學校名稱", "主管機關", "所在縣市")]
    assert values == ["北市高中", "直轄市立", "臺北市"]
    assert "A-2(1-7月)" in wb.sheetnames and "D(8-12月)" not in wb.sheetnames
    assert wb["B(8-12月)"]["A1"].value.startswith("表y-1-1 北市高中優質化")


def test_parse_subplans():
    assert parse_subplans("senior-high", 115, None) == ["A", "B", "C", "D"]
    assert parse_subplans("senior-high", 115, "a-1, a-2，B、C") == ["A-1", "A-2", "B", "C"]
    assert parse_subplans("vocational", 115, "一-1,一-2,二,三,四,五")[:2] == ["一-1", "一-2"]
    with pytest.raises(YouzhiError, match="不屬於高職優質化輔助方案"):
        parse_subplans("vocational", 115, "A,B")


def test_cached_values_without_recalculation(tmp_path):
    """Written by XlsxWriter with lines: viewers that never recalculate show the roll-up's figures."""
    spec = dict(
        programme="senior-high",
        academic_year=114,
        subplans=["A", "B", "C"],
        school=dict(name="示範高中", authority="縣市立", county="苗栗縣"),
        blocks={
            ("A", Semester.FIRST): [
                dict(category="業務費", item="講座鐘點費", quantity=8, unit_price=2, purpose="x"),  # 16.000
                dict(
                    category="設備及投資",
                    item="筆記型電腦",
                    quantity=1,
                    unit_price=30,
                    purpose="x",
                    source="配合款",
                ),
            ],
            ("C", Semester.SECOND): [
                dict(category="業務費", item="雜支", total=1.234, purpose="x", source="自籌款")
            ],
        },
    )
    path = write_template(
        tmp_path / "w.xlsx",
        "senior-high",
        114,
        codes=spec["subplans"],
        school=School("示範高中", "縣市立", "苗栗縣"),
        fill=spec["blocks"],
    )
    wb = openpyxl.load_workbook(path, data_only=True)
    cells = {c.coordinate: c.value for row in wb["y-2"].iter_rows() for c in row if c.value is not None}
    y2 = y2_figures(cells)
    # A: 16,000 教育部 + 30,000 配合款; C: 1,234 自籌款 (typed lump sum kept as typed).
    assert (y2["A"]["教育部補助款"], y2["A"]["配合款"], y2["C"]["自籌款"]) == (16000, 30000, 1234)
    assert y2["小計"]["total"] == 47234
    budget = filled_budget(**spec)
    assert [r.total for r in rollup.y2(budget)] == [y2[c]["total"] for c in ("A", "B", "C", "小計")]
    a = wb["A(8-12月)"]
    assert (a["F6"].value, a["D6"].value, a["E6"].value) == (16, 8, 2)
    assert wb["C(1-7月)"]["F6"].value == 1.234  # the typed 總價 is a value, not overwritten by a formula


def test_reader_reads_our_template_back(tmp_path):
    """Contract with the reader: our y-1 blocks are found by label, and the lines roll up the same."""
    reader = pytest.importorskip("youzhi.reader")
    spec = dict(
        programme="vocational",
        academic_year=115,
        subplans=["一-1", "一-2", "二", "三", "四", "五"],
        school=dict(name="屏東高職", authority="縣市立", county="屏東縣"),
        blocks={
            ("一-1", Semester.FIRST): [
                dict(category="業務費", item="講座鐘點費", quantity=3, unit_price=2, purpose="x")
            ],
            ("二", Semester.SECOND): [
                dict(
                    category="設備及投資",
                    item="平板電腦",
                    quantity=2,
                    unit_price=15,
                    purpose="x",
                    source="配合款",
                )
            ],
        },
    )
    path = filled_template(tmp_path / "r.xlsx", **spec)
    budget = reader.read_budget(path)
    expected = filled_budget(**spec)
    assert [b.layout for b in budget.sheets] == [b.layout for b in expected.sheets]
    assert (budget.programme, budget.academic_year) == ("vocational", 115)
    assert (budget.school.authority, budget.school.county) == ("縣市立", "屏東縣")
    assert rollup.y2(budget) == rollup.y2(expected)
    assert rollup.match(budget) == rollup.match(expected)
