"""Repair a submitted workbook with openpyxl: the ``youzhi repair`` door of ``youzhi.repair_plan``.

What is rewritten (y-1 computed cells, y-2/y-3/y-4, 基本資料 / 參數, lookup tables, comments keeping
typed values) is decided by ``repair_plan.plan``; this module loads the workbook, applies the plan with
openpyxl (whole sheets get ``cell_spec.STYLES``: fonts, borders, fills, number formats, print setup) and
saves it: atomically, with the package fixed up and the cached values of every formula written.

openpyxl writes formulas without cached values, so ``add_cached_values`` puts them in and the output
still asks for a full recalculation on load. Input files are never modified.
"""

from __future__ import annotations

import contextlib
import os
import zipfile
from dataclasses import dataclass, field

import openpyxl
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation

from youzhi import cell_spec, repair_plan
from youzhi.errors import UnreadableWorkbook, YouzhiError, reason_of
from youzhi.model import Budget, School
from youzhi.output import atomic_path, backup_names, make_backup, same_file  # noqa: F401
from youzhi.reader import read_budget
from youzhi.safety import CONTROL_NOTE, check_file, clean_workbook, openable, put_value
from youzhi.sheets import SheetGrid, WorkbookGrids
from youzhi.xlsx_fixups import add_cached_values, fix_package


@dataclass
class RepairReport:
    budget: Budget
    y1_cells: int = 0  # computed y-1 cells rewritten
    text_lines: list[str] = field(default_factory=list)  # A1 refs of 總價 written as numbers
    skipped: list[str] = field(default_factory=list)  # computed cells inside a merged range (left alone)
    rebuilt: list[str] = field(default_factory=list)  # summary sheets rebuilt in place
    created: list[str] = field(default_factory=list)  # summary sheets added
    typed_kept: list[str] = field(default_factory=list)  # typed numbers replaced, kept in a comment
    drawings: list[str] = field(default_factory=list)  # pictures / charts / shapes openpyxl may drop
    cached: dict[tuple[str, str], object] = field(default_factory=dict)  # formula cell → roll-up value
    computed_refs: set[tuple[str, str]] = field(default_factory=set)  # (sheet, A1) of every rewritten cell
    backup: str | None = None  # --in-place: where the original was kept
    cleaned: list[str] = field(default_factory=list)  # cells whose control characters were removed


# --- styles ------------------------------------------------------------------------------------


class _Styles:
    """``cell_spec.STYLES`` keys → openpyxl style objects (built once per key)."""

    def __init__(self):
        self.cache: dict[str, dict] = {}

    def get(self, key: str) -> dict:
        if key not in self.cache:
            d = cell_spec.STYLES.get(key, cell_spec.STYLES[""])
            thin = Side(style="thin")
            fill = d.get("fill")
            self.cache[key] = {
                "font": Font(name=d.get("font"), size=d.get("size"), bold=bool(d.get("bold"))),
                "alignment": Alignment(
                    horizontal=d.get("align"),
                    vertical={"vcenter": "center"}.get(d.get("valign"), d.get("valign")),
                    wrap_text=bool(d.get("wrap")),
                ),
                "border": Border(left=thin, right=thin, top=thin, bottom=thin)
                if d.get("border")
                else Border(),
                "fill": PatternFill("solid", fgColor=fill.lstrip("#")) if fill else PatternFill(),
                "number_format": d.get("num_format", "General"),
                "protection": Protection(locked=d.get("locked", True)),
            }
        return self.cache[key]

    def apply(self, cell, key: str) -> None:
        for attr, value in self.get(key).items():
            setattr(cell, attr, value)


# --- applying the plan ---------------------------------------------------------------------------


def grids_of(wb, path: str | None = None) -> tuple[WorkbookGrids, dict[str, list[repair_plan.Merge]]]:
    """What the plan needs of an openpyxl workbook: its values (formulas as ``=…`` text) and merges."""
    sheets, merged = [], {}
    for ws in wb.worksheets:
        rows = [list(r) for r in ws.iter_rows(values_only=True)]
        sheets.append(SheetGrid(ws.title, ws.sheet_state != "visible", rows))
        merged[ws.title] = [(m.min_row, m.min_col, m.max_row, m.max_col) for m in ws.merged_cells.ranges]
    names = {name: f"={d.attr_text}" for name, d in wb.defined_names.items()}
    return WorkbookGrids(path, sheets, names), merged


