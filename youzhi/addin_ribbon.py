"""The add-in's 檢核, 清除標示, 彙總/修復 and the before-save check, on the workbook it is given.

``macros.py`` (the module xlwings imports) hands each action ``xw.Book.caller()``: the workbook in
Excel or, in the tests, a book built by xlwings' remote engine from a real file (then every write is
a recorded action). Everything goes through ``youzhi.xlwings_adapter``; no xlwings import here.
Also the steps the other ribbon actions share (``guarded``, ``free_name``, ``open_file`` …).

Nothing here ever blocks a save or changes what the user typed: marks are fills, notes and a
``檢核結果`` sheet, all removed by ``clear_marks``; repair writes only computed cells.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

from youzhi import annotate, forms, pipeline
from youzhi import xlwings_adapter as xa
from youzhi import xlwings_marks as xm
from youzhi import xlwings_repair as xr
from youzhi.errors import UnreadableWorkbook, YouzhiError
from youzhi.money import format_kiloyuan, normalise_text, parse_number, yuan_to_cell

TITLE = "優質化"
# The file annotator's sheet name, colours, labels and note text (youzhi.annotate) are reused here,
# so a workbook checked in Excel looks like one checked by ``youzhi check --annotate``.
RESULT_SHEET = annotate.RESULT_SHEET
SEVERITY_LABELS = annotate.SEVERITY_LABELS
FILLS = {severity: f"#{colour}" for severity, colour in annotate.COLOURS.items()}  # info: no fill
# The add-in's 檢核結果 has the annotator's columns plus two that let 清除標示 undo exactly its marks.
MARKED, OLD_FILL = "標示", "原底色"
RESULT_HEADER = [*annotate.RESULT_HEADER, MARKED, OLD_FILL]
ON_SAVE_LIMIT = 10  # findings listed in the before-save message


# --------------------------------------------------------------------------- shared steps


def guarded(action):
    """Show a user-facing error (YouzhiError) as one zh-TW message box instead of a traceback.

    The action takes the caller's book first."""

    @functools.wraps(action)
    def run(book, *args, **kwargs):
        try:
            return action(book, *args, **kwargs)
        except YouzhiError as exc:
            xa.alert(book, str(exc), TITLE)
            return str(exc)

    return run


def read(book):
    """The book as (``Budget``, grids); ``UnreadableWorkbook`` when it is not a budget form."""
    from youzhi.reader import read_grids

    grids = xa.grids_from_book(book)
    return read_grids(grids), grids


def checked(book):
    """The live book through the one check pipeline (``youzhi.pipeline``, as ``youzhi check``):
    what it finds, reader problems included (rule YZ001); ``UnreadableWorkbook`` when it is no form."""
    from youzhi.forms.registry import TABLE_SHEETS

    return pipeline.check_grids(xa.grids_from_book(book, unread=TABLE_SHEETS))  # as check_file


def free_name(folder: Path, stem: str) -> Path:
    """``stem.xlsx`` in ``folder``, or ``stem (2).xlsx`` … so that no existing file is ever replaced."""
    path, n = folder / f"{stem}.xlsx", 1
    while path.exists():
        n += 1
        path = folder / f"{stem} ({n}).xlsx"
    return path


def documents_folder() -> Path:
    """Where a file of no saved workbook goes: ``YOUZHI_TEMPLATE_DIR``, else Documents, else home."""
    folder = Path(os.environ.get("YOUZHI_TEMPLATE_DIR") or Path.home() / "Documents")
    return folder if folder.is_dir() else Path.home()


def open_file(book, path: Path) -> None:
    """Open a file in the book's Excel; on engines that cannot open files say where it is."""
    try:
        book.app.books.open(str(path))
    except (NotImplementedError, AttributeError, TypeError):
        xa.alert(book, f"已寫出「{path}」，請在 Excel 中開啟。", TITLE)


def parse_year(value) -> int:
    """A 學年度 as typed in the ribbon's box or a cell (民國年, full-width digits allowed)."""
    parsed = parse_number(normalise_text(str(value)) if value is not None else None)
    if (
        parsed.value is None
        or parsed.value != parsed.value.to_integral_value()
        or not 90 <= parsed.value <= 200
    ):
        raise YouzhiError(f"學年度請輸入民國年（例如 114），收到「{value or ''}」")
    return int(parsed.value)


