"""執行進度報告表 (國立後壁高中推動高職優質化輔助方案自主管理實施計畫 附件二): figures and sheet.

Per sub-plan (工作項目) and for 經常門 / 資本門: 核撥預算 (the y-1 amounts; y-2 核定金額 where typed
is reported next to them), 執行(含請購) (every 支用明細 row, requested or paid) and 執行率; totals; the
payment tranches and whether the next may be requested (``youzhi.tranches``); and flags:

* money left when a semester's deadline has passed (8–12月 funds by 12/31, 1–7月 by 7/31;
  國教署補助高職優質化輔助方案要點 五(二));
* a line (子計畫 × 項目) spent above its budget line;
* 資本門 spent as 經常門 (a 設備及投資 row marked 經常門, or a sub-plan's 經常門 spending above its
  經常門 budget: 資本門 may never move to 經常門).

The sheet computes the same figures with native formulas (SUMIFS over 支用明細) with cached values.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction

from youzhi import a1, forms, rollup, tranches
from youzhi.calendar import Semester, fiscal_year
from youzhi.ledger import COL as LCOL
from youzhi.ledger import LEDGER_NAME, Ledger
from youzhi.model import Budget

PROGRESS_NAME = "執行進度報告表"
PAID_LABEL = "已撥經費(元)"
CLAUSE_DEADLINE = "國教署補助高職優質化輔助方案要點 五(二)"
CLAUSE_FORM = "國立後壁高中推動高職優質化輔助方案自主管理實施計畫 附件二 執行進度報告表"
SIGNATURES = ("填表人：", "主管：", "校長：")
TABLE_HEADER_ROW = 8
FIRST_CODE_ROW = TABLE_HEADER_ROW + 2


@dataclass(frozen=True)
class Flag:
    kind: str  # deadline | over-line | capital-as-recurrent | ledger
    message: str
    sheet: str = ""
    cell: str = ""


@dataclass
class SubPlanFigures:
    code: str
    name: str
    budget_recurrent: int
    budget_capital: int
    spent_recurrent: int = 0
    spent_capital: int = 0
    approved: int | None = None  # y-2 核定金額

    @property
    def recurrent_rate(self) -> Fraction | None:
        return rollup.ratio(self.spent_recurrent, self.budget_recurrent)

    @property
    def capital_rate(self) -> Fraction | None:
        return rollup.ratio(self.spent_capital, self.budget_capital)


@dataclass
class Progress:
    academic_year: int
    as_of: date
    rows: list[SubPlanFigures]
    subsidy: int  # 教育部補助款 (元) the tranches are computed on
    paid: int | None
    schedule: tranches.Schedule
    next: tranches.NextTranche | None
    flags: list[Flag] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def total(self, attr: str) -> int:
        return sum(getattr(r, attr) for r in self.rows)

    @property
    def spent(self) -> int:
        return self.total("spent_recurrent") + self.total("spent_capital")


def approved_split(recurrent: int, capital: int, approved: int) -> tuple[int, int]:
    """A sub-plan's y-2 核定金額 split as its y-1 budget is: 資本門 = 核定 × 資本門 ÷ 合計 (half up to the
    元), 經常門 the rest (all 經常門 when nothing was budgeted)."""
    total = recurrent + capital
    cap = (2 * capital * approved + total) // (2 * total) if total else 0
    return approved - cap, cap


def deadline(academic_year: int, semester: Semester) -> date:
    ad = fiscal_year(academic_year, semester) + 1911
    return date(ad, 12, 31) if semester is Semester.FIRST else date(ad, 7, 31)


def window(academic_year: int, semester: Semester) -> tuple[date, date]:
    ad = fiscal_year(academic_year, semester) + 1911
    return (
        (date(ad, 8, 1), date(ad, 12, 31))
        if semester is Semester.FIRST
        else (date(ad, 1, 1), date(ad, 7, 31))
    )


def _name(budget: Budget, code: str) -> str:
    sub = forms.programme(budget.programme, budget.academic_year).subplan(code)
    return sub.name if sub else ""


def compute(
    budget: Budget,
    ledger: Ledger,
    *,
    as_of: date | None = None,
    paid: int | None = None,
    recipient: str = tranches.SCHOOL,
) -> Progress:
    """The figures of the 執行進度報告表 and the flags, from the budget and the ledger."""
    as_of = as_of or date.today()
    rows = []
    for code in rollup.codes(budget):
        blocks = [b for b in budget.sheets if b.code == code]
        recurrent = sum(b.total(recurrent=True) for b in blocks)
        capital = sum(b.total(recurrent=False) for b in blocks)
        approved = budget.approved.get(code)
        if approved is not None:
            recurrent, capital = approved_split(recurrent, capital, approved)
        fig = SubPlanFigures(code, _name(budget, code), recurrent, capital, approved=approved)
        for row in ledger.rows:
            if row.code == code.upper():
                if row.capital:
                    fig.spent_capital += row.amount
                else:
                    fig.spent_recurrent += row.amount
        rows.append(fig)
    subsidy = rollup.source_total(budget, forms.MINISTRY)
    plan = tranches.schedule(subsidy, recipient)
    result = Progress(budget.academic_year, as_of, rows, subsidy, paid, plan, None)
    if paid is not None:
        result.next = tranches.next_tranche(plan, paid, result.spent)
    if any(r.approved is not None for r in rows):
        result.notes.append(
            "y-2 已填核定金額的子計畫，核撥預算為核定金額，依概算表經常門、資本門比例分配"
            "（資本門四捨五入至元）；其餘依概算表（y-1）編列金額"
        )
    else:
        result.notes.append("y-2 尚未填核定金額，核撥預算依各子計畫概算表（y-1）編列金額")
    result.flags = flags(budget, ledger, rows, as_of)
    return result


def flags(budget: Budget, ledger: Ledger, rows: list[SubPlanFigures], as_of: date) -> list[Flag]:
    out = [Flag("ledger", p.message, p.sheet, p.cell) for p in ledger.problems]
    known = {r.code.upper() for r in rows}
    sheet = ledger.sheet or LEDGER_NAME
    for row in ledger.rows:
        cell = f"{a1.get_column_letter(LCOL['amount'])}{row.row}"
        if row.code not in known:
            out.append(Flag("ledger", f"子計畫「{row.code}」不在經費表中，未納入執行進度", sheet, cell))
        if row.category in forms.RECURRENT_CATEGORIES and row.capital:
            out.append(
                Flag("ledger", f"{row.category}（經常門）支出 {row.amount:,} 元記為資本門", sheet, cell)
            )
        if row.category == forms.CAPITAL and not row.capital:
            out.append(
                Flag(
                    "capital-as-recurrent",
                    f"設備及投資（資本門）支出 {row.amount:,} 元記為經常門",
                    sheet,
                    cell,
                )
            )
    out += _deadline_flags(budget, ledger, as_of)
    out += _line_flags(budget, ledger)
    for r in rows:
        if r.spent_recurrent > r.budget_recurrent:
            over = r.spent_recurrent - r.budget_recurrent
            out.append(
                Flag(
                    "capital-as-recurrent",
                    f"子計畫 {r.code} 經常門執行 {r.spent_recurrent:,} 元"
                    f"超過核撥預算 {r.budget_recurrent:,} 元"
                    f"（超出 {over:,} 元；資本門不得流用至經常門）",
                )
            )
    return out


def _deadline_flags(budget: Budget, ledger: Ledger, as_of: date) -> list[Flag]:
    out = []
    for semester in (Semester.FIRST, Semester.SECOND):
        due = deadline(budget.academic_year, semester)
        if as_of <= due:
            continue
        start, end = window(budget.academic_year, semester)
        fy = fiscal_year(budget.academic_year, semester)
        for code in rollup.codes(budget):
            planned = sum(b.total() for b in budget.sheets if b.code == code and b.fiscal_year == fy)
            spent = sum(
                r.amount for r in ledger.rows if r.code == code.upper() and r.when and start <= r.when <= end
            )
            if planned > spent:
                out.append(
                    Flag(
                        "deadline",
                        f"子計畫 {code} {semester.label}({semester.months}) 經費"
                        f"應於 {due:%Y/%m/%d} 前執行完畢，"
                        f"尚餘 {planned - spent:,} 元（{CLAUSE_DEADLINE}）",
                    )
                )
    return out


def _line_flags(budget: Budget, ledger: Ledger) -> list[Flag]:
    planned: dict[tuple[str, str], int] = defaultdict(int)
    for block in budget.sheets:
        for line in block.lines:
            planned[(block.code.upper(), line.item)] += line.amount
    spent: dict[tuple[str, str], int] = defaultdict(int)
    for row in ledger.rows:
        if row.item:
            spent[(row.code, row.item)] += row.amount
    out = []
    for (code, item), amount in spent.items():
        if amount > planned.get((code, item), 0):
            out.append(
                Flag(
                    "over-line",
                    f"子計畫 {code}「{item}」支用 {amount:,} 元，"
                    f"超過編列 {planned.get((code, item), 0):,} 元",
                )
            )
    return out


# --------------------------------------------------------------------------- JSON


def _rate(value: Fraction | None) -> str | None:
    return None if value is None else f"{float(value * 100):.2f}%"


def to_json(p: Progress) -> dict:
    rows = [
        {
            "子計畫": r.code,
            "工作項目": r.name,
            "經常門": {
                "核撥預算": r.budget_recurrent,
                "執行": r.spent_recurrent,
                "執行率": _rate(r.recurrent_rate),
            },
            "資本門": {
                "核撥預算": r.budget_capital,
                "執行": r.spent_capital,
                "執行率": _rate(r.capital_rate),
            },
            "核定金額": r.approved,
        }
        for r in p.rows
    ]
    br, bc = p.total("budget_recurrent"), p.total("budget_capital")
    sr, sc = p.total("spent_recurrent"), p.total("spent_capital")
    data = {
        "計畫學年度": p.academic_year,
        "經費會計年度": [p.academic_year, p.academic_year + 1],
        "進度表日期": p.as_of.isoformat(),
        "單位": "元",
        "子計畫": rows,
        "合計": {
            "經常門": {"核撥預算": br, "執行": sr, "執行率": _rate(rollup.ratio(sr, br))},
            "資本門": {"核撥預算": bc, "執行": sc, "執行率": _rate(rollup.ratio(sc, bc))},
            "執行": sr + sc,
        },
        "撥款": {
            "教育部補助款": p.subsidy,
            "分期": list(p.schedule.amounts),
            "依據": p.schedule.clause,
            "已撥經費": p.paid,
        },
        "提醒": [{"類別": f.kind, "說明": f.message, "工作表": f.sheet, "儲存格": f.cell} for f in p.flags],
        "附註": p.notes,
        "表式": CLAUSE_FORM,
    }
    if p.next is not None:
        data["撥款"]["已撥經費執行率"] = _rate(p.next.rate)
        data["撥款"]["次期"] = p.next.number
        data["撥款"]["次期金額"] = p.next.amount
        data["撥款"]["可請撥"] = p.next.allowed
        data["撥款"]["說明"] = p.next.message()
    return data


def paid_on_sheet(grids) -> int | None:
    """已撥經費 typed on the 執行進度報告表 (the cell right of its label), integer 元; None when blank."""
    from youzhi.money import parse_number, round_half_up

    grid = grids.sheet(PROGRESS_NAME)
    if grid is None:
        return None
    for r in range(1, min(grid.max_row, 12) + 1):
        for c in range(1, grid.max_col + 1):
            if grid.text(r, c) == PAID_LABEL:
                parsed = parse_number(grid.value(r, c + 1))
                return None if parsed.value is None else round_half_up(parsed.value)
    return None
