"""One repair plan, two writers (issue 12): ``youzhi repair`` (openpyxl) and the add-in's 彙總/修復
(xlwings' remote engine, its recorded actions applied as a client would) give the same workbook.

The remote engine cannot read formulas, fills or note text, so the add-in's side is compared as the
actions it recorded set it (``remote_payload.apply_actions``): every cell's value or formula, every
comment, every number format, the sheets (order, visibility) and the defined names. Which cells hold
formulas (read by Excel's desktop engine, ``xlwings_repair.formula_cells``) is handed to the remote
book from the file (``formulas_from_xlsx``); without it the plan judges by values alone (last test).
"""

from __future__ import annotations

import openpyxl
import pytest
from builders import filled_template
from officialish import variant_workbook
from remote_payload import actions, apply_actions, formulas_from_xlsx, remote_book

import macros
from youzhi import xlwings_repair
from youzhi.model import Semester
from youzhi.repair import repair_workbook

LECTURE = {"category": "業務費", "item": "講座鐘點費", "unit": "節", "purpose": "教師研習"}


def _template(directory):
    blocks = {
        ("A", Semester.FIRST): [
            LECTURE | {"quantity": 6, "unit_price": 2, "total": 15},  # typed 15 千元 over 6 × 2 = 12
            LECTURE | {"quantity": 2, "unit_price": 2},
        ],
        ("B", Semester.SECOND): [LECTURE | {"quantity": 1, "unit_price": 2, "source": "自籌款"}],
    }
    return filled_template(
        directory / "template.xlsx", school={"name": "示範高中", "county": "新竹縣"}, blocks=blocks
    )


INPUTS = {
    "typed-totals": lambda d: variant_workbook("typed-totals", d),
    "renamed-text-numbers": lambda d: variant_workbook("renamed-text-numbers", d),
    "template": _template,
}


def _both(src, tmp_path, monkeypatch):
    cli = tmp_path / "cli.xlsx"
    repair_workbook(src, cli)
    book = remote_book(src)
    monkeypatch.setattr(xlwings_repair, "formula_cells", lambda _book: formulas_from_xlsx(src))
    message = macros.repair()
    addin = apply_actions(src, actions(book), tmp_path / "addin.xlsx")
    return openpyxl.load_workbook(cli), openpyxl.load_workbook(addin), message


def _cells(ws) -> dict[str, tuple]:
    """A1 → (value or formula, comment text, number format), blank unformatted cells left out."""
    out = {}
    for row in ws.iter_rows():
        for cell in row:
            if type(cell).__name__ == "MergedCell":
                continue
            comment = cell.comment.text if cell.comment is not None else None
            value = None if cell.value == "" else cell.value
            if value is None and comment is None and cell.number_format == "General":
                continue
            out[cell.coordinate] = (value, comment, cell.number_format)
    return out


def _differences(cli, addin) -> list[str]:
    found = []
    if cli.sheetnames != addin.sheetnames:
        return [f"sheets: {cli.sheetnames} != {addin.sheetnames}"]
    for name in cli.sheetnames:
        a, b = cli[name], addin[name]
        if a.sheet_state != b.sheet_state:
            found.append(f"{name}: {a.sheet_state} != {b.sheet_state}")
        ca, cb = _cells(a), _cells(b)
        for ref in sorted(set(ca) | set(cb)):
            if ca.get(ref) != cb.get(ref):
                found.append(f"{name}!{ref}: {ca.get(ref)} != {cb.get(ref)}")
    names_a = {k: v.attr_text for k, v in cli.defined_names.items()}
    names_b = {k: v.attr_text for k, v in addin.defined_names.items()}
    if names_a != names_b:
        found.append(f"names: {sorted(set(names_a.items()) ^ set(names_b.items()))}")
    return found


@pytest.mark.parametrize("name", sorted(INPUTS))
def test_the_cli_and_the_addin_repair_to_the_same_workbook(name, tmp_path, monkeypatch):
    src = INPUTS[name](tmp_path)
    cli, addin, _ = _both(src, tmp_path, monkeypatch)
    assert _differences(cli, addin) == []


def test_a_typed_total_is_kept_in_a_comment_by_both_doors(tmp_path, monkeypatch):
    src = _template(tmp_path)
    cli, addin, message = _both(src, tmp_path, monkeypatch)
    sheet = next(name for name in cli.sheetnames if name.startswith("A"))
    notes = [
        (c.coordinate, c.comment.text)
        for row in addin[sheet].iter_rows()
        for c in row
        if c.comment is not None
    ]
    assert len(notes) == 1 and "youzhi 修復前此格填的是 15.000" in notes[0][1]
    coordinate = notes[0][0]
    assert cli[sheet][coordinate].comment.text == notes[0][1]
    assert str(addin[sheet][coordinate].value).startswith("=")  # the formula replaced the typed 15
    assert "原填的 1 個數值已保留在儲存格附註" in message


def test_the_comparison_sees_a_difference(tmp_path, monkeypatch):
    """The comparison is not blind: a comment and a value changed on one side are reported."""
    src = _template(tmp_path)
    cli, addin, _ = _both(src, tmp_path, monkeypatch)
    ws = addin[addin.sheetnames[0]]
    ws["Z99"] = 1
    assert _differences(cli, addin) == [f"{ws.title}!Z99: None != (1, None, 'General')"]
