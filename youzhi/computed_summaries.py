"""The summary sheets y-2, y-3 and y-4: every figure a native formula over the y-1 line rows.

Each formula carries the roll-up's figure as cached value (``youzhi.rollup`` is the source of truth).
Every ratio is guarded (``IF(total=0,0,part/total)``), so an empty workbook shows 0.
``summary_sheets(budget)`` adds 基本資料 (``youzhi.computed_school``) and the hidden 參數
(``youzhi.computed_params``): all the computed sheets a template holds besides the y-1 sheets.
"""

from __future__ import annotations

from fractions import Fraction

from youzhi import forms, rollup
from youzhi.a1 import get_column_letter
from youzhi.calendar import Semester
from youzhi.cell_spec import Y2_NAME, Y3_NAME, Y4_NAME, SheetSpec, money, ratio_value
from youzhi.computed_params import param_sheet
from youzhi.computed_school import school_sheet
from youzhi.computed_y1 import ITEM_TABLE_NAMES, NON_MINISTRY, laid_out, lookup_terms, source_expr, total_expr
from youzhi.model import Budget


def school_title(budget: Budget) -> str:
    short = forms.programme(budget.programme, budget.academic_year).short
    return (budget.school.name.strip() or "○○" + short[:2]) + short[2:]


def _heading(
    s: SheetSpec, title: str, width: int, headers: dict[int, str], merges: list[tuple[int, int, int, int]]
) -> None:
    """Row 1: ``title`` merged over ``width`` columns; row 2: the unit at its right end; row 3: the
    ``headers`` by column; then the header ``merges``."""
    s.add(1, 1, title, "title")
    s.merges.append((1, 1, 1, width))
    s.add(2, width, "單位：千元", "unit_note")
    for col, text in headers.items():
        s.add(3, col, text, "header")
    s.merges += merges


# --------------------------------------------------------------------------- y-2


def y2_sheet(budget: Budget) -> SheetSpec:
    """表y-2 經費編列總表: per code, sources (教育部 = all − others), 經常/資本, 申請/核定 (inputs)."""
    s = SheetSpec(Y2_NAME, column_widths={1: 10, **{c: 14 for c in range(2, 12)}}, print_title_rows=(1, 4))
    _heading(
        s,
        f"表y-2 {school_title(budget)}年度經費編列總表【{budget.academic_year}學年度】",
        11,
        {1: "計畫代碼", 2: "經費配置來源", 7: "優質化整體經費分析", 10: "優質化整體經費"},
        [(3, 1, 4, 1), (3, 2, 3, 6), (3, 7, 3, 9), (3, 10, 3, 11)],
    )
    for c in (3, 4, 5, 6, 8, 9, 11):
        s.add(3, c, None, "header")
    s.add(4, 1, None, "header")
    headers = [*forms.source_labels(), "合計數", "經常門", "資本門", "合計數", "申請金額", "核定金額"]
    for col, text in enumerate(headers, start=2):
        s.add(4, col, text, "header")
    s.row_heights[4] = 66
    rows = {r.code: r for r in rollup.y2(budget)}
    first = 5
    codes = rollup.codes(budget)
    for i, code in enumerate(codes):
        row = first + i
        blocks = laid_out(budget, code=code)
        figures = rows[code]
        s.add(row, 1, code, "cell_center")
        for col, source in zip((3, 4, 5), NON_MINISTRY, strict=True):
            s.add(
                row,
                col,
                formula="=" + source_expr(blocks, source, recurrent=None),
                cached=money(figures.by_source[source]),
                style="money",
            )
        s.add(
            row,
            2,
            formula=f"=I{row}-C{row}-D{row}-E{row}",
            cached=money(figures.by_source[forms.MINISTRY]),
            style="money",
        )
        s.add(row, 6, formula=f"=SUM(B{row}:E{row})", cached=money(figures.source_total), style="money")
        s.add(
            row,
            7,
            formula="=" + total_expr(blocks, recurrent=True),
            cached=money(figures.recurrent),
            style="money",
        )
        s.add(
            row,
            8,
            formula="=" + total_expr(blocks, recurrent=False),
            cached=money(figures.capital),
            style="money",
        )
        s.add(row, 9, formula=f"=G{row}+H{row}", cached=money(figures.total), style="money")
        for col, amount in ((10, figures.applied), (11, figures.approved)):
            s.add(row, col, None if amount is None else money(amount), "input_money")
    total_row = first + len(codes)
    s.add(total_row, 1, "小計", "cell_bold")
    sub = rows["小計"]
    cached = [
        *(sub.by_source[x] for x in forms.SOURCES),
        sub.source_total,
        sub.recurrent,
        sub.capital,
        sub.total,
        sub.applied or 0,
        sub.approved or 0,
    ]
    for col, yuan in enumerate(cached, start=2):
        letter = get_column_letter(col)
        formula = f"=SUM({letter}{first}:{letter}{total_row - 1})" if codes else "=0"
        s.add(total_row, col, formula=formula, cached=money(yuan), style="money_bold")
    notes = (
        "說明：",
        "1. 優質化專案補助款：係指教育部的補助款。",
        f"2. 直轄市(縣市)立主管機關配合款：依照{forms.programme(budget.programme, budget.academic_year).name}"
        "經費要點，就各直轄市、縣(市)政府財力級次，給予不同補助比率。",
        "3. 經費配置來源合計數應等於整體經費分析合計數。",
    )
    for i, text in enumerate(notes):
        s.add(total_row + 2 + i, 1, text, "note")
    return s


