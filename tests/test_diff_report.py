"""The reviewer's workbook of `youzhi diff -o` and the add-in's 比較版本 (same core, remote engine).

The version pair is the one of tests/test_diff.py (figures worked out there); here: what the written
workbook holds, that the inputs stay byte-identical, and that LibreOffice computes it with no error cell.
"""

from __future__ import annotations

import hashlib

import lo
import openpyxl
import pytest
from officialish import _ln, official_workbook
from openpyxl.cell.cell import MergedCell
from remote_payload import actions, remote_book
from test_diff import BASE, REVISED, SCHOOL, _run

import macros
from youzhi.calendar import Semester
from youzhi.diff import diff
from youzhi.diff_report import LINE_HEADER, LINES_SHEET, SUMMARY_SHEET, write_report
from youzhi.reader import read_budget

F = Semester.FIRST
FORMULA_TEXT = '=HYPERLINK("http://x")'


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    """Both versions, the CLI's report and adjustment table, and LibreOffice's recalculation (one call)."""
    folder = tmp_path_factory.mktemp("diff_report")
    revised = {**REVISED, ("A", Semester.SECOND): [_ln("業務費", "雜支", "式", 1, 1, purpose="文具")]}
    old = official_workbook(folder / "核定版.xlsx", blocks=BASE, school_sheet=SCHOOL, broken_summaries=False)
    new = official_workbook(
        folder / "變更版.xlsx", blocks=revised, school_sheet=SCHOOL, broken_summaries=False
    )
    before = {p: _digest(p) for p in (old, new)}
    out, table = folder / "差異.xlsx", folder / "調整對照表.xlsx"
    code, text, err = _run(
        "diff", str(old), str(new), "-o", str(out), "--adjustment", str(table), "--round", "1"
    )
    assert code == 1, err  # YZ601: capital to recurrent
    assert f"差異報告：{out}" in text and f"經費調整對照表：{table}" in text
    after = {p: _digest(p) for p in (old, new)}
    recalculated = lo.recalc([out, new], folder / "lo") if lo.soffice() else {}
    return {
        "old": old,
        "new": new,
        "out": out,
        "table": table,
        "lo": recalculated.get(out),
        "lo_new": recalculated.get(new),
        "same": before == after,
    }


def test_inputs_are_never_modified(report):
    assert report["same"]


def test_sheets_and_summary(report):
    wb = openpyxl.load_workbook(report["out"])
    assert wb.sheetnames[:3] == [SUMMARY_SHEET, LINES_SHEET, "A(8-12月)"]
    summary = {row[0]: row[1:4] for row in wb[SUMMARY_SHEET].iter_rows(values_only=True) if row[0]}
    assert summary["合計"] == (98_200, 89_200, -9_000)  # 88,200 + the 1,000 of 雜支 in A 1-7月
    assert summary["經常門"] == (38_200, 59_200, 21_000)
    assert summary["資本門"] == (60_000, 30_000, -30_000)
    assert summary["應編配合款"] == (13_391, 12_164, -1_227)  # ⌈89,200 × 3/22⌉ = ⌈12,163.6⌉
    text = " ".join(str(v) for row in wb[SUMMARY_SHEET].iter_rows(values_only=True) for v in row if v)
    assert "YZ601" in text and "八(三)" in text


def test_line_sheet_has_filters_and_one_row_per_change(report):
    ws = openpyxl.load_workbook(report["out"])[LINES_SHEET]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == LINE_HEADER
    assert ws.auto_filter.ref == f"A1:X{len(rows)}"
    kinds = sorted(r[0] for r in rows[1:])
    assert kinds == sorted(["修改", "刪除", "新增", "新增", "移動", "修改"])
    removed = next(r for r in rows[1:] if r[0] == "刪除")
    assert removed[1] == "印刷費" and removed[5] is None and removed[14] == 5_000


def test_a_category_change_under_a_merged_category_cell_is_noted_on_the_name(tmp_path):
    projector, laptop = BASE[("B", F)]
    meals = _ln("業務費", "膳宿費", "人次", 10, 0.08, purpose="研習午餐")
    before = {("B", F): [meals, projector, laptop]}
    after = {("B", F): [meals, {**projector, "category": "業務費"}, laptop]}  # second 業務費 row
    old = official_workbook(tmp_path / "a.xlsx", blocks=before, merge_category=True)
    new = official_workbook(tmp_path / "b.xlsx", blocks=after, merge_category=True)
    out = write_report(diff(read_budget(old), read_budget(new)), old, new, tmp_path / "d.xlsx")
    ws = openpyxl.load_workbook(out)["B(8-12月)"]
    row = next(c.row for c in ws["B"] if c.value == "實物投影機")
    assert isinstance(ws[f"A{row}"], MergedCell)
    assert "一級用途別 原為 設備及投資" in _note(ws, f"B{row}")


def test_text_from_a_school_never_becomes_a_formula(tmp_path):
    old, new = (read_budget(official_workbook(tmp_path / f"{n}.xlsx", blocks=BASE)) for n in "ab")
    new.lines[0].purpose = FORMULA_TEXT  # as typed into 說明用途 (a text cell)
    out = write_report(diff(old, new), tmp_path / "a.xlsx", None, tmp_path / "d.xlsx", new_name="b.xlsx")
    ws = openpyxl.load_workbook(out)[LINES_SHEET]
    cell = next(c for row in ws.iter_rows(min_row=2) for c in row if c.value == FORMULA_TEXT)
    assert cell.data_type == "s"


