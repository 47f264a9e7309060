"""Writer-agnostic cell and sheet specs: what every computed sheet is made of.

The template writer (XlsxWriter), repair (openpyxl) and the add-in (xlwings) all write the same
``CellSpec``/``SheetSpec`` objects, each converting the plain-data ``STYLES`` to its own formats.
Here too: the names of the sheets the tool computes, A1 references, and the cell values of money
(千元 with three decimals, from integer 元 via ``yuan_to_cell``) and ratios.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from youzhi.a1 import get_column_letter
from youzhi.model import RowSpan
from youzhi.money import yuan_to_cell

FONT = "標楷體"
MONEY_FORMAT = "#,##0.000"
RATIO_FORMAT = "0.00%"

# Plain-data styles; each writer converts them. Keys: font, size, bold, num_format, border (0/1: thin
# box), fill (#RRGGBB), align (left|center|right), valign (top|vcenter|bottom), wrap, locked.
_BASE = {"font": FONT, "size": 12, "valign": "vcenter"}
_BOX = {**_BASE, "border": 1}
STYLES: dict[str, dict] = {
    "": dict(_BASE),
    "title": {**_BASE, "size": 14, "bold": True, "align": "center"},
    "label": dict(_BASE),
    "label_bold": {**_BASE, "bold": True},
    "unit_note": {**_BASE, "size": 10, "align": "right"},
    "note": {**_BASE, "size": 10},
    "header": {**_BOX, "bold": True, "align": "center", "wrap": True, "fill": "#DDEBF7"},
    "section": {**_BOX, "bold": True},
    "cell": dict(_BOX),
    "cell_bold": {**_BOX, "bold": True},
    "cell_center": {**_BOX, "align": "center", "wrap": True},
    "input_text": {**_BOX, "locked": False},
    "input_wrap": {**_BOX, "locked": False, "wrap": True},
    "input_quantity": {**_BOX, "locked": False, "num_format": "#,##0.##"},
    "input_money": {**_BOX, "locked": False, "num_format": MONEY_FORMAT},
    "money": {**_BOX, "num_format": MONEY_FORMAT},
    "money_bold": {**_BOX, "bold": True, "num_format": MONEY_FORMAT},
    "ratio": {**_BOX, "num_format": RATIO_FORMAT},
    "ratio_bold": {**_BOX, "bold": True, "num_format": RATIO_FORMAT},
    "school_input": {**_BOX, "locked": False, "fill": "#FFF2CC"},
    "param": {"font": FONT, "size": 11},
}


@dataclass(frozen=True)
class CellSpec:
    """One cell: a value or a formula (with ``cached``, the value a non-recalculating viewer shows).

    ``row`` and ``col`` are 1-based; ``formula`` starts with ``=``; ``style`` is a key of ``STYLES``.
    """

    sheet: str
    row: int
    col: int
    value: object = None
    formula: str | None = None
    cached: object = None
    style: str = ""

    @property
    def ref(self) -> str:
        return f"{get_column_letter(self.col)}{self.row}"


@dataclass(frozen=True)
class Validation:
    """A drop-down list over a cell range (1-based, inclusive). ``source`` is ``=name`` or ``=range``.

    ``strict``: refuse other text (error alert); otherwise any text is accepted without alert.
    """

    first_row: int
    first_col: int
    last_row: int
    last_col: int
    source: str
    strict: bool = True
    message: str = ""  # zh-TW input message
    warn_only: bool = False  # with strict: a warning the user may override instead of a stop


@dataclass
class SheetSpec:
    """A whole sheet: cells, merged ranges (r1, c1, r2, c2, 1-based), widths and print settings."""

    name: str
    cells: list[CellSpec] = field(default_factory=list)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    column_widths: dict[int, float] = field(default_factory=dict)
    row_heights: dict[int, float] = field(default_factory=dict)
    validations: list[Validation] = field(default_factory=list)
    hidden: bool = False
    protect: bool = True  # lock formula cells (no password); input styles carry locked=False
    landscape: bool = True
    paper: str = "A4"
    fit_width: bool = True  # fit all columns on one page width
    fit_height: int = 0  # pages tall when fitting (0: as many as needed)
    print_title_rows: tuple[int, int] | None = None  # rows repeated on every printed page (1-based)
    freeze_rows: int = 0  # rows kept in view when scrolling (0: none)

    def add(self, row: int, col: int, value: object = None, style: str = "", **kw) -> CellSpec:
        spec = CellSpec(self.name, row, col, value=value, style=style, **kw)
        self.cells.append(spec)
        return spec


# --------------------------------------------------------------------------- sheet names

Y2_NAME, Y3_NAME, Y4_NAME, SCHOOL_NAME, PARAM_NAME, FINGERPRINT_NAME = (
    "y-2",
    "y-3",
    "y-4",
    "基本資料",
    "參數",
    "_youzhi",
)
LOOKUP_SHEET = "名稱對照"  # hidden sheet of the lookup tables in a workbook whose 參數 predates them


# --------------------------------------------------------------------------- references


def quote_sheet(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


def ref(sheet: str | None, col: int, row: int, *, absolute: bool = False) -> str:
    letter = get_column_letter(col)
    cell = f"${letter}${row}" if absolute else f"{letter}{row}"
    return f"{quote_sheet(sheet)}!{cell}" if sheet else cell


def span_ref(sheet: str | None, col: int, span: RowSpan) -> str:
    letter = get_column_letter(col)
    cells = f"${letter}${span.first}:${letter}${span.last}"
    return f"{quote_sheet(sheet)}!{cells}" if sheet else cells


def money(yuan: int | None) -> float:
    return yuan_to_cell(yuan or 0)


def ratio_value(value: Fraction | None) -> float:
    return 0.0 if value is None else float(value)
