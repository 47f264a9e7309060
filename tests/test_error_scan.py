"""Error values and formulas without a cached result: found in the sheet XML, reported once per sheet.

python-calamine reads both as "" and openpyxl (data_only) reads uncached formulas as None, so the
reader would never tell a reviewer about the #REF! of the official y-2. ``youzhi.sheets`` scans the
worksheet parts at byte level; the reader turns the findings into one ``Problem`` per sheet.
"""

from __future__ import annotations

import io
import os
import re
import zipfile

import lo
import openpyxl
import pytest
from officialish import official_workbook

from youzhi.errors import UnreadableWorkbook
from youzhi.reader import read_budget
from youzhi.repair import repair_workbook
from youzhi.sheets import display_name, load_grids
from youzhi.xlsx_scan import UNCACHED, scan_formula_cells

ENGINES = ["calamine", "openpyxl"]


def _scan_problems(budget):
    return [p for p in budget.problems if "錯誤值" in p.message or UNCACHED in p.message]


@pytest.fixture(scope="module")
def official(tmp_path_factory):
    return official_workbook(tmp_path_factory.mktemp("scan") / "official.xlsx")


@pytest.mark.parametrize("engine", ENGINES)
def test_official_summaries_give_one_warning_per_sheet(official, engine):
    budget = read_budget(official, engine=engine)
    found = [(p.sheet, p.cell, p.severity, p.message) for p in _scan_problems(budget)]
    assert found == [
        (
            "y-2",
            "B6",
            "warning",
            "y-2 有 32 個儲存格為錯誤值（#REF! 32），例如 B6；請以 youzhi repair 修復計算儲存格",
        ),
        (
            "y-3",
            "K16",
            "warning",
            "y-3 有 3 個儲存格為錯誤值（#DIV/0! 3），例如 K16；請以 youzhi repair 修復計算儲存格",
        ),
        (
            "y-4",
            "D5",
            "warning",
            "y-4 有 63 個儲存格為錯誤值（#DIV/0! 63），例如 D5；請以 youzhi repair 修復計算儲存格",
        ),
    ]


def test_the_validators_show_them(official):
    import validators

    findings = validators.check(read_budget(official))
    scan = [f for f in findings if f.rule == "YZ001" and "錯誤值" in f.message]
    assert [(f.sheet, f.cell, f.severity) for f in scan] == [
        ("y-2", "B6", "warning"),
        ("y-3", "K16", "warning"),
        ("y-4", "D5", "warning"),
    ]


def test_a_repaired_file_has_none(official, tmp_path):
    out = tmp_path / "repaired.xlsx"
    repair_workbook(official, out)
    assert load_grids(out).errors == {}
    assert _scan_problems(read_budget(out)) == []


def _workbook_with_sheet_xml(cells: str, *, title: str = "表") -> bytes:
    """An .xlsx (made by openpyxl) whose only sheet's <sheetData> is replaced by ``cells``."""
    wb = openpyxl.Workbook()
    wb.active.title = title
    wb.active["A1"] = 1
    buffer = io.BytesIO()
    wb.save(buffer)
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb"<dimension [^>]*/>", b"", data)  # stale: openpyxl's read-only mode trusts it
                head, rest = data.split(b"<sheetData>", 1)
                data = (
                    head
                    + b"<sheetData>"
                    + cells.encode()
                    + b"</sheetData>"
                    + rest.split(b"</sheetData>", 1)[1]
                )
            dst.writestr(info, data)
    return out.getvalue()


def test_what_counts_as_an_error_or_an_uncached_formula():
    cells = (
        '<row r="1">'
        '<c r="A1" t="e"><f>#REF!+1</f><v>#REF!</v></c>'  # error value (Excel, XlsxWriter)
        "<c r='B1' t='e'><v>#N/A</v></c>"  # single quotes, error typed without a formula
        '<c r="C1" t="inlineStr"><is><t>#REF!</t></is></c>'  # text that only looks like one
        '<c r="D1"><f>A1*2</f><v>2</v></c>'  # cached number
        '<c r="E1" t="str"><f>IF(A1,"","x")</f><v></v></c>'  # cached empty text (Excel)
        "</row>"
        '<row r="2">'
        '<c r="A2"><f>A1*3</f><v /></c>'  # openpyxl: no result
        '<c r="B2"><f t="shared" ref="B2:B3" si="0">A1*4</f></c>'  # no <v> at all
        '<c r="C2"><f t="shared" si="0"/></c>'
        '<c r="D2" s="1"/>'
        "</row>"
    )
    data = _workbook_with_sheet_xml(cells)
    assert scan_formula_cells(data) == {
        # every error value; of the formulas without a result only the first (A2; B2 and C2 have none too)
        "表": [("A1", "#REF!"), ("B1", "#N/A"), ("A2", UNCACHED)]
    }


