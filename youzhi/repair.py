"""Repair a submitted workbook: rewrite only the computed cells, keep everything the school entered.

* y-1: 總價 of every line row, 小計, 經常門小計, 資本門小計 and 會計年度合計 get the native formulas of
  ``computed.y1_cells`` (located through the reader's ``BlockLayout``). The cell keeps its own style.
  A 總價 typed without both 數量 and 單價 stays; a line whose 數量 or 單價 is text (``１０``, ``10千``)
  gets its figure as a number (a formula would give 0 or #VALUE! where the roll-up reads the text).
* y-2 / y-3 / y-4: rebuilt in place (same sheet, name, position and visibility; comments kept) from
  ``computed.summary_sheets``; created at the end of the workbook when missing. y-2 申請金額 / 核定金額
  are inputs and are written back from what the reader found.
* 基本資料 (our template): its formula cells are rewritten; its inputs are left alone.

openpyxl writes formulas without cached values, so the output asks for a full recalculation on load.
Input files are never modified; the output is written atomically (temp file + ``os.replace``).
"""

from __future__ import annotations

import contextlib
import os
import re
import zipfile
from dataclasses import dataclass, field, replace
from xml.sax.saxutils import escape

import openpyxl
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation

from youzhi import computed
from youzhi.errors import UnreadableWorkbook, YouzhiError, reason_of
from youzhi.model import Budget, School
from youzhi.money import format_kiloyuan
from youzhi.output import atomic_path, backup_names, make_backup, same_file  # noqa: F401
from youzhi.reader import SCHOOL_SHEET, is_summary_sheet, read_budget
from youzhi.safety import CONTROL_NOTE, clean_workbook, openable, put_value
from youzhi.sheets import SheetGrid
from youzhi.xlsx_fixups import fix_package

try:
    from youzhi.safety import check_file
except ImportError:  # pragma: no cover
    check_file = None

SUMMARY_KINDS = ("y-2", "y-3", "y-4")


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
    """``computed.STYLES`` keys → openpyxl style objects (built once per key)."""

    def __init__(self):
        self.cache: dict[str, dict] = {}

    def get(self, key: str) -> dict:
        if key not in self.cache:
            d = computed.STYLES.get(key, computed.STYLES[""])
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


# --- y-1 ---------------------------------------------------------------------------------------


def _is_number(value: object) -> bool:
    return (isinstance(value, (int, float)) and not isinstance(value, bool)) or (
        isinstance(value, str) and value.startswith("=")
    )


def _repair_y1(wb, budget: Budget, report: RepairReport) -> None:
    for block in budget.sheets:
        if block.layout is None:
            continue
        ws = wb[block.sheet]
        cols = block.layout.columns
        by_row = {line.row: line for line in block.lines}
        for spec in computed.y1_cells(block):
            cell = ws.cell(spec.row, spec.col)
            ref = f"{get_column_letter(spec.col)}{spec.row}"
            if type(cell).__name__ == "MergedCell":
                report.skipped.append(f"{block.sheet}!{ref}")
                continue
            line = by_row.get(spec.row)
            value = spec.formula
            if line is not None and spec.col == cols.total and line.computed_total is not None:
                q, p = ws.cell(spec.row, cols.quantity).value, ws.cell(spec.row, cols.unit_price).value
                if not (_is_number(q) and _is_number(p)):
                    value = computed.money(line.computed_total)
                    report.text_lines.append(f"{block.sheet}!{ref}")
            _keep_typed(cell, spec.cached, report, f"{block.sheet}!{ref}")
            cell.value = value
            report.computed_refs.add((block.sheet, ref))
            if isinstance(value, str):
                report.cached[(block.sheet, ref)] = spec.cached
            report.y1_cells += 1


def _keep_typed(
    cell, new_value, report: RepairReport, where: str, *, old=None, why: str = "已改為公式計算"
) -> None:
    """A value typed over a computed cell (``old``, by default the cell's own) that differs from the
    correct figure (``new_value``, 千元) is kept in the cell's comment, so nothing typed is lost."""
    old = cell.value if old is None else old
    if old is None or old == "" or (isinstance(old, str) and old.startswith("=")):
        return
    if isinstance(old, (int, float)) and isinstance(new_value, (int, float)) and abs(old - new_value) < 5e-7:
        return
    shown = f"{old:,.3f}" if isinstance(old, (int, float)) and not isinstance(old, bool) else str(old)
    text = f"youzhi 修復前此格填的是 {shown}（{why}）"
    if cell.comment is not None:
        text = f"{cell.comment.text}\n{text}"
    cell.comment = Comment(text, "youzhi")
    report.typed_kept.append(where)


