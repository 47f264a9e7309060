"""`youzhi diff OLD NEW`: what changed between two versions of a budget workbook.

Prints the changes (or ``--json``); ``-o`` writes the reviewer's workbook, ``--adjustment`` the
經費調整對照表. Exit status: 0 no error finding among the change rules, 1 at least one, 2 unreadable.
"""

from __future__ import annotations

import argparse
import json
import sys
import unicodedata
from decimal import Decimal

import validators
from validators.finding import SEVERITY_LABELS
from youzhi import diff as core
from youzhi import diff_rules
from youzhi.cmd.rollup import add_school_arguments, school_option, table
from youzhi.errors import YouzhiError
from youzhi.money import parse_number
from youzhi.reader import read_grids
from youzhi.sheets import display_name, load_grids


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("old", metavar="OLD", help="原版本經費表 (.xlsx / .xlsm)，例如核定版")
    parser.add_argument("new", metavar="NEW", help="新版本經費表 (.xlsx / .xlsm)")
    parser.add_argument(
        "-o", "--output", metavar="差異.xlsx", help="另存審查用活頁簿：摘要、逐筆差異、標示差異的新版本"
    )
    parser.add_argument("--json", action="store_true", help="輸出一個 JSON 物件（金額為整數元）")
    parser.add_argument(
        "--adjustment", metavar="調整對照表.xlsx", help="寫出教育部補(捐)助委辦計畫經費調整對照表"
    )
    parser.add_argument(
        "--round", type=int, default=1, metavar="N", help="調整對照表的調整次數（第 N 次，預設 1）"
    )
    parser.add_argument("--force", action="store_true", help="輸出檔已存在時覆寫（輸入檔一律不覆寫）")
    parser.add_argument(
        "--approved",
        metavar="A=…,B=…",
        help="各子計畫核定金額（元），例如 A=800000,B=450000；未填時用新版本 y-2 的核定金額",
    )
    add_school_arguments(parser)


def parse_approved(text: str | None) -> dict[str, int]:
    """``A=800000,B=450,000`` → {"A": 800000, "B": 450000} (元)."""
    if not text:
        return {}
    out: dict[str, int] = {}
    for part in _pairs(text):
        code, sep, value = part.partition("=")
        parsed = parse_number(value).value
        if not sep or not code.strip() or parsed is None or parsed < 0 or parsed != int(parsed):
            raise YouzhiError(f"--approved 的「{part}」無法辨識，請寫成 子計畫=金額(元)，例如 A=800000")
        out[code.strip().upper()] = int(parsed)
    return out


def _pairs(text: str) -> list[str]:
    """Split on commas that start a new ``code=`` pair (so 450,000 stays one number)."""
    parts: list[str] = []
    for piece in unicodedata.normalize("NFKC", text).split(","):
        if "=" in piece or not parts:
            parts.append(piece.strip())
        else:
            parts[-1] += piece.strip()
    return [p for p in parts if p]


def findings_for(budget, grids=None):
    """(budget, every finding of the rule engine)."""
    try:
        return budget, validators.check(budget, grids=grids)
    except validators.RuleTableError as exc:
        raise YouzhiError(str(exc)) from exc


def load(path: str, *, engine: str = "calamine", **options):
    """Read one version: (budget, findings). ``options``: school, programme, academic_year."""
    grids = load_grids(path, engine)
    return findings_for(read_grids(grids, **options), grids)


def compare(old, new, approved: dict[str, int] | None = None):
    """Diff two loaded versions ((budget, findings) each): (diff, change findings, approval)."""
    (old_budget, old_findings), (new_budget, new_findings) = old, new
    d = core.diff(old_budget, new_budget, old_findings=old_findings, new_findings=new_findings)
    return d, diff_rules.change_findings(d, approved), diff_rules.approval(new_budget, approved)


def _compare_args(args: argparse.Namespace):
    options = {"school": school_option(args), "programme": args.programme, "academic_year": args.year}
    old = load(args.old, engine=args.engine, **options)
    new = load(args.new, engine=args.engine, **options)
    if (old[0].programme, old[0].academic_year) != (new[0].programme, new[0].academic_year):
        print(
            f"注意：兩個版本的方案或學年度不同（{old[0].academic_year}／{new[0].academic_year}學年度），"
            "依新版本比較",
            file=sys.stderr,
        )
    return compare(old, new, parse_approved(args.approved))


