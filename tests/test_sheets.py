"""Sheet grids: both engines give the same values at the same 1-based addresses."""

from __future__ import annotations

import openpyxl
import pytest
from officialish import official_workbook

from youzhi.errors import UnreadableWorkbook
from youzhi.sheets import SheetGrid, load_grids


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    path = tmp_path_factory.mktemp("grids") / "g.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "偏移"
    ws["C5"] = "數量"
    ws["D7"] = 12.5
    ws["E7"] = "１０"
    hidden = wb.create_sheet("藏")
    hidden["A1"] = 1
    hidden.sheet_state = "hidden"
    wb.create_sheet("空白")
    wb.defined_names["youzhi_year"] = openpyxl.workbook.defined_name.DefinedName(
        "youzhi_year", attr_text="114"
    )
    wb.save(path)
    return path


@pytest.mark.parametrize("engine", ["calamine", "openpyxl"])
def test_values_sit_at_their_addresses(book, engine):
    grids = load_grids(book, engine)
    assert [(s.name, s.hidden) for s in grids.sheets] == [("偏移", False), ("藏", True), ("空白", False)]
    sheet = grids.sheet("偏移")
    assert sheet.value(5, 3) == "數量"
    assert sheet.value(7, 4) == 12.5 and sheet.value(7, 5) == "１０"
    assert sheet.value(1, 1) in (None, "") and sheet.value(99, 99) is None and sheet.value(0, 1) is None
    assert grids.sheet("空白").max_row <= 1
    assert grids.names["youzhi_year"] == "114"


def test_engines_agree_on_an_official_workbook(tmp_path):
    path = official_workbook(tmp_path / "o.xlsx", column_offset=2, hidden=("B(1-7月)",))
    fast, slow = load_grids(path, "calamine"), load_grids(path, "openpyxl")
    assert [(s.name, s.hidden) for s in fast.sheets] == [(s.name, s.hidden) for s in slow.sheets]
    for a, b in zip(fast.sheets, slow.sheets, strict=True):
        for r in range(1, max(a.max_row, b.max_row) + 1):
            for c in range(1, max(a.max_col, b.max_col) + 1):
                x, y = a.value(r, c), b.value(r, c)
                if y is None:
                    assert x in (None, "")
                else:
                    assert x == y, (a.name, r, c)  # error values too: the scan puts them back for calamine
    assert fast.errors == slow.errors
    assert [name for name in fast.errors] == ["y-2", "y-3", "y-4"]
    assert ("B6", "#REF!") in fast.errors["y-2"] and fast.sheet("y-2").value(6, 2) == "#REF!"


def test_text_helper():
    grid = SheetGrid("s", False, [[" 小計 ", 5.0, 2.5, None]])
    assert (grid.text(1, 1), grid.text(1, 2), grid.text(1, 3), grid.text(1, 4)) == ("小計", "5", "2.5", "")


@pytest.mark.parametrize("engine", ["calamine", "openpyxl"])
def test_unreadable_files_give_one_zh_line(tmp_path, engine):
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(UnreadableWorkbook) as info:
        load_grids(bad, engine)
    assert "\n" not in str(info.value)
    with pytest.raises(UnreadableWorkbook, match="不存在"):
        load_grids(tmp_path / "none.xlsx", engine)
