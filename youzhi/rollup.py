"""Pure functions: ``Budget`` → every y-2, y-3, y-4 figure in integer 元, the county match
(``youzhi.county_match``) and the ``youzhi rollup --json`` object."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from youzhi import forms, items
from youzhi.county_match import Match as Match  # re-exported: rollup gives every figure of a Budget
from youzhi.county_match import match
from youzhi.county_match import match_basis as match_basis
from youzhi.county_match import ministry_in as ministry_in
from youzhi.county_match import source_total as source_total
from youzhi.items import OTHER_ITEMS as OTHER_ITEMS  # y-4 row of lines whose item is not a standards item
from youzhi.model import Budget, Line


def code_sort_key(budget_programme: str, academic_year: int):
    order = {s.code: i for i, s in enumerate(forms.programme(budget_programme, academic_year).subplans)}

    def key(code: str):
        base, _, branch = code.partition("-")
        numbers = [int(n) for n in re.findall(r"\d+", branch)]
        return (order.get(base, len(order)), base, numbers, branch)

    return key


def codes(budget: Budget) -> list[str]:
    """Every sub-plan code present, in programme order (A, A-1, A-2, B …)."""
    present = {sheet.code for sheet in budget.sheets}
    return sorted(present, key=code_sort_key(budget.programme, budget.academic_year))


@dataclass(frozen=True)
class Y2Row:
    code: str  # a sub-plan code, or "小計"
    by_source: dict[str, int]
    recurrent: int
    capital: int
    applied: int | None = None
    approved: int | None = None

    @property
    def source_total(self) -> int:
        return sum(self.by_source.values())

    @property
    def total(self) -> int:
        return self.recurrent + self.capital


@dataclass(frozen=True)
class Y3Row:
    fiscal_year: int
    code: str
    source: str
    recurrent: int
    capital: int


@dataclass(frozen=True)
class Y4Row:
    fiscal_year: int | None  # None: the whole 學年度
    item: str
    amount: int
    ratio: Fraction | None  # amount / 經常門總計 of that column; None when that total is 0


Key = tuple[int, str, str, bool]  # (會計年度, 子計畫代碼, 經費來源, 經常門?)


def amounts(budget: Budget) -> dict[Key, int]:
    """元 per (會計年度, 子計畫代碼, 經費來源, 經常門?), in one pass over the lines: every y-2 / y-3
    figure and total is a sum of these."""
    out: dict[Key, int] = defaultdict(int)
    for sheet in budget.sheets:
        fy, code = sheet.fiscal_year, sheet.code
        for line in sheet.lines:
            out[(fy, code, line.source, line.recurrent)] += line.amount
    return out


def _total(found: dict[Key, int], *, code=None, fiscal_year=None, source=None, recurrent=None) -> int:
    return sum(
        amount
        for (fy, c, s, r), amount in found.items()
        if (fiscal_year is None or fy == fiscal_year)
        and (code is None or c == code)
        and (source is None or s == source)
        and (recurrent is None or r is recurrent)
    )


def lines_of(budget: Budget, *, code: str | None = None, fiscal_year: int | None = None) -> list[Line]:
    return [
        line
        for sheet in budget.sheets
        if (code is None or sheet.code == code) and (fiscal_year is None or sheet.fiscal_year == fiscal_year)
        for line in sheet.lines
    ]


def y2(budget: Budget) -> list[Y2Row]:
    """One row per sub-plan code, then 小計 (y-2 經費編列總表)."""
    found = amounts(budget)
    rows = []
    for code in codes(budget):
        by_source = {s: _total(found, code=code, source=s) for s in forms.SOURCES}
        rows.append(
            Y2Row(
                code,
                by_source,
                _total(found, code=code, recurrent=True),
                _total(found, code=code, recurrent=False),
                budget.applied.get(code),
                budget.approved.get(code),
            )
        )
    subtotal = Y2Row(
        "小計",
        {s: sum(r.by_source[s] for r in rows) for s in forms.SOURCES},
        sum(r.recurrent for r in rows),
        sum(r.capital for r in rows),
        sum(budget.applied.values()) if budget.applied else None,
        sum(budget.approved.values()) if budget.approved else None,
    )
    return [*rows, subtotal]


def y3(budget: Budget) -> list[Y3Row]:
    """Per fiscal year × code × source: 經常門 and 資本門 (y-3 經費編列檢核表), zeros included."""
    found = amounts(budget)
    return [
        Y3Row(
            fy, code, source, found.get((fy, code, source, True), 0), found.get((fy, code, source, False), 0)
        )
        for fy in budget.fiscal_years
        for code in codes(budget)
        for source in forms.SOURCES
    ]


def recurrent_total(budget: Budget, fiscal_year: int | None = None) -> int:
    return _total(amounts(budget), fiscal_year=fiscal_year, recurrent=True)


def capital_total(budget: Budget, fiscal_year: int | None = None) -> int:
    return _total(amounts(budget), fiscal_year=fiscal_year, recurrent=False)


def grand_total(budget: Budget, fiscal_year: int | None = None) -> int:
    return _total(amounts(budget), fiscal_year=fiscal_year)


def ratio(part: int, whole: int) -> Fraction | None:
    """part / whole, or None when whole is 0 (the forms show 0 or blank, never #DIV/0!)."""
    return Fraction(part, whole) if whole else None


def capital_ratio(budget: Budget) -> tuple[Fraction | None, Fraction | None]:
    """y-3 經資門比例: (經常門 / 全學年合計, 資本門 / 全學年合計)."""
    found = amounts(budget)
    total = _total(found)
    return ratio(_total(found, recurrent=True), total), ratio(_total(found, recurrent=False), total)


def y4_row(budget: Budget, line: Line) -> str | None:
    """The y-4 row a line lands in (``youzhi.items``: by its written name; None for 資本門)."""
    if not line.recurrent:
        return None
    return items.y4_row(budget.programme, budget.academic_year, line.category, line.raw_item or line.item)


def _item_amounts(budget: Budget) -> dict[tuple[int, str | None], int]:
    """Recurrent 元 per (會計年度, y-4 row), in one pass over the lines."""
    out: dict[tuple[int, str | None], int] = defaultdict(int)
    for sheet in budget.sheets:
        for line in sheet.lines:
            if line.recurrent:
                out[(sheet.fiscal_year, y4_row(budget, line))] += line.amount
    return out


def _item_totals(found: dict[tuple[int, str | None], int], fiscal_year: int | None) -> dict[str | None, int]:
    totals: dict[str | None, int] = defaultdict(int)
    for (fy, row), amount in found.items():
        if fiscal_year is None or fy == fiscal_year:
            totals[row] += amount
    return dict(totals)


def item_totals(budget: Budget, fiscal_year: int | None = None) -> dict[str, int]:
    """Recurrent money per y-4 row (a standard item, or OTHER_ITEMS)."""
    return _item_totals(_item_amounts(budget), fiscal_year)


def y4(budget: Budget) -> list[Y4Row]:
    """Every standard recurrent item per column (上學期, 下學期, 學年度), with 比例.

    Each recurrent line lands in the row ``youzhi.items`` gives its written name (long name, part,
    alias); the others are summed into ``OTHER_ITEMS``, so the rows always add up to 經常門總計.
    """
    standard = forms.recurrent_items(budget.programme, budget.academic_year)
    found = _item_amounts(budget)
    rows = []
    for fy in (*budget.fiscal_years, None):
        totals = _item_totals(found, fy)
        whole = sum(totals.values())  # 經常門總計 of the column: every recurrent line lands in a row
        for item in standard:
            amount = totals.get(item, 0)
            rows.append(Y4Row(fy, item, amount, ratio(amount, whole)))
        other = sum(v for k, v in totals.items() if k not in standard)  # OTHER_ITEMS (and blank names)
        rows.append(Y4Row(fy, OTHER_ITEMS, other, ratio(other, whole)))
    return rows


def _rate_text(rate: Fraction | None) -> str | None:
    if rate is None:
        return None
    return f"{Decimal(rate.numerator) / Decimal(rate.denominator):.2f}"


def summary(budget: Budget) -> dict:
    """The ``youzhi rollup --json`` object (money as integer 元)."""
    m = match(budget)
    return {
        "academic_year": budget.academic_year,
        "programme": budget.programme,
        "school": {
            "name": budget.school.name,
            "authority": budget.school.authority,
            "county": budget.school.county,
        },
        "lines": [
            {
                "sheet": ln.sheet,
                "row": ln.row,
                "code": sheet.code,
                "fiscal_year": sheet.fiscal_year,
                "category": ln.category,
                "item": ln.item,
                "y4_row": y4_row(budget, ln),
                "unit": ln.unit,
                "quantity": None if ln.quantity is None else format(ln.quantity.normalize(), "f"),
                "unit_price": ln.unit_price,
                "total": ln.amount,
                "typed_total": ln.typed_total,
                "purpose": ln.purpose,
                "source": ln.source,
            }
            for sheet in budget.sheets
            for ln in sheet.lines
        ],
        "y2": [
            {
                "code": r.code,
                "by_source": r.by_source,
                "source_total": r.source_total,
                "recurrent": r.recurrent,
                "capital": r.capital,
                "total": r.total,
                "applied": r.applied,
                "approved": r.approved,
            }
            for r in y2(budget)
        ],
        "y3": [
            {
                "fiscal_year": r.fiscal_year,
                "code": r.code,
                "source": r.source,
                "recurrent": r.recurrent,
                "capital": r.capital,
            }
            for r in y3(budget)
        ],
        "y4": [
            {"fiscal_year": r.fiscal_year, "item": r.item, "amount": r.amount}
            for r in y4(budget)
            if r.fiscal_year is not None
        ],
        "match": {
            "county": m.county,
            "tier": m.common_tier,
            "max_rate": _rate_text(m.common_rate),
            "subsidy": m.subsidy,
            "required": m.required,
            "split": m.split,
            "parts": [
                {
                    "fiscal_years": list(p.fiscal_years),
                    "tier_table": p.table,
                    "tier": p.tier,
                    "max_rate": _rate_text(p.max_rate),
                    "subsidy": p.subsidy,
                    "required": p.required,
                }
                for p in m.parts
            ],
            "budgeted": m.budgeted,
            "needed": m.needed,
            "note": m.note,
        },
        "problems": [
            {"sheet": p.sheet, "cell": p.cell, "message": p.message, "severity": p.severity}
            for p in budget.problems
        ],
    }
