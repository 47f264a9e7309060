"""The clean template: one XlsxWriter workbook written from ``youzhi.cell_spec`` specs.

``build_budget`` lays out blank y-1 blocks (one per sub-plan per semester); ``write_template`` writes
them, y-2/y-3/y-4, 基本資料, the hidden 參數 and ``_youzhi`` sheets, the defined names, drop-downs,
protection (no password; input cells unlocked), A4 landscape print set-up with print titles, full
recalculation on load, and cached values from the roll-up. The output is deterministic (fixed document
times), written atomically (temporary file in the same folder, then ``os.replace``).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from decimal import Decimal
from pathlib import Path

import xlsxwriter
import xlsxwriter.worksheet

from youzhi import cell_spec, computed_params, computed_summaries, forms, items, tiers, y1form
from youzhi.calendar import Semester
from youzhi.cell_spec import STYLES, CellSpec, SheetSpec
from youzhi.errors import YouzhiError
from youzhi.model import BlockLayout, Budget, Line, School, SubPlanSheet
from youzhi.money import to_yuan
from youzhi.output import atomic_path
from youzhi.y1form import DEFAULT_COUNTS, LineCounts

TEMPLATE_VERSION = "2"  # 2: 基本資料 per 會計年度 over the dated tier tables of 參數
FIXED_TIME = dt.datetime(2026, 1, 1, 0, 0, 0)  # document properties: files are reproducible
_CODE = re.compile(r"^[A-Z一二三四五六七八九十]+(-\d+)?$")


def parse_subplans(programme_id: str, academic_year: int, text: str | None) -> list[str]:
    """``"A-1,A-2,B,C,D"`` → codes, checked against the programme's sub-plans; default: all of them."""
    prog = forms.programme(programme_id, academic_year)
    if not text:
        return [s.code for s in prog.subplans]
    codes = [c.strip().upper() for c in re.split(r"[,，、\s]+", text) if c.strip()]
    known = {s.code for s in prog.subplans}
    for code in codes:
        if not _CODE.match(code) or forms.base_code(code) not in known:
            raise YouzhiError(
                f"子計畫代碼「{code}」不屬於{prog.name}（可用：{'、'.join(sorted(known))}，分項如 A-1）"
            )
    if len(set(codes)) != len(codes):
        raise YouzhiError("子計畫代碼重複：" + "、".join(codes))
    missing = [
        s.code for s in prog.subplans if s.required and not any(forms.base_code(c) == s.code for c in codes)
    ]
    if missing:
        raise YouzhiError(f"缺少必要子計畫：{'、'.join(missing)}")
    return codes


Fill = dict[tuple[str, Semester], list[dict]]


def line_from_dict(sheet: str, row: int, d: dict) -> Line:
    """A line dict (category, item, unit, quantity, unit_price 千元, total 千元, purpose, source) → Line."""

    def dec(value) -> Decimal | None:
        return None if value is None else Decimal(str(value))

    price, total = dec(d.get("unit_price")), dec(d.get("total"))
    raw_source = d.get("source") or ""
    return Line(
        sheet=sheet,
        row=row,
        category=d["category"],
        item=d.get("item") or "",
        unit=d.get("unit") or "",
        quantity=dec(d.get("quantity")),
        unit_price=None if price is None else to_yuan(price),
        typed_total=None if total is None else to_yuan(total),
        purpose=d.get("purpose") or "",
        source=items.source_of(raw_source)[0],
        raw_source=raw_source,
        raw_item=d.get("item") or "",
    )


def place_lines(sheet: str, layout: BlockLayout, lines: list[dict]) -> list[Line]:
    """Each line dict into the next free row of its category's section."""
    used = dict.fromkeys(forms.CATEGORIES, 0)
    placed = []
    for d in lines:
        category = d["category"]
        if category not in used:
            raise YouzhiError(f"{sheet}：一級用途別「{category}」不是{'、'.join(forms.CATEGORIES)}之一")
        span = layout.span(category)
        if used[category] >= len(span):
            raise YouzhiError(f"{sheet}：{category}超過 {len(span)} 列，請增加空白列數")
        placed.append(line_from_dict(sheet, span.first + used[category], d))
        used[category] += 1
    return placed