# --------------------------------------------------------------------------- y-3

Y3_SOURCE_COLUMNS = dict(zip(forms.SOURCES, (3, 5, 7, 9), strict=True))  # 經常門 column; 資本門 is +1


def y3_sheet(budget: Budget) -> SheetSpec:
    """表y-3 經費編列檢核表: fiscal year × code × source × 經常/資本, totals and 經資門比例."""
    s = SheetSpec(
        Y3_NAME, column_widths={1: 14, 2: 10, **{c: 11 for c in range(3, 14)}}, print_title_rows=(1, 5)
    )
    _heading(
        s,
        f"表y-3 {school_title(budget)}年度經費編列檢核表【{budget.academic_year}學年度】",
        13,
        {1: "年度", 2: "子計畫代碼", 3: "經費配置來源", 11: "優質化整體經費 A+B+C+D"},
        [(3, 1, 5, 1), (3, 2, 5, 2), (3, 3, 3, 10), (3, 11, 4, 13)],
    )
    labels = [f"{label} ({chr(65 + i)})" for i, label in enumerate(forms.source_labels())]
    for source, label in zip(forms.SOURCES, labels, strict=True):
        col = Y3_SOURCE_COLUMNS[source]
        s.add(4, col, label, "header")
        s.add(4, col + 1, None, "header")
        s.merges.append((4, col, 4, col + 1))
        s.add(5, col, "經常門", "header")
        s.add(5, col + 1, "資本門", "header")
    for col, text in ((11, "經常門"), (12, "資本門"), (13, "合計數")):
        s.add(5, col, text, "header")
    for r, c in [(3, c) for c in (*range(4, 11), 12, 13)] + [
        (4, 1),
        (4, 2),
        (5, 1),
        (5, 2),
        (4, 11),
        (4, 12),
        (4, 13),
    ]:
        s.add(r, c, None, "header")
    s.row_heights[4] = 50

    figures = {(r.fiscal_year, r.code, r.source): r for r in rollup.y3(budget)}
    codes = rollup.codes(budget)
    row = 6
    fy_total_rows = []
    for fy in budget.fiscal_years:
        first = row
        semester = Semester.FIRST if fy == budget.academic_year else Semester.SECOND
        s.add(row, 1, f"{fy}會計年度\n({budget.academic_year}學年{semester.label})", "cell_center")
        for code in codes:
            blocks = laid_out(budget, code=code, fy=fy)
            s.add(row, 2, f"{fy}-{code}", "cell_center")
            if row != first:
                s.add(row, 1, None, "cell_center")
            for recurrent, offset in ((True, 0), (False, 1)):
                for source in NON_MINISTRY:
                    fig = figures[(fy, code, source)]
                    s.add(
                        row,
                        Y3_SOURCE_COLUMNS[source] + offset,
                        formula="=" + source_expr(blocks, source, recurrent=recurrent),
                        cached=money(fig.recurrent if recurrent else fig.capital),
                        style="money",
                    )
                fig = figures[(fy, code, forms.MINISTRY)]
                col = 3 + offset
                others = "-".join(
                    f"{get_column_letter(Y3_SOURCE_COLUMNS[x] + offset)}{row}" for x in NON_MINISTRY
                )
                s.add(
                    row,
                    col,
                    formula=f"={total_expr(blocks, recurrent=recurrent)}-{others}",
                    cached=money(fig.recurrent if recurrent else fig.capital),
                    style="money",
                )
            _y3_totals(s, row, budget, fy, code)
            row += 1
        if codes:
            s.merges.append((first, 1, row - 1, 1))
        s.add(row, 1, f"{fy}會計年度合計", "cell_bold")
        s.add(row, 2, None, "cell_bold")
        s.merges.append((row, 1, row, 2))
        for col in range(3, 14):
            letter = get_column_letter(col)
            formula = f"=SUM({letter}{first}:{letter}{row - 1})" if codes else "=0"
            s.add(row, col, formula=formula, cached=_y3_cached(budget, col, fy), style="money_bold")
        fy_total_rows.append(row)
        row += 1
    s.add(row, 1, f"{budget.academic_year}全學年合計", "cell_bold")
    s.add(row, 2, None, "cell_bold")
    s.merges.append((row, 1, row, 2))
    for col in range(3, 14):
        letter = get_column_letter(col)
        formula = "=" + "+".join(f"{letter}{r}" for r in fy_total_rows)
        s.add(row, col, formula=formula, cached=_y3_cached(budget, col, None), style="money_bold")
    year_row = row
    row += 1
    s.add(row, 1, "經資門比例", "cell_bold")
    s.merges.append((row, 1, row, 10))
    for col in range(2, 11):
        s.add(row, col, None, "cell_bold")
    rec_ratio, cap_ratio = rollup.capital_ratio(budget)
    whole = rollup.grand_total(budget)
    for col, value in ((11, rec_ratio), (12, cap_ratio), (13, Fraction(1) if whole else None)):
        letter = get_column_letter(col)
        s.add(
            row,
            col,
            formula=f"=IF(M{year_row}=0,0,{letter}{year_row}/M{year_row})",
            cached=ratio_value(value),
            style="ratio_bold",
        )
    notes = (
        "說明：1. 經資門比例：經常門＝經常門總額/全學年合計；資本門＝資本門總額/全學年合計。",
        "2. 年度經常門、資本門合計經費請配合國教署核定金額。",
        "3. 隸屬縣市政府的學校，請依國教署補助比例和核定金額編列配合款。",
        "4. 優質化專案補助款：指的是教育部的補助款。",
        "5. 經資門比例以1：1為原則。",
    )
    for i, text in enumerate(notes):
        s.add(row + 2 + i, 1, text, "note")
    return s


