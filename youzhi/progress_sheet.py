"""The 執行進度報告表 sheet (附件二) as a ``SheetSpec``: native formulas over 支用明細 and the y-1 totals.

核撥預算 = the y-1 總價 cells of the sub-plan (千元) × 1000, rounded to the 元; 執行(含請購) =
SUMIFS over the ledger's 金額 by 子計畫 (資本門: also 經常/資本 = 資本門; 經常門 = all − 資本門, so a
blank 經常/資本 counts as 經常門, as in ``youzhi.ledger``); 執行率 guarded against a zero budget. The
next tranche test is exact: 執行 × 10 ≥ 已撥 × 7 (no float ratio compared).
"""

from __future__ import annotations

from youzhi import a1, cell_spec, computed_summaries, computed_y1, forms
from youzhi.cell_spec import SheetSpec, quote_sheet
from youzhi.ledger import COL as LCOL
from youzhi.ledger import DEFAULT_ROWS, FIRST_ROW, LEDGER_NAME
from youzhi.model import Budget
from youzhi.progress import (
    FIRST_CODE_ROW,
    PAID_LABEL,
    PROGRESS_NAME,
    SIGNATURES,
    TABLE_HEADER_ROW,
    Progress,
)

WIDTHS = {1: 12, 2: 26, 3: 12, 4: 14, 5: 14, 6: 10, 7: 14, 8: 14, 9: 10, 10: 0, 11: 0}
# Hidden helper columns J, K: the y-1 經常門 / 資本門 budget of the sub-plan (元).
HELPERS = ("概算表經常門(元)", "概算表資本門(元)")


def approved_cells(budget: Budget, y2_name: str = cell_spec.Y2_NAME) -> dict[str, str]:
    """{code: reference of its y-2 核定金額 cell}, located in the y-2 spec (the sheet template and
    repair write)."""
    spec = computed_summaries.y2_sheet(budget)
    header = next((c for c in spec.cells if c.value == "核定金額"), None)
    if header is None:
        return {}
    return {
        str(c.value): cell_spec.ref(y2_name, header.col, c.row, absolute=True)
        for c in spec.cells
        if c.col == 1 and c.row > header.row and isinstance(c.value, str)
    }


def _ledger_range(col: str, last: int, sheet: str = LEDGER_NAME) -> str:
    letter = a1.get_column_letter(LCOL[col])
    return f"{quote_sheet(sheet)}!${letter}${FIRST_ROW}:${letter}${last}"


def tranche_text(p: Progress) -> str:
    parts = "、".join(f"第{i}期 {a:,} 元" for i, a in enumerate(p.schedule.amounts, start=1))
    return f"教育部補助款 {p.subsidy:,} 元：{parts}（{p.schedule.clause}）"


def _verdict_formula(p: Progress, spent: str) -> tuple[str, str]:
    if len(p.schedule.amounts) <= 1:
        text = "補助款一次撥付，無次期款"
        return f'="{text}"', text
    yes, no = "已撥經費執行率達70%，可請撥次一期款", "已撥經費執行率未達70%，尚不可請撥次一期款"
    formula = f'=IF(B4=0,"請填已撥經費",IF(({spent})*10>=B4*7,"{yes}","{no}"))'
    if not p.paid:
        return formula, "請填已撥經費"
    return formula, yes if p.spent * 10 >= p.paid * 7 else no


