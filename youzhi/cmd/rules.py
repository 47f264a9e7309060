"""`youzhi rules`: the rule catalogue (code, item, limit, severity, citation, examples).

The change rules of `youzhi diff` (YZ601–YZ607, validators/rules/changes.toml) follow the check
rules: in the text listing under their own heading, in JSON and Markdown as rows of their own.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace

import validators
from validators.finding import SEVERITY_LABELS
from youzhi import forms
from youzhi.diff_rules import change_rules
from youzhi.money import format_kiloyuan

CHANGES_HEADING = "經費變更規則（youzhi diff 比較兩個版本時檢核）"


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
        "example": {k: example_text(v) for k, v in rule.example.items()},
        "command": "diff" if rule.code in {r.code for r in change_rules()} else "check",
    }


def _line_text(line) -> str:
    """One example line as a school writes it: item, quantity unit × 單價 千元, purpose, source …"""
    price = line.get("price")
    price_text = "（未填單價）" if price is None else f"{format_kiloyuan(round(price * 1000))} 千元"
    quantity = line.get("quantity", "（未填數量）")
    text = f"「{line.get('item', '')}」{quantity} {line.get('unit', '')} × {price_text}"
    extras = [f"說明用途「{line['purpose']}」" if line.get("purpose") else "說明用途空白"]
    extras += [line[k] for k in ("category", "source") if line.get(k)]
    if isinstance(line.get("total"), int | float):
        extras.append(f"總價填 {format_kiloyuan(round(line['total'] * 1000))} 千元")
    elif line.get("total") == "blank":
        extras.append("總價空白")
    if line.get("hidden"):
        extras.append("該列隱藏")
    return text + "（" + "，".join(extras) + "）"


def _change_text(case) -> str:
    """A change example: the lines before and after, and the 核定金額 of the first sub-plan."""
    old, new = ("；".join(map(_line_text, case[k])) for k in ("old", "new"))
    text = f"調整前：{old}　調整後：{new}"
    if "approved" in case:
        text += f"　第一個子計畫核定金額 {format_kiloyuan(round(case['approved'] * 1000))} 千元"
    return text


def example_text(case) -> str:
    """An example (fire or quiet) in zh-TW: its lines, the school fields and any y-2 figure typed."""
    if "old" in case:
        return _change_text(case)
    if "lines" not in case:
        return _line_text(case)
    parts = [_line_text(line) for line in case["lines"]]
    school = case.get("school", {})
    if school:
        parts.append("學校：" + "".join(str(school[k]) for k in ("county", "authority") if k in school))
    parts += [
        f"y-2 第一個子計畫「{k}」填 {format_kiloyuan(round(v * 1000))} 千元"
        for k, v in case.get("cells", {}).items()
    ]
    return "；".join(parts)


def run(args: argparse.Namespace) -> int:
    rules = validators.catalogue(args.programme, args.year)
    changes = [replace(r, programmes=tuple(_wanted(args.programme))) for r in change_rules()]
    if args.json:
        rules = [*rules, *changes]
        json.dump([as_dict(r) for r in rules], sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    elif args.markdown:
        sys.stdout.write(
            "| 規則 | 標題 | 項目 | 上限 | 嚴重度 | 方案 | 依據 |\n|---|---|---|---|---|---|---|\n"
        )
        for r in [*rules, *changes]:
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
            _write_text(r)
        sys.stdout.write(f"\n{CHANGES_HEADING}\n")
        for r in changes:
            _write_text(r)
    return 0


def _wanted(programme: str | None) -> tuple[str, ...]:
    return (programme,) if programme else forms.PROGRAMMES


def _write_text(r) -> None:
    head = f"{r.code}  {SEVERITY_LABELS[r.severity]}  {r.title}"
    if r.items:
        head += f"  項目：{'、'.join(r.items)}"
    limit = limit_text(r)
    sys.stdout.write(head + (f"  〔{limit}〕" if limit else "") + f"  ({_programmes(r)})\n")
    sys.stdout.write(f"        依據：{r.citation}\n")
    for key, word in (("fire", "會提示"), ("quiet", "不提示")):
        if key in r.example:
            sys.stdout.write(f"        例（{word}）：{example_text(r.example[key])}\n")


def _programmes(rule) -> str:
    names = {"senior-high": "高中", "vocational": "高職"}
    return "、".join(names.get(p, p) for p in rule.programmes)
