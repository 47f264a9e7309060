"""支用明細: the sheet as written (inputs unlocked, drop-downs, A4 landscape), its reader (money exact,
dates in 西元 or 民國), the flags over it, and `repair --with-ledger` keeping its inputs cell by cell."""

from __future__ import annotations

from datetime import date

import openpyxl
import pytest
from builders import filled_template
from execution_builders import ONCE, ONCE_ROWS, PARTLY, PARTLY_ROWS, F, line, workbook

from youzhi import cli
from youzhi.ledger import FIRST_ROW, HEADERS, LEDGER_NAME, parse_date, read_ledger
from youzhi.progress import PROGRESS_NAME, compute
from youzhi.reader import read_budget, read_grids
from youzhi.sheets import load_grids


def test_sheet_layout_inputs_and_dropdowns(tmp_path):
    path = workbook(tmp_path / "t.xlsx", ONCE, [])
    ws = openpyxl.load_workbook(path)[LEDGER_NAME]
    assert [ws.cell(3, c).value for c in range(1, 10)] == list(HEADERS)
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9
    assert ws.protection.sheet is True
    assert all(ws.cell(FIRST_ROW, c).protection.locked is False for c in range(1, 10))
    assert ws.cell(3, 1).protection.locked is True
    sources = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in ws.data_validations.dataValidation}
    assert sources["C4"] == "yz_categories"
    items = [ws.cell(r, 12).value for r in range(1, 40) if ws.cell(r, 12).value]
    assert "講座鐘點費" in items and "教學設備" in items  # 業務費 … 設備及投資 items
    assert [ws.cell(r, 13).value for r in (1, 2, 3)] == ["A", "B", "C"]


def test_template_without_the_option_has_no_ledger(tmp_path):
    out = tmp_path / "plain.xlsx"
    assert cli.main(["template", "--year", "114", "-o", str(out)]) == 0
    assert LEDGER_NAME not in openpyxl.load_workbook(out).sheetnames
    out2 = tmp_path / "ledger.xlsx"
    assert cli.main(["template", "--year", "114", "--with-ledger", "-o", str(out2)]) == 0
    names = openpyxl.load_workbook(out2).sheetnames
    assert names.index(LEDGER_NAME) == names.index("y-4") + 1 and PROGRESS_NAME in names


def test_reader_money_exact_and_problems(tmp_path):
    path = workbook(tmp_path / "t.xlsx", ONCE, ONCE_ROWS)
    wb = openpyxl.load_workbook(path)
    ws = wb[LEDGER_NAME]
    ws.cell(FIRST_ROW + 2, 1).value = "114/9/1"  # 民國 date as text
    ws.cell(FIRST_ROW + 2, 2).value = "a"
    ws.cell(FIRST_ROW + 2, 6).value = "1,000"
    ws.cell(FIRST_ROW + 3, 1).value = "2025/9/2"
    ws.cell(FIRST_ROW + 3, 2).value = "A"
    ws.cell(FIRST_ROW + 3, 6).value = 10.5  # not a whole 元
    ws.cell(FIRST_ROW + 4, 2).value = "A"
    ws.cell(FIRST_ROW + 4, 6).value = "十元"
    ws.cell(FIRST_ROW + 5, 2).value = "A"  # no date
    ws.cell(FIRST_ROW + 5, 6).value = 5
    wb.save(path)
    ledger = read_ledger(load_grids(str(path)))
    amounts = [(r.when, r.code, r.amount) for r in ledger.rows]
    assert amounts[:3] == [
        (date(2025, 10, 15), "A", 200_000),
        (date(2026, 3, 10), "A", 300_000),
        (date(2025, 9, 1), "A", 1_000),
    ]
    assert amounts[3][2] == 11  # 10.5 → 11 (half up), reported
    assert amounts[4] == (None, "A", 5) and len(amounts) == 5  # 十元 left out
    messages = [p.message for p in ledger.problems]
    assert any("不是整數元" in m for m in messages)
    assert any("「十元」不是數字" in m for m in messages)
    assert any("無法辨識" in m for m in messages)  # the row without a date


def test_parse_date_forms():
    assert parse_date("115/3/5") == date(2026, 3, 5)
    assert parse_date("2026-03-05") == date(2026, 3, 5)
    assert parse_date("115年3月5日") == date(2026, 3, 5)
    assert parse_date(46086) == date(2026, 3, 5)  # Excel serial
    assert parse_date("2026/2/30") is None and parse_date("明天") is None