def progress_sheet(
    budget: Budget,
    p: Progress,
    *,
    ledger_last: int | None = None,
    ledger_name: str = LEDGER_NAME,
    y2_name: str = cell_spec.Y2_NAME,
) -> SheetSpec:
    last = ledger_last or FIRST_ROW + DEFAULT_ROWS - 1
    s = SheetSpec(PROGRESS_NAME, column_widths=dict(WIDTHS), fit_height=0)
    prog = forms.programme(budget.programme, budget.academic_year)
    s.add(1, 1, f"{budget.school.name}「{prog.name}」執行進度報告表", "title")
    s.merges.append((1, 1, 1, 9))
    ay = budget.academic_year
    for col, text, style in (
        (1, "計畫學年度", "cell_bold"),
        (2, ay, "cell_center"),
        (3, "經費會計年度", "cell_bold"),
        (4, f"{ay}、{ay + 1}", "cell_center"),
        (5, "進度表年月", "cell_bold"),
        (6, None, "input_text"),
        (7, "計畫別", "cell_bold"),
        (8, prog.name, "cell"),
    ):
        s.add(3, col, text, style)
    s.merges.append((3, 8, 3, 9))
    rows = range(FIRST_CODE_ROW, FIRST_CODE_ROW + len(p.rows))
    total_row = FIRST_CODE_ROW + len(p.rows)
    spent = f"E{total_row}+H{total_row}"
    s.add(4, 1, PAID_LABEL, "cell_bold")
    s.add(4, 2, p.paid, "input_yuan")
    s.add(4, 3, "已撥經費執行率", "cell_bold")
    rate = p.next.rate if p.next is not None else None
    s.add(4, 4, formula=f"=IF(B4=0,0,({spent})/B4)", cached=float(rate or 0), style="ratio")
    formula, cached = _verdict_formula(p, spent)
    s.add(4, 5, formula=formula, cached=cached, style="cell")
    s.merges.append((4, 5, 4, 9))
    s.add(5, 1, "分期撥款", "cell_bold")
    s.add(5, 2, tranche_text(p), "cell")
    s.merges.append((5, 2, 5, 9))
    s.add(7, 1, "II. 經費執行檢核", "label_bold")
    _table_header(s)
    approved = approved_cells(budget, y2_name)
    for col, text in enumerate(HELPERS, start=10):
        s.add(TABLE_HEADER_ROW + 1, col, text, "header")
    for r, fig in zip(rows, p.rows, strict=True):
        _code_row(s, r, budget, fig, last, ledger_name, approved.get(fig.code))
    _total_row(s, total_row, p)
    foot = total_row + 2
    s.add(
        foot,
        1,
        "*本表由優質化業務推動單位彙整完成後陳核。執行(含請購)取自「支用明細」；金額單位：新臺幣元。",
        "note",
    )
    s.merges.append((foot, 1, foot, 9))
    for i, text in enumerate(SIGNATURES):
        s.add(foot + 2, 1 + 3 * i, text, "label_bold")
    return s


def _table_header(s: SheetSpec) -> None:
    h = TABLE_HEADER_ROW
    for col, text in ((1, "代碼"), (2, "工作項目"), (3, "承辦處室"), (4, "經常門"), (7, "資本門")):
        s.add(h, col, text, "header")
    for col in (1, 2, 3):
        s.merges.append((h, col, h + 1, col))
        s.add(h + 1, col, None, "header")
    s.merges += [(h, 4, h, 6), (h, 7, h, 9)]
    for col in (5, 6, 8, 9):
        s.add(h, col, None, "header")
    for start in (4, 7):
        for i, text in enumerate(("核撥預算", "執行(含請購)", "執行率")):
            s.add(h + 1, start + i, text, "header")


def _budget_formulas(r: int, approved: str | None) -> tuple[str, str]:
    """核撥預算 of 經常門 and 資本門: the y-1 budget (hidden J, K), or the y-2 核定金額 split alike."""
    if approved is None:
        return f"=$J{r}", f"=$K{r}"
    yuan = f"ROUND({approved}*1000,0)"
    capital = f'=IF({approved}="",$K{r},IF($J{r}+$K{r}=0,0,ROUND($K{r}*{yuan}/($J{r}+$K{r}),0)))'
    recurrent = f'=IF({approved}="",$J{r},{yuan}-$G{r})'
    return recurrent, capital


