"""What every form reader needs: cell text for label matching, A1 references, sub-plan codes, 千元
cells read as integer 元, and the problems a read collects (``Reading``)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

from youzhi.a1 import get_column_letter
from youzhi.model import Problem
from youzhi.money import is_whole_yuan, parse_number, to_yuan

CODE = re.compile(r"^([A-Z]|[一二三四五六七八九十]+)((?:-?\d+)(?:-\d+)*)?(?![A-Za-z])")


def text(value: object) -> str:
    """Cell text as written (stripped); numbers without a trailing .0."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def raw(value: object) -> str:
    """A text cell exactly as written (spaces kept), other values as ``text`` gives them."""
    return value if isinstance(value, str) else text(value)


def ref(col: int, row: int) -> str:
    return f"{get_column_letter(col)}{row}"


def normalise_code(written: str) -> str:
    """``Ａ－１`` / ``a-1`` / ``A1 課綱`` → ``A-1``; a code is a letter (or 一…十) plus branch numbers.

    Text that does not start with a code is kept as written (the sub-plan check reports it).
    """
    t = unicodedata.normalize("NFKC", written).strip().lstrip(":").strip()
    t = t.replace("–", "-").replace("—", "-").replace("_", "-").replace("－", "-")
    t = "".join(t.split())
    found = CODE.match(t.upper() if t[:1].isascii() else t)
    if not found:
        return t
    head, branches = found.group(1), re.findall(r"\d+", found.group(2) or "")
    return "-".join([head, *branches])


@dataclass
class Reading:
    """Mutable state of one read: problems collected as we go."""

    problems: list[Problem] = field(default_factory=list)

    def problem(self, sheet: str, cell: str, message: str, severity: str = "warning") -> None:
        self.problems.append(Problem(sheet, cell, message, severity))

    def money(self, sheet: str, cell: str, value: object, what: str) -> int | None:
        """A 千元 cell → integer 元 (None when blank or unreadable, with a Problem)."""
        return self.money_exact(sheet, cell, value, what)[0]

    def money_exact(
        self, sheet: str, cell: str, value: object, what: str
    ) -> tuple[int | None, Decimal | None]:
        """(integer 元, the exact 元 when not whole) of a 千元 cell."""
        if isinstance(value, float) and abs(value) < 1e12:
            # Excel's binary arithmetic leaves noise far below 0.001 元: drop it before checking.
            value = Decimal(repr(value)).quantize(Decimal("0.000001"))
        parsed = parse_number(value, in_kiloyuan=True)
        if parsed.problem:
            self.problem(sheet, cell, f"{what}{parsed.problem}")
            return None, None
        if parsed.value is None:
            return None, None
        if not is_whole_yuan(parsed.value):
            yuan = to_yuan(parsed.value)
            self.problem(sheet, cell, f"{what}不是整數元（{parsed.value} 千元），以 {yuan:,} 元計算")
            return yuan, parsed.value * 1000
        return to_yuan(parsed.value), None