def test_ledger_sheet_is_not_read_as_a_y1_block(tmp_path):
    path = workbook(tmp_path / "t.xlsx", ONCE, ONCE_ROWS)
    budget = read_budget(str(path))
    assert {b.sheet for b in budget.sheets}.isdisjoint({LEDGER_NAME, PROGRESS_NAME})
    # openpyxl (the typing) drops cached values: only the "uncached formula" info may name these sheets
    ours = [p for p in budget.problems if p.sheet in (LEDGER_NAME, PROGRESS_NAME)]
    assert all(p.severity == "info" and "未計算公式" in p.message for p in ours)


def _flags(path, kind):
    grids = load_grids(str(path))
    p = compute(read_grids(grids), read_ledger(grids), as_of=date(2025, 12, 1))
    return [f for f in p.flags if f.kind == kind]


def test_flags_over_line_and_capital_as_recurrent_fire(tmp_path):
    rows = [
        ("2025-10-01", "A", "業務費", "講座鐘點費", "經常門", 200_001, "V1", "已支付"),  # budget 200,000
        ("2025-10-02", "A", "設備及投資", "教學設備", "", 10_000, "V2", "已支付"),  # blank → 經常門
        ("2025-10-03", "B", "業務費", "印刷費", "資本門", 1_000, "V3", "已支付"),
    ]
    path = workbook(tmp_path / "t.xlsx", ONCE, rows)
    over = _flags(path, "over-line")
    assert [f.message for f in over] == [
        "子計畫 A「講座鐘點費」支用 200,001 元，超過編列 200,000 元",
        "子計畫 B「印刷費」支用 1,000 元，超過編列 0 元",  # not budgeted at all
    ]
    capital = _flags(path, "capital-as-recurrent")
    assert any("設備及投資（資本門）支出 10,000 元記為經常門" in f.message for f in capital)
    # 經常門 200,001 + 10,000 = 210,001 > 200,000
    assert any("資本門不得流用至經常門" in f.message for f in capital)
    assert "業務費（經常門）支出 1,000 元記為資本門" in [f.message for f in _flags(path, "ledger")]


def test_flags_quiet_when_spending_follows_the_budget(tmp_path):
    path = workbook(tmp_path / "t.xlsx", PARTLY, PARTLY_ROWS)
    assert _flags(path, "over-line") == [] and _flags(path, "capital-as-recurrent") == []
    assert _flags(path, "ledger") == []


def test_progress_without_a_ledger_is_a_clear_message(tmp_path, capsys):
    path = filled_template(
        tmp_path / "plain.xlsx", blocks={("A", F): [line("業務費", "講座鐘點費", "節", 1, 2)]}
    )
    assert cli.main(["progress", str(path)]) == 2
    assert "repair --with-ledger" in capsys.readouterr().err
    assert cli.main(["progress", str(path), "--as-of", "2026/1/1"]) == 2
    assert "YYYY-MM-DD" in capsys.readouterr().err


@pytest.fixture
def repaired(tmp_path):
    """A filled workbook without the ledger → repair --with-ledger → rows typed → repair again."""
    plain = filled_template(tmp_path / "plain.xlsx", blocks=ONCE)
    first = tmp_path / "first.xlsx"
    assert cli.main(["repair", str(plain), "-o", str(first), "--with-ledger"]) == 0
    wb = openpyxl.load_workbook(first)
    ws = wb[LEDGER_NAME]
    for i, values in enumerate(ONCE_ROWS):
        for col, value in enumerate(values, start=1):
            ws.cell(FIRST_ROW + i, col).value = value
    ws.cell(FIRST_ROW, 9).value = "第一場"
    wb.save(first)
    second = tmp_path / "second.xlsx"
    assert cli.main(["repair", str(first), "-o", str(second), "--with-ledger"]) == 0
    return plain, first, second


def _inputs(path):
    ws = openpyxl.load_workbook(path)[LEDGER_NAME]
    return {c.coordinate: c.value for row in ws.iter_rows() for c in row if c.value is not None}


def test_repair_adds_the_sheets_and_keeps_ledger_inputs_cell_by_cell(repaired):
    plain, first, second = repaired
    assert LEDGER_NAME not in openpyxl.load_workbook(plain).sheetnames
    names = openpyxl.load_workbook(second).sheetnames
    assert names.count(LEDGER_NAME) == 1 and names.count(PROGRESS_NAME) == 1
    before, after = _inputs(first), _inputs(second)
    assert before == after
    assert before["I4"] == "第一場" and before["F5"] == 300_000
    # and without --with-ledger too
    again = second.with_name("third.xlsx")
    assert cli.main(["repair", str(second), "-o", str(again)]) == 0
    assert _inputs(again) == before
