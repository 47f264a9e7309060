"""`youzhi check FILE`: every line and the workbook against the expense standards.

Exit status: 0 no error finding, 1 at least one error finding, 2 the file cannot be read.
"""

from __future__ import annotations

import argparse
import json
import sys

from validators.finding import SEVERITY_LABELS
from youzhi import forms, pipeline
from youzhi.cmd.rollup import add_school_arguments, school_option
from youzhi.errors import YouzhiError
from youzhi.output import check_output, same_file


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help="經費表活頁簿 (.xlsx / .xlsm)")
    parser.add_argument("--json", action="store_true", help="輸出一個 JSON 物件")
    parser.add_argument(
        "--annotate", metavar="OUT.xlsx", help="另存一份標註檔：問題儲存格上色並加註，另加「檢核結果」工作表"
    )
    parser.add_argument("--force", action="store_true", help="標註檔已存在時覆寫（不可覆寫原檔）")
    add_school_arguments(parser)


def findings_of(args: argparse.Namespace):
    """Read the workbook (values only) and run every rule (``youzhi.pipeline``); (budget, findings)."""
    checked = pipeline.check_file(
        args.file,
        engine=args.engine,
        school=school_option(args),
        programme=args.programme,
        academic_year=args.year,
    )
    return checked.budget, checked.findings


def run(args: argparse.Namespace) -> int:
    if args.annotate:
        if same_file(args.annotate, args.file):
            raise YouzhiError("標註檔不可覆寫原檔，請指定另一個輸出檔名")
        check_output(args.annotate, inputs=[args.file], force=args.force, what="標註檔")
    budget, findings = findings_of(args)
    if args.annotate:
        from youzhi.annotate import annotate  # openpyxl: only when asked for

        annotate(args.file, findings, args.annotate)
    if args.json:
        out = {"file": args.file, "findings": [f.as_dict() for f in findings]}
        json.dump(out, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(render(budget, findings, args))
    return 1 if any(f.severity == "error" for f in findings) else 0


def render(budget, findings, args) -> str:
    name = forms.programme(budget.programme, budget.academic_year).short
    school = budget.school.name or "（未填校名）"
    out = [f"檢核 {args.file}：{school}　{name}　{budget.academic_year} 學年度", ""]
    for f in findings:
        where = f"{f.sheet}!{f.cell}" if f.sheet and f.cell else (f.sheet or "全活頁簿")
        out.append(f"{SEVERITY_LABELS[f.severity]}  {f.rule}  {where}  {f.message}")
    if findings:
        out.append("")
    summary = pipeline.counts_text(findings)
    out.append(f"共 {len(findings)} 項：{summary}" if findings else "未發現任何問題。")
    if args.annotate:
        out.append(f"標註檔：{args.annotate}")
    return "\n".join(out) + "\n"