def build_budget(
    programme_id: str,
    academic_year: int,
    codes: list[str],
    school: School,
    counts: LineCounts = DEFAULT_COUNTS,
    fill: Fill | None = None,
) -> tuple[Budget, list[SheetSpec]]:
    """The Budget of the template's blocks (layouts set, lines from ``fill``) and the y-1 sheet specs,
    A(8-12月), A(1-7月), A-1(8-12月) …"""
    fill = fill or {}
    unknown = [key for key in fill if key[0] not in codes]
    if unknown:
        raise YouzhiError(f"填入的子計畫不在子計畫清單中：{'、'.join(k[0] for k in unknown)}")
    blocks: list[SubPlanSheet] = []
    sheets: list[SheetSpec] = []
    layout = y1form.y1_layout(counts)
    for code in codes:
        for semester in (Semester.FIRST, Semester.SECOND):
            name = y1form.y1_sheet_name(code, semester)
            lines = place_lines(name, layout, fill.get((code, semester), []))
            block, spec = y1form.y1_form(
                programme_id,
                academic_year,
                code,
                semester,
                school_name=school.name,
                counts=counts,
                lines=lines,
            )
            blocks.append(block)
            sheets.append(spec)
    return Budget(programme_id, academic_year, school, blocks), sheets


_FUNCTION = re.compile(r"([A-Z][A-Z0-9._]*)\(")
_QUOTED = re.compile(r"'(?:[^']|'')*'|\"[^\"]*\"")
PORTABLE_FUNCTIONS = frozenset(
    {
        "SUM",
        "SUMIF",
        "SUMIFS",
        "SUMPRODUCT",  # SUMPRODUCT(SUMIF(…, lookup table, …)*(…)): y-2/y-3/y-4 through 參數 (computed_y1.py)
        "COUNT",
        "INDEX",
        "MATCH",
        "ROUND",
        "ROUNDUP",
        "IF",
        "IFERROR",
        "VLOOKUP",
        "SUBSTITUTE",
        "TRIM",
        "OR",
        "MAX",
    }
)


class _Worksheet(xlsxwriter.worksheet.Worksheet):
    """XlsxWriter runs ~60 regex substitutions on every formula to prefix newer Excel functions
    (``_xlfn.``); ours only use long-standing ones, so formulas made of PORTABLE_FUNCTIONS skip them
    (half the writing time). Anything else still goes through XlsxWriter's own preparation."""

    def _prepare_formula(self, formula, expand_future_functions=False):
        bare = _QUOTED.sub("", formula)  # sheet names and strings may hold anything
        if set(_FUNCTION.findall(bare)) <= PORTABLE_FUNCTIONS and not formula.startswith("{"):
            return formula[1:] if formula.startswith("=") else formula
        return super()._prepare_formula(formula, expand_future_functions)


def _format(workbook: xlsxwriter.Workbook, cache: dict, key: str):
    if key not in cache:
        style = STYLES[key]
        props = {"font_name": style.get("font", cell_spec.FONT), "font_size": style.get("size", 12)}
        if style.get("bold"):
            props["bold"] = True
        if "num_format" in style:
            props["num_format"] = style["num_format"]
        if style.get("border"):
            props["border"] = 1
        if "fill" in style:
            props["pattern"] = 1
            props["bg_color"] = style["fill"]
        if "align" in style:
            props["align"] = style["align"]
        if "valign" in style:
            props["valign"] = style["valign"]
        if style.get("wrap"):
            props["text_wrap"] = True
        if style.get("locked") is False:
            props["locked"] = False
        cache[key] = workbook.add_format(props)
    return cache[key]


def _write_cell(ws, fmt, cell: CellSpec) -> None:
    row, col = cell.row - 1, cell.col - 1
    if cell.formula is not None:
        ws.write_formula(row, col, cell.formula, fmt, cell.cached if cell.cached is not None else 0)
    elif cell.value is None:
        ws.write_blank(row, col, None, fmt)
    elif isinstance(cell.value, bool):
        ws.write_boolean(row, col, cell.value, fmt)
    elif isinstance(cell.value, (int, float)):
        ws.write_number(row, col, cell.value, fmt)
    else:
        ws.write_string(row, col, str(cell.value), fmt)