def _note(ws, ref):
    return ws[ref].comment.text if ws[ref].comment else ""


def test_changed_cells_are_shaded_and_noted_with_the_old_value(report):
    wb = openpyxl.load_workbook(report["out"])
    ws = wb["A(8-12月)"]
    lecture = next(c.row for c in ws["B"] if c.value == "講座鐘點費")
    assert ws[f"D{lecture}"].fill.start_color.rgb.endswith("FFEB9C")
    assert "數量 原為 10" in _note(ws, f"D{lecture}")
    assert "總價 原為 20,000 元" in _note(ws, f"F{lecture}")
    assert not _note(ws, f"E{lecture}")  # 單價 unchanged
    meals = next(c.row for c in ws["B"] if c.value == "膳宿費")
    assert all(ws.cell(meals, col).comment is None for col in range(1, 9))
    added = next(c.row for c in ws["B"] if c.value == "雜支")
    assert ws[f"B{added}"].fill.start_color.rgb.endswith("C6EFCE") and "新增" in _note(ws, f"B{added}")
    header = next(c.row for c in ws["A"] if isinstance(c.value, str) and c.value.startswith("名稱"))
    assert "已刪除「印刷費」" in _note(ws, f"A{header}") and "5,000 元" in _note(ws, f"A{header}")
    moved = wb["B(1-7月)"]
    advice = next(c.row for c in moved["B"] if c.value == "諮詢費、輔導費、指導費")
    assert "由 A 1-7月" in _note(moved, f"B{advice}")


@pytest.mark.libreoffice
def test_libreoffice_computes_the_report_with_no_error_cell(report):
    # the official form's own #DIV/0! ratios (y-3, y-4) stay as they are; the report adds none
    own = {(sheet, ref) for sheet, ref, _ in lo.error_cells(report["lo_new"])}
    assert {(sheet, ref) for sheet, ref, _ in lo.error_cells(report["lo"])} == own
    values = lo.values(report["lo"])["A(8-12月)"]
    lecture = next(ref[1:] for ref, v in values.items() if ref.startswith("B") and v == "講座鐘點費")
    assert round(values[f"F{lecture}"] * 1000) == 24_000  # 12 節 × 2 千元, recalculated


# --- the add-in's 比較版本 (xlwings remote engine) ---------------------------------------------------


@pytest.fixture
def versions(tmp_path):
    old = official_workbook(tmp_path / "核定版.xlsx", blocks=BASE, school_sheet=SCHOOL)
    new = official_workbook(tmp_path / "變更版.xlsx", blocks=REVISED, school_sheet=SCHOOL)
    return old, new


def test_compare_versions_writes_the_report_next_to_the_saved_workbook(versions, monkeypatch):
    old, new = versions
    monkeypatch.chdir(new.parent)  # the remote engine knows the book by its name only
    book = remote_book(new)
    message = macros.compare_versions(str(old))
    report = new.parent / "變更版_版本比較.xlsx"
    assert report.exists() and str(report) in message and "5 筆經費有變動" in message
    assert actions(book, "alert")[0]["args"][0] == message
    wb = openpyxl.load_workbook(report)
    assert wb.sheetnames[:3] == [SUMMARY_SHEET, LINES_SHEET, "A(8-12月)"]
    again = macros.compare_versions(macros.from_hex(str(old).encode("utf-16-be").hex()))
    assert "變更版_版本比較 (2).xlsx" in again  # never replaces a file


def test_compare_versions_of_a_book_without_a_file(versions, tmp_path, monkeypatch):
    old, new = versions
    monkeypatch.chdir(tmp_path / "..")
    remote_book(new)
    message = macros.compare_versions(str(old))
    report = old.parent / "變更版_版本比較.xlsx"
    assert str(report) in message
    assert openpyxl.load_workbook(report).sheetnames == [SUMMARY_SHEET, LINES_SHEET]


def test_compare_versions_explains_what_is_missing(versions, tmp_path):
    _, new = versions
    book = remote_book(new)
    assert macros.compare_versions() == "比較版本需在桌面版 Excel 中選擇另一個版本的經費表"
    assert macros.compare_versions(str(tmp_path / "沒有.xlsx")) == f"找不到檔案「{tmp_path / '沒有.xlsx'}」"
    assert [a["func"] for a in actions(book)] == ["alert", "alert"]


def test_the_marked_copy_keeps_news_formula_results(report):
    """openpyxl drops every formula's result; the marked copy of NEW gets NEW's back, so the y-2 …
    totals show in a viewer that does not recalculate."""
    import python_calamine

    new, out = report["new"], report["out"]
    wb = openpyxl.load_workbook(new)
    before = python_calamine.CalamineWorkbook.from_path(str(new))
    after = python_calamine.CalamineWorkbook.from_path(str(out))
    kept = 0
    for ws in wb.worksheets:
        a = before.get_sheet_by_name(ws.title).to_python(skip_empty_area=False)
        b = after.get_sheet_by_name(ws.title).to_python(skip_empty_area=False)
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f" and a[cell.row - 1][cell.column - 1] not in ("", None):
                    assert b[cell.row - 1][cell.column - 1] == a[cell.row - 1][cell.column - 1]
                    kept += 1
    assert kept > 20
