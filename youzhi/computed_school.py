"""基本資料: the school block (inputs) and the county match computed from it by formula.

The match follows ``youzhi.rollup.match``: per 會計年度 the tier table of that 年度 (on 參數), the
tier, the maximum rate and the 教育部補助款 of its y-1 sheets; the required 配合款 rounded up to the 元.
Every lookup is wrapped in IFERROR, so an empty workbook shows blanks.
"""

from __future__ import annotations

from youzhi import forms, rollup, tiers
from youzhi.a1 import get_column_letter
from youzhi.cell_spec import SCHOOL_NAME, Y2_NAME, SheetSpec, Validation, money, quote_sheet
from youzhi.computed_y1 import NON_MINISTRY, laid_out, source_expr, total_expr
from youzhi.model import Budget

SCHOOL_LABELS = ("學校名稱", "主管機關", "所在縣市", "方案", "學年度")
SCHOOL_ROW = {label: 3 + i for i, label in enumerate(SCHOOL_LABELS)}  # value in column B
MATCH_HEADER_ROW = 3 + len(SCHOOL_LABELS) + 1
MATCH_LABELS = (
    "會計年度",
    "財力級次表",
    "財力級次",
    "最高補助比率",
    "教育部補助款",
    "應編配合款",
    "已編配合款",
    "配合款差額",
)
MATCH_ROW = {label: MATCH_HEADER_ROW + 1 + i for i, label in enumerate(MATCH_LABELS)}
# Column B: the whole 學年度; C and D: its two 會計年度 (8–12月, 1–7月); E: how it is computed.
MATCH_COLUMNS = {"全學年度": 2, "上學期": 3, "下學期": 4}
SPLIT_LABEL = "分年計算"


def school_sheet(budget: Budget) -> SheetSpec:
    """基本資料: the school block (inputs) and the county match computed from it by formula."""
    s = SheetSpec(SCHOOL_NAME, column_widths={1: 16, 2: 24, 3: 16, 4: 16, 5: 56}, fit_width=True)
    prog = forms.programme(budget.programme, budget.academic_year)
    s.add(1, 1, f"學校基本資料與配合款（{budget.academic_year}學年度）", "title")
    s.merges.append((1, 1, 1, 5))
    school = budget.school
    inputs = {
        "學校名稱": (school.name or None, "school_input", "請填學校全銜"),
        "主管機關": (school.authority, "school_input", "國立｜直轄市立｜縣市立｜私立"),
        "所在縣市": (
            tiers.normalise_county(school.county) if school.county else None,
            "school_input",
            "決定財力級次",
        ),
        "方案": (prog.name, "cell", budget.programme),
        "學年度": (budget.academic_year, "cell", ""),
    }
    for label, (value, style, hint) in inputs.items():
        row = SCHOOL_ROW[label]
        s.add(row, 1, label, "cell_bold")
        s.add(row, 2, value, style)
        s.add(row, 3, hint or None, "note")
    s.validations.append(
        Validation(SCHOOL_ROW["主管機關"], 2, SCHOOL_ROW["主管機關"], 2, "=yz_authorities", True, "主管機關")
    )
    s.validations.append(
        Validation(SCHOOL_ROW["所在縣市"], 2, SCHOOL_ROW["所在縣市"], 2, "=yz_counties", True, "所在縣市")
    )
    _match_block(s, budget)
    return s


