"""Per-budget facts computed once: canonical item per line, totals per item, summary cells."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property

from validators import names
from validators.finding import Rule
from validators.kinds import unit_price_of
from validators.summaries import Summaries
from youzhi import items, rollup
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
    computed: int | None = None  # 數量 × 單價 in 元 (line.computed_total, computed once)
    item_text: str = ""  # the item as written, lower-case (keyword matching)
    purpose_text: str = ""  # the purpose, lower-case
    typed_total: int | None = None  # 總價 as found on the sheet
    identity: items.Identity | None = None  # what youzhi.items says the item is (y-4 row, how matched)

    @property
    def mismatch(self) -> bool:
        """總價 typed (or cached) differs from 數量 × 單價."""
        return None not in (self.computed, self.typed_total) and self.computed != self.typed_total


def line_env(line: Line, programme: str, academic_year: int, fiscal_year, semester) -> LineEnv:
    identity = items.identify(
        programme, academic_year, line.category, line.raw_item or line.item, line.purpose
    )
    return LineEnv(
        programme,
        academic_year,
        identity.standard,
        names.standard_items(programme, academic_year),
        fiscal_year,
        semester,
        unit_price_of(line),
        line.computed_total,
        str(line.item or "").lower(),
        str(line.purpose or "").lower(),
        line.typed_total,
        identity,
    )


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
    mismatched: set[tuple[str, str]] = field(default_factory=set)  # (sheet, 總價 cell) of YZ103 lines
    grids: object = None  # the WorkbookGrids the budget was read from, when given (sheet labels)

    @property
    def grand_total(self) -> int:
        return self.recurrent_total + self.capital_total

    @cached_property
    def match(self):
        return rollup.match(self.budget)


def build(budget: Budget, rules: tuple[Rule, ...], summaries: Summaries, grids=None) -> tuple[Context, list]:
    """The context and, for every line, its ``(line, LineEnv)``."""
    ctx = Context(budget, rules, summaries, grids=grids)
    totals: dict[str, int] = defaultdict(int)
    envs = []
    for sheet in budget.sheets:
        for line in sheet.lines:
            env = line_env(line, budget.programme, budget.academic_year, sheet.fiscal_year, sheet.semester)
            envs.append((line, env))
            item = env.item
            amount = env.computed if env.computed is not None else (line.typed_total or 0)
            if env.mismatch:
                ctx.mismatched.add((line.sheet, line.cell("total")))
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
