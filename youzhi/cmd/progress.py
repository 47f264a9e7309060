"""`youzhi progress FILE [--as-of YYYY-MM-DD] [--paid N] [--json]`: the 執行進度報告表 figures."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date

from youzhi.cmd.rollup import add_school_arguments, school_option
from youzhi.errors import YouzhiError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help="含「支用明細」的經費表 (.xlsx / .xlsm)")
    parser.add_argument(
        "--as-of", metavar="YYYY-MM-DD", help="進度表日期（預設今天），用來判斷各學期執行期限"
    )
    parser.add_argument(
        "--paid", type=int, metavar="元", help="已撥經費（元）；未填時取「執行進度報告表」的已撥經費欄"
    )
    parser.add_argument(
        "--local-government", action="store_true", help="受補助者為地方政府（分期撥款依要點五(二)3）"
    )
    parser.add_argument("--json", action="store_true", help="輸出一個 JSON 物件（金額為整數元）")
    add_school_arguments(parser)


def parse_as_of(text: str | None) -> date:
    if not text:
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise YouzhiError(f"--as-of 應為 YYYY-MM-DD（例如 2026-01-05），收到「{text}」") from None


def load(args: argparse.Namespace):
    """(budget, ledger, paid) of the workbook named on the command line."""
    from youzhi.ledger import read_ledger
    from youzhi.progress import paid_on_sheet
    from youzhi.reader import read_grids
    from youzhi.sheets import load_grids

    if args.paid is not None and args.paid < 0:
        raise YouzhiError("--paid 不可為負數")
    grids = load_grids(args.file, args.engine)
    budget = read_grids(grids, school=school_option(args), programme=args.programme, academic_year=args.year)
    ledger = read_ledger(grids)
    if ledger.sheet is None:
        raise YouzhiError(
            f"{args.file} 沒有「支用明細」工作表；請以 youzhi repair --with-ledger 加入後填寫支出"
        )
    paid = args.paid if args.paid is not None else paid_on_sheet(grids)
    return budget, ledger, paid


def run(args: argparse.Namespace) -> int:
    from youzhi import tranches
    from youzhi.progress import compute, to_json

    as_of = parse_as_of(args.as_of)
    budget, ledger, paid = load(args)
    recipient = tranches.LOCAL_GOVERNMENT if args.local_government else tranches.SCHOOL
    result = compute(budget, ledger, as_of=as_of, paid=paid, recipient=recipient)
    data = to_json(result)
    if args.json:
        json.dump(data, sys.stdout, ensure_ascii=False, indent=1)
        print()
        return 0
    print_report(data)
    return 0


def _line(label: str, figures: dict) -> str:
    rate = figures["執行率"] or "—"
    return f"{figures['核撥預算']:>14,} {figures['執行']:>14,} {rate:>8}"


def print_report(data: dict) -> None:
    print(f"執行進度報告表　計畫學年度 {data['計畫學年度']}　進度表日期 {data['進度表日期']}（金額：元）")
    print(
        f"{'子計畫':<10}{'經常門 核撥預算':>14} {'執行(含請購)':>12} {'執行率':>6}　"
        f"{'資本門 核撥預算':>14} {'執行(含請購)':>12} {'執行率':>6}"
    )
    for row in data["子計畫"]:
        print(f"{row['子計畫']:<10}{_line('經常門', row['經常門'])}　{_line('資本門', row['資本門'])}")
    total = data["合計"]
    print(f"{'合計':<10}{_line('經常門', total['經常門'])}　{_line('資本門', total['資本門'])}")
    pay = data["撥款"]
    parts = "、".join(f"第{i}期 {a:,} 元" for i, a in enumerate(pay["分期"], start=1))
    print(f"撥款：教育部補助款 {pay['教育部補助款']:,} 元，{parts}（{pay['依據']}）")
    if pay.get("說明"):
        print(f"  已撥經費 {pay['已撥經費']:,} 元；{pay['說明']}")
    else:
        print("  未填已撥經費（--paid 或「執行進度報告表」已撥經費欄），無法判斷可否請撥次期款")
    for flag in data["提醒"]:
        where = f"{flag['工作表']}!{flag['儲存格']} " if flag["工作表"] else ""
        print(f"  ⚠ {where}{flag['說明']}")
    for note in data["附註"]:
        print(f"  註：{note}")
