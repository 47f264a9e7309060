"""表y-1 子計畫經費概算表: any sheet with a y-1 header row (``youzhi.forms.y1_blocks`` finds the blocks,
``youzhi.forms.y1_lines`` reads their lines). Each block becomes a ``SubPlanSheet`` of
``Budget.sheets``: its 子計畫代碼 and semester from its own labels (else the sheet's name), checked
against the programme's sub-plans and the 學年度's two 會計年度."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

from youzhi import forms
from youzhi.calendar import Semester, fiscal_year, fiscal_year_from_text, semester_from_text
from youzhi.errors import UnreadableWorkbook
from youzhi.forms import summary
from youzhi.forms.cells import CODE, normalise_code, ref
from youzhi.forms.y1_blocks import Block, find_blocks, header_rows, layout
from youzhi.forms.y1_lines import read_line
from youzhi.model import Budget, SubPlanSheet
from youzhi.sheets import SheetGrid, display_name
from youzhi.text import compact

KEY = "y-1"
_YEAR_LABEL = re.compile(r"(\d{2,3})\s*學年度")


def recognise(grid: SheetGrid) -> list:
    """The sheet's y-1 header rows (empty: not a y-1)."""
    return header_rows(grid)


def read(ctx) -> None:
    """The Budget of the workbook's y-1 blocks (``UnreadableWorkbook`` when there is none)."""
    blocks = [b for grid, headers in ctx.sheets(KEY) for b in find_blocks(grid, headers)]
    if not blocks:
        name = display_name(ctx.grids.path) or "此活頁簿"
        raise UnreadableWorkbook(f"{name} 中找不到任何子計畫經費概算表（表y-1），不是優質化經費表")
    per_sheet = Counter(b.grid.name for b in blocks)
    placed = [_place(ctx.reading, block, per_sheet[block.grid.name]) for block in blocks]
    if ctx.academic_year is None:
        ctx.academic_year = _year_from(placed, _summary_titles(ctx))
    if ctx.programme is None:
        ctx.programme = _programme_from(placed)
    ctx.titles = [b.preamble.title for b, *_ in placed]
    budget = Budget(programme=ctx.programme, academic_year=ctx.academic_year, path=ctx.grids.path)
    prog = forms.programme(ctx.programme, ctx.academic_year)
    seen: set[tuple[str, Semester]] = set()
    for block, code, semester, fy in placed:
        sub = _subplan(ctx, prog, block, code, semester, fy, seen)
        if sub is not None:
            budget.sheets.append(sub)
    if not budget.sheets:
        first_error = next((p for p in ctx.reading.problems if p.severity == "error"), None)
        reason = f"{first_error.sheet}!{first_error.cell} {first_error.message}" if first_error else ""
        raise UnreadableWorkbook(f"無法判定任何概算表的子計畫與學期：{reason}")
    ctx.budget = budget


def _place(reading, block: Block, blocks_on_sheet: int) -> tuple:
    """(block, code, semester, 會計年度) from the block's own labels, else the sheet's name."""
    pre, sheet = block.preamble, block.grid.name
    code = pre.code
    if not code:
        token = re.split(r"[\s(]", unicodedata.normalize("NFKC", sheet).strip(), maxsplit=1)[0]
        code = normalise_code(token) if CODE.match(token.upper()) else ""
        if code:
            reading.problem(
                sheet, ref(1, block.header_row), f"找不到「子計畫代碼」，依工作表名稱判定為 {code}", "info"
            )
    semester = semester_from_text(pre.fiscal_text) or semester_from_text(pre.title)
    fy = fiscal_year_from_text(pre.fiscal_text)
    if semester is None and blocks_on_sheet == 1:
        semester = semester_from_text(unicodedata.normalize("NFKC", sheet))
    return block, code, semester, fy