def _match_block(s: SheetSpec, budget: Budget) -> None:
    """The county match by formula over the dated tier tables of 參數: per 會計年度 (C, D) the tier
    table of that 年度, the tier, the rate and the 教育部補助款 of its y-1 sheets; the required match
    once on the whole year's subsidy (B) when both 年度 fall under one table, else per 年度, each
    rounded up to the 元, and added (rollup.match)."""
    m = rollup.match(budget)
    ay = budget.academic_year
    head = MATCH_HEADER_ROW
    for col, text in (
        (1, "配合款"),
        (2, "全學年度"),
        (3, f"{ay}年度(8-12月)"),
        (4, f"{ay + 1}年度(1-7月)"),
        (5, "說明"),
    ):
        s.add(head, col, text, "header")
    row = MATCH_ROW
    auth, county = f"$B${SCHOOL_ROW['主管機關']}", f"$B${SCHOOL_ROW['所在縣市']}"
    split = f"$C${row['財力級次表']}<>$D${row['財力級次表']}"
    y2_total_row = 5 + len(rollup.codes(budget))
    y2q = quote_sheet(Y2_NAME)
    by_year = _match_by_year(budget, m)
    for col in (3, 4):
        c = get_column_letter(col)
        fy, title, tier, rate, subsidy, required = by_year[col]
        table_index = f"IFERROR(MATCH({c}{row['會計年度']},yz_tier_from,1),1)"
        tier_cell, rate_cell, sub_cell = (
            f"{c}{row[k]}" for k in ("財力級次", "最高補助比率", "教育部補助款")
        )
        cells = {
            "會計年度": (f"=$B${SCHOOL_ROW['學年度']}+{col - 3}", fy, "cell_center"),
            "財力級次表": (f'=IFERROR(INDEX(yz_tier_titles,1,{table_index}),"")', title, "cell_center"),
            "財力級次": (
                f'=IF(OR({auth}="國立",{auth}="私立",TRIM({county})=""),"",IFERROR(INDEX(yz_tier_grid,'
                f'MATCH(SUBSTITUTE(TRIM({county}),"台","臺"),yz_tier_counties,0),{table_index}),""))',
                tier,
                "cell_center",
            ),
            "最高補助比率": (
                f'=IF({tier_cell}="","",IFERROR(VLOOKUP({tier_cell},yz_rate_table,2,FALSE),""))',
                rate,
                "ratio",
            ),
            "教育部補助款": (f"={_ministry_expr(budget, fy)}", subsidy, "money"),
            "應編配合款": (f'=IF({split},{_required_expr(rate_cell, sub_cell)},"")', required, "money_bold"),
        }
        for label, (formula, cached, style) in cells.items():
            s.add(row[label], col, formula=formula, cached=cached, style=style)
        s.add(row["已編配合款"], col, None, "cell")
        s.add(row["配合款差額"], col, None, "cell")
    b = {label: f"B{r}" for label, r in row.items()}
    whole = {
        "會計年度": (None, None, "cell", f"{ay}學年度之 8-12月屬 {ay} 年度、1-7月屬 {ay + 1} 年度"),
        "財力級次表": (
            f'=IF({split},"{SPLIT_LABEL}",C{row["財力級次表"]})',
            SPLIT_LABEL if _straddles(budget) else by_year[3][1],
            "cell_center",
            "各會計年度適用之「各直轄市及縣(市)政府財力級次表」（參數工作表）；跨兩表時分年計算",
        ),
        "財力級次": (
            f'=IF(C{row["財力級次"]}=D{row["財力級次"]},C{row["財力級次"]},"")',
            "" if m.common_tier is None else m.common_tier,
            "cell_center",
            "依所在縣市及各年度之財力級次表",
        ),
        "最高補助比率": (
            f'=IF(C{row["最高補助比率"]}=D{row["最高補助比率"]},C{row["最高補助比率"]},"")',
            "" if m.common_rate is None else float(m.common_rate),
            "ratio",
            "依補助比率表（參數工作表；依學年度）",
        ),
        "教育部補助款": (
            f"={y2q}!$B${y2_total_row}",
            money(m.subsidy),
            "money",
            "千元；全學年度為 y-2 小計之教育部補助款，各年度為該年度各 y-1 表之教育部補助款",
        ),
        "應編配合款": (
            f"=IF({split},SUM(C{row['應編配合款']}:D{row['應編配合款']}),"
            f"{_required_expr(b['最高補助比率'], b['教育部補助款'])})",
            money(m.required),
            "money_bold",
            "千元；教育部補助款×(1−最高補助比率)÷最高補助比率，無條件進位至元；"
            "跨兩張財力級次表時各年度分別計算後相加；國立、私立免編",
        ),
        "已編配合款": (f"={y2q}!$C${y2_total_row}", money(m.budgeted), "money", "千元；y-2 小計之配合款"),
        "配合款差額": (
            f"=MAX(0,{b['應編配合款']}-{b['已編配合款']})",
            money(m.shortfall),
            "money_bold",
            "千元；大於 0 表示配合款不足",
        ),
    }
    for label, (formula, cached, style, hint) in whole.items():
        s.add(row[label], 1, label, "cell_bold")
        if formula is None:
            s.add(row[label], 2, None, style)
        else:
            s.add(row[label], 2, formula=formula, cached=cached, style=style)
        s.add(row[label], 5, hint, "note")


def _straddles(budget: Budget) -> bool:
    """Whether the 學年度's two 會計年度 fall under two tier tables (what the formulas test)."""
    return len(tiers.fiscal_parts(budget.academic_year)) > 1


def _required_expr(rate_cell: str, subsidy_cell: str) -> str:
    """⌈S × (1 − r) / r⌉ in 千元 to the 元 (0 without a rate or a subsidy)."""
    return (
        f'IF({rate_cell}="",0,IF({subsidy_cell}<=0,0,'
        f"ROUNDUP(ROUND({subsidy_cell}*(1-{rate_cell})/{rate_cell},6),3)))"
    )


def _ministry_expr(budget: Budget, fiscal_year: int) -> str:
    """教育部補助款 of one 會計年度's y-1 sheets: their total less the other three sources (as y-3)."""
    blocks = laid_out(budget, fy=fiscal_year)
    if not blocks:
        return "0"
    others = "-".join(f"({source_expr(blocks, src, recurrent=None)})" for src in NON_MINISTRY)
    return f"{total_expr(blocks, recurrent=None)}-{others}"


def _match_by_year(budget: Budget, m: rollup.Match) -> dict[int, tuple]:
    """Cached values of columns C and D: (年度, table title, tier, rate, subsidy 千元, required 千元)."""
    out = {}
    straddles = _straddles(budget)
    for col, fy in zip((3, 4), budget.fiscal_years, strict=True):
        table = tiers.tier_table(fy)
        part = next((p for p in m.parts if fy in p.fiscal_years), None)
        tier = "" if part is None or part.tier is None else part.tier
        rate = "" if part is None or part.max_rate is None else float(part.max_rate)
        required = (money(part.required) if part is not None else 0.0) if straddles else ""
        out[col] = (fy, table.title, tier, rate, money(rollup.ministry_in(budget, fy)), required)
    return out
