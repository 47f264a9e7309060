"""The Excel surface of youzhi: the 優質化 ribbon's macros and the ``YZ_*`` worksheet functions.

The add-in (``addin/youzhi.xlam``) calls these through xlwings' ``RunPython``; each macro is a
few lines over ``youzhi`` and ``validators`` through ``youzhi.xlwings_adapter``. They work on
whatever ``xw.Book.caller()`` returns: the workbook in Excel, or, in the tests, a book built by
xlwings' remote engine from a real file (then every write is a recorded action).

Nothing here ever blocks a save or changes what the user typed: marks are fills, notes and a
``檢核結果`` sheet, all removed by ``clear_marks``; repair writes only computed cells.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
from decimal import Decimal
from pathlib import Path

import xlwings as xw

from youzhi import annotate, forms, pipeline, tiers
from youzhi import xlwings_adapter as xa
from youzhi import xlwings_marks as xm
from youzhi import xlwings_repair as xr
from youzhi.errors import UnreadableWorkbook, YouzhiError
from youzhi.money import format_kiloyuan, normalise_text, parse_number, to_yuan, yuan_to_cell

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
BATCH_REPORT = "優質化批次檢核結果.xlsx"


# --------------------------------------------------------------------------- shared steps


def _caller():
    return xw.Book.caller()


def _read(book):
    """The caller's workbook as (``Budget``, grids); ``UnreadableWorkbook`` when it is not a budget form."""
    from youzhi.reader import read_grids

    grids = xa.grids_from_book(book)
    return read_grids(grids), grids


def _checked(book):
    """The live book through the one check pipeline (``youzhi.pipeline``, as ``youzhi check``):
    what it finds, reader problems included (rule YZ001); ``UnreadableWorkbook`` when it is no form."""
    return pipeline.check_grids(xa.grids_from_book(book))


def _guarded(macro):
    """Show a user-facing error (YouzhiError) as one zh-TW message box instead of a traceback."""

    @functools.wraps(macro)
    def run(*args, **kwargs):
        try:
            return macro(*args, **kwargs)
        except YouzhiError as exc:
            book = _caller()
            xa.alert(book, str(exc), TITLE)
            return str(exc)

    return run


def from_hex(text: str) -> str:
    """Decode what the add-in's VBA ``PyText`` sends: UTF-16 code units as 4 hex digits each."""
    return bytes.fromhex(text).decode("utf-16-be")


# --------------------------------------------------------------------------- ribbon macros


@_guarded
def check() -> str:
    """檢核: mark every finding (fill + note), list them on 檢核結果, and say how it went."""
    book = _caller()
    _clear(book)
    findings = _checked(book).worst_first()
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


@_guarded
def clear_marks() -> str:
    """清除標示: remove the fills and notes the tool added, and the 檢核結果 sheet."""
    book = _caller()
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


@_guarded
def repair() -> str:
    """彙總/修復, as ``youzhi repair`` does it, in the open workbook: the same ``repair_plan.plan``
    (y-1 formulas, y-2/y-3/y-4 rebuilt or added, 基本資料 / 參數 / lookup tables, typed values kept in
    notes), applied through ``xlwings_repair.apply_plan``."""
    from youzhi import rollup
    from youzhi.reader import read_grids
    from youzhi.repair_plan import plan

    book = _caller()
    grids = xa.grids_from_book(book)
    budget = read_grids(grids)
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


@_guarded
def new_template(academic_year=None, programme=None) -> str:
    """新年度範本: write a clean template for the 學年度 and 方案 the ribbon asked for, and open it."""
    from youzhi.template import write_template

    year = _year(academic_year)
    programme_id = _programme(programme)
    folder = Path(os.environ.get("YOUZHI_TEMPLATE_DIR") or Path.home() / "Documents")
    if not folder.is_dir():
        folder = Path.home()
    label = forms.programme(programme_id, year).short
    path = write_template(_free_name(folder, f"{year}學年度{label}經費表"), programme_id, year)
    _open(path)
    return str(path)


def _free_name(folder: Path, stem: str) -> Path:
    """``stem.xlsx`` in ``folder``, or ``stem (2).xlsx`` … so that no existing file is ever replaced."""
    path, n = folder / f"{stem}.xlsx", 1
    while path.exists():
        n += 1
        path = folder / f"{stem} ({n}).xlsx"
    return path


def _open(path: Path) -> None:
    """Open a file in the caller's Excel; on engines that cannot open files say where it is."""
    book = _caller()
    try:
        book.app.books.open(str(path))
    except (NotImplementedError, AttributeError, TypeError):
        xa.alert(book, f"已寫出「{path}」，請在 Excel 中開啟。", TITLE)