_PROGRAMME_WORDS = {"1": "senior-high", "高中": "senior-high", "2": "vocational", "高職": "vocational"}


def parse_programme(value) -> str:
    """A programme id from 1 / 2, 高中 / 高職 or the id itself (blank: 高中優質化)."""
    text = normalise_text(str(value or "1"))
    if text in forms.PROGRAMMES:
        return text
    for word, programme_id in _PROGRAMME_WORDS.items():
        if text == word or (len(word) > 1 and word in text):
            return programme_id
    raise YouzhiError(f"方案請輸入 1（高中優質化）或 2（高職優質化），收到「{value}」")


# --------------------------------------------------------------------------- 檢核, 清除標示


@guarded
def check(book) -> str:
    """檢核: mark every finding (fill + note), list them on 檢核結果, and say how it went."""
    _clear(book)
    findings = checked(book).worst_first()
    by_cell: dict[tuple[str, str], list] = {}
    for f in findings:
        if f.sheet and f.cell:
            by_cell.setdefault((f.sheet, f.cell.upper()), []).append(f)
    marks = [
        xm.Mark(sheet, cell, FILLS.get(annotate.worst(group), ""), annotate.cell_note(group))
        for (sheet, cell), group in by_cell.items()
    ]
    placed = {(p.mark.sheet, p.mark.cell.upper()): p for p in xm.place_marks(book, marks)}
    rows = [list(RESULT_HEADER)]
    for f in findings:
        # A cell's mark is recorded once, on its first finding, so that clearing undoes it once.
        p = placed.pop((f.sheet, f.cell.upper()), None)
        how = "+".join(w for w, done in (("底色", p and p.filled), ("註解", p and p.noted)) if done)
        label = SEVERITY_LABELS.get(f.severity, f.severity)
        value = "" if f.value is None else f.value
        limit = "" if f.limit is None else f.limit
        old = p.old_fill if p else ""
        rows.append([label, f.rule, f.sheet, f.cell, f.message, value, limit, f.citation, how, old])
    if not findings:
        rows.append(["", "", "", "", "未發現任何問題"])
    widths = {1: 8, 2: 8, 3: 14, 4: 8, 5: 70, 6: 12, 7: 12, 8: 50, 9: 10, 10: 0}
    sheet = xa.write_table(book, RESULT_SHEET, rows, widths=widths)
    xa.print_setup(sheet, len(rows), amount_columns=(6, 7))  # 數值、上限
    if not findings:
        message = "檢核完成：未發現問題。"
    else:
        marked = len(by_cell)
        counts = pipeline.counts_text(findings)
        message = f"檢核完成：{counts}。已標示 {marked} 個儲存格，詳見「{RESULT_SHEET}」工作表。"
    xa.alert(book, message, TITLE)
    return message


@guarded
def clear_marks(book) -> str:
    """清除標示: remove the fills and notes the tool added, and the 檢核結果 sheet."""
    removed = _clear(book)
    message = f"已清除 {removed} 個儲存格的檢核標示。" if removed else "沒有需要清除的檢核標示。"
    xa.alert(book, message, TITLE)
    return message


def _clear(book) -> int:
    """Undo the marks listed on 檢核結果 (fill restored, the tool's own note deleted); drop the sheet.

    A 檢核結果 written by ``youzhi check --annotate`` has no 標示 column: its fills are cleared and
    its notes, which may hold the user's own text, are left alone.
    """
    rows = xa.read_table(book, RESULT_SHEET)
    if rows is None:
        return 0
    header = next((i for i, r in enumerate(rows) if list(r[:4]) == list(annotate.RESULT_HEADER[:4])), None)
    removed = 0
    if header is not None:
        names = [str(v or "") for v in rows[header]]
        at = {name: names.index(name) for name in ("工作表", "儲存格", MARKED, OLD_FILL) if name in names}
        done = set()
        for row in rows[header + 1 :]:
            row = list(row) + [None] * (len(names) - len(row))
            sheet, cell = row[at["工作表"]], row[at["儲存格"]]
            how = str(row[at[MARKED]] or "") if MARKED in at else "底色"
            old = str(row[at[OLD_FILL]] or "") if OLD_FILL in at else ""
            if not (sheet and cell and how) or (sheet, cell) in done:
                continue
            done.add((sheet, cell))
            if xm.remove_mark(
                book, str(sheet), str(cell), filled="底色" in how, noted="註解" in how, old_fill=old
            ):
                removed += 1
    xa.delete_sheet(book, RESULT_SHEET)
    return removed


