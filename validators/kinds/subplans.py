"""Sub-plan rules: the 國中部 six-year curriculum sub-plans and their 200,000–500,000 元 band.

The workbook has no field that marks a sub-plan as the 國中部 one, so it is recognised from text:
a sub-plan code (``D-1`` …, both semesters together) is a six-year sub-plan when

- its sheet name, or a label between its title row and its header row (``子計畫代碼:D-1 六年一貫``,
  read from the grids when ``check`` gets them), has one of the rule's ``keywords``; or
- more than half of its filled lines, and at least two, name one in the item or 說明用途 (a stray
  mention of 國中部 in an ordinary sub-plan does not make it one).

The title row itself is not read: it carries the school's name. The band applies to the total of
all such sub-plans over the 學年度 (every 經費來源).
"""

from __future__ import annotations

from validators import names
from validators.finding import finding, say
from validators.kinds import cell
from youzhi.model import SubPlanSheet


def _heading_texts(block: SubPlanSheet, grids) -> list[str]:
    """The sheet name and the labels between the title row and the header row of a block."""
    texts = [block.sheet]
    grid = grids.sheet(block.sheet) if grids is not None else None
    layout = block.layout
    if grid is None or layout is None:
        return texts
    first = (layout.title_row or max(1, layout.header_row - 3)) + 1
    for row in range(first, layout.header_row):
        texts.extend(
            v for v in (grid.rows[row - 1] if row - 1 < len(grid.rows) else []) if isinstance(v, str)
        )
    return texts


def _reason(rule, blocks: list[SubPlanSheet], words, grids) -> str | None:
    """Why these blocks are a six-year sub-plan (zh-TW), or None when they are not."""
    for block in blocks:
        for text in _heading_texts(block, grids):
            if names.contains_any(text, words):
                return say(rule, "why_heading", text=text.strip())
    lines = [line for block in blocks for line in block.lines if line.filled]
    hits = sum(1 for line in lines if names.contains_any(f"{line.item} {line.purpose}", words))
    if hits >= 2 and 2 * hits > len(lines):
        return say(rule, "why_lines", hits=hits, lines=len(lines))
    return None


def six_year_band(rule, ctx):
    words = tuple(rule.params.get("keywords", ()))
    low = rule.params.get("minimum", 0)
    by_code: dict[str, list[SubPlanSheet]] = {}
    for block in ctx.budget.sheets:
        by_code.setdefault(block.code, []).append(block)
    chosen = {}
    for code, blocks in by_code.items():
        reason = _reason(rule, blocks, words, ctx.grids)
        if reason:
            chosen[code] = reason
    total = sum(block.total() for code in chosen for block in by_code[code])
    if not total or low <= total <= rule.limit:
        return
    side = say(rule, "side_low", minimum=low) if total < low else say(rule, "side_high", limit=rule.limit)
    why = "；".join(say(rule, "why_code", code=code, reason=reason) for code, reason in chosen.items())
    codes = "、".join(chosen)
    msg = say(rule, codes=codes, total=total, side=side, minimum=low, limit=rule.limit, why=why)
    first = next(iter(chosen))
    where = ctx.summaries.y2_cell(first, "經資門合計數")
    if where is None:
        line = next((ln for block in by_code[first] for ln in block.lines if ln.filled), None)
        where = (line.sheet, cell(line, "total")) if line is not None else (by_code[first][0].sheet, "")
    limit = low if total < low else rule.limit
    yield finding(rule, where[0], where[1], msg, value=total, limit=limit)