def _year(value) -> int:
    parsed = parse_number(normalise_text(str(value)) if value is not None else None)
    if (
        parsed.value is None
        or parsed.value != parsed.value.to_integral_value()
        or not 90 <= parsed.value <= 200
    ):
        raise YouzhiError(f"學年度請輸入民國年（例如 114），收到「{value or ''}」")
    return int(parsed.value)


_PROGRAMME_WORDS = {"1": "senior-high", "高中": "senior-high", "2": "vocational", "高職": "vocational"}


def _programme(value) -> str:
    text = normalise_text(str(value or "1"))
    if text in forms.PROGRAMMES:
        return text
    for word, programme_id in _PROGRAMME_WORDS.items():
        if text == word or (len(word) > 1 and word in text):
            return programme_id
    raise YouzhiError(f"方案請輸入 1（高中優質化）或 2（高職優質化），收到「{value}」")


@_guarded
def batch(folder=None) -> str:
    """批次檢核: check every workbook in the folder the ribbon picked and write the batch report there."""
    from youzhi.batch import collect, run_batch
    from youzhi.batch_report import write_xlsx

    if not folder:
        raise YouzhiError("批次檢核需在桌面版 Excel 中選擇資料夾")
    root = Path(folder)
    if not root.is_dir():
        raise YouzhiError(f"找不到資料夾「{folder}」")
    report = root / BATCH_REPORT
    files = collect([root], exclude=[str(report)])
    if not files:
        raise YouzhiError(f"資料夾「{folder}」中沒有 .xlsx 或 .xlsm 經費表")
    result = run_batch(files)
    try:
        write_xlsx(result, str(report))
    finally:
        close = getattr(result, "close", None)
        if close:
            close()
    message = f"已檢核 {len(files)} 個檔案，報告寫在「{report}」。"
    xa.alert(_caller(), message, TITLE)
    _open(report)
    return message


def on_save() -> str:
    """Called by the add-in before every save of a workbook that looks like a budget form.

    Warns with a short list of what is wrong; never writes to the workbook, never raises (the
    save always goes ahead). Returns the message shown ("" when nothing was shown).
    """
    try:
        book = _caller()
        try:
            checked = _checked(book)
        except UnreadableWorkbook:
            return ""  # not a 優質化 workbook after all
        findings = [f for f in checked.worst_first() if f.severity in ("error", "warning")]
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
            xa.alert(_caller(), message, TITLE)
            return message
        except Exception:
            return ""


# --------------------------------------------------------------------------- worksheet functions
# Money arguments arrive as Excel shows them: 千元 (2 = NT$2,000). Every function accepts a single
# value or a whole range (a list of rows) and then returns an array of the same shape, so a
# column of lines costs one call.


def _each(fn, *columns):
    """Apply ``fn`` cell-wise; ranges (lists of rows) give arrays, scalars give a scalar."""
    shaped = next((c for c in columns if isinstance(c, list)), None)
    if shaped is None:
        return fn(*columns)
    rows = [r if isinstance(r, list) else [r] for r in shaped]

    def at(column, i, j):
        if not isinstance(column, list):
            return column
        row = column[i] if i < len(column) else None
        if isinstance(row, list):
            return row[j] if j < len(row) else None
        return row if j == 0 else None

    return [[fn(*(at(c, i, j) for c in columns)) for j in range(len(row))] for i, row in enumerate(rows)]


def _kiloyuan_to_yuan(value) -> int | None:
    parsed = parse_number(value, in_kiloyuan=True)
    return None if parsed.value is None else to_yuan(parsed.value)


def _this_year() -> int:
    today = dt.date.today()
    return today.year - 1911 - (1 if today.month < 8 else 0)


def _udf_year(value) -> int:
    return _this_year() if value in (None, "") else _year(value)


@xw.func
@xw.arg("part", ndim=2)
@xw.arg("whole", ndim=2)
def YZ_RATIO(part, whole):
    """part ÷ whole, 0 when whole is 0 or blank (the guarded ratio of y-3 and y-4)."""

    def ratio(p, w):
        p_yuan, w_yuan = _kiloyuan_to_yuan(p), _kiloyuan_to_yuan(w)
        if not w_yuan:
            return 0.0
        return float(Decimal(p_yuan or 0) / Decimal(w_yuan))

    return _single(_each(ratio, part, whole))


@xw.func
@xw.arg("county", ndim=2)
def YZ_TIER(county, academic_year=None):
    """財力級次 (1–5) of a county in a 學年度 (臺/台 both accepted)."""

    def tier(c):
        if c in (None, ""):
            return ""
        try:
            return tiers.tier_of(tiers.normalise_county(str(c)), _udf_year(academic_year))
        except (tiers.TierError, YouzhiError) as exc:
            return str(exc)

    return _single(_each(tier, county))


