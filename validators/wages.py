"""The statutory minimum hourly wage in force for a semester (``youzhi/data/wages.toml``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fractions import Fraction

from youzhi import tables
from youzhi.calendar import ROC_OFFSET, Semester


@dataclass(frozen=True)
class Wage:
    hourly: int  # 元 per hour
    effective: dt.date
    on: dt.date  # the day it was looked up for (first day of the semester)
    beyond_table: bool  # the semester's year has no announced figure yet: the latest one is assumed


def semester_start(fiscal_year: int, semester: Semester) -> dt.date:
    """First day of a semester: 上學期 8月1日, 下學期 1月1日 of the 會計年度 (ROC year)."""
    return dt.date(fiscal_year + ROC_OFFSET, 8 if semester is Semester.FIRST else 1, 1)


def minimum_wage(fiscal_year: int, semester: Semester) -> Wage:
    """The figure in force on the semester's first day; ``beyond_table`` when that calendar year has
    no announced figure (the latest is assumed, and a finding built on it is only a warning)."""
    entries = sorted(tables.load("wages")["minimum_wage"], key=lambda e: e["effective"])
    on = semester_start(fiscal_year, semester)
    in_force = [e for e in entries if e["effective"] <= on] or entries[:1]
    chosen = in_force[-1]
    beyond = on.year > entries[-1]["effective"].year
    return Wage(int(chosen["hourly"]), chosen["effective"], on, beyond)


def employer_share() -> Fraction:
    """The employer's 勞保/就保/勞退/職災 share a loaded 工讀費 rate may carry (a fraction of the wage)."""
    return Fraction(tables.load("wages")["employer_share"]["total"])