def apply_plan(wb, plan: repair_plan.Plan, report: RepairReport) -> None:
    """Carry out ``plan`` on the openpyxl workbook; formula cells' cached values go to ``report.cached``."""
    styles = _Styles()
    for op in plan.ops:
        if isinstance(op, repair_plan.SetCells):
            _set_cells(wb[op.sheet], op.cells, report)
        elif isinstance(op, repair_plan.PutSheet):
            _put_sheet(wb, op, styles, report)
        elif isinstance(op, repair_plan.Note):
            _add_comment(wb[op.sheet].cell(op.row, op.col), op.text)
        elif isinstance(op, repair_plan.Names):
            for name, refers_to in op.names.items():
                if op.replace or name not in wb.defined_names:
                    wb.defined_names[name] = DefinedName(name, attr_text=refers_to.lstrip("="))
    report.y1_cells, report.text_lines, report.skipped = plan.y1_cells, plan.text_lines, plan.skipped
    report.rebuilt, report.created, report.typed_kept = plan.rebuilt, plan.created, plan.typed_kept


def _set_cells(ws, cells, report: RepairReport) -> None:
    for cs in cells:
        cell = ws.cell(cs.row, cs.col)
        if cs.formula is not None:
            cell.value = cs.formula
            report.cached[(ws.title, cell.coordinate)] = cs.cached
        else:
            put_value(cell, cs.value)
        report.computed_refs.add((ws.title, cell.coordinate))


def _put_sheet(wb, op: repair_plan.PutSheet, styles, report: RepairReport) -> None:
    if op.into is None:
        ws = wb.create_sheet(op.spec.name)
        _write_spec(ws, op.spec, styles, report)
        return
    ws = wb[op.into]
    comments = _clear(ws)
    _write_spec(ws, op.spec, styles, report)
    _restore_comments(ws, comments)


def _add_comment(cell, text: str) -> None:
    """A note from the plan, after any comment the cell has."""
    if type(cell).__name__ == "MergedCell":
        rng = next(m for m in cell.parent.merged_cells.ranges if cell.coordinate in m)
        cell = cell.parent.cell(rng.min_row, rng.min_col)
    if cell.comment is not None:
        text = f"{cell.comment.text}\n{text}"
    cell.comment = Comment(text, "youzhi")


def _clear(ws) -> dict:
    """Empty a sheet (cells, merges, validations, conditional formats); return its comments."""
    comments = {c.coordinate: c.comment for row in ws.iter_rows() for c in row if c.comment}
    for merged in list(ws.merged_cells.ranges):
        ws.unmerge_cells(str(merged))
    ws._cells.clear()
    ws.data_validations.dataValidation = []
    ws.conditional_formatting = type(ws.conditional_formatting)()
    ws.row_dimensions.clear()
    return comments


def _write_spec(ws, spec: cell_spec.SheetSpec, styles: _Styles, report: RepairReport) -> None:
    for col, width in spec.column_widths.items():
        ws.column_dimensions[get_column_letter(col)].width = width
    for row, height in spec.row_heights.items():
        ws.row_dimensions[row].height = height
    covered = set()
    for r1, c1, r2, c2 in spec.merges:
        if (r1, c1) != (r2, c2):
            covered |= {(r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)} - {(r1, c1)}
    for cs in spec.cells:
        if (cs.row, cs.col) in covered:
            continue
        cell = ws.cell(cs.row, cs.col)
        if cs.formula is not None:
            cell.value = cs.formula
        else:
            put_value(cell, cs.value)  # a school name or code typed as "=…" stays text
        styles.apply(cell, cs.style)
        report.computed_refs.add((ws.title, cell.coordinate))
        if cs.formula is not None:
            report.cached[(ws.title, cell.coordinate)] = cs.cached
    for r1, c1, r2, c2 in spec.merges:
        if (r1, c1) != (r2, c2):
            ws.merge_cells(start_row=r1, start_column=c1, end_row=r2, end_column=c2)
    for v in spec.validations:
        dv = DataValidation(type="list", formula1=v.source.lstrip("="), allow_blank=True)
        dv.add(f"{get_column_letter(v.first_col)}{v.first_row}:{get_column_letter(v.last_col)}{v.last_row}")
        ws.add_data_validation(dv)
    if spec.print_title_rows:
        ws.print_title_rows = f"{spec.print_title_rows[0]}:{spec.print_title_rows[1]}"
    if spec.landscape:
        ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    if spec.fit_width or spec.fit_height:
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.fitToWidth = 1 if spec.fit_width else 0
        ws.page_setup.fitToHeight = spec.fit_height
    if spec.freeze_rows:
        ws.freeze_panes = f"A{spec.freeze_rows + 1}"
    if spec.hidden:
        ws.sheet_state = "hidden"


