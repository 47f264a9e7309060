"""The before-save pre-filter (``LooksLikeBudget`` in YouzhiEvents.cls) finds budget workbooks whose
sheets were renamed, by the title cells of their first sheets; other workbooks do not start Python.

Excel cannot run here, so the VBA's rule is read from the source (sheet count, range, titles) and
applied to real workbooks with openpyxl, exactly as the VBA loop does."""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
from officialish import official_workbook
from openpyxl.utils import range_boundaries

from youzhi.calendar import Semester

EVENTS = Path(__file__).resolve().parents[1] / "addin" / "vba" / "YouzhiEvents.cls"
SOURCE = EVENTS.read_text(encoding="utf-8")


def _rule():
    sheets = int(re.search(r"PROBE_SHEETS As Long = (\d+)", SOURCE).group(1))
    cells = re.search(r'PROBE_RANGE As String = "([A-Z]+\d+:[A-Z]+\d+)"', SOURCE).group(1)
    body = SOURCE[SOURCE.index("Private Function HasTitle") :]
    titles = re.findall(r'InStr\(text, "([^"]+)"\) > 0', body)
    return sheets, cells, titles


def looks_like_budget(path: Path) -> bool:
    """LooksLikeBudget, line by line."""
    sheets, cells, titles = _rule()
    min_col, min_row, max_col, max_row = range_boundaries(cells)
    wb = openpyxl.load_workbook(path, read_only=True)
    for n, ws in enumerate(wb.worksheets, 1):
        if ws.title == "_youzhi" or re.fullmatch(r"y-[1234].*", ws.title.lower()):
            return True
        if n <= sheets:
            for row in ws.iter_rows(min_row, max_row, min_col, max_col, values_only=True):
                if any(isinstance(v, str) and any(t in v for t in titles) for v in row):
                    return True
    return False


def test_probe_titles_are_the_forms_titles():
    assert _rule()[2] == ["經費概算表", "經費編列總表", "子計畫代碼"]


def test_renamed_budget_sheets_are_still_recognised(tmp_path):
    src = official_workbook(tmp_path / "b.xlsx", blocks={("A", Semester.FIRST): []})
    wb = openpyxl.load_workbook(src)
    for i, ws in enumerate(wb.worksheets):
        ws.title = ("表y-2", "總表", "A上", "A下", "其他")[i % 5] + ("" if i < 5 else str(i))
    wb.save(tmp_path / "renamed.xlsx")
    assert not any(n.lower().startswith("y-") for n in wb.sheetnames)
    assert looks_like_budget(tmp_path / "renamed.xlsx")


def test_other_workbooks_do_not_start_python(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.title = "請購單"
    wb.active["A1"] = "112 年度採購概算"  # close, but no form title
    wb.active["B2"] = 1000
    wb.save(tmp_path / "other.xlsx")
    assert not looks_like_budget(tmp_path / "other.xlsx")
