"""The reviewer's workbook of a diff: 摘要, 逐筆差異 (with filters) and a marked copy of NEW.

Made with openpyxl from NEW's bytes: NEW's own sheets keep everything, only fills and notes are
added (changed cells shaded, a note with the old value; added and moved lines shaded whole). The
inputs are never modified; the output is written atomically (temporary file, then rename).
Figures on 摘要 and 逐筆差異 are plain numbers in 元 (no formulas), text is always written as text.
"""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import MergedCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from validators.finding import SEVERITY_LABELS
from youzhi.batch_report import atomic_output
from youzhi.diff import ADDED, KIND_LABELS, MOVED, REMOVED, Diff, FieldChange, LineChange
from youzhi.diff_rules import Approval
from youzhi.errors import UnreadableWorkbook, YouzhiError
from youzhi.money import format_kiloyuan
from youzhi.xlsx_fixups import add_cached_values, fix_package, kept_cached_values

SUMMARY_SHEET, LINES_SHEET = "摘要", "逐筆差異"
NOTE_AUTHOR = "youzhi 比較版本"
FILLS = {"changed": "FFEB9C", ADDED: "C6EFCE", MOVED: "BDD7EE"}  # Excel's neutral, good, blue
MONEY_FIELDS = {"單價", "總價"}
MONEY = "#,##0"
BOLD = Font(bold=True)
LINE_HEADER = (
    "變更", "經費項目", "原子計畫", "原學期", "原位置", "新子計畫", "新學期", "新位置",
    "原名稱", "新名稱", "原數量", "新數量", "原單價(元)", "新單價(元)", "原總價(元)", "新總價(元)",
    "差額(元)", "原經費來源", "新經費來源", "原說明用途", "新說明用途", "原經常/資本", "新經常/資本",
    "變更欄位",
)  # fmt: skip


def _fill(colour: str) -> PatternFill:
    return PatternFill(fill_type="solid", start_color=colour, end_color=colour)


def shown(label: str, value: object) -> str:
    """A field value as a reviewer reads it (money in 元 and 千元, quantities without trailing 0)."""
    if value is None or value == "":
        return "（空白）"
    if label in MONEY_FIELDS and isinstance(value, int):
        return f"{value:,} 元（{format_kiloyuan(value)} 千元）"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


def _put(ws, row: int, col: int, value: object):
    """Write a value; text stays text even when it starts with '=' (no formula from a school's cell)."""
    cell = ws.cell(row, col)
    if isinstance(value, Decimal):
        value = int(value) if value == value.to_integral_value() else float(value)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
    elif isinstance(value, int):
        cell.number_format = MONEY
    return cell


def _note(cell, text: str) -> None:
    if cell.comment is not None and cell.comment.text:
        text = f"{cell.comment.text}\n{text}"
    comment = Comment(text, NOTE_AUTHOR)
    comment.width, comment.height = 300, 20 * min(30, text.count("\n") + 3)
    cell.comment = comment


# --- the copy of NEW --------------------------------------------------------------------------------


def mark_line(ws, change: LineChange) -> None:
    line = change.new.line
    cols = line.columns
    if change.kind in (ADDED, MOVED):
        colour = FILLS[change.kind]
        for col in range(min(cols.category, cols.item), max(cols.source, cols.purpose) + 1):
            ws.cell(line.row, col).fill = _fill(colour)
        where = (
            "新增的經費"
            if change.kind == ADDED
            else f"由 {change.old.place.label}（{change.old.place.sheet} 第 {change.old.place.row} 列）移來"
        )
        _note(ws[line.cell("item")], f"比較版本：{where}")
    for f in change.fields:
        cell = ws[line.cell(f.column)]
        if isinstance(cell, MergedCell):  # 一級用途別 merged down its section: note it on the name
            cell = ws[line.cell("item")]
        cell.fill = _fill(FILLS["changed"])
        _note(cell, f"比較版本：{f.label} 原為 {shown(f.label, f.old)}")


def mark_removed(wb, d: Diff, change: LineChange) -> None:
    """A removed line has no cell in NEW: note it on the header of its block there, if any."""
    place, line = change.old.place, change.old.line
    block = next((s for s in d.new.sheets if (s.code, s.semester) == (place.code, place.semester)), None)
    if block is None or block.layout is None or block.sheet not in wb.sheetnames:
        return
    columns = block.layout.columns
    cell = wb[block.sheet].cell(block.layout.header_row, min(columns.category, columns.item))
    _note(cell, f"比較版本：已刪除「{line.item}」（原 {place.sheet} 第 {place.row} 列，{line.amount:,} 元）")


