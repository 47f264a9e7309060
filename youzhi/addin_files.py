"""The add-in's actions that write another workbook and open it: 新年度範本, 批次檢核, 比較版本.

Each takes the caller's book first (``macros.py`` passes ``xw.Book.caller()``) and never writes
over an existing file (``addin_ribbon.free_name``).
"""

from __future__ import annotations

from pathlib import Path

from youzhi import forms
from youzhi import xlwings_adapter as xa
from youzhi.addin_ribbon import (
    TITLE,
    documents_folder,
    free_name,
    guarded,
    open_file,
    parse_programme,
    parse_year,
    read,
)
from youzhi.errors import YouzhiError

BATCH_REPORT = "優質化批次檢核結果.xlsx"


@guarded
def new_template(book, academic_year=None, programme=None) -> str:
    """新年度範本: write a clean template for the 學年度 and 方案 the ribbon asked for, and open it."""
    from youzhi.template import write_template

    year = parse_year(academic_year)
    programme_id = parse_programme(programme)
    label = forms.programme(programme_id, year).short
    path = write_template(free_name(documents_folder(), f"{year}學年度{label}經費表"), programme_id, year)
    open_file(book, path)
    return str(path)


@guarded
def batch(book, folder=None) -> str:
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
    xa.alert(book, message, TITLE)
    open_file(book, report)
    return message


@guarded
def compare_versions(book, other=None) -> str:
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
    try:
        saved = Path(book.fullname).resolve()
    except Exception:  # an unsaved or remote book may not know its path
        saved = None
    new_file = saved if saved is not None and saved.is_file() else None
    if new_file is not None and new_file.resolve() == old_path.resolve():
        raise YouzhiError("請選擇另一個版本的經費表，而不是目前這個檔案")
    new = load(str(new_file)) if new_file else findings_for(*read(book))
    d, checks, approval = compare(load(str(old_path)), new)
    folder = new_file.parent if new_file else old_path.parent
    stem = (new_file or Path(book.name)).stem
    report = free_name(folder, f"{stem}_版本比較")
    write_report(d, old_path, new_file, report, checks=checks, approval=approval, new_name=book.name)
    changed = len(d.changes)
    errors = sum(1 for f in checks if f.severity == "error")
    summary = "兩個版本沒有差異" if d.unchanged else f"{changed} 筆經費有變動，經費變更規則錯誤 {errors} 項"
    message = f"已與「{old_path.name}」比較：{summary}。報告寫在「{report}」。"
    xa.alert(book, message, TITLE)
    open_file(book, report)
    return message
