"""`youzhi repair IN.xlsx -o OUT.xlsx` (or `--in-place`, keeping IN.xlsx.bak): rewrite the computed cells."""

from __future__ import annotations

import argparse

from youzhi.cmd.rollup import add_school_arguments, school_option
from youzhi.errors import YouzhiError
from youzhi.output import check_output, same_file


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="IN", help="要修復的經費表 (.xlsx / .xlsm)")
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("-o", "--output", metavar="OUT", help="修復後的新檔案（原檔不變）")
    target.add_argument(
        "--in-place",
        action="store_true",
        help="直接修復原檔，原檔備份為 IN.xlsx.bak（已有備份時為 IN.xlsx.2.bak …，不覆蓋舊備份）",
    )
    parser.add_argument("--force", action="store_true", help="輸出檔已存在時覆寫（不可覆寫原檔）")
    parser.add_argument(
        "--with-ledger", action="store_true", help="加入「支用明細」與「執行進度報告表」（已有者不動）"
    )
    add_school_arguments(parser)


def run(args: argparse.Namespace) -> int:
    from youzhi.repair import repair_in_place, repair_workbook  # openpyxl: imported when used

    options = {"school": school_option(args), "programme": args.programme, "academic_year": args.year}
    options["with_ledger"] = args.with_ledger
    if args.in_place:
        report = repair_in_place(args.file, **options)
        where = f"{args.file}（原檔備份為 {report.backup}）"
    else:
        if same_file(args.output, args.file):
            raise YouzhiError("輸出檔不可與原檔相同；要直接修復原檔請用 --in-place")
        check_output(args.output, inputs=[args.file], force=args.force)
        report = repair_workbook(args.file, args.output, **options)
        where = args.output
    budget = report.budget
    print(f"已修復：{where}")
    print(f"  y-1 概算表 {len(budget.sheets)} 張，重寫計算儲存格 {report.y1_cells} 格（總價、小計、合計）")
    for label, cells in (
        ("重建彙總表", report.rebuilt),
        ("新增工作表", report.created),
        ("數量或單價為文字，總價以數值寫入", report.text_lines),
        ("原本手填的數字已改為公式，原值保留在儲存格註解", report.typed_kept),
        ("已移除控制字元（不可見字元）", report.cleaned),
        ("位於合併儲存格內、未改寫", report.skipped),
    ):
        if cells:
            print(f"  {label}：{'、'.join(cells)}")
    if report.drawings:
        print(
            f"  注意：原檔含圖片、圖表或圖案（{len(report.drawings)} 個），修復後的檔案可能未保留，請開啟核對"
        )
    if budget.problems:
        print(f"  讀取時發現 {len(budget.problems)} 個問題（詳見 youzhi rollup）")
    print("  開啟檔案時 Excel 會重新計算所有公式。")
    return 0
