"""The add-in's 彙總/修復 rewrites the 參數 lookup tables, as `youzhi repair` does (xlwings remote engine)."""

from __future__ import annotations

import pytest
from builders import filled_template, y2_figures, y4_figures
from remote_payload import actions, apply_actions, remote_book

import macros
from youzhi import forms, items, rollup
from youzhi.calendar import Semester
from youzhi.reader import read_budget

LINES = [
    dict(category=forms.OPERATING, item="講座 鐘點費", unit="節", quantity=3, unit_price=2,
         purpose="外聘講師", source="自 籌"),  # 6,000: 講座鐘點費, 自籌款 — forms the shipped table lacks
    dict(category=forms.OPERATING, item="鐘點費", unit="節", quantity=2, unit_price=0.4,
         purpose="彈性學習課程授課", source=""),  # 800: 其他 (needs 說明用途), 教育部
]  # fmt: skip


def test_repair_writes_this_workbooks_forms_into_its_lookup_tables(tmp_path):
    path = filled_template(tmp_path / "t.xlsx", blocks={("A", Semester.FIRST): LINES})
    book = remote_book(path)
    macros.repair()
    param = book.sheets["參數"].index - 1
    written = [
        (a["start_column"], a["values"][0])
        for a in actions(book, "setFormula")
        if a["sheet_position"] == param
    ]
    assert (19, ["講座 鐘點費", "講座鐘點費"]) in written  # T:U (0-based 19)
    assert (22, ["自 籌", forms.SELF_FUNDED]) in written  # W:X
    assert (19, ["鐘點費", items.OTHER_ITEMS]) not in written
    assert actions(book, "namesAdd") == []  # the template's names already cover the tables


@pytest.mark.libreoffice
def test_repaired_by_the_addin_libreoffice_agrees_with_the_rollup(tmp_path):
    import lo

    path = filled_template(tmp_path / "t.xlsx", blocks={("A", Semester.FIRST): LINES})
    book = remote_book(path)
    macros.repair()
    repaired = apply_actions(path, actions(book), tmp_path / "repaired.xlsx")
    out = lo.recalc([repaired], tmp_path / "lo")[repaired]
    assert lo.error_cells(out) == []
    budget = read_budget(path)
    values = lo.values(out)
    y4 = y4_figures(values["y-4"], budget)
    assert y4[(114, "講座鐘點費")][0] == 6000 and y4[(114, items.OTHER_ITEMS)][0] == 800
    for row in rollup.y4(budget):
        assert y4[(row.fiscal_year, row.item)][0] == row.amount, row.item
    a = y2_figures(values["y-2"])["A"]
    assert (a[forms.SELF_FUNDED], a[forms.MINISTRY]) == (6000, 800)
