"""What a reviewer is told about the submitted workbook itself (issue 9, What-to-build 6).

YZ120 a 單價 typed in 元 where the form asks 千元; YZ121 money on a hidden y-1 row; YZ122 a blank
總價 the tool computed; YZ505 a y-2 / y-3 / y-4 figure that differs from the y-1 lines. Workbooks
are written by tests/officialish.py (XlsxWriter, cached values as Excel saves them), edited with
openpyxl the way a school edits them, repaired by youzhi and recalculated by LibreOffice.
"""

from __future__ import annotations

import lo
import openpyxl
import pytest
from officialish import official_workbook
from test_rule_lines import CAP, L, run

from youzhi.calendar import Semester
from youzhi.repair import repair_workbook
from youzhi.sheets import load_grids
from youzhi.xlsx_scan import hidden_rows

FIRST, SECOND = Semester.FIRST, Semester.SECOND
FIRED = {"YZ120", "YZ121", "YZ122", "YZ505"}  # for test_validators' coverage of every rule


def at(findings, rule):
    return [(f.sheet, f.cell) for f in findings if f.rule == rule]


# ---- YZ120: 元 typed into the 千元 column ------------------------------------------------------

# Bounds (validators/rules/common.toml YZ120): priced in the cap's unit, 20 × the item's highest cap;
# otherwise 1,000,000 元 per unit for 經常門, 5,000,000 元 for 資本門.
TYPED_IN_YUAN = [
    L("資料檢索費", "次", 1, 1500, "期刊資料庫檢索"),  # 1,500 元 typed as 1,500 千元 = 1,500,000 > 1,000,000
    L("講座鐘點費", "節", 1, 40.001, "外聘講師"),  # 40,001 > 20 × 2,000 = 40,000
    L("單槍投影機", "臺", 1, 5000.001, "專科教室教學", cat=CAP),  # 5,000,001 > 5,000,000
]
PLAUSIBLE = [
    L("資料檢索費", "次", 1, 1000, "期刊資料庫檢索"),  # 1,000,000: at the bound
    L("講座鐘點費", "節", 1, 40, "外聘講師"),  # 40,000: at 20 × cap (YZ201 fires, not YZ120)
    L("材料費", "式", 1, 300, "40人次×200元，實作課程材料"),  # per 式: the 1,000,000 bound applies
    L("雷射切割機", "臺", 1, 450, "機械科實習", cat=CAP),  # ordinary equipment: 450,000
    L("單槍投影機", "臺", 1, 5000, "專科教室教學", cat=CAP),  # 5,000,000: at the bound
]


@pytest.fixture(scope="module")
def prices(tmp_path_factory):
    path = tmp_path_factory.mktemp("prices") / "prices.xlsx"
    return run(official_workbook(path, blocks={("A", FIRST): TYPED_IN_YUAN, ("A", SECOND): PLAUSIBLE}))


def test_price_typed_in_yuan_fires_at_its_cell_with_the_intended_value(prices):
    budget, findings = prices
    cells = [(ln.sheet, ln.cell("unit_price")) for ln in budget.sheets[0].lines]
    assert at(findings, "YZ120") == cells
    first = next(f for f in findings if f.rule == "YZ120")
    assert first.severity == "warning" and (first.value, first.limit) == (1_500_000, 1_000_000)
    # 1,500,000 ÷ 1000 = 1,500 元 = 1.500 千元
    assert "1,500.000 千元" in first.message and "1,500 元" in first.message and "1.500 千元" in first.message


def test_plausible_prices_are_quiet(prices):
    budget, findings = prices
    assert [f for f in findings if f.rule == "YZ120" and f.sheet == budget.sheets[1].sheet] == []


# ---- YZ121: money on hidden rows ---------------------------------------------------------------


