"""Shares of the 經常門 total, total caps over the 學年度, and 資本門 ≤ 1/2 of the total.

Shares are of 經常門核定總經費 (seed 002). The workbook carries no approved 經常門 figure (y-2's
核定金額 is the whole amount), so the budgeted 經常門 total is used and the message says so.
All arithmetic is exact (int and Fraction). A finding points at the item's y-4 學年度 比例 cell
(or 總計 cell for a total cap) when the workbook has a y-4, else at the item's first y-1 總價 cell.
"""

from __future__ import annotations

from fractions import Fraction

from validators.finding import finding
from validators.kinds import cell, percent, share_text

BASIS = "（尚無經常門核定總經費，以編列之經常門總額 {total:,} 元計算；核定後請依核定數複核）"


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
    whole = ctx.recurrent_total
    limit = Fraction(str(rule.limit))
    if not amount or not whole or Fraction(amount, whole) <= limit:
        return
    ratio = Fraction(amount, whole)
    principle = "（以不超過為原則，超過須說明理由）" if rule.severity != "error" else ""
    msg = (
        f"{'、'.join(rule.items)}合計 {amount:,} 元，占經常門 {percent(ratio)}，超過 {percent(limit)}"
        f"{principle}。" + BASIS.format(total=whole)
    )
    sheet, where = _where(ctx, rule.items, ratio=True)
    yield finding(rule, sheet, where, msg, value=share_text(ratio))


def total_cap(rule, ctx):
    amount = sum(ctx.item_totals.get(item, 0) for item in rule.items)
    if amount <= rule.limit:
        return
    msg = f"{'、'.join(rule.items)}全學年度合計 {amount:,} 元，超過上限 {rule.limit:,} 元。"
    sheet, where = _where(ctx, rule.items, ratio=False)
    yield finding(rule, sheet, where, msg, value=amount)


def capital_share(rule, ctx):
    whole = ctx.grand_total
    limit = Fraction(str(rule.limit))
    if not whole or Fraction(ctx.capital_total, whole) <= limit:
        return
    ratio = Fraction(ctx.capital_total, whole)
    msg = (
        f"資本門 {ctx.capital_total:,} 元，占總經費 {whole:,} 元的 {percent(ratio)}，"
        f"超過 {percent(limit)}（以不超過為原則，經資門比例以 1:1 為原則）。"
    )
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