def test_unusual_writers_get_the_general_scan():
    # indented XML, t before r, a namespace prefix, an empty cached text that is not text-typed
    cells = (
        '\n  <row r="1">\n    <c t="e" r="A1">\n      <f>1/0</f>\n      <v>#DIV/0!</v>\n    </c>\n'
        '    <c r="B1" t="str">\n      <f>""</f>\n      <v></v>\n    </c>\n'
        '    <c r="C1">\n      <f>A1+1</f>\n    </c>\n  </row>\n'
        '<row r="2"><x:c r="A2"><x:f>A1</x:f><x:v></x:v></x:c></row>\n'
    )
    assert scan_formula_cells(_workbook_with_sheet_xml(cells)) == {
        "表": [("A1", "#DIV/0!"), ("C1", UNCACHED)]  # C1 is the first formula without a result
    }


def test_parts_without_hints_are_skipped_and_broken_input_never_raises():
    assert (
        scan_formula_cells(_workbook_with_sheet_xml('<row r="1"><c r="A1"><f>1+1</f><v>2</v></c></row>'))
        == {}
    )
    assert scan_formula_cells(b"not a zip") == {}
    assert scan_formula_cells(b"") == {}


@pytest.mark.parametrize("engine", ENGINES)
def test_engines_agree_and_sheet_names_are_unescaped(tmp_path, engine):
    cells = '<row r="3"><c r="B3" t="e"><f>1/0</f><v>#DIV/0!</v></c><c r="C3"><f>B3</f><v /></c></row>'
    path = tmp_path / "amp.xlsx"
    path.write_bytes(_workbook_with_sheet_xml(cells, title="A&B <y>"))
    grids = load_grids(path, engine)
    assert grids.errors == {"A&B <y>": [("B3", "#DIV/0!"), ("C3", UNCACHED)]}
    assert grids.sheet("A&B <y>").value(3, 2) == "#DIV/0!"  # calamine's "" is given back its error text


@pytest.mark.libreoffice
def test_libreoffice_output_is_read_as_libreoffice_computed_it(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "y-3"
    ws["A1"], ws["A2"], ws["A3"], ws["A4"] = 0, "=1/A1", "=A1+1", '=IF(A1=0,"","x")'
    src = tmp_path / "lo.xlsx"
    wb.save(src)
    assert scan_formula_cells(src.read_bytes()) == {"y-3": [("A2", UNCACHED)]}  # openpyxl: no results
    out = lo.recalc([src], tmp_path / "out")[src]
    assert scan_formula_cells(out.read_bytes()) == {"y-3": [("A2", "#DIV/0!")]}
    assert load_grids(out).sheet("y-3").value(2, 1) == "#DIV/0!"


def test_a_big5_byte_file_name_is_read(tmp_path):
    name = "經費表".encode("big5") + b".xlsx"
    path = os.path.join(os.fsencode(tmp_path), name)
    built = official_workbook(tmp_path / "plain.xlsx", school_title="臺南市立經費高級中學")
    with open(path, "wb") as handle:
        handle.write(built.read_bytes())
    for engine in ENGINES:
        budget = read_budget(path, engine=engine)
        assert budget.school.name == "臺南市立經費高級中學"
        assert sum(ln.amount for ln in budget.lines) == 20000
    assert display_name(os.fsdecode(path)) == "經費表.xlsx"


def test_a_big5_name_of_a_non_budget_reads_as_big5_in_the_message(tmp_path):
    path = os.path.join(os.fsencode(tmp_path), "清單".encode("big5") + b".xlsx")
    wb = openpyxl.Workbook()
    wb.active["A1"] = "不是經費表"
    wb.save(tmp_path / "plain.xlsx")
    os.rename(tmp_path / "plain.xlsx", path)
    with pytest.raises(UnreadableWorkbook) as info:
        read_budget(path)
    assert str(info.value).startswith("清單.xlsx 中找不到")
    str(info.value).encode("utf-8")  # printable: no lone surrogates
