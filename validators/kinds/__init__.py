"""One small check per rule kind. Line kinds take ``(rule, line, env)``; budget kinds ``(rule, ctx)``.

Every kind returns an iterable of ``Finding``; the engine picks the function by ``rule.kind``.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from youzhi.model import Line


def unit_price_of(line: Line) -> int | Fraction | None:
    """單價 in 元: as typed, else 總價 ÷ 數量 when only those are given."""
    if line.unit_price is not None:
        return line.unit_price
    if line.typed_total is not None and line.quantity:
        return Fraction(line.typed_total) / Fraction(line.quantity)
    return None


def yuan_text(value: int | Fraction) -> str:
    """``12345`` → ``"12,345 元"``; fractions of a 元 shown with two decimals."""
    if isinstance(value, Fraction) and value.denominator != 1:
        return f"{float(value):,.2f} 元"
    return f"{int(value):,} 元"


def plain(value: int | Fraction) -> int | str:
    """A JSON-friendly figure: int 元, or a decimal string when not whole."""
    if isinstance(value, Fraction) and value.denominator != 1:
        return str((Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("0.01")))
    return int(value)


def percent(value: Fraction) -> str:
    return f"{(Decimal(value.numerator) * 100 / Decimal(value.denominator)).quantize(Decimal('0.01'))}%"


def share_text(value: Fraction) -> str:
    return str((Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("0.0001")))


def cell(line: Line, column: str) -> str:
    return line.cell(column) if line.row > 0 else ""


def label(line: Line) -> str:
    return f"「{line.item}」" if line.item else "此列"
