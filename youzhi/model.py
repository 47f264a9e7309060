"""The neutral budget model every workbook becomes. Money is integer 元.

``Budget`` (school, programme, 學年度, y-1 blocks) ← ``SubPlanSheet`` (code such as
``A`` or ``A-1``, semester, fiscal year, lines, where they sit) ← ``Line``.
Everything else in youzhi is a function of this model.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from youzhi.a1 import get_column_letter
from youzhi.calendar import Semester
from youzhi.forms import CAPITAL, MINISTRY, RECURRENT_CATEGORIES, base_code
from youzhi.money import line_total


@dataclass(frozen=True)
class Columns:
    """1-based column numbers of a y-1 block (the official layout is A…H)."""

    category: int = 1
    item: int = 2
    unit: int = 3
    quantity: int = 4
    unit_price: int = 5
    total: int = 6
    purpose: int = 7
    source: int = 8

    def letter(self, name: str) -> str:
        return get_column_letter(getattr(self, name))


@dataclass(frozen=True)
class RowSpan:
    """Line rows ``first``…``last`` inclusive; empty when ``last < first``."""

    first: int
    last: int

    @property
    def empty(self) -> bool:
        return self.last < self.first

    def __iter__(self):
        return iter(range(self.first, self.last + 1))

    def __len__(self) -> int:
        return max(0, self.last - self.first + 1)


@dataclass(frozen=True)
class BlockLayout:
    """Where a y-1 block sits on its sheet (found by labels, never assumed)."""

    title_row: int | None
    header_row: int
    columns: Columns
    operating: RowSpan  # 業務費 line rows
    operating_subtotal_row: int | None
    grants: RowSpan  # 獎補助費 line rows
    grants_subtotal_row: int | None
    recurrent_subtotal_row: int | None  # 經常門小計
    capital: RowSpan  # 設備及投資 line rows
    capital_subtotal_row: int | None  # 資本門小計
    total_row: int | None  # N會計年度合計

    def span(self, category: str) -> RowSpan:
        return {"業務費": self.operating, "獎補助費": self.grants, CAPITAL: self.capital}[category]


@dataclass
class Line:
    """One y-1 line. ``quantity`` may be fractional; ``unit_price`` and totals are 元."""

    sheet: str
    row: int
    category: str  # 業務費 | 獎補助費 | 設備及投資 (from the section the line sits in)
    item: str
    unit: str = ""
    quantity: Decimal | None = None
    unit_price: int | None = None
    exact_price: Decimal | None = None  # 單價 in 元 when not whole (0.0005 千元 → 0.5): totals use it
    typed_total: int | None = None  # 總價 as found in the cell (typed, or a formula's cached value)
    purpose: str = ""
    source: str = MINISTRY  # one of forms.SOURCES (blank counts as 教育部補助款)
    raw_source: str = ""  # the 經費來源 cell as written (spaces kept: the workbook's formulas match it)
    raw_item: str = ""  # the item cell exactly as written (``item``: the standard name if it folds to one)
    raw_category: str = ""  # the 一級用途別 cell as written on this line ("" when blank/merged)
    columns: Columns = field(default_factory=Columns)
    hidden: bool = False  # the row is hidden on the sheet (its money still counts)

    @property
    def computed_total(self) -> int | None:
        """數量 × 單價 in 元 when both are given, rounded once as ``ROUND(D*E,3)`` 千元 does
        (remembered for the current 數量 and 單價)."""
        quantity, price = self.quantity, self.unit_price
        if quantity is None or price is None:
            return None
        if self.exact_price is not None:
            price = self.exact_price
        memo = self.__dict__.get("_memo")
        if memo is None or memo[0] != quantity or memo[1] != price:
            memo = (quantity, price, line_total(quantity, price))
            self.__dict__["_memo"] = memo
        return memo[2]

    @property
    def amount(self) -> int:
        """What the line rolls up: 數量 × 單價 when both are given, else the typed 總價."""
        computed = self.computed_total
        if computed is not None:
            return computed
        return self.typed_total or 0

    @property
    def total_mismatch(self) -> bool:
        return (
            self.computed_total is not None
            and self.typed_total is not None
            and self.computed_total != self.typed_total
        )

    @property
    def recurrent(self) -> bool:
        return self.category in RECURRENT_CATEGORIES

    @property
    def filled(self) -> bool:
        return bool(self.item or self.quantity is not None or self.unit_price is not None or self.typed_total)

    def cell(self, column: str) -> str:
        """A1 address of this line's cell in a named column (``total``, ``unit_price`` …)."""
        return f"{self.columns.letter(column)}{self.row}"


@dataclass
class SubPlanSheet:
    """One y-1 block: a sub-plan (or branch) in one semester."""

    sheet: str
    code: str
    semester: Semester
    fiscal_year: int
    lines: list[Line] = field(default_factory=list)
    layout: BlockLayout | None = None

    @property
    def base_code(self) -> str:
        return base_code(self.code)

    def total(self, *, recurrent: bool | None = None) -> int:
        return sum(line.amount for line in self.lines if recurrent is None or line.recurrent is recurrent)


@dataclass
class School:
    name: str = ""
    authority: str | None = None  # 國立 | 直轄市立 | 縣市立 | 私立
    county: str | None = None


@dataclass(frozen=True)
class Problem:
    """Something the reader could not read or had to assume (message in zh-TW)."""

    sheet: str
    cell: str
    message: str
    severity: str = "warning"  # "error" | "warning" | "info"


@dataclass
class Budget:
    programme: str  # "senior-high" | "vocational"
    academic_year: int
    school: School = field(default_factory=School)
    sheets: list[SubPlanSheet] = field(default_factory=list)
    applied: dict[str, int] = field(default_factory=dict)  # y-2 申請金額 per code, 元
    approved: dict[str, int] = field(default_factory=dict)  # y-2 核定金額 per code, 元
    problems: list[Problem] = field(default_factory=list)
    path: str | None = None
    # the sheets each recognised form sits on (youzhi.forms.registry): "y-1", "基本資料", "y-2", "支用明細" …
    form_sheets: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def lines(self) -> list[Line]:
        return [line for sheet in self.sheets for line in sheet.lines]

    @property
    def fiscal_years(self) -> tuple[int, int]:
        return (self.academic_year, self.academic_year + 1)