def _code_row(
    s: SheetSpec, r: int, budget: Budget, fig, last: int, ledger: str, approved: str | None
) -> None:
    blocks = [b for b in budget.sheets if b.code == fig.code and b.layout is not None]
    planned = (sum(b.total(recurrent=True) for b in blocks), sum(b.total(recurrent=False) for b in blocks))
    for col, recurrent, cached in ((10, True, planned[0]), (11, False, planned[1])):
        s.add(
            r,
            col,
            formula=f"=ROUND({computed_y1.total_expr(blocks, recurrent=recurrent)}*1000,0)",
            cached=cached,
        )
    amount, code, kind = (_ledger_range(c, last, ledger) for c in ("amount", "code", "kind"))
    capital = f'SUMIFS({amount},{code},$A{r},{kind},"資本門")'
    s.add(r, 1, fig.code, "cell_center")
    s.add(r, 2, fig.name, "cell")
    s.add(r, 3, None, "input_text")
    budget_formulas = _budget_formulas(r, approved)
    for start, formula, budgeted, spent in (
        (4, budget_formulas[0], fig.budget_recurrent, fig.spent_recurrent),
        (7, budget_formulas[1], fig.budget_capital, fig.spent_capital),
    ):
        b, e = a1.get_column_letter(start), a1.get_column_letter(start + 1)
        s.add(r, start, formula=formula, cached=budgeted, style="yuan")
        used = f"=SUMIFS({amount},{code},$A{r})-{capital}" if start == 4 else f"={capital}"
        s.add(r, start + 1, formula=used, cached=spent, style="yuan")
        s.add(
            r,
            start + 2,
            formula=f"=IF({b}{r}=0,0,{e}{r}/{b}{r})",
            cached=_ratio(spent, budgeted),
            style="ratio",
        )


def _ratio(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def _total_row(s: SheetSpec, r: int, p: Progress) -> None:
    s.add(r, 1, "合計", "cell_bold")
    s.merges.append((r, 1, r, 3))
    for col in (2, 3):
        s.add(r, col, None, "cell_bold")
    for start, budgeted, spent in (
        (4, p.total("budget_recurrent"), p.total("spent_recurrent")),
        (7, p.total("budget_capital"), p.total("spent_capital")),
    ):
        b, e = a1.get_column_letter(start), a1.get_column_letter(start + 1)
        for col, cached in ((b, budgeted), (e, spent)):
            s.add(
                r,
                start if col == b else start + 1,
                formula=f"=SUM({col}{FIRST_CODE_ROW}:{col}{r - 1})",
                cached=cached,
                style="yuan_bold",
            )
        s.add(
            r,
            start + 2,
            formula=f"=IF({b}{r}=0,0,{e}{r}/{b}{r})",
            cached=_ratio(spent, budgeted),
            style="ratio_bold",
        )


def execution_sheets(
    budget: Budget, ledger=None, *, paid: int | None = None, y2_name: str = cell_spec.Y2_NAME
) -> list[SheetSpec]:
    """支用明細 (empty, or as found) and 執行進度報告表 for a workbook (template or repair hook)."""
    from youzhi.ledger import Ledger, ledger_sheet
    from youzhi.progress import compute
    from youzhi.rollup import codes

    found = ledger if ledger is not None else Ledger(None)
    p = compute(budget, found, paid=paid)
    sheets = [] if ledger is not None and ledger.sheet else [ledger_sheet(budget, codes(budget))]
    last = found.last_row if found.sheet else None
    sheets.append(
        progress_sheet(budget, p, ledger_last=last, ledger_name=found.sheet or LEDGER_NAME, y2_name=y2_name)
    )
    return sheets


def add_execution_sheets(wb, path: str, budget: Budget, write) -> list[str]:
    """The ``repair --with-ledger`` hook: add 支用明細 / 執行進度報告表 when missing (an existing
    ledger is never touched); ``write(ws, spec)`` is repair's spec writer. Returns the names added."""
    from youzhi.ledger import read_ledger
    from youzhi.reader import summary_sheet_names
    from youzhi.sheets import load_grids

    grids = load_grids(path)
    y2_name = summary_sheet_names(grids).get("y-2", cell_spec.Y2_NAME)
    added = []
    for spec in execution_sheets(budget, read_ledger(grids), y2_name=y2_name):
        if spec.name in wb.sheetnames:
            continue
        write(wb.create_sheet(spec.name), spec)
        added.append(spec.name)
    return added
