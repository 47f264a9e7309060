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

from pathlib import Path

import openpyxl

from youzhi import computed, template
from youzhi.calendar import Semester
from youzhi.computed import DEFAULT_COUNTS, LineCounts
from youzhi.model import Budget, School

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
    info = wb[computed.SCHOOL_NAME]
    info.cell(computed.SCHOOL_ROW["主管機關"], 2).value = sch.authority
    info.cell(computed.SCHOOL_ROW["所在縣市"], 2).value = sch.county
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
