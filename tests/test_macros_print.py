"""The add-in's 檢核結果 sheet shows amounts with thousands separators (the page setup itself needs
Excel's desktop engine; youzhi.annotate's sheet, checked in tests/test_xlsx_fixups.py, has the same)."""

from __future__ import annotations

from pathlib import Path

import openpyxl
from remote_payload import actions, apply_actions, remote_book

import macros
from youzhi.addin_ribbon import RESULT_SHEET

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "示範高中_114.xlsx"


def test_result_sheet_amounts_have_thousands_separators(tmp_path):
    book = remote_book(EXAMPLE)
    macros.check()
    formats = actions(book, "setNumberFormat")
    assert {(a["start_column"], a["args"][0]) for a in formats} == {(5, "#,##0"), (6, "#,##0")}  # F, G
    dest = apply_actions(EXAMPLE, book.json()["actions"], tmp_path / "checked.xlsx")
    ws = openpyxl.load_workbook(dest)[RESULT_SHEET]
    cells = [c for row in ws.iter_rows(min_row=2, min_col=6, max_col=7) for c in row]
    amounts = [c for c in cells if c.value not in (None, "")]
    assert amounts and all(c.number_format == "#,##0" for c in amounts)
    assert ws["E2"].number_format == "General"  # the message column is left alone
