"""Per-budget facts computed once: canonical item per line, totals per item, summary cells."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from fractions import Fraction

from validators import names
from validators.finding import Rule
from validators.kinds import unit_price_of
from validators.summaries import Summaries
from youzhi.calendar import Semester
from youzhi.model import Budget, Line


@dataclass(frozen=True)
class LineEnv:
    """What a line check needs besides the line: programme, year, semester, canonical item."""

    programme: str
    academic_year: int
    item: str | None  # the standard name this line is, or None
    standard: tuple[str, ...]  # the standard recurrent item names
    fiscal_year: int | None = None
    semester: Semester = Semester.FIRST
    price: int | Fraction | None = None  # 單價 in 元 (typed, or 總價 ÷ 數量)


@dataclass
class Context:
    budget: Budget
    rules: tuple[Rule, ...]
    summaries: Summaries
    recurrent_total: int = 0
    capital_total: int = 0
    item_totals: dict[str, int] = field(default_factory=dict)  # canonical item → 元 (recurrent lines)
    first_line: dict[str, Line] = field(default_factory=dict)  # canonical item → its first line
    first_capital_line: Line | None = None

    @property
    def grand_total(self) -> int:
        return self.recurrent_total + self.capital_total


def build(budget: Budget, rules: tuple[Rule, ...], summaries: Summaries) -> tuple[Context, list]:
    """The context and, for every line, its ``(line, LineEnv)``."""
    ctx = Context(budget, rules, summaries)
    standard = names.standard_items(budget.programme, budget.academic_year)
    totals: dict[str, int] = defaultdict(int)
    envs = []
    for sheet in budget.sheets:
        for line in sheet.lines:
            item = names.canonical(budget.programme, budget.academic_year, line.item) if line.item else None
            env = LineEnv(
                budget.programme,
                budget.academic_year,
                item,
                standard,
                sheet.fiscal_year,
                sheet.semester,
                unit_price_of(line),
            )
            envs.append((line, env))
            amount = line.amount
            if line.recurrent:
                ctx.recurrent_total += amount
                if item is not None:
                    totals[item] += amount
                    ctx.first_line.setdefault(item, line)
            else:
                ctx.capital_total += amount
                if ctx.first_capital_line is None and line.filled:
                    ctx.first_capital_line = line
    ctx.item_totals = dict(totals)
    return ctx, envs
