"""`youzhi settle FILE -o 結算表.xlsx [--paid N] [--reason 文字] [--json] [--force]`: 收支結算表 (附件六)."""

from __future__ import annotations

import argparse
import json
import os
import sys

from youzhi.cmd.progress import load
from youzhi.cmd.rollup import add_school_arguments
from youzhi.errors import YouzhiError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help="含「支用明細」的經費表 (.xlsx / .xlsm)")
    parser.add_argument("-o", "--output", required=True, help="輸出的收支結算表 (.xlsx)")
    parser.add_argument(
        "--paid",
        type=int,
        metavar="元",
        help="教育部撥付金額 C（元）；未填時取「執行進度報告表」的已撥經費欄",
    )
    parser.add_argument("--reason", default="", metavar="文字", help="執行率未達 80% 之原因說明（此時必填）")
    parser.add_argument("--json", action="store_true", help="另在標準輸出印出 JSON（金額為整數元）")
    parser.add_argument("--force", action="store_true", help="輸出檔已存在時覆寫")
    add_school_arguments(parser)


def _check_output(args: argparse.Namespace) -> None:
    out = args.output
    if not out.lower().endswith(".xlsx"):
        raise YouzhiError(f"輸出檔名須為 .xlsx：{out}")
    if os.path.isdir(out):
        raise YouzhiError(f"輸出路徑是資料夾：{out}")
    if os.path.exists(out) and os.path.exists(args.file) and os.path.samefile(out, args.file):
        raise YouzhiError("輸出檔不可與經費表相同")
    if os.path.exists(out) and not args.force:
        raise YouzhiError(f"檔案已存在：{out}（如確定要覆寫請加 --force）")


def run(args: argparse.Namespace) -> int:
    from youzhi.settle import settle, to_json
    from youzhi.settle_sheet import write_settlement

    _check_output(args)
    budget, ledger, paid = load(args)
    if paid is None:
        raise YouzhiError("請以 --paid 指定教育部撥付金額（元），或填寫「執行進度報告表」的已撥經費欄")
    result = settle(budget, ledger, paid=paid, reason=args.reason)
    if result.needs_reason and not result.reason:
        rate = float(result.rate * 100)
        raise YouzhiError(
            f'執行率 {rate:.2f}% 未達 80%，依收支結算表備註六須敘明原因：請加 --reason "原因說明"'
        )
    write_settlement(result, args.output)
    data = to_json(result)
    if args.json:
        json.dump(data, sys.stdout, ensure_ascii=False, indent=1)
        print()
        return 0
    total = data["合計"]
    print(f"已產生 {args.output}（教育部補(捐)助經費收支結算表，金額：元）")
    print(f"  A 核定計畫金額 {total['A']:,}　B 核定補(捐)助金額 {total['B']:,}　C 撥付金額 {total['C']:,}")
    print(f"  D 補(捐)助比率 {total['D']}　E 實支總額 {total['E']:,}　F 結餘款 {total['F']:,}")
    print(f"  G 依公式應繳回教育部結餘款 {total['G']:,}（G = F × D − (B − C)，以全案合計數計算）")
    print(f"  執行率 {data['執行率']}")
    if result.shares:
        print("  支出機關分攤表：" + "、".join(f"{n} {a:,}" for n, a in result.shares))
    if result.requested:
        print(f"  注意：支用明細尚有請購未付 {result.requested:,} 元，未列入實支總額")
    return 0