# --- summary sheets ----------------------------------------------------------------------------


def _grid_of(ws, rows: int = 6) -> SheetGrid:
    head = [list(r) for r in ws.iter_rows(min_row=1, max_row=rows, values_only=True)]
    return SheetGrid(ws.title, ws.sheet_state != "visible", head)


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


def _write_spec(ws, spec: computed.SheetSpec, styles: _Styles, report: RepairReport) -> None:
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


def _repair_summaries(wb, budget: Budget, report: RepairReport) -> None:
    existing: dict[str, object] = {}
    for ws in wb.worksheets:
        kind = is_summary_sheet(_grid_of(ws))
        if kind and kind not in existing:
            existing[kind] = ws
    specs = {s.name: s for s in computed.summary_sheets(budget)}
    styles = _Styles()
    written: dict[str, object] = {}
    for kind in SUMMARY_KINDS:
        spec = specs[kind]
        ws = existing.get(kind)
        if ws is None:
            name = kind if kind not in wb.sheetnames else f"{kind}(youzhi)"
            ws = wb.create_sheet(name)
            report.created.append(name)
            comments, typed = {}, {}
        else:
            typed = _typed_numbers(ws)
            comments = _clear(ws)
            report.rebuilt.append(ws.title)
        _write_spec(ws, spec, styles, report)
        written[kind] = ws
        _restore_comments(ws, comments)
        _keep_typed_numbers(ws, typed, report)
        if kind == "y-2":
            _note_orphan_requests(ws, budget, report)
    y2_title = written["y-2"].title
    school_spec = retarget(specs[computed.SCHOOL_NAME], computed.Y2_NAME, y2_title)
    if SCHOOL_SHEET in wb.sheetnames:
        if not _repair_school_sheet(wb[SCHOOL_SHEET], school_spec, report):
            _upgrade_school_block(wb, budget, school_spec, styles, report)
    else:
        _add_school_block(wb, budget, school_spec, styles, report)

    _repair_lookup_tables(wb, budget, report)


def _typed_numbers(ws) -> dict[str, float]:
    """Numbers typed into a summary sheet (schools re-type totals over the official #REF! cells)."""
    return {
        cell.coordinate: cell.value
        for row in ws.iter_rows()
        for cell in row
        if isinstance(cell.value, (int, float)) and not isinstance(cell.value, bool)
    }


def _keep_typed_numbers(ws, typed: dict[str, float], report: RepairReport) -> None:
    """After a summary sheet is rebuilt, a number typed there that the sheet no longer shows at that
    cell (the recomputed figure differs, or the cell now holds something else) goes into a comment."""
    for coord, old in typed.items():
        cell = ws[coord]
        if type(cell).__name__ == "MergedCell":
            rng = next(m for m in ws.merged_cells.ranges if coord in m)
            cell = ws.cell(rng.min_row, rng.min_col)
        new = report.cached.get((ws.title, cell.coordinate), cell.value)
        _keep_typed(cell, new, report, f"{ws.title}!{coord}", old=old, why="修復時重建此表")


def retarget(spec: computed.SheetSpec, old: str, new: str) -> computed.SheetSpec:
    """The same spec with references to sheet ``old`` pointing at ``new`` (a school's y-2 may be
    called 表y-2, or y-2(youzhi) when we had to create it beside another sheet of that name)."""
    if old == new:
        return spec
    before, after = computed.quote_sheet(old) + "!", computed.quote_sheet(new) + "!"
    cells = [
        replace(cs, formula=cs.formula.replace(before, after)) if cs.formula else cs for cs in spec.cells
    ]
    return replace(spec, cells=cells)


def _add_school_block(wb, budget: Budget, spec: computed.SheetSpec, styles, report: RepairReport) -> None:
    """A workbook without our 基本資料 (the official form has none) gets it, with the hidden 參數 sheet
    and the names its formulas and lists use, so the county match is computed in the workbook too.
    Both sheets go after the school's own; no existing sheet or name is changed."""
    school, params, names = school_block(budget, spec, wb.sheetnames)
    for sheet_spec in (school, params):
        ws = wb.create_sheet(sheet_spec.name)
        report.created.append(sheet_spec.name)
        _write_spec(ws, sheet_spec, styles, report)
    for name, refers_to in names.items():
        if name not in wb.defined_names:
            wb.defined_names[name] = DefinedName(name, attr_text=refers_to.lstrip("="))