@xw.func
@xw.arg("subsidy", ndim=2)
def YZ_MATCH(subsidy, county, academic_year=None, programme=None):
    """最低配合款 (千元) for a 教育部補助款 (千元): ⌈S(1−r)/r⌉ with the county's maximum rate r."""
    try:
        year = _udf_year(academic_year)
        rate = tiers.max_rate(
            _programme(programme), year, tiers.tier_of(tiers.normalise_county(str(county)), year)
        )
    except (tiers.TierError, YouzhiError) as exc:
        return str(exc)

    def required(s):
        yuan = _kiloyuan_to_yuan(s)
        return "" if yuan is None else yuan_to_cell(tiers.required_match(yuan, rate))

    return _single(_each(required, subsidy))


@xw.func
def YZ_CAP(item, kind=None, programme=None, academic_year=None):
    """The standard's per-unit cap of an item in 千元 (``kind``: 內聘, 外聘 … where it has cases)."""
    from validators.ruleset import rules_for
    from youzhi import items

    name = normalise_text(str(item or ""))
    wanted = normalise_text(str(kind or ""))
    programme_id, year = _programme(programme), _udf_year(academic_year)
    standard = items.identify(programme_id, year, None, name).standard or name
    caps = []
    for rule in rules_for(programme_id, year):
        if rule.kind == "equipment_cap" and isinstance(rule.limit, int):
            if _names_equipment(rule.params, name):
                return yuan_to_cell(rule.limit)
            continue
        if rule.kind not in ("unit_cap", "unit_range") or standard not in rule.items:
            continue
        for entry in rule.params.get("cases", []):
            if wanted and wanted == entry.get("label"):
                return yuan_to_cell(int(entry["limit"]))
        if isinstance(rule.limit, int) and rule.severity == "error":
            caps.append(rule.limit)
    return yuan_to_cell(max(caps)) if caps else ""


@xw.func
@xw.arg("item", ndim=2)
@xw.arg("unit", ndim=2)
@xw.arg("quantity", ndim=2)
@xw.arg("unit_price", ndim=2)
@xw.arg("purpose", ndim=2)
def YZ_CHECK_LINE(item, unit, quantity, unit_price, purpose, programme=None, academic_year=None):
    """What is wrong with a y-1 line (zh-TW reasons joined by "；"), "" when nothing is; 單價 in 千元."""
    from validators import check_line

    programme_id = _programme(programme)
    year = _udf_year(academic_year)

    def reasons(i, u, q, p, why):
        if i in (None, "") and q in (None, "") and p in (None, ""):
            return ""
        qty = parse_number(q)
        found = check_line(
            programme_id,
            year,
            normalise_text(str(i or "")),
            normalise_text(str(u or "")),
            qty.value,
            _kiloyuan_to_yuan(p),
            str(why or "").strip(),
        )
        return "；".join(f.message.rstrip("。") for f in found) + ("。" if found else "")

    return _single(_each(reasons, item, unit, quantity, unit_price, purpose))


def _names_equipment(params: dict, name: str) -> bool:
    """Whether an equipment rule's keywords (any / also / none) name this item."""
    text = name.lower()
    hits = [str(k).lower() for k in params.get("any", [])]
    also = [str(k).lower() for k in params.get("also", [])]
    none = [str(k).lower() for k in params.get("none", [])]
    return (
        any(k in text for k in hits)
        and not any(k in text for k in none)
        and (not also or any(k in text for k in also))
    )


def _single(result):
    """A 1×1 array as its value (a single cell gets a plain value, not a spilled array)."""
    if isinstance(result, list) and len(result) == 1 and isinstance(result[0], list) and len(result[0]) == 1:
        return result[0][0]
    return result


# --------------------------------------------------------------------------- 比較版本


@_guarded
def compare_versions(other=None) -> str:
    """比較版本: compare the open workbook (the new version) with another version picked in Excel,
    write the reviewer's workbook (摘要, 逐筆差異, the marked copy) next to it and open it.

    The open workbook is read from its saved file when it has one (the marked copy is made from
    those bytes, as ``youzhi diff -o`` does), else from the live book (then without the copy).
    """
    from youzhi.cmd.diff import compare, findings_for, load
    from youzhi.diff_report import write_report

    if not other:
        raise YouzhiError("比較版本需在桌面版 Excel 中選擇另一個版本的經費表")
    old_path = Path(other)
    if not old_path.is_file():
        raise YouzhiError(f"找不到檔案「{other}」")
    book = _caller()
    try:
        saved = Path(book.fullname).resolve()
    except Exception:  # an unsaved or remote book may not know its path
        saved = None
    new_file = saved if saved is not None and saved.is_file() else None
    if new_file is not None and new_file.resolve() == old_path.resolve():
        raise YouzhiError("請選擇另一個版本的經費表，而不是目前這個檔案")
    new = load(str(new_file)) if new_file else findings_for(*_read(book))
    d, checks, approval = compare(load(str(old_path)), new)
    folder = new_file.parent if new_file else old_path.parent
    stem = (new_file or Path(book.name)).stem
    report = _free_name(folder, f"{stem}_版本比較")
    write_report(d, old_path, new_file, report, checks=checks, approval=approval, new_name=book.name)
    changed = len(d.changes)
    errors = sum(1 for f in checks if f.severity == "error")
    summary = "兩個版本沒有差異" if d.unchanged else f"{changed} 筆經費有變動，經費變更規則錯誤 {errors} 項"
    message = f"已與「{old_path.name}」比較：{summary}。報告寫在「{report}」。"
    xa.alert(book, message, TITLE)
    _open(report)
    return message