def _summary_titles(ctx) -> list:
    """The first cell of each summary sheet (``…【109學年度】``), in the order the kinds first appear."""
    chosen = [ctx.first(key) for key in summary.MARKERS]
    ordered = [g for g in ctx.grids.sheets if any(g is c for c in chosen)]
    return [g.rows[0][0] for g in ordered if g.rows and g.rows[0]]


def _year_from(placed: list, summary_titles: list) -> int:
    """The 學年度 the blocks' 會計年度 labels say (8-12月 = N, 1-7月 = N+1), else the summaries' titles."""
    votes = Counter(
        fy if sem is Semester.FIRST else fy - 1 for _, _, sem, fy in placed if fy is not None and sem
    )
    if not votes:
        for text in summary_titles:
            hit = _YEAR_LABEL.search(compact(text))
            if hit:
                votes[int(hit.group(1))] += 1
    if not votes:
        raise UnreadableWorkbook("無法判定學年度（找不到「N會計年度概算表」標示），請以 --year 指定")
    return votes.most_common(1)[0][0]


def _programme_from(placed: list) -> str:
    """高職 when a title says so or every code is 一、二…; else 高中 (codes A, B …)."""
    latin = sum(1 for _, code, _, _ in placed if code[:1].isascii() and code[:1].isalpha())
    programme = "senior-high" if latin or not placed else "vocational"
    if any("高職" in b.preamble.title for b, *_ in placed):
        programme = "vocational"
    return programme


def _subplan(ctx, prog, block: Block, code: str, semester, fy, seen: set) -> SubPlanSheet | None:
    """The block as a sub-plan of the 學年度 (None, with an error, when its code or semester is unknown)."""
    reading, sheet, year = ctx.reading, block.grid.name, ctx.academic_year
    anchor = block.preamble.fiscal_cell or ref(1, block.header_row)
    if not code:
        reading.problem(sheet, anchor, "找不到子計畫代碼，此概算表未納入彙總", "error")
        return None
    if semester is None and fy is not None:
        semester = {year: Semester.FIRST, year + 1: Semester.SECOND}.get(fy)
    if semester is None:
        reading.problem(
            sheet, anchor, f"子計畫 {code} 無法判定學期（8-12月或1-7月），此概算表未納入彙總", "error"
        )
        return None
    expected = fiscal_year(year, semester)
    if fy is not None and fy != expected:
        reading.problem(
            sheet,
            anchor,
            f"標示為 {fy} 會計年度，但 {year} 學年度{semester.label}({semester.months})"
            f"應為 {expected} 會計年度，以 {expected} 計算",
        )
    if prog.subplan(code) is None:
        known = "、".join(sp.code for sp in prog.subplans)
        reading.problem(
            sheet, block.preamble.code_cell or anchor, f"子計畫代碼「{code}」不是本方案的子計畫（{known}）"
        )
    if (code, semester) in seen:
        reading.problem(sheet, anchor, f"子計畫 {code}（{semester.months}）出現不只一次，皆納入彙總")
    seen.add((code, semester))
    if block.grid.hidden:
        reading.problem(sheet, anchor, "此工作表已隱藏，其經費仍納入彙總", "info")
    return _lines(ctx, SubPlanSheet(sheet, code, semester, expected, layout=layout(block)), block)


def _lines(ctx, sub: SubPlanSheet, block: Block) -> SubPlanSheet:
    """The sub-plan's lines, section by section (a line's 一級用途別 is the section it sits in)."""
    spans = sub.layout
    if spans.total_row is None:
        ctx.reading.problem(sub.sheet, ref(1, block.end_row), "找不到「會計年度合計」列", "info")
    standard = (ctx.programme, ctx.academic_year)
    for span, section in (
        (spans.operating, forms.OPERATING),
        (spans.grants, forms.GRANTS),
        (spans.capital, forms.CAPITAL),
    ):
        for r in span:
            line = read_line(ctx.reading, block.grid, r, spans.columns, section, standard)
            if line is not None:
                sub.lines.append(line)
    return sub
