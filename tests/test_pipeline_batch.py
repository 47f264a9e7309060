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