def _repair_lookup_tables(wb, budget: Budget, report: RepairReport) -> None:
    """The lookup tables (written item and 經費來源 forms → y-4 row / source,
    ``computed.lookup_tables``) hold the forms this workbook's lines use, so its formulas put every
    line where the roll-up does. Where our names point (our 參數), they are rewritten; a workbook
    whose 參數 predates them (left as it is) gets them on a hidden sheet of their own, with the names."""
    refers = wb.defined_names.get(computed.ITEM_TABLE_NAMES[0])
    title = computed.table_sheet(refers.attr_text) if refers is not None else None
    if title in wb.sheetnames:
        ws = wb[title]
        cells, _ = computed.lookup_tables(budget, title)
        for cs in cells:
            ws.cell(cs.row, cs.col).value = cs.value or None
        return
    spec, names = computed.lookup_sheet(budget, _free_title(wb.sheetnames, computed.LOOKUP_SHEET))
    ws = wb.create_sheet(spec.name)
    report.created.append(spec.name)
    _write_spec(ws, spec, _Styles(), report)
    for name, refers_to in names.items():
        wb.defined_names[name] = DefinedName(name, attr_text=refers_to.lstrip("="))


def school_block(
    budget: Budget, school: computed.SheetSpec, sheet_names: list[str]
) -> tuple[computed.SheetSpec, computed.SheetSpec, dict[str, str]]:
    """What a workbook whose sheets are ``sheet_names`` and which has no 基本資料 gets: the 基本資料 spec
    ``school`` and the hidden 參數 spec, each under a title free there, and the names their formulas
    and lists use (pointing at that 參數). Pure: shared by this module and the add-in's 彙總/修復."""
    params, names = computed.param_sheet(budget)
    param_title = _free_title(sheet_names, computed.PARAM_NAME)
    if param_title != computed.PARAM_NAME:
        before, after = computed.quote_sheet(computed.PARAM_NAME), computed.quote_sheet(param_title)
        names = {k: v.replace(before, after) for k, v in names.items()}
    school_title = _free_title(sheet_names, SCHOOL_SHEET)
    return replace(school, name=school_title), replace(params, name=param_title), names


def _free_title(sheet_names: list[str], title: str) -> str:
    return title if title not in sheet_names else f"{title}(youzhi)"


def _note_orphan_requests(ws, budget: Budget, report: RepairReport) -> None:
    """申請 / 核定 amounts typed for a code that has no y-1 sheet have no row in the rebuilt y-2:
    keep them in a comment on the title so nothing typed is lost."""
    present = {b.code for b in budget.sheets}
    orphans = sorted((set(budget.applied) | set(budget.approved)) - present)
    if not orphans:
        return
    parts = []
    for code in orphans:
        figures = [
            f"{label} {format_kiloyuan(amounts[code])}"
            for label, amounts in (("申請金額", budget.applied), ("核定金額", budget.approved))
            if code in amounts
        ]
        parts.append(f"{code}：{'，'.join(figures)}")
    text = "youzhi 修復前 y-2 另有下列代碼（無對應概算表）：" + "；".join(parts)
    cell = ws["A1"]
    cell.comment = Comment(f"{cell.comment.text}\n{text}" if cell.comment else text, "youzhi")
    report.typed_kept.append(f"{ws.title}!A1")


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


def _repair_school_sheet(ws, spec: computed.SheetSpec, report: RepairReport) -> bool:
    """Our template's 基本資料: rewrite its formula cells when its labels sit where we put them."""
    labels = {(cs.row, cs.col): cs.value for cs in spec.cells if cs.col == 1 and isinstance(cs.value, str)}
    for (r, c), text in labels.items():
        if str(ws.cell(r, c).value or "").strip() != text:
            return False
    for cs in spec.cells:
        if cs.formula is not None and type(ws.cell(cs.row, cs.col)).__name__ != "MergedCell":
            ws.cell(cs.row, cs.col).value = cs.formula
            report.computed_refs.add((ws.title, ws.cell(cs.row, cs.col).coordinate))
            report.cached[(ws.title, ws.cell(cs.row, cs.col).coordinate)] = cs.cached
    return True


