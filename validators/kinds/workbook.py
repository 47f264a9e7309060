"""Workbook-level rules: reader problems, the county match, y-2's two 合計數, 核定金額."""

from __future__ import annotations

from validators.finding import finding, say
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
    values = {"county": m.county, "required": m.required, "budgeted": m.budgeted, "shortfall": m.shortfall}
    if m.split:
        parts = "；".join(
            say(
                rule,
                "part",
                years="、".join(map(str, p.fiscal_years)),
                table=p.table,
                tier=p.tier,
                rate=percent(p.max_rate),
                subsidy=p.subsidy,
                required=p.required,
            )
            for p in m.parts
        )
        msg = say(rule, "message_split", parts=parts, **values)
    else:
        table = say(rule, "table", table=m.parts[0].table) if m.parts else ""
        msg = say(rule, table=table, tier=m.tier, rate=percent(m.max_rate), subsidy=m.subsidy, **values)
    sheet, cell = _y2(ctx, "小計", "配合款")
    yield finding(rule, sheet, cell, msg, value=m.budgeted, limit=m.required)


def match_unknown(rule, ctx):
    m = ctx.match
    school = ctx.budget.school
    if not m.note or school.authority in ("國立", "私立"):
        return
    sheet, cell = _y2(ctx, "小計", "配合款")
    yield finding(rule, sheet, cell, say(rule, note=m.note))


def y2_totals(rule, ctx):
    s = ctx.summaries
    for label, row in s.y2_rows.items():
        if row.source_total is None or row.analysis_total is None:
            continue
        (_, by_source), (where, by_kind) = row.source_total, row.analysis_total
        if by_source is None or by_kind is None or by_source == by_kind:
            continue
        msg = say(rule, label=label, by_source=format_kiloyuan(by_source), by_kind=format_kiloyuan(by_kind))
        yield finding(rule, s.y2_sheet, where, msg, value=by_kind, limit=by_source)


def approved(rule, ctx):
    if not ctx.budget.approved:
        return
    rows = {r.code: r for r in rollup.y2(ctx.budget)}
    for code, granted in ctx.budget.approved.items():
        row = rows.get(code)
        if row is None or not granted or row.total <= granted:
            continue
        msg = say(
            rule,
            code=code,
            amount=format_kiloyuan(row.total),
            granted=format_kiloyuan(granted),
            excess=format_kiloyuan(row.total - granted),
        )
        sheet, cell = _y2(ctx, code, "核定金額")
        yield finding(rule, sheet, cell, msg, value=row.total, limit=granted)
    granted_total = sum(v for v in ctx.budget.approved.values() if v)
    if ctx.budget.approved and granted_total and ctx.grand_total > granted_total:
        msg = say(
            rule,
            "message_total",
            amount=format_kiloyuan(ctx.grand_total),
            granted=format_kiloyuan(granted_total),
        )
        sheet, cell = _y2(ctx, "小計", "核定金額")
        yield finding(rule, sheet, cell, msg, value=ctx.grand_total, limit=granted_total)
