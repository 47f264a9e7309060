"""教育部補(捐)助經費收支結算表 (《教育部補(捐)助及委辦經費核撥結報作業要點》附件六): figures and workbook.

Per 業務費 (經常門: 業務費 + 獎補助費) / 設備及投資 and 合計, in 元:
A 核定計畫金額 (all sources, 備註 三), B 核定補(捐)助金額 (教育部補助款), C 撥付金額 (合計 only),
D = B/A as a percentage to two decimals (the form's 百分比：取至小數點二位: ROUND(B/A, 4), half up),
E 實支總額 (支用明細 rows 已支付; 請購 rows are not yet spent), F = A − E,
G = F × D − (B − C) on the whole-plan totals (備註 四), rounded half up to the 元.
A partly subsidised plan (D < 1) gets the 支出機關分攤表, whose total equals E; a 執行率 (E/A) under
80 % needs an explanation (備註 六).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from youzhi import forms
from youzhi.ledger import CAPITAL, REQUESTED, Ledger
from youzhi.model import Budget

SETTLE_NAME = "收支結算表"
THRESHOLD = Fraction(80, 100)
SHARE_NAMES = {
    forms.MINISTRY: "教育部",
    forms.MATCH: "直轄市、縣(市)政府（配合款）",
    forms.SELF_FUNDED: "學校自籌款",
    forms.OTHER: "其他補助機關",
}


@dataclass(frozen=True)
class Row:
    label: str
    a: int
    b: int
    e: int

    @property
    def d(self) -> Decimal:
        return ratio(self.b, self.a)

    @property
    def f(self) -> int:
        return self.a - self.e


@dataclass
class Settlement:
    school: str
    plan: str
    period: str
    rows: list[Row]  # 業務費, 設備及投資
    paid: int  # C
    shares: list[tuple[str, int]]  # 支出機關分攤表 (empty for a fully subsidised plan)
    reason: str = ""
    requested: int = 0  # 請購 rows left out of E
    note: str = ""  # where A comes from

    @property
    def total(self) -> Row:
        return Row(
            "合計", sum(r.a for r in self.rows), sum(r.b for r in self.rows), sum(r.e for r in self.rows)
        )

    @property
    def g(self) -> int:
        t = self.total
        return int((t.f * t.d - (t.b - self.paid)).quantize(Decimal(1), rounding=ROUND_HALF_UP))

    @property
    def rate(self) -> Fraction | None:
        return Fraction(self.total.e, self.total.a) if self.total.a else None

    @property
    def needs_reason(self) -> bool:
        return self.rate is not None and self.rate < THRESHOLD


def ratio(part: int, whole: int) -> Decimal:
    """B/A to two decimals of a percentage (ROUND(B/A, 4), half up); 0 when A is 0."""
    if not whole:
        return Decimal(0)
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def _share_amounts(budget: Budget, spent: int, whole: int) -> list[tuple[str, int]]:
    """E split by each source's share of the budget (``whole``); the ministry takes the remainder, so the
    total is E."""
    if not whole:
        return []
    by_source = {s: sum(line.amount for line in budget.lines if line.source == s) for s in forms.SOURCES}
    others = []
    for source in forms.SOURCES[1:]:
        if by_source[source]:
            amount = int((Decimal(spent * by_source[source]) / whole).quantize(Decimal(1), ROUND_HALF_UP))
            others.append((SHARE_NAMES[source], amount))
    return [(SHARE_NAMES[forms.MINISTRY], spent - sum(a for _, a in others)), *others]


def approved_amounts(budget: Budget) -> tuple[int, int]:
    """A of 業務費 and 設備及投資: per sub-plan its y-2 核定金額 split like its y-1 budget
    (``progress.approved_split``), else the y-1 budget."""
    from youzhi.progress import approved_split
    from youzhi.rollup import codes

    recurrent = capital = 0
    for code in codes(budget):
        blocks = [b for b in budget.sheets if b.code == code]
        rec, cap = sum(b.total(recurrent=True) for b in blocks), sum(b.total(recurrent=False) for b in blocks)
        if code in budget.approved:
            rec, cap = approved_split(rec, cap, budget.approved[code])
        recurrent, capital = recurrent + rec, capital + cap
    return recurrent, capital


def settle(budget: Budget, ledger: Ledger, *, paid: int, reason: str = "") -> Settlement:
    rows = []
    approved = approved_amounts(budget)
    for label, recurrent in (("業務費", True), ("設備及投資", False)):
        lines = [line for line in budget.lines if line.recurrent is recurrent]
        a = approved[0 if recurrent else 1]
        b = sum(line.amount for line in lines if line.source == forms.MINISTRY)
        e = sum(
            r.amount for r in ledger.rows if r.status != REQUESTED and (r.kind == CAPITAL) is not recurrent
        )
        rows.append(Row(label, a, b, e))
    prog = forms.programme(budget.programme, budget.academic_year)
    ay = budget.academic_year
    result = Settlement(
        school=budget.school.name,
        plan=f"{ay}學年度{prog.name}",
        period=f"{ay + 1911}年8月1日至{ay + 1912}年7月31日",
        rows=rows,
        paid=paid,
        shares=[],
        reason=reason.strip(),
        requested=sum(r.amount for r in ledger.rows if r.status == REQUESTED),
        note="A 依 y-2 核定金額" if budget.approved else "y-2 未填核定金額，A 依概算表編列金額",
    )
    if result.total.d < 1:
        result.shares = _share_amounts(budget, result.total.e, sum(line.amount for line in budget.lines))
    return result


def _pct(value: Decimal) -> str:
    return f"{value * 100:.2f}%"


def to_json(s: Settlement) -> dict:
    def row(r: Row, c: int | None) -> dict:
        return {"A": r.a, "B": r.b, "C": c, "D": _pct(r.d), "E": r.e, "F": r.f}

    return {
        "執行單位名稱": s.school,
        "計畫名稱": s.plan,
        "計畫期程": s.period,
        "單位": "元",
        "業務費": row(s.rows[0], None),
        "設備及投資": row(s.rows[1], None),
        "合計": {**row(s.total, s.paid), "G": s.g},
        "執行率": None if s.rate is None else f"{float(s.rate * 100):.2f}%",
        "需說明原因": s.needs_reason,
        "原因說明": s.reason,
        "支出機關分攤表": [{"機關": n, "金額": a} for n, a in s.shares],
        "請購未付": s.requested,
        "附註": s.note,
    }
