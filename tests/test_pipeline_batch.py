"""The batch spool stays flat when only the report reads it; lean records keep what the report shows."""

from __future__ import annotations

import os
import shutil

import pytest
from officialish import official_workbook

from youzhi import batch, batch_report
from youzhi.calendar import Semester

LECTURE = {"category": "業務費", "item": "講座鐘點費", "unit": "節", "quantity": 2, "unit_price": 3,
           "purpose": "外聘講座", "source": ""}  # fmt: skip


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> list[str]:
    folder = tmp_path_factory.mktemp("spool")
    base = official_workbook(folder / "base.xlsx", blocks={("A", Semester.FIRST): [LECTURE]})
    paths = []
    for i in range(8):
        target = folder / f"school{i}.xlsx"
        shutil.copy(base, target)
        paths.append(str(target))
    return paths


def _spool_size(result) -> int:
    return os.fstat(result.spool.fileno()).st_size


def test_a_kept_batch_spools_every_result(files):
    seen = []
    with batch.run_batch(files, jobs=2, sink=seen.append) as result:
        assert [r["path"] for r in seen] == sorted(files)
        assert [r["path"] for r in result.results()] == sorted(files)
        assert _spool_size(result) > 0


def test_a_report_only_batch_leaves_the_spool_empty(files):
    seen = []
    options = batch.Options(render=True, keep_lines=False, keep_findings=False)
    with batch.run_batch(files, jobs=2, options=options, sink=seen.append, keep=False) as result:
        assert [r["path"] for r in seen] == sorted(files)  # the sink had every result, in path order
        assert _spool_size(result) == 0  # …and none of them stayed on disk
        assert result.count(batch.STATUS_ERROR) == len(files)
        with pytest.raises(RuntimeError):
            next(result.results())
    with pytest.raises(ValueError):
        batch.run_batch(files, keep=False)


def test_a_lean_record_keeps_its_report_rows_and_rule_tally(files):
    full = batch.check_one(files[0], batch.Options(render=True))
    lean = batch.check_one(files[0], batch.Options(render=True, keep_lines=False, keep_findings=False))
    assert full["findings"] and lean["findings"] == () and lean["lines"] == ()
    assert batch_report.render(lean)["檢核明細"] == batch_report.render(full)["檢核明細"] != []
    assert batch.pack(dict(lean))[0]["rules"] == batch.pack(dict(full))[0]["rules"]
    assert "YZ201" in batch.pack(dict(lean))[0]["rules"]


def test_report_sheets_are_deflated_once_as_they_are_written(tmp_path):
    """The report's temporary files hold compressed rows (a tenth of the XML), copied into the zip as is."""
    import os
    import zipfile

    from youzhi.xlsx_stream import Book, row_xml

    book = Book(folder=str(tmp_path))
    sheet = book.sheet("總覽", ["檔案", "金額"], [40, 14])
    for i in range(20_000):
        sheet.add(row_xml((f"school{i:05d}.xlsx", i * 1037), ["text", "money"]))
    member = sheet._member
    spooled = os.fstat(member._file.fileno()).st_size
    assert 0 < spooled < member.size / 5  # deflated while written
    book.close(tmp_path / "report.xlsx")
    with zipfile.ZipFile(tmp_path / "report.xlsx") as archive:
        assert archive.testzip() is None
        info = archive.getinfo("xl/worksheets/sheet1.xml")
        assert info.compress_type == zipfile.ZIP_DEFLATED and info.file_size == member.size
        assert info.compress_size == member.compressed >= spooled  # the tail and the flush came last
        xml = archive.read("xl/worksheets/sheet1.xml")
    assert xml.count(b"<row ") == 20_001 and b"school19999.xlsx" in xml
    assert list(tmp_path.iterdir()) == [tmp_path / "report.xlsx"]  # no temporary file left behind
