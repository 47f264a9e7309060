"""One check pipeline: ``youzhi check``, ``youzhi batch`` and the add-in find the same things.

Each door is run as users run it: the CLI through ``cli.main(["check", …, "--json"])``, the batch
through ``run_batch`` (worker processes, spooled results), the add-in's unchanged 檢核 macro through
xlwings' remote engine (its 檢核結果 rows as recorded actions). The workbooks are real files written
by the test builders: the official-looking file (with its cached #REF! / #DIV/0! summary cells, so
the error-cell scan and the reader's problems are in the comparison) and our own template.
"""

from __future__ import annotations

import contextlib
import io
import json
from collections import Counter

import pytest
from builders import filled_template
from officialish import official_workbook
from remote_payload import actions, remote_book

import macros
from youzhi import addin_ribbon as ribbon
from youzhi import batch, cli, pipeline
from youzhi.calendar import Semester
from youzhi.errors import UnreadableWorkbook

LECTURE = {
    "category": "業務費",
    "item": "講座鐘點費",
    "unit": "節",
    "quantity": 2,
    "unit_price": 3,
    "purpose": "外聘講座",
    "source": "",
}  # fmt: skip  (3 千元 a 節: over the 外聘 cap of 2,000)
NO_PURPOSE = {"category": "業務費", "item": "諮詢費、輔導費、指導費", "unit": "人次", "quantity": 5,
              "unit_price": 2, "purpose": "", "source": ""}  # fmt: skip
LAPTOP = {"category": "設備及投資", "item": "筆記型電腦", "unit": "臺", "quantity": 2, "unit_price": 28,
          "purpose": "教學用", "source": "自籌款"}  # fmt: skip
BLOCKS = {("A", Semester.FIRST): [LECTURE, NO_PURPOSE], ("B", Semester.SECOND): [LAPTOP]}


def _key(rule, severity, sheet, cell, message):
    return (rule, severity, sheet or "", cell or "", message)


def _cli(path) -> list[tuple]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        cli.main(["check", str(path), "--json"])
    found = json.loads(out.getvalue())["findings"]
    return [_key(f["rule"], f["severity"], f["sheet"], f["cell"], f["message"]) for f in found]


def _batch(paths) -> dict[str, list[tuple]]:
    with batch.run_batch([str(p) for p in paths], jobs=2) as result:
        records = list(result.results())
    assert [r.get("reason") for r in records] == [None] * len(paths)
    return {
        r["path"]: [_key(rule, sev, sheet, cell, msg) for sheet, cell, rule, sev, msg, *_ in r["findings"]]
        for r in records
    }


def _addin(path) -> list[tuple]:
    book = remote_book(path)
    macros.check()
    rows = actions(book, "setValues")[-1]["values"][1:]
    labels = {label: severity for severity, label in ribbon.SEVERITY_LABELS.items()}
    return [_key(r[1], labels[r[0]], r[2], r[3], r[4]) for r in rows if r[1]]


def _same_from_every_door(paths) -> list[list[tuple]]:
    by_batch = _batch(paths)
    found = []
    for path in paths:
        cli_found = _cli(path)
        assert any(k[0] == "YZ201" for k in cli_found), path  # the lecture fee over its cap
        assert by_batch[str(path)] == cli_found, path  # same order too: sheet, row, rule
        assert Counter(_addin(path)) == Counter(cli_found), path  # the add-in lists errors first
        found.append(cli_found)
    return found


def test_cli_batch_and_addin_find_the_same_in_official_files(tmp_path):
    paths = [
        official_workbook(tmp_path / "official.xlsx", blocks=BLOCKS),
        official_workbook(tmp_path / "typed.xlsx", blocks=BLOCKS, typed_subtotals=True, blank_rows=(1,)),
    ]
    for found in _same_from_every_door(paths):
        # the cached #REF! / #DIV/0! of the official summary sheets: the error-cell scan is compared too
        assert any(k[0] == "YZ001" and "錯誤值" in k[4] for k in found)


@pytest.mark.libreoffice
def test_cli_batch_and_addin_find_the_same_in_our_template(tmp_path):
    """Our template filled by openpyxl has no cached results (Excel would compute them before the
    add-in saw the book), so LibreOffice computes them first, as Excel would."""
    import lo

    school = {"name": "示範高中", "authority": "縣市立", "county": "花蓮縣"}
    filled = filled_template(tmp_path / "template.xlsx", blocks=BLOCKS, school=school)
    path = lo.recalc([filled], tmp_path / "lo")[filled]
    (found,) = _same_from_every_door([path])
    assert not any("沒有計算結果" in k[4] for k in found)


def test_the_addin_lists_errors_first_as_the_pipeline_orders_them(tmp_path):
    path = official_workbook(tmp_path / "official.xlsx", blocks=BLOCKS)
    checked = pipeline.check_file(path)
    ranks = [pipeline.SEVERITIES.index(f.severity) for f in checked.worst_first()]
    assert ranks == sorted(ranks) and len(set(ranks)) > 1
    assert [k[1] for k in _addin(path)] == [f.severity for f in checked.worst_first()]


def test_counts_name_every_severity_even_when_none():
    checked = pipeline.Checked(None, None, [])
    assert checked.counts() == {"error": 0, "warning": 0, "info": 0} and not checked.has_errors
    assert pipeline.counts_text([]) == "錯誤 0 項、警告 0 項、提示 0 項"


def test_a_file_that_is_no_workbook_is_unreadable_in_the_pipeline(tmp_path):
    path = tmp_path / "notes.xlsx"
    path.write_text("學校,金額\n示範高中,100\n", encoding="utf-8")
    with pytest.raises(UnreadableWorkbook, match="CSV"):
        pipeline.check_file(path)


def test_the_check_leaves_the_tools_tables_unread_and_finds_the_same():
    """參數 (tiers, rates, the names people write) is a third of a template's XML and no rule reads it:
    the check lists it unread, and finds exactly what a full read finds."""
    from pathlib import Path

    from youzhi.forms.registry import TABLE_SHEETS
    from youzhi.sheets import load_grids

    example = Path(__file__).resolve().parents[1] / "examples" / "示範高中_114.xlsx"
    checked = pipeline.check_file(example)
    params = checked.grids.sheet("參數")
    assert "參數" in TABLE_SHEETS and params is not None
    assert params.read is False and params.rows == []
    full = load_grids(example)
    assert full.sheet("參數").read and len(full.sheet("參數").rows) > 10
    assert [f.__dict__ for f in pipeline.check_grids(full).findings] == [f.__dict__ for f in checked.findings]
    assert checked.findings  # the example has findings to compare
