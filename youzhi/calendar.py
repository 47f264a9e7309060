"""學年度 ↔ 會計年度 (ROC years).

學年度 N runs from August of N to July of N+1: 上學期 (8–12月) is 會計年度 N,
下學期 (1–7月) is 會計年度 N+1 (domain.md, "Calendar and money").
"""

from __future__ import annotations

import re
from enum import IntEnum

ROC_OFFSET = 1911


class Semester(IntEnum):
    FIRST = 1  # 上學期, 8–12月
    SECOND = 2  # 下學期, 1–7月

    @property
    def months(self) -> str:
        return "8-12月" if self is Semester.FIRST else "1-7月"

    @property
    def label(self) -> str:
        return "上學期" if self is Semester.FIRST else "下學期"


def fiscal_year(academic_year: int, semester: Semester) -> int:
    return academic_year if semester is Semester.FIRST else academic_year + 1


def fiscal_years(academic_year: int) -> tuple[int, int]:
    """The two 會計年度 a 學年度 spends in: (N for 8–12月, N+1 for 1–7月)."""
    return fiscal_year(academic_year, Semester.FIRST), fiscal_year(academic_year, Semester.SECOND)


def to_ad(roc_year: int) -> int:
    return roc_year + ROC_OFFSET


def fiscal_label(academic_year: int, semester: Semester) -> str:
    """``109會計年度概算表(8-12月)`` / ``110會計年度概算表(1-7月)``."""
    return f"{fiscal_year(academic_year, semester)}會計年度概算表({semester.months})"


def academic_label(academic_year: int) -> str:
    return f"【{academic_year}學年度】"


def execution_deadline(academic_year: int, semester: Semester) -> str:
    """Funds must be executed by 12/31 (上學期) or 7/31 (下學期) (seed 004, 五(二))."""
    fy = fiscal_year(academic_year, semester)
    return f"{fy}年12月31日" if semester is Semester.FIRST else f"{fy}年7月31日"


_MONTHS = re.compile(r"\(?\s*(8\s*[-－~～至]\s*12|1\s*[-－~～至]\s*7)\s*月")
_FISCAL = re.compile(r"(\d{2,3})\s*會計年度")


def semester_from_text(text: str) -> Semester | None:
    """Find 8-12月 / 1-7月 (or 上學期 / 下學期) in a label."""
    match = _MONTHS.search(text)
    if match:
        return Semester.FIRST if match.group(1).startswith("8") else Semester.SECOND
    if "上學期" in text:
        return Semester.FIRST
    if "下學期" in text:
        return Semester.SECOND
    return None


def fiscal_year_from_text(text: str) -> int | None:
    match = _FISCAL.search(text)
    return int(match.group(1)) if match else None
