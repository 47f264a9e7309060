"""The add-in's execution year (issue 14): 執行進度 and 結算表, as ``youzhi progress`` / ``youzhi
settle`` do them for a file. Each takes the caller's book first (``macros.py`` passes
``xw.Book.caller()``)."""

from __future__ import annotations

from pathlib import Path

from youzhi import xlwings_adapter as xa
from youzhi.addin_ribbon import ON_SAVE_LIMIT, TITLE, documents_folder, free_name, guarded, open_file, read
from youzhi.errors import YouzhiError
from youzhi.money import normalise_text, parse_number


def _execution(book, paid_text=None):
    """(budget, ledger, 已撥經費) of the book, as ``youzhi progress`` reads a file."""
    from youzhi.ledger import read_ledger
    from youzhi.progress import paid_on_sheet

    budget, grids = read(book)
    ledger = read_ledger(grids)
    paid = None
    if paid_text not in (None, ""):
        parsed = parse_number(normalise_text(str(paid_text)))
        if parsed.value is None or parsed.value < 0 or parsed.value != parsed.value.to_integral_value():
            raise YouzhiError(f"撥付金額請輸入整數元，收到「{paid_text}」")
        paid = int(parsed.value)
    return budget, ledger, paid if paid is not None else paid_on_sheet(grids)


@guarded
def progress(book) -> str:
    """執行進度: the 執行進度報告表 figures, tranches and flags as a message (``youzhi progress``);
    a workbook without 支用明細 gets it and the 執行進度報告表 (as ``repair --with-ledger``)."""
    from youzhi.progress import compute, to_json
    from youzhi.progress_sheet import execution_sheets

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


@guarded
def settle(book, paid=None, reason=None) -> str:
    """結算表: write the 收支結算表 (附件六) next to the workbook (never over a file) and open it."""
    from youzhi.settle import settle as compute_settlement
    from youzhi.settle_sheet import write_settlement

    budget, ledger, paid_yuan = _execution(book, paid)
    if ledger.sheet is None:
        raise YouzhiError("此活頁簿沒有「支用明細」；請先按「執行進度」加入並登錄支出")
    if paid_yuan is None:
        raise YouzhiError("請輸入教育部撥付金額（元），或填寫「執行進度報告表」的已撥經費欄")
    result = compute_settlement(budget, ledger, paid=paid_yuan, reason=str(reason or ""))
    if result.needs_reason and not result.reason:
        raise YouzhiError(f"執行率 {float(result.rate * 100):.2f}% 未達 80%，依收支結算表備註六須敘明原因")
    source = xa._fullname(book)
    # next to the saved workbook; an unsaved book's file goes where 新年度範本 writes
    folder = Path(source).parent if source and Path(source).is_absolute() else documents_folder()
    path = write_settlement(result, free_name(folder, f"{budget.academic_year}學年度收支結算表"))
    message = f"已寫出「{path}」：依公式應繳回教育部結餘款 {result.g:,} 元。"
    xa.alert(book, message, TITLE)
    open_file(book, path)
    return message