@pytest.fixture(scope="module")
def hidden_book(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hidden")
    lines = [
        L("講座鐘點費", "節", 2, 2, "外聘講師"),
        L("雜支", "式", 1, 3, "文具"),
        L("印刷費", "份", 10, 0.05, "講義"),
    ]
    src = official_workbook(folder / "src.xlsx", blocks={("A", FIRST): lines})
    wb = openpyxl.load_workbook(src)
    ws = wb["A(8-12月)"]
    ws.row_dimensions[7].hidden = True  # 雜支 3.000 千元
    ws.row_dimensions[10].hidden = True  # an empty line row: nothing to report
    path = folder / "hidden.xlsx"
    wb.save(path)
    return path


def test_money_on_a_hidden_row_is_reported_at_its_total(hidden_book):
    budget, findings = run(hidden_book)
    assert [ln.hidden for ln in budget.sheets[0].lines] == [False, True, False]
    assert at(findings, "YZ121") == [("A(8-12月)", "F7")]
    f = next(f for f in findings if f.rule == "YZ121")
    assert f.value == 3000 and "3.000 千元" in f.message and "隱藏" in f.message
    # the hidden line still counts: 2 × 2,000 + 3,000 + 10 × 50 = 7,500 元
    assert sum(ln.amount for ln in budget.lines) == 7500


def test_hidden_rows_are_read_from_the_sheet_xml():
    xml = (
        b'<sheetData><row r="3" spans="1:8"><c r="A3"/></row><row r="7" spans="1:8" hidden="1">'
        b'<c r="A7"/></row><row r="9" hidden="true" customHeight="1"/><row r="12" ht="15"/></sheetData>'
        b'<cols><col min="1" max="1" hidden="1"/></cols>'
    )
    assert hidden_rows(xml) == {7, 9}
    assert hidden_rows(b'<sheetData><row r="1"/></sheetData>') == frozenset()


def test_no_hidden_rows_no_finding(tmp_path):
    path = official_workbook(tmp_path / "v.xlsx", blocks={("A", FIRST): [L("雜支", "式", 1, 3, "文具")]})
    budget, findings = run(path)
    assert not any(ln.hidden for ln in budget.lines) and at(findings, "YZ121") == []
    assert all(not grid.hidden_rows for grid in load_grids(path).sheets)


# ---- YZ122: blank 總價 ----------------------------------------------------------------------------


def test_blank_total_with_quantity_and_price_is_reported(tmp_path):
    lines = [L("雜支", "式", 2, 1.5, "文具", total=None), L("印刷費", "份", 10, 0.05, "講義")]
    budget, findings = run(official_workbook(tmp_path / "b.xlsx", blocks={("A", FIRST): lines}))
    blank, _ = budget.sheets[0].lines
    assert blank.typed_total is None and blank.amount == 3000  # 2 × 1,500
    assert at(findings, "YZ122") == [(blank.sheet, blank.cell("total"))]
    f = next(f for f in findings if f.rule == "YZ122")
    assert f.severity == "info" and f.limit == 3000 and "3.000 千元" in f.message


def test_formulas_without_results_are_not_blank(tmp_path):
    """A file saved by openpyxl keeps the 總價 formulas but no results: not a blank 總價."""
    src = official_workbook(tmp_path / "s.xlsx", blocks={("A", FIRST): [L("雜支", "式", 2, 1.5, "文具")]})
    wb = openpyxl.load_workbook(src)
    wb.save(tmp_path / "saved.xlsx")
    _, findings = run(tmp_path / "saved.xlsx")
    assert at(findings, "YZ122") == []


# ---- YZ505: summary figures that differ from the y-1 lines --------------------------------------


def _row_of(ws, column: str, text: str) -> int:
    return next(c.row for c in ws[column] if c.value == text)


@pytest.fixture(scope="module")
def typed_summaries(tmp_path_factory):
    """The seed's example (A: 諮詢費 5 × 2 千元 in each semester = 20.000 千元 教育部補助款) with the
    school's own y-2 / y-3 / y-4 figures typed over the formulas: three wrong, one right."""
    folder = tmp_path_factory.mktemp("typed")
    src = official_workbook(folder / "src.xlsx")
    wb = openpyxl.load_workbook(src)
    y2, y3, y4 = wb["y-2"], wb["y-3"], wb["y-4"]
    y2["B5"] = 15  # 教育部補助款 of A: 15.000, the lines give 20.000
    y2["G5"] = 20  # 經常門 of A: right
    y3_row = _row_of(y3, "B", "109-A")
    y3[f"C{y3_row}"] = 12  # 109年度 A 教育部補助款 經常門: the lines give 10.000
    y4_row = _row_of(y4, "B", "諮詢費、輔導費、指導費")
    y4[f"G{y4_row}"] = 25  # 109學年度 總計: the lines give 20.000
    path = folder / "typed.xlsx"
    wb.save(path)
    return folder, path, y3_row, y4_row


def test_wrong_summary_figures_are_named_at_their_cells_with_both_values(typed_summaries):
    _, path, y3_row, y4_row = typed_summaries
    _, findings = run(path)
    found = {(f.sheet, f.cell): f for f in findings if f.rule == "YZ505"}
    assert set(found) == {("y-2", "B5"), ("y-3", f"C{y3_row}"), ("y-4", f"G{y4_row}")}
    y2 = found[("y-2", "B5")]
    assert (y2.value, y2.limit, y2.severity) == (15000, 20000, "warning")
    assert "15.000" in y2.message and "20.000" in y2.message and "「A」列「教育部補助款」" in y2.message
    assert (found[("y-3", f"C{y3_row}")].value, found[("y-3", f"C{y3_row}")].limit) == (12000, 10000)
    assert (found[("y-4", f"G{y4_row}")].value, found[("y-4", f"G{y4_row}")].limit) == (25000, 20000)
    assert "《109學年度教育部高中優質化輔助方案計畫申請&成果報告撰寫手冊》" in y2.citation


def test_error_values_are_not_reported_twice(tmp_path):
    """The official #REF! cells (y-2 rows B… and 小計) stay YZ001's, once per sheet."""
    blocks = {("A", FIRST): [L("雜支", "式", 1, 3, "文具")], ("B", FIRST): [L("雜支", "式", 1, 2, "文具")]}
    path = official_workbook(tmp_path / "r.xlsx", blocks=blocks)
    _, findings = run(path)
    y2 = [f for f in findings if f.sheet == "y-2"]
    assert [f.rule for f in y2 if f.rule == "YZ001"] == ["YZ001"]
    values = {f"{chr(64 + c)}{r}": v for r, row in enumerate(load_grids(path).sheet("y-2").rows, 1)
              for c, v in enumerate(row, 1) if c <= 26}  # fmt: skip
    assert [c for c, v in values.items() if v == "#REF!"]  # B row and 小計 hold #REF!
    reported = [f.cell for f in y2 if f.rule == "YZ505"]
    assert reported and all(values[c] == 0 for c in reported)  # only row A's 0.000, never a #REF!


@pytest.fixture(scope="module")
def repaired(typed_summaries):
    """The typed workbook repaired by youzhi, and that file recalculated by LibreOffice."""
    if lo.soffice() is None:
        pytest.skip("LibreOffice is not installed")
    folder, path, _, _ = typed_summaries
    dest = folder / "repaired.xlsx"
    repair_workbook(path, dest)
    (recalculated,) = lo.recalc([dest], folder / "lo").values()
    return dest, recalculated


def test_repaired_workbook_is_quiet(repaired):
    for path in repaired:  # our cached values, then LibreOffice's own recalculation of our formulas
        _, findings = run(path)
        assert at(findings, "YZ505") == [], path
        grids = load_grids(path)
        assert grids.sheet("y-2").value(5, 2) == 20  # 教育部補助款 of A: 20.000 千元
