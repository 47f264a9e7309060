"""An annotated copy of a workbook: offending cells filled, a note on each, a 檢核結果 sheet.

``annotate(src, findings, dest)`` never touches ``src``: it writes ``dest`` atomically (a temporary
file in the same folder, then ``os.replace``). Only fills and notes change on the budget's own
sheets; the findings are listed on an added sheet ``檢核結果`` with a link to each cell.
The colours and the note text builder are module-level names the xlwings add-in reuses.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

from validators.finding import SEVERITY_LABELS, SEVERITY_RANK  # re-exported: macros, the CLI
from youzhi.errors import UnreadableWorkbook, YouzhiError, reason_of
from youzhi.output import atomic_path
from youzhi.safety import clean_workbook, openable, put_value, strip_controls
from youzhi.xlsx_fixups import add_cached_values, fix_package, kept_cached_values

# Fill colours by severity (RGB hex, Excel's own "bad" red and "neutral" yellow); info: no fill.
COLOURS = {"error": "FFC7CE", "warning": "FFEB9C"}
RESULT_SHEET = "檢核結果"
NOTE_AUTHOR = "youzhi 檢核"
RESULT_HEADER = ("嚴重度", "規則", "工作表", "儲存格", "說明", "數值", "上限", "依據")
NOTE_WIDTH, NOTE_LINE_HEIGHT = 320, 18


def note_text(finding) -> str:
    """The note on a cell for one finding: rule, message, limit, citation (zh-TW)."""
    lines = [f"[{SEVERITY_LABELS.get(finding.severity, finding.severity)}] {finding.rule}", finding.message]
    if finding.limit not in (None, ""):
        lines.append(f"上限／基準：{finding.limit}")
    if getattr(finding, "citation", ""):
        lines.append(f"依據：{finding.citation}")
    return "\n".join(lines)


def cell_note(findings) -> str:
    """One note for all findings on a cell, worst first."""
    ordered = sorted(findings, key=lambda f: SEVERITY_RANK.get(f.severity, 3))
    return "\n\n".join(note_text(f) for f in ordered)


def worst(findings) -> str:
    return min((f.severity for f in findings), key=lambda s: SEVERITY_RANK.get(s, 3))


# openpyxl is imported where it is used: macros.py imports this module for its constants, and
# Excel's save path must not pay for openpyxl.


def fill_for(severity: str):
    """The solid ``PatternFill`` for a severity, or None (info: no fill)."""
    from openpyxl.styles import PatternFill

    colour = COLOURS.get(severity)
    return PatternFill(fill_type="solid", start_color=colour, end_color=colour) if colour else None


def _anchor(ws, address: str) -> str:
    """The top-left cell of a merged range containing ``address`` (else ``address``)."""
    for merged in ws.merged_cells.ranges:
        if address in merged:
            return merged.start_cell.coordinate
    return address


def _valid(address: str) -> bool:
    from openpyxl.utils.cell import coordinate_from_string

    try:
        coordinate_from_string(address)
    except (ValueError, TypeError):
        return False
    return True


def _mark(ws, address: str, findings: list) -> None:
    from openpyxl.comments import Comment

    cell = ws[_anchor(ws, address)]
    fill = fill_for(worst(findings))
    if fill is not None:
        cell.fill = fill
    text = strip_controls(cell_note(findings))
    if cell.comment is not None and cell.comment.text:
        text = f"{cell.comment.text}\n\n{text}"
    comment = Comment(text, NOTE_AUTHOR)
    comment.width = NOTE_WIDTH
    comment.height = NOTE_LINE_HEIGHT * min(40, text.count("\n") + 3)
    cell.comment = comment


def _result_sheet(wb, findings: list) -> None:
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.hyperlink import Hyperlink

    if RESULT_SHEET in wb.sheetnames:
        del wb[RESULT_SHEET]
    ws = wb.create_sheet(RESULT_SHEET)
    _append(ws, RESULT_HEADER)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    link_font = Font(color="0563C1", underline="single")
    for f in findings:
        _append(
            ws,
            [
                SEVERITY_LABELS.get(f.severity, f.severity),
                f.rule,
                f.sheet,
                f.cell,
                f.message,
                "" if f.value is None else f.value,
                "" if f.limit is None else f.limit,
                getattr(f, "citation", ""),
            ],
        )
        row = ws.max_row
        fill = fill_for(f.severity)
        if fill is not None:
            ws.cell(row, 1).fill = fill
        if f.sheet in wb.sheetnames and _valid(f.cell):
            target = ws.cell(row, 4)
            location = f"'{f.sheet.replace(chr(39), chr(39) * 2)}'!{f.cell}"
            target.hyperlink = Hyperlink(ref=target.coordinate, location=location, display=f.cell)
            target.font = link_font
        ws.cell(row, 5).alignment = Alignment(wrap_text=True, vertical="top")
    if not findings:
        _append(ws, ["", "", "", "", "未發現任何問題"])
    for col, width in zip(range(1, 9), (8, 8, 14, 8, 70, 12, 12, 50), strict=True):
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = "A2"
    _print_setup(ws)


def _print_setup(ws) -> None:
    """A4 landscape, one page wide, header row on every page, page numbers in the footer, amounts
    (值、上限) with thousands separators."""
    for row in ws.iter_rows(min_row=2, min_col=6, max_col=7):
        for cell in row:
            if isinstance(cell.value, int):
                cell.number_format = "#,##0"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"
    ws.oddFooter.center.text = "第 &P 頁，共 &N 頁"


def _append(ws, values) -> None:
    """``ws.append`` turns text starting with ``=`` into a formula: findings quote submitted text (item,
    unit, purpose, sheet name), so every value is put as text (control characters dropped)."""
    row = ws.max_row + 1 if ws.max_row > 1 or ws.cell(1, 1).value is not None else 1
    for col, value in enumerate(values, start=1):
        put_value(ws.cell(row, col), value)


def annotate(src, findings: Iterable, dest) -> Path:
    """Write ``dest``: ``src`` with the findings' cells filled and noted, plus a 檢核結果 sheet."""
    src, dest = Path(src), Path(dest)
    if src.resolve() == dest.resolve():
        raise YouzhiError("標註檔不可覆寫原檔，請指定另一個輸出檔名")
    findings = list(findings)
    keep_vba = src.suffix.lower() == ".xlsm"
    if keep_vba and dest.suffix.lower() != ".xlsm":
        raise YouzhiError("原檔含巨集（.xlsm），標註檔也須以 .xlsm 為副檔名")
    from openpyxl import load_workbook

    try:
        wb = load_workbook(openable(src), keep_vba=keep_vba, rich_text=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise UnreadableWorkbook(f"無法開啟 {src.name} 以加註：{reason_of(exc)}") from None
    clean_workbook(wb)  # control characters in the submission: openpyxl could not save them
    by_cell: dict[tuple[str, str], list] = defaultdict(list)
    for f in findings:
        if f.sheet in wb.sheetnames and f.sheet != RESULT_SHEET and _valid(f.cell):
            by_cell[(f.sheet, f.cell)].append(f)
    for (sheet, address), group in by_cell.items():
        _mark(wb[sheet], address, group)
    _result_sheet(wb, findings)
    wb.calculation.fullCalcOnLoad = True  # Excel recomputes on load all the same
    kept = kept_cached_values(wb, src)  # annotating changes no formula: the input's results hold
    with atomic_path(dest) as tmp:
        wb.save(tmp)
        fix_package(tmp)  # one shape-id block per comment drawing, as Excel numbers them
        add_cached_values(tmp, kept)  # the input's results, which openpyxl drops: viewers show them
    return dest
