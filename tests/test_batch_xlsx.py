"""The streaming xlsx writer: awkward text survives, nothing becomes a formula, full sheets continue."""

from __future__ import annotations

import zipfile

import openpyxl
import python_calamine

from youzhi import batch_report, xlsx_stream
from youzhi.batch_report import _Table
from youzhi.xlsx_stream import Book, row_xml

AWKWARD = [
    '=HYPERLINK("http://x","y")',
    "+1+1",
    "@SUM(A1)",
    "a & b < c > d",
    "tab\tand\nnewline",
    "bell\x07 and nul\x00 inside",
    "_x0041_ literal",
    "  leading and trailing  ",
    "臺北市立松山高中（○○）",
    "x" * 40_000,
]


def write(path, rows, kinds):
    book = Book()
    sheet = book.sheet("資料", ["文字", "數字"], [20, 10])
    for values in rows:
        sheet.add(row_xml(values, kinds))
    book.close(path)
    return path


def test_awkward_text_round_trips_as_text(tmp_path):
    path = write(tmp_path / "t.xlsx", [(text, i) for i, text in enumerate(AWKWARD)], ["text", "int"])
    with zipfile.ZipFile(path) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet_xml and b"<f " not in sheet_xml
    expected = [*AWKWARD[:-1], "x" * 32_767]  # Excel's limit for one cell
    # Control characters and a literal "_x0041_" are stored with Excel's _xHHHH_ escapes, which Excel and
    # calamine decode (openpyxl shows them raw).
    values = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_name("資料").to_python()
    assert [r[0] for r in values[1:]] == expected
    assert [r[1] for r in values[1:]] == list(range(len(AWKWARD)))
    plain = openpyxl.load_workbook(path)["資料"]
    assert [plain.cell(row, 1).value for row in (2, 3, 4, 5)] == AWKWARD[:4]
    assert all(plain.cell(row, 1).data_type == "s" for row in range(2, len(AWKWARD) + 2))


def test_numbers_blanks_and_formats(tmp_path):
    rows = [(None, 20000), ("", 1.5), ("x", float("nan")), ("y", True)]
    path = write(tmp_path / "n.xlsx", rows, ["text", "money"])
    sheet = openpyxl.load_workbook(path)["資料"]
    assert list(sheet.iter_rows(min_row=2, values_only=True)) == [
        (None, 20000),
        (None, 1.5),
        ("x", None),
        ("y", True),
    ]
    assert sheet["B2"].number_format == "#,##0"
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:B5"
    assert sheet["A1"].font.b


def test_full_sheet_continues_on_a_new_sheet(tmp_path, monkeypatch):
    monkeypatch.setattr(xlsx_stream, "MAX_ROWS", 4)
    book = Book()
    table = _Table(book, "明細資料", (("項目", "text"), ("總價(元)", "money")))
    for i in range(7):
        table.add(row_xml((f"item{i}", i * 1000), ["text", "money"]))
    path = tmp_path / "c.xlsx"
    book.close(path)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["明細資料", "明細資料(2)", "明細資料(3)"]
    got = [r for ws in wb.worksheets for r in ws.iter_rows(min_row=2, values_only=True)]
    assert got == [(f"item{i}", i * 1000) for i in range(7)]
    assert all(ws["A1"].value == "項目" and ws.auto_filter.ref for ws in wb.worksheets)


def test_atomic_output_leaves_nothing_on_failure(tmp_path):
    target = tmp_path / "r.xlsx"
    target.write_bytes(b"previous report")
    try:
        with batch_report.atomic_output(str(target), ".xlsx") as temp:
            with open(temp, "wb") as handle:
                handle.write(b"half")
            raise RuntimeError("disk full")
    except RuntimeError:
        pass
    assert target.read_bytes() == b"previous report"
    assert [p.name for p in tmp_path.iterdir()] == ["r.xlsx"]


def test_interrupted_report_leaves_nothing(tmp_path):
    """A batch that fails half way (here: the second school) leaves no report and no temporary file."""
    from officialish import official_workbook

    from youzhi import batch

    inbox = tmp_path / "in"
    inbox.mkdir()
    for name in ("a.xlsx", "b.xlsx", "c.xlsx"):
        official_workbook(inbox / name)
    target = tmp_path / "report.xlsx"
    seen = []

    def add_then_fail(record):
        seen.append(record["path"])
        if len(seen) == 2:
            raise KeyboardInterrupt

    try:
        with batch_report.XlsxReport(str(target)) as report:
            report.add = add_then_fail
            batch.run_batch(batch.collect([inbox]), jobs=2, sink=report.add)
    except KeyboardInterrupt:
        pass
    assert seen == [str(inbox / "a.xlsx"), str(inbox / "b.xlsx")]  # path order, whatever finished first
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in"]
