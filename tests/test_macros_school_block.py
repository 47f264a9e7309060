"""彙總/修復 in the open workbook adds 基本資料, the hidden 參數 and their names to the official form.

The unchanged macro runs on xlwings' remote engine (``tests/remote_payload.py``); the recorded actions
(addSheet, setFormula, setSheetVisibility, namesAdd, setDataValidationList) are applied to the file
as a client would, and LibreOffice recalculates it. Hand figures (tests/test_repair_school_block.py,
variant branches-inserted-rows): 新北市立 → tier 2, senior-high 85 %; 教育部補助款 75,134 元 →
⌈75,134 × 15 / 85⌉ = 13,259 元; budgeted 配合款 32,300 元 → no shortfall.
"""

from __future__ import annotations

import lo
import openpyxl
import pytest
from officialish import variant_workbook
from openpyxl.workbook.defined_name import DefinedName
from remote_payload import actions, apply_actions, remote_book

import macros
from youzhi import computed_school
from youzhi.money import cell_to_yuan
from youzhi.repair import repair_workbook

VARIANT = "branches-inserted-rows"
ROW = computed_school.MATCH_ROW
HAND = {"財力級次": 2, "教育部補助款": 75_134, "應編配合款": 13_260, "已編配合款": 32_300}


def _match(cells: dict) -> dict:
    """The 基本資料 match figures as LibreOffice computed them (money as 元)."""
    return {
        "財力級次": cells.get(f"B{ROW['財力級次']}"),
        "教育部補助款": cell_to_yuan(cells.get(f"B{ROW['教育部補助款']}")),
        "應編配合款": cell_to_yuan(cells.get(f"B{ROW['應編配合款']}")),
        "已編配合款": cell_to_yuan(cells.get(f"B{ROW['已編配合款']}")),
    }


def _formula(recorded: list[dict], position: int, row: int, col: int = 2) -> str:
    """The formula the macro wrote into one cell of the sheet at ``position`` (0-based)."""
    for a in recorded:
        if a["func"] == "setFormula" and a["sheet_position"] == position and a["start_row"] == row - 1:
            first = a["start_column"]
            if first <= col - 1 < first + len(a["values"][0]):
                return a["values"][0][col - 1 - first]
    raise AssertionError(f"no formula at sheet {position} R{row}C{col}")


@pytest.mark.libreoffice
def test_repair_adds_the_school_block_and_libreoffice_computes_the_match(tmp_path):
    src = variant_workbook(VARIANT, tmp_path)
    before = openpyxl.load_workbook(src).sheetnames
    book = remote_book(src)
    message = macros.repair()
    assert "並新增「基本資料」與隱藏的「參數」工作表" in message
    assert "應編配合款 13.260 千元，已編 32.300 千元。" in message

    recorded = actions(book)
    added = [a["args"] for a in actions(book, "addSheet")]
    assert added == [[len(before), "基本資料"], [len(before) + 1, "參數"]]  # after the school's sheets
    hidden = actions(book, "setSheetVisibility")
    assert [(a["sheet_position"], a["args"]) for a in hidden] == [(len(before) + 1, ["Hidden"])]
    names = {a["args"][0]: a["args"][1] for a in actions(book, "namesAdd")}
    assert names["yz_tier_grid"].startswith("='參數'!$B$2:$C$")
    assert names["yz_rate_table"].startswith("='參數'!$D$2:$E$")
    assert all(a["sheet_position"] is None for a in actions(book, "namesAdd"))  # workbook scope
    lists = {a["args"][0]["name"] for a in actions(book, "setDataValidationList")}
    assert lists == {"yz_authorities", "yz_counties"}
    assert _formula(recorded, len(before), ROW["教育部補助款"]).startswith("='y-2'!$B$")

    applied = apply_actions(src, recorded, tmp_path / "applied.xlsx")
    wb = openpyxl.load_workbook(applied)
    assert wb.sheetnames[: len(before)] == before and wb["參數"].sheet_state == "hidden"
    school = wb["基本資料"]
    assert school.cell(computed_school.SCHOOL_ROW["所在縣市"], 2).value == "新北市"
    assert school.cell(computed_school.SCHOOL_ROW["主管機關"], 2).value == "直轄市立"

    file_repaired = repair_workbook(src, tmp_path / "file.xlsx") and tmp_path / "file.xlsx"
    out = lo.recalc([applied, file_repaired], tmp_path / "lo")
    assert lo.error_cells(out[applied]) == []
    cells = lo.values(out[applied])["基本資料"]
    assert _match(cells) == HAND
    assert cells[f"B{ROW['最高補助比率']}"] == pytest.approx(0.85)
    assert cell_to_yuan(cells.get(f"B{ROW['配合款差額']}", 0)) == 0
    # The add-in and `youzhi repair` give the same 基本資料.
    assert cells == lo.values(out[file_repaired])["基本資料"]


@pytest.mark.libreoffice
def test_renamed_y2_taken_title_and_existing_name_are_respected(tmp_path):
    """The school's y-2 is called 表y-2 總表, it already has a sheet 參數 and a name yz_counties:
    the formulas point at 表y-2 總表, the parameters go to 參數(youzhi), yz_counties is left alone."""
    src = variant_workbook(VARIANT, tmp_path)
    wb = openpyxl.load_workbook(src)
    wb["y-2"].title = "表y-2 總表"
    own = wb.create_sheet("參數")
    own["A1"], own["A2"] = "本校自用", "新北市"
    wb.defined_names["yz_counties"] = DefinedName("yz_counties", attr_text="'參數'!$A$2:$A$2")
    wb.save(src)
    sheets = wb.sheetnames

    book = remote_book(src)
    message = macros.repair()
    assert "並新增「基本資料」與隱藏的「參數(youzhi)」工作表" in message
    assert "表y-2 總表" in message
    added = [a["args"][1] for a in actions(book, "addSheet")]
    assert added == ["基本資料", "參數(youzhi)"]
    names = {a["args"][0]: a["args"][1] for a in actions(book, "namesAdd")}
    assert "yz_counties" not in names
    assert names["yz_tier_grid"].startswith("='參數(youzhi)'!$B$2:$C$")
    recorded = actions(book)
    subsidy = _formula(recorded, len(sheets), ROW["教育部補助款"])
    assert subsidy.startswith("='表y-2 總表'!$B$")

    applied = apply_actions(src, recorded, tmp_path / "applied.xlsx")
    result = openpyxl.load_workbook(applied)
    assert result.defined_names["yz_counties"].attr_text == "'參數'!$A$2:$A$2"  # the school's own
    assert result["參數"]["A1"].value == "本校自用" and result["參數"].sheet_state == "visible"
    out = lo.recalc([applied], tmp_path / "lo")[applied]
    assert lo.error_cells(out) == []
    assert _match(lo.values(out)["基本資料"]) == HAND


def test_clients_without_data_validation_still_get_the_school_block(tmp_path):
    """Only the Office.js client has data validation on the remote engine: with another client the
    drop-downs are skipped, everything else is recorded the same."""
    src = variant_workbook(VARIANT, tmp_path)
    book = remote_book(src, client="VBA")
    message = macros.repair()
    assert "應編配合款 13.260 千元" in message
    assert actions(book, "setDataValidationList") == []
    assert [a["args"][1] for a in actions(book, "addSheet")] == ["基本資料", "參數"]
    assert {"yz_tier_grid", "yz_rate_table"} <= {a["args"][0] for a in actions(book, "namesAdd")}
