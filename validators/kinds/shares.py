"""Shares of the 經常門 total, total caps over the 學年度, and 資本門 ≤ 1/2 of the total.

Shares are of 經常門核定總經費 (seed 002). The workbook carries no approved 經常門 figure (y-2's
核定金額 is the whole amount), so the budgeted 經常門 total is used and the message says so.
A rule with ``params.basis = "subsidy"`` (the 高職 要點 四(二)1: 經常門補助費用, the ministry's
recurrent subsidy) divides by the 經常門 lines funded by 教育部補助款 instead of every source.
All arithmetic is exact (int and Fraction). A finding points at the item's y-4 學年度 比例 cell
(or 總計 cell for a total cap) when the workbook has a y-4, else at the item's first y-1 總價 cell.
"""

from __future__ import annotations

from fractions import Fraction

from validators.finding import finding, say
from validators.kinds import cell, percent, share_text
from youzhi import forms


def _basis(rule, ctx) -> tuple[int, str]:
    """The denominator of a share and its basis (``recurrent`` or ``subsidy``)."""
    if rule.params.get("basis") == "subsidy":
        whole = sum(
            (ln.computed_total if ln.computed_total is not None else ln.typed_total or 0)
            for ln in ctx.budget.lines
            if ln.recurrent and ln.source == forms.MINISTRY
        )
        return whole, "subsidy"
    return ctx.recurrent_total, "recurrent"


def _where(ctx, items, *, ratio: bool):
    for item in items:
        located = ctx.summaries.y4_cell(item, ratio=ratio)
        if located and ctx.item_totals.get(item):
            return located
    for item in items:
        line = ctx.first_line.get(item)
        if line is not None:
            return line.sheet, cell(line, "total")
    return "", ""


def share(rule, ctx):
    amount = sum(ctx.item_totals.get(item, 0) for item in rule.items)
    whole, basis = _basis(rule, ctx)
    limit = Fraction(str(rule.limit))
    if not amount or not whole or Fraction(amount, whole) <= limit:
        return
    ratio = Fraction(amount, whole)
    msg = say(
        rule,
        "message" if rule.severity == "error" else "message_warning",
        items="、".join(rule.items),
        amount=amount,
        denominator=say(rule, f"denominator_{basis}"),
        ratio=percent(ratio),
        limit=percent(limit),
        basis=say(rule, f"basis_{basis}", total=whole),
    )
    sheet, where = _where(ctx, rule.items, ratio=True)
    yield finding(rule, sheet, where, msg, value=share_text(ratio))


def total_cap(rule, ctx):
    amount = sum(ctx.item_totals.get(item, 0) for item in rule.items)
    if amount <= rule.limit:
        return
    msg = say(rule, items="、".join(rule.items), amount=amount, limit=rule.limit)
    sheet, where = _where(ctx, rule.items, ratio=False)
    yield finding(rule, sheet, where, msg, value=amount)


def capital_share(rule, ctx):
    whole = ctx.grand_total
    limit = Fraction(str(rule.limit))
    if not whole or Fraction(ctx.capital_total, whole) <= limit:
        return
    ratio = Fraction(ctx.capital_total, whole)
    msg = say(rule, capital=ctx.capital_total, total=whole, ratio=percent(ratio), limit=percent(limit))
    s = ctx.summaries
    if s.y3_sheet and s.y3_capital_ratio:
        sheet, where = s.y3_sheet, s.y3_capital_ratio
    elif s.y2_cell("小計", "資本門"):
        sheet, where = s.y2_cell("小計", "資本門")
    elif ctx.first_capital_line is not None:
        sheet, where = ctx.first_capital_line.sheet, cell(ctx.first_capital_line, "total")
    else:
        sheet, where = "", ""
    yield finding(rule, sheet, where, msg, value=share_text(ratio))