def _restore_comments(ws, comments: dict) -> None:
    """Put reviewers' comments back; one that now falls inside a merged range goes to its top-left cell."""
    for coord, comment in comments.items():
        cell = ws[coord]
        if type(cell).__name__ == "MergedCell":
            rng = next(m for m in ws.merged_cells.ranges if coord in m)
            cell = ws.cell(rng.min_row, rng.min_col)
        if cell.comment is not None:
            comment = Comment(f"{cell.comment.text}\n{comment.text}", cell.comment.author)
        cell.comment = comment


# --- the file ----------------------------------------------------------------------------------


def repair_workbook(
    src,
    dest,
    *,
    school: School | None = None,
    programme: str | None = None,
    academic_year: int | None = None,
    with_ledger: bool = False,
) -> RepairReport:
    """Write a repaired copy of ``src`` to ``dest`` (``src`` itself is never modified).

    ``with_ledger`` adds 支用明細 and 執行進度報告表 when missing (``youzhi.progress_sheet``)."""
    src, dest = os.fspath(src), os.fspath(dest)
    if same_file(src, dest):
        raise YouzhiError("輸出檔不可與原檔相同；要直接修復原檔請用 --in-place")
    wb, report = _repaired(
        src, school=school, programme=programme, academic_year=academic_year, with_ledger=with_ledger
    )
    save_atomically(wb, dest, cached=report.cached)
    return report


def _repaired(src: str, *, with_ledger: bool = False, **options) -> tuple[object, RepairReport]:
    """The repaired workbook (in memory) and what was done."""
    kind = check_file(src)
    budget = read_budget(src, **options)
    try:
        wb = openpyxl.load_workbook(openable(src), keep_vba=kind == "xlsm", keep_links=True, rich_text=True)
    except Exception as exc:
        raise UnreadableWorkbook(reason_of(exc)) from None
    report = RepairReport(budget)
    report.drawings = _drawing_parts(src)
    read = {f"{p.sheet}!{p.cell}" for p in budget.problems if CONTROL_NOTE in p.message}
    report.cleaned = sorted(read | set(clean_workbook(wb)))
    grids, merged = grids_of(wb, src)
    apply_plan(wb, repair_plan.plan(budget, grids, merged), report)
    if with_ledger:
        from youzhi.progress_sheet import add_execution_sheets

        styles = _Styles()
        write = lambda ws, spec: _write_spec(ws, spec, styles, report)  # noqa: E731
        report.created += add_execution_sheets(wb, src, budget, write)
    wb.calculation.fullCalcOnLoad = True
    return wb, report


def _drawing_parts(path: str) -> list[str]:
    """Zip members holding pictures, charts or shapes (openpyxl does not keep shapes, nor pictures
    without Pillow): the CLI warns the user to check them in the output."""
    with zipfile.ZipFile(path) as archive:
        return [
            n
            for n in archive.namelist()
            if n.startswith(("xl/drawings/", "xl/media/", "xl/charts/")) and "_rels" not in n
        ]


def save_atomically(wb, dest: str, *, cached: dict | None = None) -> None:
    """Save through a temp file in the destination folder; then add the cached values openpyxl
    cannot write (``cached``: {(sheet, A1): value}) and move the file into place."""
    with atomic_path(dest, os.path.splitext(dest)[1] or ".xlsx") as tmp:
        _save(wb, tmp, cached)


def _save(wb, path: str, cached: dict | None) -> None:
    wb.save(path)
    fix_package(path)  # one shape-id block per comment drawing, as Excel numbers them
    if cached:
        add_cached_values(path, cached)


def repair_in_place(src, **options) -> RepairReport:
    """Repair ``src`` itself, keeping the original byte for byte as ``IN.xlsx.bak`` (or, when that
    exists already, the first free ``IN.xlsx.2.bak``, ``IN.xlsx.3.bak`` …: a backup is never replaced).

    The repaired file is written in full to a temp file first; only then is the backup made (a hard
    link to the original, or a copy) and the temp file renamed over ``src``. Any failure before the
    rename leaves ``src`` untouched and removes both the temp file and the backup made by this run."""
    src = os.fspath(src)
    if os.path.islink(src):
        raise YouzhiError(f"原檔是符號連結（捷徑），不直接修改：{src}；請用 -o 另存新檔")
    check_file(src)
    wb, report = _repaired(src, **options)
    made: list[str] = []  # filled the moment the backup exists, so a signal cannot orphan it
    try:
        mode = os.stat(src).st_mode & 0o7777  # the repaired file keeps the original's permissions
        with atomic_path(src, os.path.splitext(src)[1] or ".xlsx", mode) as tmp:
            _save(wb, tmp, report.cached)
            make_backup(src, made)
    except BaseException:
        for name in made:
            with contextlib.suppress(OSError):
                os.remove(name)
        raise
    report.backup = made[0]
    return report
