"""Parts Excel expects: one shape-id block per comment drawing, a theme and docProps in the batch
report, and print setup (A4 landscape, fit to width, header row repeated, page numbers) in the batch
report and the 檢核結果 sheet."""

from __future__ import annotations

import re
import zipfile
from xml.etree import ElementTree

import lo
import openpyxl
import pytest
from officialish import official_workbook
from test_rule_lines import SENIOR_BAD, run

from youzhi.annotate import RESULT_SHEET, annotate
from youzhi.calendar import Semester
from youzhi.xlsx_fixups import comment_drawings, fix_package, number_comment_shapes
from youzhi.xlsx_stream import Book, row_xml

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def _vml(shapes: int) -> bytes:
    shape = b'<v:shape id="_x0000_s1026" type="#_x0000_t202"><x:ClientData ObjectType="Note"/></v:shape>'
    head = b'<xml><o:shapelayout v:ext="edit"><o:idmap v:ext="edit" data="1"/></o:shapelayout>'
    return head + b'<v:shapetype id="_x0000_t202"/>' + shape * shapes + b"</xml>"


def _ids(vml: bytes) -> tuple[list[int], list[int]]:
    idmap = re.search(rb'idmap[^>]*data="([^"]*)"', vml).group(1).decode()
    return [int(b) for b in idmap.split(",")], [int(i) for i in re.findall(rb'_x0000_s(\d+)"', vml)]


def test_each_comment_drawing_gets_its_own_block():
    parts = {
        "xl/drawings/commentsDrawing1.vml": _vml(2),
        "xl/drawings/commentsDrawing10.vml": _vml(1),
        "xl/drawings/commentsDrawing2.vml": _vml(1030),  # more than one block of 1,024 ids
        "xl/worksheets/sheet1.xml": b"<worksheet/>",
    }
    assert comment_drawings(parts)[-1] == "xl/drawings/commentsDrawing10.vml"
    fixed = number_comment_shapes(parts)
    assert _ids(fixed["xl/drawings/commentsDrawing1.vml"]) == ([1], [1025, 1026])
    blocks, ids = _ids(fixed["xl/drawings/commentsDrawing2.vml"])
    assert blocks == [2, 3] and ids == list(range(2049, 2049 + 1030))
    assert _ids(fixed["xl/drawings/commentsDrawing10.vml"]) == ([4], [4097])
    assert b'id="_x0000_t202"' in fixed["xl/drawings/commentsDrawing1.vml"]  # shape type untouched
    assert fixed["xl/worksheets/sheet1.xml"] == parts["xl/worksheets/sheet1.xml"]


def test_a_package_without_comments_is_left_as_it_is(tmp_path):
    path = tmp_path / "plain.xlsx"
    wb = openpyxl.Workbook()
    wb.active["A1"] = 1
    wb.save(path)
    before = path.read_bytes()
    fix_package(path)
    assert path.read_bytes() == before


@pytest.fixture(scope="module")
def annotated(tmp_path_factory):
    d = tmp_path_factory.mktemp("fixups")
    src = official_workbook(d / "src.xlsx", blocks={("A", Semester.FIRST): [ln for ln, _, _ in SENIOR_BAD]},
                            approved={"A": 10})  # fmt: skip
    _, findings = run(src)
    wb = openpyxl.load_workbook(src)
    # notes on at least two sheets: the first and one more sheet with findings
    extra = [f for f in findings if f.sheet != findings[0].sheet][:1]
    if not extra:
        extra = [type(findings[0])(**{**vars(findings[0]), "sheet": wb.sheetnames[-1], "cell": "A1"})]
    return d, annotate(src, [*findings, *extra], d / "annotated.xlsx")


def test_annotated_copy_numbers_its_comment_drawings_as_excel(annotated):
    _, dest = annotated
    with zipfile.ZipFile(dest) as package:
        names = comment_drawings(package.namelist())
        assert len(names) >= 2
        seen_blocks, seen_ids = [], []
        for name in names:
            blocks, ids = _ids(package.read(name))
            assert all(b * 1024 < i < (b + 1) * 1024 for i in ids[:1] for b in blocks[:1])
            seen_blocks += blocks
            seen_ids += ids
    assert len(set(seen_blocks)) == len(seen_blocks) and len(set(seen_ids)) == len(seen_ids)
    assert openpyxl.load_workbook(dest)  # still a readable package


def test_result_sheet_prints_on_a4_landscape_with_repeated_header(annotated):
    _, dest = annotated
    ws = openpyxl.load_workbook(dest)[RESULT_SHEET]
    assert int(ws.page_setup.paperSize) == 9 and ws.page_setup.orientation == "landscape"  # 9: A4
    assert (int(ws.page_setup.fitToWidth), int(ws.page_setup.fitToHeight)) == (1, 0)
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == "$1:$1"
    assert "&P" in ws.oddFooter.center.text and "&N" in ws.oddFooter.center.text
    amounts = [c for row in ws.iter_rows(min_row=2, min_col=6, max_col=7) for c in row]
    assert any(isinstance(c.value, int) for c in amounts)
    assert all(c.number_format == "#,##0" for c in amounts if isinstance(c.value, int))


def _report(path):
    book = Book()
    sheet = book.sheet("總覽", [f"欄{i}" for i in range(1, 21)], [18] * 20)
    for r in range(120):
        sheet.add(row_xml([f"學校{r}", *range(r * 1000, r * 1000 + 19)], ["text"] + ["money"] * 19))
    book.close(path)
    return path


def test_batch_report_has_theme_docprops_and_print_setup(tmp_path):
    path = _report(tmp_path / "report.xlsx")
    with zipfile.ZipFile(path) as package:
        for part in ("xl/theme/theme1.xml", "docProps/core.xml", "docProps/app.xml"):
            ElementTree.fromstring(package.read(part))
        types = package.read("[Content_Types].xml").decode()
        assert "/xl/theme/theme1.xml" in types and "/docProps/core.xml" in types
        assert "theme/theme1.xml" in package.read("xl/_rels/workbook.xml.rels").decode()
        assert "docProps/app.xml" in package.read("_rels/.rels").decode()
        app = package.read("docProps/app.xml").decode()
        assert "<vt:lpstr>總覽</vt:lpstr>" in app
        sheet = ElementTree.fromstring(package.read("xl/worksheets/sheet1.xml"))
    setup = sheet.find(f"{MAIN}pageSetup")
    a4_landscape = {"paperSize": "9", "orientation": "landscape", "fitToWidth": "1", "fitToHeight": "0"}
    assert setup.attrib == a4_landscape
    assert sheet.find(f"{MAIN}sheetPr/{MAIN}pageSetUpPr").get("fitToPage") == "1"
    assert "&P" in sheet.find(f"{MAIN}headerFooter/{MAIN}oddFooter").text
    wb = openpyxl.load_workbook(path)
    assert wb["總覽"].print_title_rows == "$1:$1"
    assert wb["總覽"]["B3"].number_format == "#,##0"
    assert wb.properties.creator == "youzhi"


@pytest.mark.libreoffice
def test_libreoffice_prints_the_report_landscape_one_page_wide(tmp_path):
    path = _report(tmp_path / "report.xlsx")
    pdf = lo.convert([path], tmp_path / "pdf", "pdf")[path].read_bytes()
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    assert boxes, "no page in the PDF"
    assert all(float(w) > float(h) and round(float(w)) == 842 for w, h in boxes)  # A4 landscape
    # one page wide: 121 rows of 20 columns fit on a few pages, far fewer than unscaled (≥ 3 wide)
    assert len(boxes) <= 4
