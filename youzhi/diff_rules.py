"""Findings on a diff: the change rules of 核撥結報作業要點 八, and the budget against 核定金額.

The rules are data (``validators/rules/changes.toml``); each ``kind`` is one small function of a
``Diff`` returning ``Finding``s. ``approval(diff, approved)`` compares each sub-plan of the new
version with its 核定金額 (y-2, or given on the command line) and recomputes the county match on
the approved subsidy.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from functools import cache
from pathlib import Path

from validators import names
from validators.finding import Finding, Rule, finding
from validators.ruleset import check_example
from youzhi import forms, rollup, tiers
from youzhi.diff import CAPITAL_DOOR, RECURRENT_DOOR, Diff, Entry, entries
from youzhi.model import Budget
from youzhi.money import format_yuan

TABLE = Path(__file__).resolve().parent.parent / "validators" / "rules" / "changes.toml"


@cache
def change_rules() -> tuple[Rule, ...]:
    with TABLE.open("rb") as fh:
        raw = tomllib.load(fh)["rule"]
    for r in raw:
        check_example(r)
    return tuple(
        Rule(
            code=r["code"],
            title=r["title"],
            kind=r["kind"],
            severity=r["severity"],
            citation=r["citation"],
            rationale=r.get("rationale", ""),
            params={k: tuple(v) if isinstance(v, list) else v for k, v in r.get("params", {}).items()},
            example=r.get("example", {}),
        )
        for r in raw
    )


def _y(amount: int) -> str:
    return format_yuan(amount)


def _delta(d: Diff, table: str, label: str):
    return next(x for x in getattr(d, table) if x.label == label)


# --- the kinds ----------------------------------------------------------------------------------


def capital_to_recurrent(rule: Rule, d: Diff, approved: dict) -> Iterator[Finding]:
    rec, cap = _delta(d, "doors", RECURRENT_DOOR), _delta(d, "doors", CAPITAL_DOOR)
    flow = min(-cap.difference, rec.difference)
    if flow > 0:
        yield finding(
            rule,
            "",
            "",
            f"資本門由 {_y(cap.old)} 減為 {_y(cap.new)}，經常門由 {_y(rec.old)} 增為 {_y(rec.new)}："
            f"{_y(flow)} 資本門經費流用至經常門，不得辦理。",
            value=flow,
        )
    for c in d.lines:
        if c.old and c.new and not c.old.line.recurrent and c.new.line.recurrent:
            yield finding(
                rule,
                c.new.place.sheet,
                c.new.line.cell("item"),
                f"「{c.old.line.item}」由資本門（{c.old.place.label}）改列經常門「{c.new.line.item}」"
                f"（{c.new.line.category}），資本門經費不得流用至經常門。",
                value=c.new.line.amount,
            )


def category_flow(rule: Rule, d: Diff, approved: dict) -> Iterator[Finding]:
    up = [x for x in d.categories if x.difference > 0]
    down = [x for x in d.categories if x.difference < 0]
    if up and down:
        text = "、".join(f"{x.label}{'+' if x.difference > 0 else ''}{x.difference:,} 元" for x in down + up)
        yield finding(rule, "", "", f"一級用途別互相流用（{text}），應報教育部同意後辦理。")


def _item_totals(budget: Budget) -> dict[str, int]:
    out: dict[str, int] = {}
    for e in entries(budget):
        out[e.item] = out.get(e.item, 0) + e.line.amount
    return out


def designated_item(rule: Rule, d: Diff, approved: dict) -> Iterator[Finding]:
    old, new = _item_totals(d.old), _item_totals(d.new)
    for item in [*old, *(k for k in new if k not in old)]:
        before, after = old.get(item, 0), new.get(item, 0)
        if before and not after:
            yield finding(
                rule, "", "", f"經費項目「{item}」（原 {_y(before)}）已刪除，應報教育部同意後辦理。"
            )
        elif after and not before:
            yield finding(rule, "", "", f"新增經費項目「{item}」（{_y(after)}），應報教育部同意後辦理。")


def _ratio(budget: Budget) -> Fraction | None:
    total = rollup.grand_total(budget)
    return Fraction(rollup.source_total(budget, forms.MINISTRY), total) if total else None


def _percent(value: Fraction) -> str:
    shown = Decimal(value.numerator * 100) / Decimal(value.denominator)
    return f"{shown.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP)}%"


def subsidy_ratio(rule: Rule, d: Diff, approved: dict) -> Iterator[Finding]:
    before, after = _ratio(d.old), _ratio(d.new)
    if before is not None and after is not None and before != after:
        yield finding(
            rule,
            "",
            "",
            f"教育部補助比率由 {_percent(before)} 變為 {_percent(after)}，應報教育部同意後辦理。",
        )


def subsidy_amount(rule: Rule, d: Diff, approved: dict) -> Iterator[Finding]:
    x = _delta(d, "sources", forms.MINISTRY)
    if x.difference:
        yield finding(
            rule,
            "",
            "",
            f"教育部補助款由 {_y(x.old)} 變為 {_y(x.new)}（{x.difference:+,} 元），應報教育部同意後辦理。",
            value=x.difference,
        )


def _overhead(rule: Rule, e: Entry) -> bool:
    return names.contains_any(f"{e.line.item} {e.line.purpose}", rule.params["any"])


def overhead_inflow(rule: Rule, d: Diff, approved: dict) -> Iterator[Finding]:
    before = sum(e.line.amount for e in entries(d.old) if _overhead(rule, e))
    after_lines = [e for e in entries(d.new) if _overhead(rule, e)]
    after = sum(e.line.amount for e in after_lines)
    if after > before:
        where = after_lines[0]
        yield finding(
            rule,
            where.place.sheet,
            where.line.cell("item"),
            f"行政管理費由 {_y(before)} 增為 {_y(after)}，除經教育部同意者外不得流入。",
            value=after - before,
        )


def above_approved(rule: Rule, d: Diff, approved: dict) -> Iterator[Finding]:
    for row in approval_rows(d.new, approved):
        if row.difference > 0:
            yield finding(
                rule,
                "",
                "",
                f"子計畫 {row.code} 調整後編列 {_y(row.budgeted)}，超過核定金額 {_y(row.approved)}"
                f"（多 {_y(row.difference)}）。",
                value=row.budgeted,
                limit=row.approved,
            )


KINDS = {
    "capital_to_recurrent": capital_to_recurrent,
    "category_flow": category_flow,
    "designated_item": designated_item,
    "subsidy_ratio": subsidy_ratio,
    "subsidy_amount": subsidy_amount,
    "overhead_inflow": overhead_inflow,
    "above_approved": above_approved,
}


def change_findings(d: Diff, approved: dict[str, int] | None = None) -> list[Finding]:
    approved = approved_amounts(d.new, approved)
    found: list[Finding] = []
    for rule in change_rules():
        found.extend(KINDS[rule.kind](rule, d, approved))
    return found


# --- 核定金額 ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ApprovalRow:
    code: str
    approved: int
    budgeted: int

    @property
    def difference(self) -> int:
        """Above (+) or below (−) approval."""
        return self.budgeted - self.approved


@dataclass(frozen=True)
class Approval:
    rows: tuple[ApprovalRow, ...]
    match: rollup.Match  # required match recomputed on the approved total

    @property
    def approved(self) -> int:
        return sum(r.approved for r in self.rows)

    @property
    def budgeted(self) -> int:
        return sum(r.budgeted for r in self.rows)


def approved_amounts(budget: Budget, given: dict[str, int] | None) -> dict[str, int]:
    """核定金額 per code: the command line's, else the workbook's y-2 (zeros dropped)."""
    chosen = dict(budget.approved)
    chosen.update(given or {})
    return {code: amount for code, amount in chosen.items() if amount}


def _budgeted(budget: Budget, code: str) -> int:
    exact = [s for s in budget.sheets if s.code == code]
    chosen = exact or [s for s in budget.sheets if s.base_code == code]
    return sum(s.total() for s in chosen)


def approval_rows(budget: Budget, approved: dict[str, int]) -> list[ApprovalRow]:
    key = rollup.code_sort_key(budget.programme, budget.academic_year)
    return [ApprovalRow(code, approved[code], _budgeted(budget, code)) for code in sorted(approved, key=key)]


def approval(budget: Budget, given: dict[str, int] | None = None) -> Approval | None:
    """Each sub-plan against its 核定金額, and the match on the approved subsidy; None without any."""
    approved = approved_amounts(budget, given)
    if not approved:
        return None
    rows = tuple(approval_rows(budget, approved))
    m = rollup.match(budget)
    subsidy = sum(r.approved for r in rows)
    required = tiers.required_match(subsidy, m.max_rate) if m.needed and m.max_rate else 0
    recomputed = rollup.Match(m.county, m.tier, m.max_rate, subsidy, required, m.budgeted, m.needed, m.note)
    return Approval(rows, recomputed)
