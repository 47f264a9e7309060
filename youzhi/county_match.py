"""Pure: the county match (配合款) a ``Budget`` owes under 財力級次 and 補助比率, in integer 元.

It is the one figure that depends on the tier tables (``youzhi.tiers``), not only on the lines;
``youzhi.rollup`` re-exports it (``rollup.match``, ``match_basis``, ``ministry_in``, ``source_total``)
next to the y-2, y-3, y-4 sums.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from youzhi import forms, tiers
from youzhi.model import Budget


@dataclass(frozen=True)
class MatchPart:
    """The required match of the 會計年度 that fall under one tier table."""

    fiscal_years: tuple[int, ...]
    table: str  # the tier table's title, e.g. 112–114年度
    tier: int | None
    max_rate: Fraction | None
    subsidy: int  # 教育部補助款 of those 會計年度
    required: int  # ⌈subsidy × (1 − r) / r⌉


@dataclass(frozen=True)
class Match:
    county: str | None
    tier: int | None  # the tier of the first 會計年度 (each part has its own)
    max_rate: Fraction | None  # the rate of the first 會計年度
    subsidy: int  # 教育部補助款 over the whole 學年度
    required: int  # minimum 配合款 (the sum of the parts' figures)
    budgeted: int  # 配合款 budgeted
    needed: bool  # whether the school's authority owes a match at all
    note: str = ""  # zh-TW: why a figure is missing or assumed
    parts: tuple[MatchPart, ...] = ()  # one per tier table the 學年度 falls under

    @property
    def shortfall(self) -> int:
        return max(0, self.required - self.budgeted)

    @property
    def common_tier(self) -> int | None:
        """The tier of the whole 學年度: None when its two 會計年度 have different tiers."""
        return self.tier if len({p.tier for p in self.parts}) <= 1 else None

    @property
    def common_rate(self) -> Fraction | None:
        return self.max_rate if len({p.max_rate for p in self.parts}) <= 1 else None

    @property
    def split(self) -> bool:
        """The 學年度's two 會計年度 fall under two tier tables: a match per 會計年度."""
        return len(self.parts) > 1


def match(budget: Budget) -> Match:
    """The county match: required ⌈S(1−r)/r⌉ for 直轄市立/縣市立 schools, none otherwise.

    When the 學年度's two 會計年度 fall under two tier tables, each 會計年度's 教育部補助款 is
    matched under its own table, each rounded up, and the two added (the tool's reading of the 要點:
    the tier of the 年度 in which the money is spent applies)."""
    subsidy = source_total(budget, forms.MINISTRY)
    budgeted = source_total(budget, forms.MATCH)
    school = budget.school
    if school.authority in ("國立", "私立"):
        return Match(
            school.county, None, None, subsidy, 0, budgeted, False, f"{school.authority}學校免編配合款"
        )
    if school.authority is None and not school.county:
        return Match(None, None, None, subsidy, 0, budgeted, False, "未填學校主管機關，無法計算配合款")
    if not school.county:
        return Match(
            None, None, None, subsidy, 0, budgeted, True, f"{school.authority}學校未填縣市，無法計算配合款"
        )
    needed = tiers.needs_match(school.authority) or school.authority is None
    try:
        table = tiers.rate_table(budget.programme, budget.academic_year)
        groups = _parts_of(budget)
        later = {fy: ministry_in(budget, fy) for years, _ in groups[1:] for fy in years}
        first_subsidy = subsidy - sum(later.values())  # a sheet of an unexpected 年度 counts here
        amounts = [first_subsidy, *(sum(later[y] for y in years) for years, _ in groups[1:])]
        parts = tuple(
            _match_part(budget, years, t, table, needed, amount)
            for (years, t), amount in zip(groups, amounts, strict=True)
        )
    except tiers.TierError as exc:
        return Match(school.county, None, None, subsidy, 0, budgeted, True, str(exc))
    notes = _match_notes(budget, table)
    county = tiers.normalise_county(school.county)
    required = sum(p.required for p in parts)
    first = parts[0]
    return Match(county, first.tier, first.max_rate, subsidy, required, budgeted, needed, notes, parts)


def match_basis(m: Match) -> str:
    """How the required match was computed, one clause per tier table, e.g.
    ``114年度：112–114年度表第 3 級 88%，補助款 60,734 元 → 8,282 元；115年度：…`` (empty if none)."""
    if not m.needed or m.tier is None:
        return ""
    return "；".join(
        f"{'、'.join(map(str, p.fiscal_years))}年度：{p.table}表第 {p.tier} 級 "
        f"{_percent(p.max_rate)}，補助款 {p.subsidy:,} 元 → {p.required:,} 元"
        for p in m.parts
    )


def _percent(rate: Fraction | None) -> str:
    if rate is None:
        return "-"
    value = Decimal(rate.numerator) / Decimal(rate.denominator) * 100
    return f"{value.normalize():f}%"


def _parts_of(budget: Budget):
    return tiers.fiscal_parts(budget.academic_year)


def ministry_in(budget: Budget, fiscal_year: int) -> int:
    """教育部補助款 budgeted on the sheets of one 會計年度."""
    return source_total(budget, forms.MINISTRY, fiscal_year)


def source_total(budget: Budget, source: str, fiscal_year: int | None = None) -> int:
    """Money of one 經費來源 (教育部補助款, 配合款 …), on the sheets of one 會計年度 or all."""
    return sum(
        line.amount
        for sheet in budget.sheets
        if fiscal_year is None or sheet.fiscal_year == fiscal_year
        for line in sheet.lines
        if line.source == source
    )


def _match_part(budget: Budget, years, table: tiers.TierTable, rates: tiers.RateTable, needed, part_subsidy):
    tier = tiers.tier_of(budget.school.county, years[0])
    rate = rates.rates[tier]
    required = tiers.required_match(part_subsidy, rate) if needed else 0
    return MatchPart(tuple(years), table.title, tier, rate, part_subsidy, required)


def _match_notes(budget: Budget, rates: tiers.RateTable) -> str:
    notes = []
    if rates.from_academic_year > budget.academic_year:
        notes.append(
            f"無 {budget.academic_year} 學年度補助比率表，暫依 {rates.from_academic_year} 學年度起適用之比率"
        )
    for years, table in _parts_of(budget):
        missing = [fy for fy in years if not table.covers(fy)]
        if missing:
            notes.append(f"無 {'、'.join(map(str, missing))} 年度財力級次表，暫依 {table.title}之財力級次表")
    return "；".join(notes)
