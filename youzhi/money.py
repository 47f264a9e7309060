"""Exact money: integer 元 inside, 千元 with three decimals on the sheets.

Cells of the budget forms hold 千元 (``10.000`` = NT$10,000). Everything the tool
computes is integer 元; floats are only ever produced for writing a cell.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation

THOUSAND = Decimal(1000)

_SUFFIX_FACTORS = (
    # (suffix, factor turning the written number into 千元)
    ("千元", Decimal(1)),
    ("仟元", Decimal(1)),
    ("千", Decimal(1)),
    ("仟", Decimal(1)),
    ("萬元", Decimal(10)),
    ("萬", Decimal(10)),
    ("元", Decimal("0.001")),
)
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
# No budget figure comes near 10¹² (a 千元 cell: 1 兆千元; a quantity: a trillion units). A larger
# number is a typo or a hostile cell: unreadable, so that no product or sum leaves Decimal's context
# or int64 (the Parquet export), and the reviewer is told which cell.
MAX_ABS = Decimal(10) ** 12
MAX_LINE_YUAN = 10**15  # 數量 × 單價 of one line: 1 兆元
TOO_LARGE = "數值過大（{}），不像經費數字，無法計算"


@dataclass(frozen=True)
class Parsed:
    """A leniently parsed cell: ``value`` is None when the cell is blank or unreadable."""

    value: Decimal | None
    problem: str | None = None  # zh-TW reason when the text could not be read as a number

    @property
    def blank(self) -> bool:
        return self.value is None and self.problem is None


def normalise_text(text: str) -> str:
    """NFKC (full-width digits and letters to ASCII), no spaces at either end."""
    return unicodedata.normalize("NFKC", text).strip()


def parse_number(value: object, *, in_kiloyuan: bool = False) -> Parsed:
    """Read a number as typed by a person.

    Accepts ints, floats, Decimals and text such as ``"１０"``, ``"1,000"``, ``" 2.5 "``.
    With ``in_kiloyuan`` (a 千元 column) the unit suffixes ``千``/``千元``/``萬``/``元`` are
    understood and the result is in 千元.
    """
    if value is None or isinstance(value, bool):
        return Parsed(None)
    if isinstance(value, int):
        return _bounded(Decimal(value), value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return Parsed(None, "不是有效的數字")
        return _bounded(Decimal(repr(value)), value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            return Parsed(None, "不是有效的數字")
        return _bounded(value, value)
    text = normalise_text(str(value))
    if not text:
        return Parsed(None)
    if text.startswith("#"):
        return Parsed(None, f"儲存格為錯誤值 {text}")
    factor = Decimal(1)
    if in_kiloyuan:
        for suffix, suffix_factor in _SUFFIX_FACTORS:
            if text.endswith(suffix):
                text = text[: -len(suffix)].strip()
                factor = suffix_factor
                break
    cleaned = text.replace(",", "").replace("，", "").replace(" ", "")
    if cleaned.startswith("$") or cleaned.startswith("NT$"):
        cleaned = cleaned.split("$", 1)[1]
    if not _NUMBER.match(cleaned):
        return Parsed(None, f"無法辨識為數字：「{value}」")
    if len(cleaned) > 40:  # 40 digits is far past MAX_ABS: no need to build the number
        return Parsed(None, TOO_LARGE.format(f"{len(cleaned)} 位數"))
    try:
        return _bounded(Decimal(cleaned) * factor, value)
    except InvalidOperation:  # pragma: no cover - the regex already guards this
        return Parsed(None, f"無法辨識為數字：「{value}」")


def _bounded(number: Decimal, shown: object) -> Parsed:
    if abs(number) >= MAX_ABS:
        return Parsed(None, TOO_LARGE.format(shown))
    return Parsed(number)


def to_yuan(kiloyuan: Decimal) -> int:
    """千元 → integer 元, rounding half up at the 元 (callers report non-integral input)."""
    return int((kiloyuan * THOUSAND).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def is_whole_yuan(kiloyuan: Decimal) -> bool:
    return (kiloyuan * THOUSAND) == (kiloyuan * THOUSAND).to_integral_value()


def yuan_to_cell(yuan: int) -> float:
    """The 千元 number to write into a cell (display only; never compared)."""
    return float(Decimal(yuan) / THOUSAND)


def cell_to_yuan(value: object) -> int | None:
    """A 千元 cell value (as LibreOffice or Excel computed it) → integer 元; None when blank."""
    parsed = parse_number(value)
    if parsed.value is None:
        return None
    return to_yuan(parsed.value)


def format_kiloyuan(yuan: int) -> str:
    """``12345`` → ``"12.345"`` (千元, three decimals, thousands separators)."""
    sign = "-" if yuan < 0 else ""
    whole, rest = divmod(abs(yuan), 1000)
    return f"{sign}{whole:,}.{rest:03d}"


def format_yuan(yuan: int) -> str:
    return f"{yuan:,} 元"


def round_half_up(value: Decimal) -> int:
    """Half away from zero, as Excel's and LibreOffice's ROUND: 1.5 → 2, -1.5 → -2."""
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP, context=_WIDE))


_WIDE = Context(prec=60)


def line_total(quantity: Decimal, price_yuan: Decimal | int) -> int:
    """總價 of a line in 元 exactly as the sheet's ``ROUND(數量*單價,3)`` (千元) computes it: the
    exact product rounded half up once, at the 元 (0.001 千元); never the price rounded first."""
    return round_half_up(_WIDE.multiply(quantity, Decimal(price_yuan)))