def _marked_copy(new_path: Path | None):
    if new_path is None:  # a live book with no file: the summary sheets only
        wb = Workbook()
        wb.remove(wb.active)
        return wb
    try:
        data = new_path.read_bytes()
        return load_workbook(io.BytesIO(data), rich_text=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise UnreadableWorkbook(f"無法開啟 {new_path.name} 以標示差異：{exc}") from exc


# --- 摘要 -------------------------------------------------------------------------------------------


class _Writer:
    def __init__(self, ws):
        self.ws, self.row = ws, 1

    def line(self, *values, bold: bool = False) -> None:
        for col, value in enumerate(values, 1):
            if value is not None:
                cell = _put(self.ws, self.row, col, value)
                if bold:
                    cell.font = BOLD
        self.row += 1

    def table(self, title: str, header: tuple, rows: list[tuple]) -> None:
        self.line(title, bold=True)
        self.line(*header, bold=True)
        for r in rows:
            self.line(*r)
        self.row += 1


def _deltas(rows) -> list[tuple]:
    return [(x.label, x.old, x.new, x.difference) for x in rows]


def _finding_rows(findings) -> list[tuple]:
    return [
        (SEVERITY_LABELS.get(f.severity, f.severity), f.rule, f.sheet, f.cell, f.message, f.citation)
        for f in findings
    ]


def summary_sheet(ws, d: Diff, names: tuple[str, str], checks: list, approval: Approval | None) -> None:
    w = _Writer(ws)
    w.line("經費表版本比較", bold=True)
    w.line("原版本", names[0])
    w.line("新版本", names[1])
    w.line("學校", d.new.school.name or "（未填校名）", f"{d.new.academic_year}學年度")
    counts = {k: sum(1 for c in d.lines if c.kind == k) for k in KIND_LABELS}
    w.line("逐筆", "、".join(f"{KIND_LABELS[k]} {n} 筆" for k, n in counts.items()))
    if d.unchanged:
        w.line("結果", "兩個版本沒有差異")
    w.row += 1
    head = ("項目", "原版本(元)", "新版本(元)", "差額(元)")
    w.table("總經費", head, _deltas([d.total]))
    w.table("各子計畫（學期）", ("子計畫 學期", *head[1:]), _deltas(d.blocks))
    w.table("經費來源", head, _deltas(d.sources))
    w.table("經常門／資本門", head, _deltas(d.doors))
    w.table("一級用途別", head, _deltas(d.categories))
    w.table("y-4 經常門經費項目（全學年度）", head, _deltas(d.items))
    m0, m1 = d.match_old, d.match_new
    w.table(
        "配合款",
        head,
        [
            ("教育部補助款", m0.subsidy, m1.subsidy, m1.subsidy - m0.subsidy),
            ("應編配合款", m0.required, m1.required, m1.required - m0.required),
            ("已編配合款", m0.budgeted, m1.budgeted, m1.budgeted - m0.budgeted),
        ],
    )
    if approval is not None:
        rows = [(r.code, r.approved, r.budgeted, r.difference) for r in approval.rows]
        rows.append(("合計", approval.approved, approval.budgeted, approval.budgeted - approval.approved))
        w.table("核定金額", ("子計畫", "核定金額(元)", "新版本編列(元)", "超過(+)／不足(−)(元)"), rows)
        am = approval.match
        w.table(
            "依核定金額重算配合款",
            ("項目", "金額(元)"),
            [("核定補助款", am.subsidy), ("應編配合款", am.required), ("已編配合款", am.budgeted)],
        )
    fhead = ("嚴重度", "規則", "工作表", "儲存格", "說明", "依據")
    w.table(
        "經費變更規則（核撥結報作業要點 八）",
        fhead,
        _finding_rows(checks) or [("", "", "", "", "未發現問題")],
    )
    w.table("新版本新增的檢核問題", fhead, _finding_rows(d.appeared) or [("", "", "", "", "無")])
    w.table("新版本已改善的檢核問題", fhead, _finding_rows(d.disappeared) or [("", "", "", "", "無")])
    for col, width in zip("ABCDEF", (30, 18, 18, 16, 70, 50), strict=True):
        ws.column_dimensions[col].width = width


# --- 逐筆差異 ---------------------------------------------------------------------------------------


def _field(change: LineChange, label: str) -> FieldChange | None:
    return next((f for f in change.fields if f.label == label), None)


def line_row(c: LineChange) -> tuple:
    from youzhi.diff import door

    o, n = c.old, c.new

    def side(e, attr):
        if e is None:
            return None
        if attr == "door":
            return door(e.line)
        if attr == "amount":
            return e.line.amount
        return getattr(e.line, attr)

    return (
        KIND_LABELS[c.kind],
        c.item,
        o and o.place.code, o and o.place.semester.months, o and f"{o.place.sheet}!{o.line.cell('item')}",
        n and n.place.code, n and n.place.semester.months, n and f"{n.place.sheet}!{n.line.cell('item')}",
        side(o, "item"), side(n, "item"), side(o, "quantity"), side(n, "quantity"),
        side(o, "unit_price"), side(n, "unit_price"), side(o, "amount"), side(n, "amount"), c.difference,
        side(o, "source"), side(n, "source"), side(o, "purpose"), side(n, "purpose"),
        side(o, "door"), side(n, "door"),
        "、".join(f.label for f in c.fields),
    )  # fmt: skip


def lines_sheet(ws, d: Diff) -> None:
    for col, title in enumerate(LINE_HEADER, 1):
        _put(ws, 1, col, title).font = BOLD
    changes = d.changes
    for r, change in enumerate(changes, 2):
        for col, value in enumerate(line_row(change), 1):
            if value is not None:
                _put(ws, r, col, value)
        colour = FILLS.get(change.kind) or ("F8CBAD" if change.kind == REMOVED else FILLS["changed"])
        ws.cell(r, 1).fill = _fill(colour)
    last = max(2, len(changes) + 1)
    ws.auto_filter.ref = f"A1:{get_column_letter(len(LINE_HEADER))}{last}"
    ws.freeze_panes = "C2"
    for col in range(1, len(LINE_HEADER) + 1):
        ws.column_dimensions[get_column_letter(col)].width = 12
    for col in (2, 9, 10, 20, 21):
        ws.column_dimensions[get_column_letter(col)].width = 26
        for row in ws.iter_rows(min_row=2, min_col=col, max_col=col):
            row[0].alignment = Alignment(wrap_text=True, vertical="top")


# --- the whole ----------------------------------------------------------------------------------------


def write_report(
    d: Diff,
    old_path,
    new_path,
    dest,
    *,
    checks: list | None = None,
    approval: Approval | None = None,
    new_name: str = "",
) -> Path:
    """Write the reviewer's workbook to ``dest`` (never over either input). Without ``new_path``
    (a workbook open in Excel that has no file yet) only 摘要 and 逐筆差異 are written."""
    old_path, dest = Path(old_path), Path(dest)
    new_path = None if new_path is None else Path(new_path)
    inputs = [old_path.resolve()] + ([new_path.resolve()] if new_path else [])
    if dest.resolve() in inputs:
        raise YouzhiError("差異報告不可覆寫比較的檔案，請指定另一個輸出檔名")
    if dest.suffix.lower() != ".xlsx":
        raise YouzhiError("差異報告請以 .xlsx 為副檔名")
    wb = _marked_copy(new_path)
    for name in (SUMMARY_SHEET, LINES_SHEET):
        if name in wb.sheetnames:
            del wb[name]
    for change in d.changes:
        if change.new is not None and change.new.place.sheet in wb.sheetnames:
            mark_line(wb[change.new.place.sheet], change)
        elif change.kind == REMOVED and new_path is not None:
            mark_removed(wb, d, change)
    summary_sheet(
        wb.create_sheet(SUMMARY_SHEET, 0),
        d,
        (old_path.name, new_path.name if new_path else new_name),
        checks or [],
        approval,
    )
    lines_sheet(wb.create_sheet(LINES_SHEET, 1), d)
    wb.active = 0
    for ws in wb.worksheets:
        ws.sheet_view.tabSelected = ws.title == SUMMARY_SHEET
    wb.calculation.fullCalcOnLoad = True  # Excel recomputes on load all the same
    kept = {} if new_path is None else kept_cached_values(wb, new_path)  # marking changes no formula
    with atomic_output(str(dest), ".xlsx") as temp:
        wb.save(temp)
        fix_package(temp)  # one shape-id block per comment drawing, as Excel numbers them
        add_cached_values(temp, kept)  # NEW's results, which openpyxl drops: viewers show them
    return dest
