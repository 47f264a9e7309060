"""The form registry (youzhi/forms/): every sheet is recognised once, by one recogniser per form, and
the reader, the validators' summary cells and the add-in agree on which sheet is which form."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from types import SimpleNamespace

import openpyxl
import pytest
from officialish import variant_workbook

from validators import summaries
from youzhi import cli
from youzhi.forms import registry, summary, y2, y3, y4
from youzhi.forms.cells import Reading
from youzhi.ledger import LEDGER_NAME
from youzhi.model import Budget
from youzhi.progress import PROGRESS_NAME
from youzhi.reader import read_budget, read_grids
from youzhi.sheets import load_grids

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "示範高中_114.xlsx"


def test_every_form_has_a_key_a_recogniser_and_a_budget_field():
    keys = [form.key for form in registry.FORMS]
    assert keys == ["y-1", "基本資料", "y-2", "y-3", "y-4", "支用明細", "執行進度報告表"]
    budget_fields = {f.name for f in dataclasses.fields(Budget)}
    for form in registry.FORMS:
        assert callable(form.module.recognise)
        for name in filter(None, (n.strip() for n in form.field.split(","))):
            assert name in budget_fields, (form.key, name)
    # forms known by name or title first, then the y-1 test, then the execution-year forms
    order = [f.key for f in registry._RECOGNITION_ORDER]
    assert order.index("y-1") == 4 and order[-2:] == ["支用明細", "執行進度報告表"]


def test_the_example_is_classified_sheet_by_sheet():
    grids = load_grids(EXAMPLE)
    found = {key: [g.name for g, _ in pairs] for key, pairs in registry.classify(grids).items()}
    assert found["基本資料"] == ["基本資料"]
    assert found["y-2"] == ["y-2"] and found["y-3"] == ["y-3"] and found["y-4"] == ["y-4"]
    assert len(found["y-1"]) == 10 and found["y-1"][0] == "A-1(8-12月)"
    assert not any("參數" in names or "_youzhi" in names for names in found.values())  # the tool's sheets
    budget = read_grids(grids)
    assert {k: list(v) for k, v in budget.form_sheets.items()} == found


def test_summary_rows_and_headers_name_their_fiscal_year():
    assert summary.fiscal_year("114-A-1") == (114, "A-1")  # a y-3 row: 會計年度 and sub-plan code
    assert summary.fiscal_year("115會計年度") == (115, "")  # a y-4 header: the year alone
    assert summary.fiscal_year("A-1") is None and summary.fiscal_year("114-A 1") == (114, "")
    sheets = registry.summary_sheets(load_grids(EXAMPLE))
    rows = sorted({key[:2] for key in y3.parse(sheets["y-3"]).cells})
    assert rows == [(fy, code) for fy in (114, 115) for code in ("A-1", "A-2", "B", "C", "D")]
    assert y4.parse(sheets["y-4"], ("諮詢費",)).fiscal_total_cols == {114: 3, 115: 5}  # C and E


def test_execution_forms_are_recognised_and_not_read_as_y1(tmp_path):
    plain, with_ledger = tmp_path / "plain.xlsx", tmp_path / "ledger.xlsx"
    assert cli.main(["template", "--year", "114", "-o", str(plain)]) == 0
    assert cli.main(["template", "--year", "114", "--with-ledger", "-o", str(with_ledger)]) == 0
    budget = read_budget(with_ledger)
    assert budget.form_sheets[LEDGER_NAME] == (LEDGER_NAME,)
    assert budget.form_sheets[PROGRESS_NAME] == (PROGRESS_NAME,)
    assert LEDGER_NAME not in read_budget(plain).form_sheets
    assert budget.form_sheets["y-1"] == read_budget(plain).form_sheets["y-1"]


def test_a_renamed_ledger_is_known_by_its_header(tmp_path):
    path = tmp_path / "ledger.xlsx"
    assert cli.main(["template", "--year", "114", "--with-ledger", "-o", str(path)]) == 0
    wb = openpyxl.load_workbook(path)
    wb[LEDGER_NAME].title = "經費支出"
    wb.save(path)
    assert read_budget(path).form_sheets[LEDGER_NAME] == ("經費支出",)


def _retitle_y2(path: Path, name: str, title: str) -> None:
    wb = openpyxl.load_workbook(path)
    ws = wb["y-2"]
    ws.title, ws["A1"].value = name, title
    wb.save(path)


def test_reader_and_validators_find_the_same_summary_sheet(tmp_path):
    # Retitled without 表y-2: the reader knew it by 經費編列總表, the validators (startswith 表y-2) did
    # not; now one recogniser serves both.
    path = variant_workbook("fingerprint-requests", tmp_path)
    _retitle_y2(path, "總表", "00高中優質化年度經費編列總表【114學年度】")
    grids = load_grids(path)
    budget = read_grids(grids)
    located = summaries.locate(grids, ())
    assert budget.form_sheets["y-2"] == ("總表",)
    assert located.y2_sheet == "總表" and located.sheets["y-2"].name == "總表"
    assert located.y2_cell("A", "經資門合計數") == ("總表", "I5")


def test_a_sheet_without_a_summary_title_is_no_summary(tmp_path):
    path = variant_workbook("fingerprint-requests", tmp_path)
    _retitle_y2(path, "總表", "00高中優質化年度經費")
    grids = load_grids(path)
    assert "y-2" not in read_grids(grids).form_sheets
    assert summaries.locate(grids, ()).y2_sheet is None
    assert "y-2" not in registry.summary_sheet_names(grids)


def test_y2_is_parsed_once_for_the_reader_and_the_validators(tmp_path):
    grids = load_grids(variant_workbook("fingerprint-requests", tmp_path))
    grid = grids.sheet("y-2")
    form = y2.parse(grid)
    # header on row 4: 申請金額 in J, 核定金額 in K, the two 合計數 in F and I
    assert (form.header_row, form.columns["申請金額"], form.columns["核定金額"]) == (4, 10, 11)
    assert (form.columns["來源合計數"], form.columns["經資門合計數"]) == (6, 9)
    assert [value for _, value in form.rows] == ["A", "B", "C", "D", "小計"]
    applied, approved, where = y2.requests(form, grid, Reading())
    # 100 千元 = 100,000 元; 0.211 千元 = 211 元; 90 千元 = 90,000 元
    assert applied == {"A": 100_000, "D": 211} and approved == {"A": 90_000}
    assert where == {"A": "J5", "D": "J8"}
    budget = read_grids(grids)
    assert (budget.applied, budget.approved) == (applied, approved)
    located = summaries.locate(grids, ())
    assert [row.row for row in located.y2_rows.values()] == [r for r, _ in form.rows]


def test_one_check_parses_the_y2_once(tmp_path, monkeypatch):
    from validators.engine import check

    calls = []
    original = y2._parse
    monkeypatch.setattr(y2, "_parse", lambda grid: calls.append(grid.name) or original(grid))
    grids = load_grids(variant_workbook("fingerprint-requests", tmp_path))
    findings = check(read_grids(grids), grids=grids)
    assert calls == ["y-2"]
    assert any(f.sheet == "y-2" for f in findings)  # the rules did locate y-2 cells


def test_a_sheet_named_y2_wins_over_a_title(tmp_path):
    path = variant_workbook("fingerprint-requests", tmp_path)
    wb = openpyxl.load_workbook(path)
    copy = wb.copy_worksheet(wb["y-2"])
    copy.title = "舊總表"
    wb.move_sheet(copy, offset=-wb.index(copy))  # first in the workbook
    wb.save(path)
    grids = load_grids(path)
    assert read_grids(grids).form_sheets["y-2"] == ("舊總表", "y-2")
    assert registry.summary_sheet_names(grids)["y-2"] == "y-2"
    assert summaries.locate(grids, ()).y2_sheet == "y-2"


def test_adding_a_form_is_one_module_and_one_registry_line(tmp_path, monkeypatch):
    calls = []
    settlement = SimpleNamespace(  # stands for a module youzhi/forms/settlement.py
        KEY="收支結算表",
        recognise=lambda grid: "收支結算表" in str(grid.rows[:2]),
        read=lambda ctx: calls.append([g.name for g, _ in ctx.sheets("收支結算表")]),
    )
    path = variant_workbook("official", tmp_path)
    wb = openpyxl.load_workbook(path)
    wb.create_sheet("結算")["A1"] = "00高中 收支結算表"
    wb.save(path)
    assert "收支結算表" not in read_budget(path).form_sheets
    forms = (*registry.FORMS, registry.Form(settlement, "problems"))
    monkeypatch.setattr(registry, "FORMS", forms)
    monkeypatch.setattr(registry, "_RECOGNITION_ORDER", tuple(sorted(forms, key=lambda f: f.rank)))
    assert read_budget(path).form_sheets["收支結算表"] == ("結算",)
    assert calls == [["結算"]]


@pytest.mark.parametrize("name", ["y-2", "表y-2", "Y-2", "表Ｙ－２"])
def test_summary_names(name):
    grid = type("G", (), {"name": name, "rows": []})()
    assert registry.summary_kind(grid) == "y-2"


def test_a_workbook_is_classified_once_and_again_when_a_sheet_changes():
    grids = load_grids(EXAMPLE)
    first = registry.classify(grids)
    assert registry.classify(grids) == first  # kept: the answer is the same, not worked out again
    assert registry.classify(grids) is not first  # a copy: a caller may change its lists
    y2_grid = registry.summary_sheets(grids)["y-2"]
    assert y2_grid.name == "y-2"
    # a sheet replaced (as repair's plan does with dataclasses.replace) is recognised afresh
    grids.sheets[grids.sheets.index(y2_grid)] = dataclasses.replace(y2_grid, name="備註", rows=[[None] * 5])
    assert "y-2" not in registry.classify(grids) and "y-2" not in registry.summary_sheets(grids)
    # and new rows given to the same sheet object too
    y3_grid = registry.summary_sheets(grids)["y-3"]
    y3_grid.name, y3_grid.rows = "備註2", [[None] * 5]
    assert "y-3" not in registry.classify(grids)