def _y3_totals(s: SheetSpec, row: int, budget: Budget, fy: int, code: str) -> None:
    rows = [r for r in rollup.y3(budget) if r.fiscal_year == fy and r.code == code]
    rec, cap = sum(r.recurrent for r in rows), sum(r.capital for r in rows)
    s.add(row, 11, formula=f"=C{row}+E{row}+G{row}+I{row}", cached=money(rec), style="money")
    s.add(row, 12, formula=f"=D{row}+F{row}+H{row}+J{row}", cached=money(cap), style="money")
    s.add(row, 13, formula=f"=K{row}+L{row}", cached=money(rec + cap), style="money")


def _y3_cached(budget: Budget, col: int, fy: int | None) -> float:
    rows = [r for r in rollup.y3(budget) if fy is None or r.fiscal_year == fy]
    if col >= 11:
        rec, cap = sum(r.recurrent for r in rows), sum(r.capital for r in rows)
        return money({11: rec, 12: cap, 13: rec + cap}[col])
    source = next(x for x, c in Y3_SOURCE_COLUMNS.items() if c in (col, col - 1))
    recurrent = col == Y3_SOURCE_COLUMNS[source]
    return money(sum(r.recurrent if recurrent else r.capital for r in rows if r.source == source))


# --------------------------------------------------------------------------- y-4


