"""執行進度報告表 and payment tranches: CLI, JSON and LibreOffice's recalculation agree to the 元."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import lo
import openpyxl
import pytest
from execution_builders import (
    ONCE,
    ONCE_ROWS,
    PARTLY,
    PARTLY_ROWS,
    SIX_M,
    SIX_M_70,
    SIX_M_6999,
    workbook,
)
from officialish import official_workbook

from youzhi import cli
from youzhi.ledger import FIRST_ROW, LEDGER_NAME, read_ledger
from youzhi.progress import PROGRESS_NAME, compute
from youzhi.reader import read_grids
from youzhi.repair import repair_workbook
from youzhi.sheets import load_grids

needs_lo = pytest.mark.skipif(lo.soffice() is None, reason="LibreOffice not installed")


def _official_repaired(root) -> Path:
    """An official-style workbook (broken summaries), `repair --with-ledger`, then ledger rows typed."""
    source = official_workbook(root / "official-src.xlsx", academic_year=114, blocks=PARTLY)
    out = root / "official.xlsx"
    repair_workbook(source, out, with_ledger=True)
    wb = openpyxl.load_workbook(out)
    ws = wb[LEDGER_NAME]
    for i, (when, *rest) in enumerate(PARTLY_ROWS):
        for col, value in enumerate((datetime.fromisoformat(when), *rest), start=1):
            ws.cell(FIRST_ROW + i, col).value = value
    wb[PROGRESS_NAME]["B4"].value = 1_800_000
    wb.save(out)
    return out


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    root = tmp_path_factory.mktemp("progress")
    return {
        "official": _official_repaired(root),
        "empty": workbook(root / "empty.xlsx", ONCE, []),
        "once": workbook(root / "once.xlsx", ONCE, ONCE_ROWS, paid=500_000),
        "six70": workbook(root / "six70.xlsx", SIX_M, SIX_M_70, paid=3_600_000),
        "six6999": workbook(root / "six6999.xlsx", SIX_M, SIX_M_6999, paid=3_600_000),
        "partly": workbook(root / "partly.xlsx", PARTLY, PARTLY_ROWS, paid=1_800_000),
        "approved": workbook(root / "approved.xlsx", PARTLY, PARTLY_ROWS, approved={"A": 2900}),
    }


@pytest.fixture(scope="module")
def recalculated(books, tmp_path_factory):
    """All workbooks through ONE LibreOffice call: {name: {sheet: {A1: value}}}."""
    out = lo.recalc(list(books.values()), tmp_path_factory.mktemp("lo"))
    return {name: (lo.values(out[path]), lo.error_cells(out[path])) for name, path in books.items()}


def run_json(capsys, *argv) -> dict:
    assert cli.main(["progress", *argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_once_fully_spent(books, capsys):
    data = run_json(capsys, str(books["once"]), "--as-of", "2026-08-01")
    a = data["子計畫"][0]
    assert a["經常門"] == {"核撥預算": 200_000, "執行": 200_000, "執行率": "100.00%"}
    assert a["資本門"] == {"核撥預算": 300_000, "執行": 300_000, "執行率": "100.00%"}
    assert data["撥款"]["分期"] == [500_000]  # ≤ 4,000,000: once
    assert data["撥款"]["次期"] is None
    assert not [f for f in data["提醒"] if f["類別"] == "deadline"]  # both semesters fully spent


def test_six_million_at_exactly_seventy_percent(books, capsys):
    data = run_json(capsys, str(books["six70"]), "--as-of", "2025-12-01")
    pay = data["撥款"]
    assert pay["分期"] == [3_600_000, 2_400_000]
    assert (pay["已撥經費"], pay["已撥經費執行率"], pay["次期"], pay["可請撥"]) == (
        3_600_000,
        "70.00%",
        2,
        True,
    )
    assert data["合計"]["執行"] == 2_520_000  # 請購 counts in 執行(含請購)


def test_six_million_at_6999_not_yet(books, capsys):
    data = run_json(capsys, str(books["six6999"]), "--as-of", "2025-12-01")
    assert data["撥款"]["可請撥"] is False
    assert data["撥款"]["已撥經費執行率"] == "69.99%"


def test_paid_option_overrides_the_sheet(books, capsys):
    # 2,520,000 / 3,700,000 = 68.11 % < 70 %: the same spending no longer allows the 2nd tranche
    pay = run_json(capsys, str(books["six70"]), "--paid", "3700000")["撥款"]
    assert (pay["已撥經費"], pay["已撥經費執行率"], pay["可請撥"]) == (3_700_000, "68.11%", False)


def test_text_report(books, capsys):
    assert cli.main(["progress", str(books["six70"]), "--as-of", "2025-12-01"]) == 0
    out = capsys.readouterr().out
    assert "可請撥第 2 期款 2,400,000 元" in out
    assert "3,000,000" in out


@needs_lo
def test_sheet_formulas_agree_with_cli(books, recalculated, capsys):
    for name in books:
        values, errors = recalculated[name]
        assert errors == [], name
        sheet = values[PROGRESS_NAME]
        data = run_json(capsys, str(books[name]), "--as-of", "2025-12-01")
        a = data["子計畫"][0]
        assert round(sheet["D10"]) == a["經常門"]["核撥預算"], name
        assert sheet["E10"] == a["經常門"]["執行"], name
        assert sheet["G10"] == a["資本門"]["核撥預算"], name
        assert sheet["H10"] == a["資本門"]["執行"], name
    six70 = recalculated["six70"][0][PROGRESS_NAME]
    six6999 = recalculated["six6999"][0][PROGRESS_NAME]
    assert six70["E4"] == "已撥經費執行率達70%，可請撥次一期款"
    assert six6999["E4"] == "已撥經費執行率未達70%，尚不可請撥次一期款"
    # partly: 經常門 2,000,000 + 500,000 = 2,500,000 budget; spent 1,800,000 + 400,000 = 2,200,000 → 88 %
    # (the official-style workbook repaired with --with-ledger holds the same lines and rows)
    assert recalculated["official"][0][PROGRESS_NAME]["D10"] == 2_500_000
    assert recalculated["official"][0][PROGRESS_NAME]["E4"] == "補助款一次撥付，無次期款"
    assert recalculated["empty"][0][PROGRESS_NAME]["E10"] == 0
    partly = recalculated["partly"][0][PROGRESS_NAME]
    assert (partly["D10"], partly["E10"]) == (2_500_000, 2_200_000)
    assert partly["F10"] == pytest.approx(0.88)
    # 資本門 450,000 (請購 50,000 included) of 500,000 → 90 %
    assert (partly["G10"], partly["H10"], partly["I10"]) == (500_000, 450_000, pytest.approx(0.9))


def test_approved_amount_from_y2_is_split_like_the_budget(books, recalculated, capsys):
    # y-2 核定金額 A = 2,900 千元; y-1 budget 經常門 2,500,000, 資本門 500,000 (合計 3,000,000):
    # 資本門 = 500,000 × 2,900,000 / 3,000,000 = 483,333.33 → 483,333;
    # 經常門 = 2,900,000 − 483,333 = 2,416,667
    data = run_json(capsys, str(books["approved"]), "--as-of", "2025-12-01")
    a = data["子計畫"][0]
    assert (a["核定金額"], a["經常門"]["核撥預算"], a["資本門"]["核撥預算"]) == (
        2_900_000,
        2_416_667,
        483_333,
    )
    assert any("核定金額" in note for note in data["附註"])
    if lo.soffice() is not None:
        sheet = recalculated["approved"][0][PROGRESS_NAME]
        assert (sheet["D10"], sheet["G10"]) == (2_416_667, 483_333)
    # without 核定金額 the budget itself (partly: 2,500,000 / 500,000)
    b = run_json(capsys, str(books["partly"]), "--as-of", "2025-12-01")["子計畫"][0]
    assert (b["核定金額"], b["經常門"]["核撥預算"], b["資本門"]["核撥預算"]) == (None, 2_500_000, 500_000)


def _figures(path, as_of):
    grids = load_grids(str(path))
    budget = read_grids(grids)
    return compute(budget, read_ledger(grids), as_of=as_of)


def test_deadline_flag_fires_after_the_semester(books):
    # partly: A 8-12月 budget 2,500,000; spent in 8-12月 1,800,000 + 400,000 = 2,200,000 → 300,000 left
    late = _figures(books["partly"], date(2026, 1, 5))
    deadline = [f for f in late.flags if f.kind == "deadline"]
    assert len(deadline) == 1
    assert "尚餘 300,000 元" in deadline[0].message
    assert "國教署補助高職優質化輔助方案要點 五(二)" in deadline[0].message


def test_deadline_flag_quiet_before_the_deadline(books):
    assert not [f for f in _figures(books["partly"], date(2025, 12, 31)).flags if f.kind == "deadline"]
