"""Test workbooks: our template, filled line by line through openpyxl as a user would type.

``filled_template(path, *, programme, academic_year, subplans, school, blocks)`` writes the template with
``youzhi.template`` and types the lines into the y-1 sheets (openpyxl keeps our formulas but drops their
cached values, so only a recalculating engine can show the figures). ``filled_budget`` builds the
matching ``Budget`` directly from the same line dicts (no reader involved), for ``youzhi.rollup``.

``blocks`` maps ``(code, Semester)`` to line dicts: ``category``, ``item``, ``unit``, ``quantity``,
``unit_price`` (千元, as the sheet holds it), optional ``total`` (typed 總價, 千元), ``purpose``, ``source``.
Lines go into the next free row of their category's section.
"""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl

from youzhi import cell_spec, computed_school, forms, rollup, template
from youzhi.calendar import Semester
from youzhi.model import Budget, School
from youzhi.money import cell_to_yuan
from youzhi.y1form import DEFAULT_COUNTS, LineCounts

Blocks = dict[tuple[str, Semester], list[dict]]


def _school(school: dict | None) -> School:
    school = school or {}
    return School(school.get("name", ""), school.get("authority"), school.get("county"))


def filled_budget(
    *,
    programme: str = "senior-high",
    academic_year: int = 114,
    subplans: list[str] | None = None,
    school: dict | None = None,
    blocks: Blocks,
    counts: LineCounts = DEFAULT_COUNTS,
) -> Budget:
    """The Budget the filled template holds, built from the line dicts (amounts in 元), no reader."""
    codes = subplans or template.parse_subplans(programme, academic_year, None)
    budget, _ = template.build_budget(programme, academic_year, codes, _school(school), counts, blocks)
    return budget


def filled_template(
    path: str | Path,
    *,
    programme: str = "senior-high",
    academic_year: int = 114,
    subplans: list[str] | None = None,
    school: dict | None = None,
    blocks: Blocks,
    counts: LineCounts = DEFAULT_COUNTS,
) -> Path:
    """Generate our template, then type the school block and the lines with openpyxl."""
    path = Path(path)
    codes = subplans or template.parse_subplans(programme, academic_year, None)
    sch = _school(school)
    template.write_template(
        path, programme, academic_year, codes=codes, school=School(sch.name), counts=counts
    )
    budget = filled_budget(
        programme=programme,
        academic_year=academic_year,
        subplans=codes,
        school=school,
        blocks=blocks,
        counts=counts,
    )
    wb = openpyxl.load_workbook(path)
    info = wb[cell_spec.SCHOOL_NAME]
    info.cell(computed_school.SCHOOL_ROW["主管機關"], 2).value = sch.authority
    info.cell(computed_school.SCHOOL_ROW["所在縣市"], 2).value = sch.county
    raw = {(b.code, b.semester): b for b in budget.sheets}
    for key, lines in blocks.items():
        ws = wb[raw[key].sheet]
        for line, d in zip(raw[key].lines, lines, strict=True):
            row = line.row
            ws.cell(row, 1).value = d["category"] if ws.cell(row, 1).value is None else ws.cell(row, 1).value
            ws.cell(row, 2).value = d.get("item")
            ws.cell(row, 3).value = d.get("unit")
            ws.cell(row, 4).value = d.get("quantity")
            ws.cell(row, 5).value = d.get("unit_price")
            if d.get("total") is not None:
                ws.cell(row, 6).value = d["total"]  # typed over the formula, as users do
            ws.cell(row, 7).value = d.get("purpose")
            ws.cell(row, 8).value = d.get("source") or None
    wb.save(path)
    return path


# ------------------------------------------------------------------ reading figures back by label
# (from LibreOffice's recalculated output or from cached values: {A1: value} dicts of one sheet)


def yuan(value) -> int:
    result = cell_to_yuan(value)
    assert result is not None, f"blank where a figure was expected: {value!r}"
    return result


def _rows_by(cells: dict, column: str, pattern) -> dict[str, int]:
    out = {}
    for ref, value in cells.items():
        m = re.fullmatch(r"([A-Z]+)(\d+)", ref)
        if m and m.group(1) == column and isinstance(value, str) and re.fullmatch(pattern, value.strip()):
            out[value.strip()] = int(m.group(2))
    return out


def y2_figures(cells: dict) -> dict[str, dict[str, int]]:
    header = next(int(r[1:]) for r, v in cells.items() if r.startswith("B") and v == forms.source_labels()[0])
    columns = {cells[f"{c}{header}"]: c for c in "BCDEFGHIJK"}
    source_cols = {s: columns[label] for s, label in zip(forms.SOURCES, forms.source_labels(), strict=True)}
    result = {}
    row = header + 1
    while cells.get(f"A{row}") is not None:
        code = cells[f"A{row}"]
        result[code] = {
            **{s: yuan(cells.get(f"{c}{row}")) for s, c in source_cols.items()},
            "source_total": yuan(cells.get(f"F{row}")),
            "recurrent": yuan(cells.get(f"{columns['經常門']}{row}")),
            "capital": yuan(cells.get(f"{columns['資本門']}{row}")),
            "total": yuan(cells.get(f"I{row}")),
        }
        if code == "小計":
            break
        row += 1
    return result


Y3_COLUMNS = {forms.MINISTRY: "CD", forms.MATCH: "EF", forms.SELF_FUNDED: "GH", forms.OTHER: "IJ"}


def y3_figures(cells: dict) -> dict[str, dict]:
    rows = _rows_by(cells, "B", r"\d+-\S+")
    rows.update(_rows_by(cells, "A", r"\d+(會計年度|全學年)合計"))
    out = {}
    for label, row in rows.items():
        figures = {}
        for source, (rec, cap) in Y3_COLUMNS.items():
            figures[(source, True)] = yuan(cells.get(f"{rec}{row}"))
            figures[(source, False)] = yuan(cells.get(f"{cap}{row}"))
        figures["recurrent"], figures["capital"], figures["total"] = (
            yuan(cells.get(f"{c}{row}")) for c in "KLM"
        )
        out[label] = figures
    ratio_row = _rows_by(cells, "A", "經資門比例")["經資門比例"]
    out["經資門比例"] = tuple(cells.get(f"{c}{ratio_row}") for c in "KLM")
    return out


def y4_figures(cells: dict, budget) -> dict:
    names = {*forms.recurrent_items(budget.programme, budget.academic_year), rollup.OTHER_ITEMS}
    rows = {v: int(r[1:]) for r, v in cells.items() if r.startswith("B") and v in names}
    assert len(rows) == len(names)
    total_row = _rows_by(cells, "A", "經常門總計")["經常門總計"]
    out = {}
    fy1, fy2 = budget.fiscal_years
    for item, row in [*rows.items(), ("經常門總計", total_row)]:
        for fy, amount_col, ratio_col in ((fy1, "C", "D"), (fy2, "E", "F"), (None, "G", "H")):
            out[(fy, item)] = (yuan(cells.get(f"{amount_col}{row}")), cells.get(f"{ratio_col}{row}"))
    return out


def school_figures(cells: dict) -> dict[str, object]:
    rows = {v: int(r[1:]) for r, v in cells.items() if r.startswith("A") and isinstance(v, str)}
    return {
        label: cells.get(f"B{rows[label]}")
        for label in ("財力級次", "最高補助比率", "教育部補助款", "應編配合款", "已編配合款", "配合款差額")
    }
