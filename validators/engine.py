"""Runs the rule tables over a budget (``check``) or one line typed into a cell (``check_line``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from validators import context, names, summaries
from validators.finding import SEVERITY_RANK, Finding, Rule
from validators.kinds import (
    caps,
    classification,
    clauses,
    forbidden,
    line_form,
    review,
    shares,
    subplans,
    workbook,
)
from validators.ruleset import rules_for
from youzhi import forms, items, purpose
from youzhi.calendar import Semester
from youzhi.model import Budget, Line
from youzhi.money import parse_number, round_half_up

LINE_KINDS = {
    "purpose_required": line_form.purpose_required,
    "standard_name": line_form.standard_name,
    "arithmetic": line_form.arithmetic,
    "unit": line_form.unit,
    "lump_sum": line_form.lump_sum,
    "missing_numbers": line_form.missing_numbers,
    "wrong_category": line_form.wrong_category,
    "capital_minimum": classification.capital_minimum,
    "durable_in_recurrent": classification.durable_in_recurrent,
    "unit_cap": caps.unit_cap,
    "purpose_silent": caps.purpose_silent,
    "unit_range": caps.unit_range,
    "hourly_wage": caps.hourly_wage,
    "equipment_cap": caps.equipment_cap,
    "forbidden": forbidden.forbidden,
    "written_range": clauses.written_range,
    "self_paid": clauses.self_paid,
}
BUDGET_KINDS = {
    "reader_problem": workbook.reader_problem,
    "match": workbook.match,
    "match_unknown": workbook.match_unknown,
    "y2_totals": workbook.y2_totals,
    "approved": workbook.approved,
    "share": shares.share,
    "total_cap": shares.total_cap,
    "capital_share": shares.capital_share,
    "six_year_band": subplans.six_year_band,
    "summary_mismatch": review.summary_mismatch,
    "hidden_money": review.hidden_money,
    "blank_total": review.blank_total,
    "implausible_price": review.implausible_price,
}


# Kinds whose rule can fire only when one of some words is said in the item or the purpose: each
# kind says which (``needed_words(params)``, None when a rule of it reads the line otherwise). That is
# tested first: one pattern of all their words per line (most lines say none, and skip them all), then
# one pattern a rule. ``tests/test_engine_gates.py`` shows no rule loses a line it fires on.
WORD_GATES = {
    "forbidden": forbidden.needed_words,
    "equipment_cap": purpose.needed_words,
    "durable_in_recurrent": purpose.needed_words,
}
KEYWORD_KINDS = tuple(WORD_GATES)


def _needed(rule: Rule) -> tuple[str, ...] | None:
    """The words one of which a rule needs said (None: the rule is not gated)."""
    needed = WORD_GATES.get(rule.kind)
    return None if needed is None else needed(rule.params)


def _gate(rule: Rule):
    """The pattern one of whose words a keyword rule needs in the item or the purpose (None: none)."""
    words = _needed(rule)
    return None if words is None else purpose.words_pattern(words)


@dataclass(frozen=True)
class _Rules:
    """The rules in force, sorted for the run: line rules for every line and keyed by the item they
    cover, each with its keyword gate (``_gate``); budget rules; one pattern of every gated word."""

    general: list
    by_item: dict
    budget: list
    any_word: re.Pattern | None  # a line that says none of these skips every gated rule at once


def _split(rules: tuple[Rule, ...]) -> _Rules:
    general, by_item, budget_rules, words = [], {}, [], []
    for rule in rules:
        if rule.kind in BUDGET_KINDS:
            budget_rules.append(rule)
        elif rule.kind in LINE_KINDS:
            gate = _gate(rule)
            if gate is not None:
                words += _needed(rule)
            gated = (rule, gate, LINE_KINDS[rule.kind])
            if rule.items and rule.kind not in ("lump_sum",):
                for item in rule.items:
                    by_item.setdefault(item, []).append(gated)
            else:
                general.append(gated)
        else:
            raise ValueError(f"規則 {rule.code} 的種類「{rule.kind}」沒有對應的檢核")
    return _Rules(general, by_item, budget_rules, purpose.words_pattern(tuple(words)))


def _check_line(line: Line, env: context.LineEnv, rules: _Rules) -> list[Finding]:
    if not line.filled and not str(line.purpose or "").strip():
        return []
    found: list[Finding] = []
    said = (purpose.fold(env.item_text), purpose.fold(env.purpose_text))
    any_word = rules.any_word
    some = any_word is not None and (any_word.search(said[0]) or any_word.search(said[1]))
    for group in (rules.general, rules.by_item.get(env.item, ())):
        for rule, gate, check in group:
            if gate is None or (some and (gate.search(said[0]) or gate.search(said[1]))):
                found.extend(check(rule, line, env))
    return found


def check(budget: Budget, *, grids=None) -> list[Finding]:
    """Every finding of every rule in force for the budget's programme and 學年度.

    ``grids`` (optional, the ``WorkbookGrids`` the budget was read from) lets workbook findings
    point at y-2 / y-3 / y-4 cells and enables the y-2 合計數 rule.
    """
    rules = rules_for(budget.programme, budget.academic_year)
    split = _split(rules)
    located = summaries.locate(grids, names.standard_items(budget.programme, budget.academic_year))
    ctx, envs = context.build(budget, rules, located, grids)
    found: list[Finding] = []
    for line, env in envs:
        found.extend(_check_line(line, env, split))
    for rule in split.budget:
        found.extend(BUDGET_KINDS[rule.kind](rule, ctx))
    return sort_findings(found, budget)


def sort_findings(found: list[Finding], budget: Budget) -> list[Finding]:
    order = {sheet.sheet: i for i, sheet in enumerate(budget.sheets)}

    def key(f: Finding):
        letters = f.cell.rstrip("0123456789")
        row = int(f.cell[len(letters) :] or 0)
        return (order.get(f.sheet, len(order)), f.sheet, row, len(letters), letters, f.rule)

    return sorted(found, key=key)


def check_line(
    programme: str,
    academic_year: int,
    item: str,
    unit: str,
    quantity,
    unit_price_yuan,
    purpose: str,
    category: str | None = None,
    *,
    fiscal_year: int | None = None,
    semester: Semester = Semester.FIRST,
) -> list[Finding]:
    """The line rules for one line as typed (the add-in's UDF); findings carry no sheet or cell.

    ``quantity`` and ``unit_price_yuan`` (元) may be numbers or text as typed; ``category`` defaults
    to the item's 一級用途別 (業務費 / 獎補助費); an unknown name close to a standard one counts as
    業務費 (so the name rule fires), any other name as 設備及投資.
    """
    item = str(item or "").strip()
    identity = items.identify(programme, academic_year, None, item, purpose)
    if category is None:
        category = forms.category_of(programme, academic_year, identity.standard or item)
    if category is None:  # a near miss of a recurrent name is a 業務費 line; any other name equipment
        near = identity.candidates or (names.suggestions(programme, academic_year, item) if item else ())
        category = forms.OPERATING if near else forms.CAPITAL
    qty = parse_number(quantity).value
    price = parse_number(unit_price_yuan).value
    line = Line(
        sheet="",
        row=0,
        category=category,
        item=item,
        raw_item=item,
        unit=str(unit or "").strip(),
        quantity=qty,
        unit_price=None if price is None else round_half_up(Decimal(price)),
        purpose=str(purpose or ""),
    )
    split = _split(rules_for(programme, academic_year))
    if fiscal_year is None:
        fiscal_year = academic_year if semester is Semester.FIRST else academic_year + 1
    env = context.line_env(line, programme, academic_year, fiscal_year, semester)
    found = _check_line(line, env, split)
    return sorted(found, key=lambda f: (SEVERITY_RANK[f.severity], f.rule))