def y4_sheet(budget: Budget) -> SheetSpec:
    """表y-4 子計畫經常門經費項目彙計表: item × (上學期, 下學期, 學年度) with guarded 比例."""
    s = SheetSpec(
        Y4_NAME, column_widths={1: 10, 2: 30, **{c: 13 for c in range(3, 9)}}, print_title_rows=(1, 5)
    )
    title = f"表y-4 子計畫經常門經費項目彙計表 ({school_title(budget)}，{budget.academic_year}學年度)"
    _heading(s, title, 8, {1: "經常門", 2: "經費項目名稱"}, [(3, 1, 4, 1), (3, 2, 4, 2)])
    fy1, fy2 = budget.fiscal_years
    heads = (
        f"{fy1}會計年度({Semester.FIRST.months})",
        f"{fy2}會計年度({Semester.SECOND.months})",
        f"{budget.academic_year}學年度",
    )
    for i, text in enumerate(heads):
        col = 3 + 2 * i
        s.add(3, col, text, "header")
        s.add(3, col + 1, None, "header")
        s.merges.append((3, col, 3, col + 1))
        s.add(4, col, "總計", "header")
        s.add(4, col + 1, "比例", "header")
    s.add(4, 1, None, "header")
    s.add(4, 2, None, "header")

    operating = forms.items(budget.programme, budget.academic_year, forms.OPERATING)
    grants = forms.items(budget.programme, budget.academic_year, forms.GRANTS)
    items = [*operating, *grants, rollup.OTHER_ITEMS]
    figures = {(r.fiscal_year, r.item): r for r in rollup.y4(budget)}
    first = 5
    total_row = first + len(items)
    blocks_by_fy = {fy: laid_out(budget, fy=fy) for fy in budget.fiscal_years}
    for i, item in enumerate(items):
        row = first + i
        if i == 0:
            s.add(row, 1, forms.OPERATING, "cell_center")
        elif i == len(operating):
            s.add(row, 1, forms.GRANTS, "cell_center")
        elif i == len(items) - 1:
            s.add(row, 1, "其他", "cell_center")
        else:
            s.add(row, 1, None, "cell_center")
        s.add(row, 2, item, "cell")
        for fy, col in ((fy1, 3), (fy2, 5)):
            cached = money(figures[(fy, item)].amount)
            if item == rollup.OTHER_ITEMS:
                letter = get_column_letter(col)
                formula = f"={letter}{total_row}-SUM({letter}{first}:{letter}{row - 1})"
            else:
                terms = lookup_terms(blocks_by_fy[fy], "item", ITEM_TABLE_NAMES, f"$B{row}", recurrent=True)
                formula = "=" + ("+".join(terms) if terms else "0")
            s.add(row, col, formula=formula, cached=cached, style="money")
        s.add(row, 7, formula=f"=C{row}+E{row}", cached=money(figures[(None, item)].amount), style="money")
        for col, fy in ((4, fy1), (6, fy2), (8, None)):
            amount_col = get_column_letter(col - 1)
            s.add(
                row,
                col,
                formula=f"=IF({amount_col}${total_row}=0,0,{amount_col}{row}/{amount_col}${total_row})",
                cached=ratio_value(figures[(fy, item)].ratio),
                style="ratio",
            )
    s.merges += [(first, 1, first + len(operating) - 1, 1), (first + len(operating), 1, total_row - 2, 1)]
    s.add(total_row, 1, "經常門總計", "cell_bold")
    s.add(total_row, 2, None, "cell_bold")
    s.merges.append((total_row, 1, total_row, 2))
    for fy, col in ((fy1, 3), (fy2, 5)):
        s.add(
            total_row,
            col,
            formula="=" + total_expr(blocks_by_fy[fy], recurrent=True),
            cached=money(rollup.recurrent_total(budget, fy)),
            style="money_bold",
        )
    s.add(
        total_row,
        7,
        formula=f"=C{total_row}+E{total_row}",
        cached=money(rollup.recurrent_total(budget)),
        style="money_bold",
    )
    for col in (4, 6, 8):
        letter = get_column_letter(col - 1)
        s.add(
            total_row,
            col,
            formula=f"=IF({letter}{total_row}=0,0,1)",
            cached=1.0 if rollup.recurrent_total(budget, {4: fy1, 6: fy2, 8: None}[col]) else 0.0,
            style="ratio_bold",
        )
    notes = (
        "說明：1. 為了協助及早完成經費核定，請學校加總各子計畫之經費項目。",
        "2. 總計為各子計畫之經費加總。(例如：講座鐘點費A-1,A-2..B-1,B-2,..C-1,C-2...之加總)",
        "3. 比例：子計畫經費項目之總計 / 經常門總計。",
        f"4. {rollup.OTHER_ITEMS}：經常門中名稱無法歸入經費編列基準表項目者"
        "（名稱寫法對照見隱藏的「參數」工作表），使各列合計等於經常門總計。",
    )
    for i, text in enumerate(notes):
        s.add(total_row + 2 + i, 1, text, "note")
    return s


def summary_sheets(budget: Budget) -> list[SheetSpec]:
    """y-2, y-3, y-4, 基本資料 and the hidden 參數, all formulas over the y-1 blocks of ``budget``."""
    params, _ = param_sheet(budget)
    return [y2_sheet(budget), y3_sheet(budget), y4_sheet(budget), school_sheet(budget), params]