def run(args: argparse.Namespace) -> int:
    from youzhi.output import check_output, same_file

    for out, what in ((args.output, "差異報告"), (args.adjustment, "經費調整對照表")):
        if out:
            check_output(out, inputs=(args.old, args.new), force=args.force, what=what)
    if args.output and args.adjustment and same_file(args.output, args.adjustment):
        raise YouzhiError("差異報告與經費調整對照表不可寫到同一個檔案")
    d, checks, approval = _compare_args(args)
    if args.output:
        from youzhi.diff_report import write_report

        write_report(d, args.old, args.new, args.output, checks=checks, approval=approval)
    if args.adjustment:
        from youzhi.adjustment import write_adjustment

        write_adjustment(d.old, d.new, args.adjustment, args.round)
    if args.json:
        json.dump(as_json(d, checks, approval), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(render(d, checks, approval, args))
    return 1 if any(f.severity == "error" for f in checks) else 0


# --- output -------------------------------------------------------------------------------------------


def _plain(value):
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return value


def _entry(e):
    if e is None:
        return None
    return {
        "code": e.place.code,
        "semester": e.place.semester.months,
        "fiscal_year": e.place.fiscal_year,
        "sheet": e.place.sheet,
        "row": e.place.row,
        "item": e.line.item,
        "standard_item": e.item,
        "category": e.line.category,
        "quantity": _plain(e.line.quantity),
        "unit_price": e.line.unit_price,
        "total": e.line.amount,
        "source": e.line.source,
        "purpose": e.line.purpose,
    }


def _deltas(rows) -> list[dict]:
    return [{"label": x.label, "old": x.old, "new": x.new, "difference": x.difference} for x in rows]


def _match(m) -> dict:
    return {"subsidy": m.subsidy, "required": m.required, "budgeted": m.budgeted, "needed": m.needed}


def as_json(d: core.Diff, checks: list, approval) -> dict:
    return {
        "unchanged": d.unchanged,
        "lines": [
            {
                "kind": c.kind,
                "item": c.item,
                "old": _entry(c.old),
                "new": _entry(c.new),
                "difference": c.difference,
                "fields": [{"field": f.label, "old": _plain(f.old), "new": _plain(f.new)} for f in c.fields],
            }
            for c in d.changes
        ],
        "total": _deltas([d.total])[0],
        "blocks": _deltas(d.blocks),
        "sources": _deltas(d.sources),
        "doors": _deltas(d.doors),
        "categories": _deltas(d.categories),
        "items": _deltas(d.items),
        "findings_appeared": [f.as_dict() for f in d.appeared],
        "findings_disappeared": [f.as_dict() for f in d.disappeared],
        "change_findings": [f.as_dict() for f in checks],
        "match": {"old": _match(d.match_old), "new": _match(d.match_new)},
        "approval": None
        if approval is None
        else {
            "rows": [
                {"code": r.code, "approved": r.approved, "budgeted": r.budgeted, "difference": r.difference}
                for r in approval.rows
            ],
            "match": _match(approval.match),
        },
    }


def _money_rows(rows) -> list[list[str]]:
    return [[x.label, f"{x.old:,}", f"{x.new:,}", f"{x.difference:,}"] for x in rows]


def _where(e) -> str:
    return "" if e is None else f"{e.place.label} {e.place.sheet}!{e.line.cell('item')}"


def render(d: core.Diff, checks: list, approval, args) -> str:
    from youzhi.diff_report import shown

    out = [f"比較 {display_name(args.old)} → {display_name(args.new)}　單位：元\n"]
    if d.unchanged:
        out.append("兩個版本沒有差異。\n")
    for c in d.changes:
        where = (
            _where(c.new) if c.kind == core.CHANGED else " → ".join(_where(e) for e in (c.old, c.new) if e)
        )
        head = f"{core.KIND_LABELS[c.kind]}  {c.item}  {where}"
        out.append(f"{head}  {c.old_amount:,} → {c.new_amount:,}（{c.difference:+,}）\n")
        for f in c.fields:
            out.append(f"    {f.label}：{shown(f.label, f.old)} → {shown(f.label, f.new)}\n")
    head = ["項目", "原版本", "新版本", "差額"]
    for title, rows in (
        ("各子計畫（學期）", d.blocks),
        ("經費來源", d.sources),
        ("經常門／資本門", d.doors),
        ("y-4 經常門經費項目", d.items),
        ("總經費", [d.total]),
    ):
        out.append(f"\n{title}\n")
        out.append(table(head, _money_rows(rows)))
    m0, m1 = d.match_old, d.match_new
    out.append("\n配合款\n")
    rows = [(k, getattr(m0, k), getattr(m1, k)) for k in ("subsidy", "required", "budgeted")]
    labels = {"subsidy": "教育部補助款", "required": "應編配合款", "budgeted": "已編配合款"}
    out.append(table(head, [[labels[k], f"{a:,}", f"{b:,}", f"{b - a:,}"] for k, a, b in rows]))
    if approval is not None:
        out.append("\n核定金額\n")
        rows = [[r.code, f"{r.approved:,}", f"{r.budgeted:,}", f"{r.difference:,}"] for r in approval.rows]
        out.append(table(["子計畫", "核定金額", "新版本編列", "超過(+)／不足(−)"], rows))
        am = approval.match
        out.append(
            f"依核定補助款 {am.subsidy:,} 元重算，應編配合款 {am.required:,} 元，已編 {am.budgeted:,} 元\n"
        )
    for title, found in (
        ("經費變更規則", checks),
        ("新版本新增的檢核問題", d.appeared),
        ("新版本已改善的檢核問題", d.disappeared),
    ):
        if found:
            out.append(f"\n{title}\n")
            for f in found:
                where = f"{f.sheet}!{f.cell}" if f.sheet and f.cell else "全活頁簿"
                out.append(f"{SEVERITY_LABELS[f.severity]}  {f.rule}  {where}  {f.message}\n")
    for label, path in (("差異報告", args.output), ("經費調整對照表", args.adjustment)):
        if path:
            out.append(f"{label}：{path}\n")
    return "".join(out)