def on_save(book) -> str:
    """Before every save of a workbook that looks like a budget form: warn with a short list of
    what is wrong. Never writes to the workbook, never raises (the save always goes ahead).
    Returns the message shown ("" when nothing was shown)."""
    try:
        try:
            found = checked(book)
        except UnreadableWorkbook:
            return ""  # not a 優質化 workbook after all
        findings = [f for f in found.worst_first() if f.severity in ("error", "warning")]
        if not findings:
            return ""
        lines = [f"存檔前檢核：{pipeline.counts_text(findings)}（檔案照常儲存）。"]
        for f in findings[:ON_SAVE_LIMIT]:
            where = f"{f.sheet}!{f.cell}" if f.sheet and f.cell else (f.sheet or "活頁簿")
            lines.append(f"・{where}　{f.message}")
        if len(findings) > ON_SAVE_LIMIT:
            lines.append(f"…另有 {len(findings) - ON_SAVE_LIMIT} 項。")
        lines.append("按「優質化」索引標籤的「檢核」可標示所有儲存格。")
        message = "\n".join(lines)
        xa.alert(book, message, TITLE)
        return message
    except Exception as exc:  # the save must go ahead whatever happens here
        try:
            message = f"存檔前檢核未能完成（檔案照常儲存）：{exc}"
            xa.alert(book, message, TITLE)
            return message
        except Exception:
            return ""


# --------------------------------------------------------------------------- 彙總/修復


@guarded
def repair(book) -> str:
    """彙總/修復, as ``youzhi repair`` does it, in the open workbook: the same ``repair_plan.plan``
    (y-1 formulas, y-2/y-3/y-4 rebuilt or added, 基本資料 / 參數 / lookup tables, typed values kept in
    notes), applied through ``xlwings_repair.apply_plan``."""
    from youzhi import rollup
    from youzhi.repair_plan import plan

    budget, grids = read(book)
    done = plan(budget, grids, formulas=xr.formula_cells(book))
    missed = xr.apply_plan(book, done)
    total = yuan_to_cell(rollup.grand_total(budget))
    message = f"已重寫 {done.y1_cells} 個 y-1 計算儲存格" + _repair_text(done, missed)
    message += f"全學年合計 {total:,.3f} 千元。{_match_text(rollup.match(budget))}"
    xa.alert(book, message, TITLE)
    return message


def _repair_text(done, missed: list[str]) -> str:
    """What the repair rebuilt, added and kept, in a sentence."""
    from youzhi.reader import SCHOOL_SHEET
    from youzhi.repair_plan import PutSheet, SetCells

    school = any(isinstance(op, SetCells) and op.sheet == SCHOOL_SHEET for op in done.ops)
    added = [
        f"{'隱藏的' if op.spec.hidden else ''}「{op.spec.name}」"
        for op in done.ops
        if isinstance(op, PutSheet) and op.into is None and op.spec.name not in done.summaries
    ]
    text = f"，{'' if added else '並'}重建 {'、'.join(done.summaries + [SCHOOL_SHEET] * school)}"
    text += f"，並新增{'與'.join(added)}工作表" if added else ""
    kept = [ref for ref in done.typed_kept if ref not in missed]
    if kept:
        text += f"；原填的 {len(kept)} 個數值已保留在儲存格附註"
    if missed:
        text += f"；{len(missed)} 個原填數值因該格已有附註無法附記：{'、'.join(missed)}"
    return text + "。"


def _match_text(match) -> str:
    """The county match in a sentence (empty when the school owes none or its county is unknown)."""
    if not match.needed or match.tier is None:
        return ""
    text = f"應編配合款 {format_kiloyuan(match.required)} 千元，已編 {format_kiloyuan(match.budgeted)} 千元"
    if match.shortfall:
        text += f"，不足 {format_kiloyuan(match.shortfall)} 千元"
    return text + "。"