# --------------------------------------------------------------------------- execution year (issue 14)


def _execution(book, paid_text=None):
    """(budget, ledger, 已撥經費) of the caller's workbook, as ``youzhi progress`` reads a file."""
    from youzhi.ledger import read_ledger
    from youzhi.progress import paid_on_sheet
    from youzhi.reader import read_grids

    grids = xa.grids_from_book(book)
    budget = read_grids(grids)
    ledger = read_ledger(grids)
    paid = None
    if paid_text not in (None, ""):
        parsed = parse_number(normalise_text(str(paid_text)))
        if parsed.value is None or parsed.value < 0 or parsed.value != parsed.value.to_integral_value():
            raise YouzhiError(f"撥付金額請輸入整數元，收到「{paid_text}」")
        paid = int(parsed.value)
    return budget, ledger, paid if paid is not None else paid_on_sheet(grids)


@_guarded
def progress() -> str:
    """執行進度: the 執行進度報告表 figures, tranches and flags as a message (``youzhi progress``);
    a workbook without 支用明細 gets it and the 執行進度報告表 (as ``repair --with-ledger``)."""
    from youzhi.progress import compute, to_json
    from youzhi.progress_sheet import execution_sheets

    book = _caller()
    budget, ledger, paid = _execution(book)
    if ledger.sheet is None:
        names = []
        for spec in execution_sheets(budget):
            if spec.name not in xa.sheet_names(book):
                xa.write_sheet(book, spec)
                xa.add_validations(book, spec)
                names.append(spec.name)
        message = f"已新增「{'」、「'.join(names)}」工作表；請在「支用明細」逐筆登錄支出後再按「執行進度」。"
        xa.alert(book, message, TITLE)
        return message
    data = to_json(compute(budget, ledger, paid=paid))
    lines = []
    for row in [*data["子計畫"], {"子計畫": "合計", **data["合計"]}]:
        rec, cap = row["經常門"], row["資本門"]
        lines.append(
            f"{row['子計畫']}：經常門 {rec['執行']:,}/{rec['核撥預算']:,} 元（{rec['執行率'] or '—'}），"
            f"資本門 {cap['執行']:,}/{cap['核撥預算']:,} 元（{cap['執行率'] or '—'}）"
        )
    pay = data["撥款"]
    lines.append(pay.get("說明") or "未填已撥經費，無法判斷可否請撥次期款")
    lines += [f"⚠ {f['說明']}" for f in data["提醒"][:ON_SAVE_LIMIT]]
    message = "\n".join(lines)
    xa.alert(book, message, TITLE)
    return message


@_guarded
def settle(paid=None, reason=None) -> str:
    """結算表: write the 收支結算表 (附件六) next to the workbook (never over a file) and open it."""
    from youzhi.settle import settle as compute_settlement
    from youzhi.settle_sheet import write_settlement

    book = _caller()
    budget, ledger, paid_yuan = _execution(book, paid)
    if ledger.sheet is None:
        raise YouzhiError("此活頁簿沒有「支用明細」；請先按「執行進度」加入並登錄支出")
    if paid_yuan is None:
        raise YouzhiError("請輸入教育部撥付金額（元），或填寫「執行進度報告表」的已撥經費欄")
    result = compute_settlement(budget, ledger, paid=paid_yuan, reason=str(reason or ""))
    if result.needs_reason and not result.reason:
        raise YouzhiError(f"執行率 {float(result.rate * 100):.2f}% 未達 80%，依收支結算表備註六須敘明原因")
    source = xa._fullname(book)
    folder = Path(source).parent if source and Path(source).is_absolute() else None
    if folder is None:  # an unsaved book: where 新年度範本 writes
        folder = Path(os.environ.get("YOUZHI_TEMPLATE_DIR") or Path.home() / "Documents")
        folder = folder if folder.is_dir() else Path.home()
    path = write_settlement(result, _free_name(folder, f"{budget.academic_year}學年度收支結算表"))
    message = f"已寫出「{path}」：依公式應繳回教育部結餘款 {result.g:,} 元。"
    xa.alert(book, message, TITLE)
    _open(path)
    return message