def _upgrade_school_block(wb, budget: Budget, spec: computed.SheetSpec, styles, report: RepairReport) -> None:
    """基本資料 and 參數 written by an older template (one tier table, the match in column B only):
    rewritten in today's layout (per 會計年度 over the dated tier tables), the school's entries kept
    (the spec carries what the reader found in 基本資料), comments restored, our names re-pointed.
    Anything else called 基本資料 is left alone."""
    school = wb[SCHOOL_SHEET]
    ours = str(school.cell(1, 1).value or "").startswith("學校基本資料與配合款")
    params = wb[computed.PARAM_NAME] if computed.PARAM_NAME in wb.sheetnames else None
    labels_in_place = all(
        str(school.cell(row, 1).value or "").strip() == label for label, row in computed.SCHOOL_ROW.items()
    )
    if not (ours and labels_in_place and params is not None and params.sheet_state == "hidden"):
        return
    param_spec, names = computed.param_sheet(budget)
    for ws, sheet_spec in ((school, spec), (params, param_spec)):
        comments = _clear(ws)
        _write_spec(ws, sheet_spec, styles, report)
        _restore_comments(ws, comments)
        report.rebuilt.append(ws.title)
    for name, refers_to in names.items():
        wb.defined_names[name] = DefinedName(name, attr_text=refers_to.lstrip("="))


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
    kind = (
        check_file(src) if check_file is not None else ("xlsm" if src.lower().endswith(".xlsm") else "xlsx")
    )
    budget = read_budget(src, **options)
    try:
        wb = openpyxl.load_workbook(openable(src), keep_vba=kind == "xlsm", keep_links=True, rich_text=True)
    except Exception as exc:
        raise UnreadableWorkbook(reason_of(exc)) from None
    report = RepairReport(budget)
    report.drawings = _drawing_parts(src)
    read = {f"{p.sheet}!{p.cell}" for p in budget.problems if CONTROL_NOTE in p.message}
    report.cleaned = sorted(read | set(clean_workbook(wb)))
    _repair_y1(wb, budget, report)
    _repair_summaries(wb, budget, report)
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


_SHEET_ENTRY = re.compile(r'<sheet\b[^>]*?\bname="([^"]*)"[^>]*?\br:id="([^"]*)"')
_REL_ENTRY = re.compile(r'<Relationship\b[^>]*?\bTarget="([^"]*)"[^>]*?\bId="([^"]*)"')
_FORMULA_CELL = re.compile(r"<c r=\"([A-Z]+[0-9]+)\"([^>]*)><f>([^<]*)</f><v\s*/></c>")


def add_cached_values(path: str, cached: dict[tuple[str, str], object]) -> None:
    """Fill the empty ``<v/>`` of formula cells openpyxl wrote with the roll-up's values, so viewers
    that do not recalculate (Excel's Protected View, previewers, python-calamine) show the figures.
    Excel still recalculates everything on load (fullCalcOnLoad)."""
    with zipfile.ZipFile(path) as archive:
        members = {info.filename: archive.read(info.filename) for info in archive.infolist()}
        infos = archive.infolist()
    workbook = members["xl/workbook.xml"].decode("utf-8")
    rels = members["xl/_rels/workbook.xml.rels"].decode("utf-8")
    targets = {rid: target for target, rid in _REL_ENTRY.findall(rels)}
    by_sheet: dict[str, dict[str, object]] = {}
    for (sheet, ref), value in cached.items():
        by_sheet.setdefault(sheet, {})[ref] = value
    for name, rid in _SHEET_ENTRY.findall(workbook):
        values = by_sheet.get(_xml_unescape(name))
        if not values or rid not in targets:
            continue
        target = targets[rid].lstrip("/")
        part = target if target.startswith("xl/") else f"xl/{target}"
        if part not in members:
            continue

        def fill(match, values=values):
            ref, attrs, formula = match.groups()
            if ref not in values or values[ref] is None:
                return match.group(0)
            value = values[ref]
            attrs = re.sub(r'\s+t="[^"]*"', "", attrs)
            if isinstance(value, bool):
                return f'<c r="{ref}"{attrs} t="b"><f>{formula}</f><v>{int(value)}</v></c>'
            if isinstance(value, (int, float)):
                return f'<c r="{ref}"{attrs}><f>{formula}</f><v>{value!r}</v></c>'
            text = escape(str(value))
            return f'<c r="{ref}"{attrs} t="str"><f>{formula}</f><v>{text}</v></c>'

        members[part] = _FORMULA_CELL.sub(fill, members[part].decode("utf-8")).encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in infos:
            archive.writestr(info, members[info.filename])


def _xml_unescape(text: str) -> str:
    return (
        text.replace("&quot;", '"')
        .replace("&apos;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
    )


def repair_in_place(src, **options) -> RepairReport:
    """Repair ``src`` itself, keeping the original byte for byte as ``IN.xlsx.bak`` (or, when that
    exists already, the first free ``IN.xlsx.2.bak``, ``IN.xlsx.3.bak`` …: a backup is never replaced).

    The repaired file is written in full to a temp file first; only then is the backup made (a hard
    link to the original, or a copy) and the temp file renamed over ``src``. Any failure before the
    rename leaves ``src`` untouched and removes both the temp file and the backup made by this run."""
    src = os.fspath(src)
    if os.path.islink(src):
        raise YouzhiError(f"原檔是符號連結（捷徑），不直接修改：{src}；請用 -o 另存新檔")
    if check_file is not None:
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
