"""`youzhi rules`: the rule catalogue (code, item, limit, severity, citation)."""

from __future__ import annotations

import argparse
import json
import sys

import validators
from validators.finding import SEVERITY_LABELS
from youzhi import forms


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--programme", choices=forms.PROGRAMMES, help="只列出此方案的規則")
    parser.add_argument("--year", type=int, metavar="學年度", help="依此學年度適用的規則")
    parser.add_argument("--json", action="store_true", help="輸出 JSON 陣列")
    parser.add_argument("--markdown", action="store_true", help="輸出 Markdown 表格（供 README）")


def limit_text(rule) -> str:
    """The limit as people read it: 2,000 元, 30%, 1,000～2,500 元, by case …"""
    if rule.kind == "hourly_wage":
        return f"最低時薪×{rule.params.get('factor', '1.2')}"
    if isinstance(rule.limit, str):
        return f"{float(rule.limit) * 100:g}%"
    if rule.kind in ("unit_range", "written_range"):
        half = rule.params.get("half_day")
        text = f"{rule.params.get('minimum', 0):,}～{rule.limit:,} 元"
        return text + (f"；半日 {half['limit']:,} 元" if half else "")
    cases = [f"{c.get('label', '')} {c['limit']:,} 元" for c in rule.params.get("cases", ())]
    if not isinstance(rule.limit, int):
        return "；".join(cases)
    if cases:
        return "；".join([*cases, f"其他 {rule.limit:,} 元"])
    return f"{rule.limit:,} 元"


def as_dict(rule) -> dict:
    return {
        "code": rule.code,
        "title": rule.title,
        "items": list(rule.items),
        "kind": rule.kind,
        "limit": rule.limit,
        "limit_text": limit_text(rule),
        "severity": rule.severity,
        "programmes": list(rule.programmes),
        "citation": rule.citation,
        "rationale": rule.rationale,
    }


def run(args: argparse.Namespace) -> int:
    rules = validators.catalogue(args.programme, args.year)
    if args.json:
        json.dump([as_dict(r) for r in rules], sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    elif args.markdown:
        sys.stdout.write(
            "| 規則 | 標題 | 項目 | 上限 | 嚴重度 | 方案 | 依據 |\n|---|---|---|---|---|---|---|\n"
        )
        for r in rules:
            cells = (
                r.code,
                r.title,
                "、".join(r.items),
                limit_text(r),
                SEVERITY_LABELS[r.severity],
                _programmes(r),
                r.citation,
            )
            sys.stdout.write("| " + " | ".join(c.replace("|", "／") for c in cells) + " |\n")
    else:
        for r in rules:
            head = f"{r.code}  {SEVERITY_LABELS[r.severity]}  {r.title}"
            if r.items:
                head += f"  項目：{'、'.join(r.items)}"
            limit = limit_text(r)
            sys.stdout.write(head + (f"  〔{limit}〕" if limit else "") + f"  ({_programmes(r)})\n")
            sys.stdout.write(f"        依據：{r.citation}\n")
    return 0


def _programmes(rule) -> str:
    names = {"senior-high": "高中", "vocational": "高職"}
    return "、".join(names.get(p, p) for p in rule.programmes)
