"""``youzhi template``: write a clean budget workbook for a programme and 學年度."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from youzhi import forms, tiers
from youzhi.errors import YouzhiError
from youzhi.model import School
from youzhi.output import check_output
from youzhi.y1form import LineCounts


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--year", type=int, required=True, help="學年度（民國年，例如 115）")
    parser.add_argument("--programme", choices=forms.PROGRAMMES, default="senior-high", help="方案")
    parser.add_argument("--school", default="", help="學校名稱（顯示於各表標題與基本資料）")
    parser.add_argument("--county", default=None, help="所在縣市（決定財力級次與配合款）")
    parser.add_argument("--authority", default=None, help="主管機關：國立｜直轄市立｜縣市立｜私立")
    parser.add_argument("--subplans", default=None, help="子計畫代碼，以逗號分隔，例如 A-1,A-2,B,C,D")
    parser.add_argument("--lines", default="15,5,8", help="每張 y-1 的空白列數：業務費,獎補助費,設備及投資")
    parser.add_argument(
        "--with-ledger", action="store_true", help="加入「支用明細」與「執行進度報告表」（執行年度用）"
    )
    parser.add_argument("-o", "--output", required=True, help="輸出檔案（.xlsx）")
    parser.add_argument("--force", action="store_true", help="輸出檔已存在時覆寫")


def _counts(text: str) -> LineCounts:
    try:
        numbers = [int(x) for x in text.split(",")]
    except ValueError:
        numbers = []
    if len(numbers) != 3 or not all(1 <= n <= 200 for n in numbers):
        raise YouzhiError(f"--lines 應為三個 1～200 的整數，例如 15,5,8（收到「{text}」）")
    return LineCounts(*numbers)


def run(args: argparse.Namespace) -> int:
    from youzhi.template import parse_subplans, write_template  # XlsxWriter: imported when used

    if not 90 <= args.year <= 200:
        raise YouzhiError(f"學年度「{args.year}」不合理，請以民國年填寫（例如 115）")
    out = Path(args.output)
    if out.suffix.lower() != ".xlsx":
        raise YouzhiError(f"輸出檔名須為 .xlsx：{out}")
    if out.exists() and not out.is_dir() and not args.force:
        raise YouzhiError(f"檔案已存在：{out}（為免覆蓋已填寫的經費表，如確定要覆寫請加 --force）")
    check_output(out, force=args.force)
    authority = None
    if args.authority:
        authority = tiers.normalise_authority(args.authority)
        if authority is None:
            raise YouzhiError(f"主管機關「{args.authority}」無法辨識（可用：{'、'.join(tiers.AUTHORITIES)}）")
    county = tiers.normalise_county(args.county) if args.county else None
    codes = parse_subplans(args.programme, args.year, args.subplans)
    started = time.perf_counter()
    try:
        path = write_template(
            out,
            args.programme,
            args.year,
            codes=codes,
            school=School(args.school.strip(), authority, county),
            counts=_counts(args.lines),
            with_ledger=args.with_ledger,
        )
    except OSError as exc:
        raise YouzhiError(f"無法寫入 {out}：{exc.strerror or exc}") from None
    took = time.perf_counter() - started
    prog = forms.programme(args.programme, args.year)
    print(f"已產生 {path}（{prog.name} {args.year}學年度，子計畫 {'、'.join(codes)}，{took:.2f} 秒）")
    print(tier_tables_line(args.year))
    return 0


def tier_tables_line(academic_year: int) -> str:
    """Which 財力級次表 the 基本資料 formulas use for each 會計年度 of the 學年度."""
    parts = tiers.fiscal_parts(academic_year)
    used = "；".join(
        f"{'、'.join(map(str, years))}年度依 {table.title}表"
        + ("".join(f"（尚無 {y} 年度之表，暫依此表）" for y in years if not table.covers(y)))
        for years, table in parts
    )
    split = "，兩個會計年度之配合款分別計算後相加" if len(parts) > 1 else ""
    return f"財力級次表：{used}{split}。"