def write_sheet(workbook: xlsxwriter.Workbook, spec: SheetSpec, formats: dict) -> None:
    ws = workbook.add_worksheet(spec.name, worksheet_class=_Worksheet)
    for col, width in spec.column_widths.items():
        ws.set_column(col - 1, col - 1, width)
    for row, height in spec.row_heights.items():
        ws.set_row(row - 1, height)
    merged: dict[tuple[int, int], tuple[int, int, int, int]] = {}
    for merge in spec.merges:
        if merge[0] != merge[2] or merge[1] != merge[3]:
            merged[(merge[0], merge[1])] = merge
    covered = {
        (r, c)
        for (r1, c1, r2, c2) in merged.values()
        for r in range(r1, r2 + 1)
        for c in range(c1, c2 + 1)
        if (r, c) != (r1, c1)
    }
    for cell in spec.cells:
        fmt = _format(workbook, formats, cell.style)
        key = (cell.row, cell.col)
        if key in merged:
            r1, c1, r2, c2 = merged.pop(key)
            ws.merge_range(r1 - 1, c1 - 1, r2 - 1, c2 - 1, "", fmt)
        if key in covered and cell.value is None and cell.formula is None:
            continue  # merge_range already wrote the covered cells
        _write_cell(ws, fmt, cell)
    for r1, c1, r2, c2 in merged.values():  # merges whose top-left cell had no spec
        ws.merge_range(r1 - 1, c1 - 1, r2 - 1, c2 - 1, "", _format(workbook, formats, ""))
    for v in spec.validations:
        options = {"validate": "list", "source": v.source, "ignore_blank": True}
        if v.message:
            options["input_message"] = v.message[:255]
        if v.strict:
            options["error_title"] = "不在清單中"
            options["error_message"] = "請自下拉選單選擇。"
            if v.warn_only:
                options["error_type"] = "warning"
                options["error_message"] = "名稱不在經費編列基準表中，確定要使用嗎？"
        else:
            options["show_error"] = False
        ws.data_validation(v.first_row - 1, v.first_col - 1, v.last_row - 1, v.last_col - 1, options)
    if spec.landscape:
        ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.5)
    if spec.fit_width:
        ws.fit_to_pages(1, spec.fit_height)
    if spec.print_title_rows:
        ws.repeat_rows(spec.print_title_rows[0] - 1, spec.print_title_rows[1] - 1)
    ws.center_horizontally()
    if spec.freeze_rows:
        ws.freeze_panes(spec.freeze_rows, 0)
    if spec.hidden:
        ws.hide()
    if spec.protect:
        ws.protect(
            "",
            {
                "format_cells": True,
                "format_columns": True,
                "format_rows": True,
                "insert_rows": True,
                "delete_rows": True,
                "sort": False,
            },
        )


def write_template(
    path: str | os.PathLike,
    programme_id: str,
    academic_year: int,
    *,
    codes: list[str] | None = None,
    school: School | None = None,
    counts: LineCounts = DEFAULT_COUNTS,
    fill: Fill | None = None,
    with_ledger: bool = False,
) -> Path:
    """Write a budget workbook to ``path`` (atomically) and return the path.

    ``with_ledger`` adds 支用明細 and 執行進度報告表 (``youzhi.progress_sheet``) after y-4.

    Without ``fill`` it is the clean template; with it, the lines are typed in and every computed cell
    carries the roll-up's figure as cached value.
    """
    if programme_id not in forms.PROGRAMMES:
        raise YouzhiError(f"未知的方案「{programme_id}」（可用：{'、'.join(forms.PROGRAMMES)}）")
    school = school or School()
    if school.county:
        try:
            tiers.tier_of(school.county, academic_year)
        except tiers.TierError as exc:
            raise YouzhiError(str(exc)) from None
    codes = codes or parse_subplans(programme_id, academic_year, None)
    budget, y1_sheets = build_budget(programme_id, academic_year, codes, school, counts, fill)
    dest = Path(path)
    if not dest.parent.is_dir():
        raise YouzhiError(f"輸出資料夾不存在：{dest.parent}")
    extra = []
    if with_ledger:
        from youzhi.progress_sheet import execution_sheets

        extra = execution_sheets(budget)
    with atomic_path(dest, ".xlsx") as tmp:
        write_workbook(tmp, budget, y1_sheets, extra)
    return dest


def write_workbook(
    path: str, budget: Budget, y1_sheets: list[SheetSpec], extra: list[SheetSpec] = ()
) -> None:
    workbook = xlsxwriter.Workbook(path, {"strings_to_numbers": False, "strings_to_formulas": False})
    prog = forms.programme(budget.programme, budget.academic_year)
    workbook.set_properties(
        {
            "title": f"{prog.short}經費概算表 {budget.academic_year}學年度",
            "subject": "優質化輔助方案經費表",
            "author": "youzhi",
            "comments": f"youzhi template {TEMPLATE_VERSION}",
            "created": FIXED_TIME,
        }
    )
    workbook.set_calc_mode("auto")  # fullCalcOnLoad stays on (XlsxWriter's default)
    formats: dict = {}
    summaries = computed_summaries.summary_sheets(budget)
    by_name = {s.name: s for s in summaries}
    ordered = [
        by_name[cell_spec.SCHOOL_NAME],
        *y1_sheets,
        by_name[cell_spec.Y2_NAME],
        by_name[cell_spec.Y3_NAME],
        by_name[cell_spec.Y4_NAME],
        *extra,
        by_name[cell_spec.PARAM_NAME],
        computed_params.fingerprint_sheet(budget, TEMPLATE_VERSION),
    ]
    for spec in ordered:
        write_sheet(workbook, spec, formats)
    for name, refers_to in computed_params.defined_names(budget).items():
        workbook.define_name(name, refers_to)
    workbook.close()
