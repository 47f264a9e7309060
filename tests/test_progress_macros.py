"""The ribbon's 執行進度 and 結算表 macros, unchanged, over xlwings' remote engine (a real file's
payload): the same figures as `youzhi progress` / `youzhi settle`."""

from __future__ import annotations

import openpyxl
import pytest
from builders import filled_template
from execution_builders import ONCE, PARTLY, PARTLY_ROWS, SIX_M, SIX_M_70, workbook
from remote_payload import actions, enable_remote_engine, remote_book

import macros
from youzhi.ledger import LEDGER_NAME
from youzhi.progress import PROGRESS_NAME
from youzhi.settle import SETTLE_NAME


@pytest.fixture(autouse=True)
def _remote():
    enable_remote_engine()


def test_progress_message_has_the_tranche_verdict(tmp_path):
    path = workbook(tmp_path / "six.xlsx", SIX_M, SIX_M_70, paid=3_600_000, text_dates=True)
    remote_book(path)
    message = macros.progress()
    assert "A：經常門 1,520,000/3,000,000 元（50.67%），資本門 1,000,000/3,000,000 元（33.33%）" in message
    assert "已撥經費執行率 70.00%（須達 70%）：可請撥第 2 期款 2,400,000 元" in message


def test_progress_adds_the_sheets_to_a_workbook_without_a_ledger(tmp_path):
    book = remote_book(filled_template(tmp_path / "plain.xlsx", blocks=ONCE))
    message = macros.progress()
    assert f"已新增「{LEDGER_NAME}」、「{PROGRESS_NAME}」工作表" in message
    assert [a["args"][1] for a in actions(book, "addSheet")] == [LEDGER_NAME, PROGRESS_NAME]


def test_settle_writes_the_statement_next_to_the_book(tmp_path, monkeypatch):
    monkeypatch.setenv("YOUZHI_TEMPLATE_DIR", str(tmp_path))
    path = workbook(tmp_path / "partly.xlsx", PARTLY, PARTLY_ROWS, paid=1_800_000, text_dates=True)
    remote_book(path)
    message = macros.settle(macros.from_hex(""), macros.from_hex(""))
    assert "依公式應繳回教育部結餘款 66,680 元" in message  # as tests/test_settle.py computes by hand
    written = tmp_path / "114學年度收支結算表.xlsx"
    ws = openpyxl.load_workbook(written, data_only=True)[SETTLE_NAME]
    assert ws["H9"].value == 66_680
    assert macros.settle("abc", "") == "撥付金額請輸入整數元，收到「abc」"
