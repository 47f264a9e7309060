"""Workbook-level rules: reader problems, the county match, y-2's two 合計數, 核定金額."""

from __future__ import annotations

from validators.finding import finding
from validators.kinds import percent
from youzhi import rollup
from youzhi.money import format_kiloyuan


def reader_problem(rule, ctx):
    """What the reader could not read or had to assume (its own severity); a 總價 mismatch the
    reader noted is left to YZ103, which names the same cell."""
    if not ctx.budget.problems:
        return
    for problem in ctx.budget.problems:
        if (problem.sheet, problem.cell) in ctx.mismatched:
            continue
        yield finding(rule, problem.sheet, problem.cell, problem.message, severity=problem.severity)


def _y2(ctx, label: str, column: str) -> tuple[str, str]:
    return ctx.summaries.y2_cell(label, column) or ("", "")


def match(rule, ctx):
    m = ctx.match
    if not m.needed or m.tier is None or m.shortfall <= 0:
        return
    if m.split:
        parts = "；".join(
            f"{'、'.join(map(str, p.fiscal_years))}年度依財力級次表（{p.table}）屬第 {p.tier} 級、"
            f"教育部補助比率最高 {percent(p.max_rate)}，教育部補助款 {p.subsidy:,} 元，"
            f"配合款至少 {p.required:,} 元"
            for p in m.parts
        )
        msg = (
            f"{m.county}：本學年度分屬兩張財力級次表，配合款按會計年度分別計算後相加。{parts}；"
            f"合計配合款至少應編 {m.required:,} 元，目前編列 {m.budgeted:,} 元，不足 {m.shortfall:,} 元。"
        )
    else:
        table = f"（{m.parts[0].table}）" if m.parts else ""
        msg = (
            f"{m.county}依財力級次表{table}屬第 {m.tier} 級，教育部補助比率最高 {percent(m.max_rate)}："
            f"教育部補助款 {m.subsidy:,} 元，配合款至少應編 {m.required:,} 元，目前編列 {m.budgeted:,} 元，"
            f"不足 {m.shortfall:,} 元。"
        )
    sheet, cell = _y2(ctx, "小計", "配合款")
    yield finding(rule, sheet, cell, msg, value=m.budgeted, limit=m.required)


def match_unknown(rule, ctx):
    m = ctx.match
    school = ctx.budget.school
    if not m.note or school.authority in ("國立", "私立"):
        return
    sheet, cell = _y2(ctx, "小計", "配合款")
    yield finding(rule, sheet, cell, f"{m.note}。")


def y2_totals(rule, ctx):
    s = ctx.summaries
    for label, row in s.y2_rows.items():
        if row.source_total is None or row.analysis_total is None:
            continue
        (_, by_source), (where, by_kind) = row.source_total, row.analysis_total
        if by_source is None or by_kind is None or by_source == by_kind:
            continue
        msg = (
            f"y-2「{label}」列：經費配置來源合計數 {format_kiloyuan(by_source)} 千元，"
            f"不等於整體經費分析合計數 {format_kiloyuan(by_kind)} 千元。"
        )
        yield finding(rule, s.y2_sheet, where, msg, value=by_kind, limit=by_source)


def approved(rule, ctx):
    if not ctx.budget.approved:
        return
    rows = {r.code: r for r in rollup.y2(ctx.budget)}
    for code, granted in ctx.budget.approved.items():
        row = rows.get(code)
        if row is None or not granted or row.total <= granted:
            continue
        msg = (
            f"子計畫 {code} 編列 {format_kiloyuan(row.total)} 千元，超過核定金額 "
            f"{format_kiloyuan(granted)} 千元（多 {format_kiloyuan(row.total - granted)} 千元）。"
        )
        sheet, cell = _y2(ctx, code, "核定金額")
        yield finding(rule, sheet, cell, msg, value=row.total, limit=granted)
    granted_total = sum(v for v in ctx.budget.approved.values() if v)
    if ctx.budget.approved and granted_total and ctx.grand_total > granted_total:
        msg = (
            f"全學年度編列 {format_kiloyuan(ctx.grand_total)} 千元，超過核定金額合計 "
            f"{format_kiloyuan(granted_total)} 千元。"
        )
        sheet, cell = _y2(ctx, "小計", "核定金額")
        yield finding(rule, sheet, cell, msg, value=ctx.grand_total, limit=granted_total)
