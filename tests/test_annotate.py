"""The annotated copy: only fills and notes change on the budget's sheets, a 檢核結果 sheet lists
every finding with a link, the source is untouched, and LibreOffice opens it (notes and sheet kept,
every recalculated value equal to the source's)."""

from __future__ import annotations

import hashlib

import lo
import openpyxl
import pytest
from officialish import official_workbook
from test_rule_lines import SENIOR_BAD, run

from youzhi.annotate import COLOURS, RESULT_HEADER, RESULT_SHEET, annotate, note_text
from youzhi.calendar import Semester
from youzhi.errors import YouzhiError


@pytest.fixture(scope="module")
def annotated(tmp_path_factory):
    d = tmp_path_factory.mktemp("annotate")
    src = official_workbook(d / "src.xlsx", blocks={("A", Semester.FIRST): [ln for ln, _, _ in SENIOR_BAD]},
                            approved={"A": 10})  # fmt: skip
    digest = hashlib.sha256(src.read_bytes()).hexdigest()
    _, findings = run(src)
    dest = annotate(src, findings, d / "annotated.xlsx")
    assert hashlib.sha256(src.read_bytes()).hexdigest() == digest
    return d, src, dest, findings


def _style(cell):
    return (
        cell.number_format,
        repr(cell.font),
        repr(cell.border),
        repr(cell.alignment),
        repr(cell.protection),
    )


def test_only_fills_and_notes_change(annotated):
    _, src, dest, findings = annotated
    a, b = openpyxl.load_workbook(src), openpyxl.load_workbook(dest)
    assert b.sheetnames == [*a.sheetnames, RESULT_SHEET]
    marked = {(f.sheet, f.cell) for f in findings if f.sheet in a.sheetnames and f.cell}
    assert len(marked) > 40
    compared = 0
    for ws in a.worksheets:
        wd = b[ws.title]
        assert (ws.sheet_state, ws.max_row, ws.max_column) == (wd.sheet_state, wd.max_row, wd.max_column)
        assert sorted(map(str, ws.merged_cells.ranges)) == sorted(map(str, wd.merged_cells.ranges))
        assert len(ws.data_validations.dataValidation) == len(wd.data_validations.dataValidation)
        for row in ws.iter_rows():
            for cell in row:
                other = wd[cell.coordinate]
                assert other.value == cell.value, (ws.title, cell.coordinate)
                assert _style(other) == _style(cell), (ws.title, cell.coordinate)
                if (ws.title, cell.coordinate) in marked:
                    assert other.comment is not None and other.comment.text
                else:
                    assert other.comment is None and repr(other.fill) == repr(cell.fill), (
                        ws.title,
                        cell.coordinate,
                    )
                compared += 1
    assert compared > 1000


def test_fill_by_worst_severity_and_note_text(annotated):
    _, _, dest, findings = annotated
    wb = openpyxl.load_workbook(dest)
    by_cell = {}
    for f in findings:
        by_cell.setdefault((f.sheet, f.cell), []).append(f)
    for (sheet, address), group in by_cell.items():
        if not sheet:
            continue
        cell = wb[sheet][address]
        severities = {f.severity for f in group}
        worst = "error" if "error" in severities else "warning" if "warning" in severities else "info"
        if worst == "info":
            assert cell.fill.fgColor.rgb in (None, "00000000")
        else:
            assert cell.fill.fgColor.rgb.endswith(COLOURS[worst])
        for f in group:
            assert note_text(f) in cell.comment.text
    lecture = next(f for f in findings if f.rule == "YZ201")
    text = wb[lecture.sheet][lecture.cell].comment.text
    assert "YZ201" in text and "上限／基準：2000" in text
    assert "依據：《109學年度教育部高中優質化輔助方案計畫申請&成果報告撰寫手冊》" in text


def test_result_sheet_lists_and_links_every_finding(annotated):
    _, _, dest, findings = annotated
    ws = openpyxl.load_workbook(dest)[RESULT_SHEET]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == RESULT_HEADER and len(rows) == len(findings) + 1
    for f, row, excel_row in zip(findings, rows[1:], range(2, len(findings) + 2), strict=True):
        assert (row[1], row[2], row[3], row[4]) == (f.rule, f.sheet, f.cell, f.message)
        link = ws.cell(excel_row, 4).hyperlink
        if f.sheet and f.cell:
            assert link.location == f"'{f.sheet}'!{f.cell}"


def test_refuses_to_overwrite_the_source(annotated):
    _, src, _, findings = annotated
    with pytest.raises(YouzhiError):
        annotate(src, findings, src)


def test_annotating_again_replaces_the_result_sheet(annotated, tmp_path):
    _, _, dest, findings = annotated
    again = annotate(dest, findings[:3], tmp_path / "again.xlsx")
    wb = openpyxl.load_workbook(again)
    assert wb.sheetnames.count(RESULT_SHEET) == 1 and wb[RESULT_SHEET].max_row == 4


@pytest.mark.libreoffice
def test_libreoffice_opens_it_with_notes_result_sheet_and_same_values(annotated):
    d, src, dest, findings = annotated
    out = lo.recalc([src, dest], d / "lo")
    before, after = lo.values(out[src]), lo.values(out[dest])
    assert set(after) == {*before, RESULT_SHEET}
    for sheet, cells in before.items():
        assert after[sheet] == cells, sheet
    wb = openpyxl.load_workbook(out[dest])
    lecture = next(f for f in findings if f.rule == "YZ201")
    assert "YZ201" in wb[lecture.sheet][lecture.cell].comment.text
    assert wb[RESULT_SHEET].max_row == len(findings) + 1


def test_the_copy_keeps_the_inputs_formula_results(annotated):
    """openpyxl drops every formula's result; the copy gets the input's back (annotating changes no
    formula), so a viewer that does not recalculate shows the school's figures, not blanks."""
    import python_calamine

    _, src, dest, _ = annotated
    wb = openpyxl.load_workbook(src)
    formulas = [(ws.title, c.row, c.column) for ws in wb.worksheets for r in ws.iter_rows() for c in r
                if c.data_type == "f"]  # fmt: skip
    before = python_calamine.CalamineWorkbook.from_path(str(src))
    after = python_calamine.CalamineWorkbook.from_path(str(dest))
    grids = {}
    kept = blank = 0
    for sheet, row, col in formulas:
        for book, key in ((before, "in"), (after, "out")):
            if (key, sheet) not in grids:
                grids[(key, sheet)] = book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
        value_in = grids[("in", sheet)][row - 1][col - 1]
        value_out = grids[("out", sheet)][row - 1][col - 1]
        if value_in in ("", None):  # an error value (calamine reads "") or no result: left to Excel
            assert value_out in ("", None)
            blank += 1
        else:
            assert value_out == value_in, (sheet, row, col)
            kept += 1
    assert kept > 20 and blank > 0  # the official form's #REF! cells stay for Excel to show
