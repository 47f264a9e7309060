"""The independent engine really recalculates: a stale cached value is replaced."""

from __future__ import annotations

import lo
import pytest
import xlsxwriter


@pytest.mark.libreoffice
def test_libreoffice_recalculates_stale_cached_values(tmp_path):
    src = tmp_path / "stale.xlsx"
    wb = xlsxwriter.Workbook(src)
    ws = wb.add_worksheet("y-1 A")
    ws.write_number("A1", 5)
    ws.write_number("B1", 2.5)
    ws.write_formula("C1", "=A1*B1", None, 999)  # deliberately wrong cached value
    ws.write_formula("D1", "=1/0", None, 0)
    wb.close()
    out = lo.recalc([src], tmp_path / "out")[src]
    cells = lo.values(out)["y-1 A"]
    assert cells["C1"] == 12.5
    assert ("y-1 A", "D1", "#DIV/0!") in lo.error_cells(out)
