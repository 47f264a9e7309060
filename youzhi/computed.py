"""Writer-agnostic specs of every computed cell (and of the sheets that hold them).

The template writer (XlsxWriter), repair (openpyxl) and the add-in (xlwings) all write the same
``CellSpec``/``SheetSpec`` objects, each converting the plain-data ``STYLES`` to its own formats.

* ``y1_cells(block)``: 總價 of every line row, 小計, 經常門小計, 資本門小計 and 會計年度合計 of one y-1
  block, located through ``block.layout`` (so they work wherever a block sits).
* ``summary_sheets(budget)``: ``y-2``, ``y-3``, ``y-4``, the school block ``基本資料`` and the hidden
  parameter sheet ``參數`` (tier table, rate table, item lists), every figure a native formula over the
  y-1 line rows, with the roll-up's figure as cached value (``youzhi.rollup`` is the source of truth).
* ``youzhi.y1form`` builds a whole y-1 sheet as the official form from these pieces.
* ``fingerprint_sheet(budget, version)`` and ``defined_names(budget)``: how readers recognise our files.

Formulas use only functions Excel and LibreOffice both know (SUM, SUMIF, COUNT, ROUND, ROUNDUP, IF,
IFERROR, VLOOKUP, SUBSTITUTE, TRIM, OR): no 3-D references, OFFSET or SUBTOTAL; every ratio is guarded
(``IF(total=0,0,part/total)``), every lookup wrapped in IFERROR, so an empty workbook shows 0 or blank.
Money in sheets is 千元 with three decimals; cached values come from integer 元 via ``yuan_to_cell``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from youzhi import forms, items, rollup, tiers
from youzhi.a1 import get_column_letter
from youzhi.calendar import Semester
from youzhi.model import Budget, RowSpan, SubPlanSheet
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


def _sum_formula(parts: list[str]) -> str:
    return "=" + "+".join(parts) if parts else "=0"


# --------------------------------------------------------------------------- lookup tables on 參數

# What a line's written item and 經費來源 mean (youzhi.items) reaches the formulas through two tables on
# the hidden 參數 sheet, each a pair of workbook names over TABLE_CAPACITY rows: written form (a SUMIF
# criterion) → y-4 row, and written form → 配合款/自籌款/其他補助款. A y-4 row sums
# SUMPRODUCT(SUMIF(items, yz_item_written, 總價) * (yz_item_row = row)); 教育部補助款 is the rest
# (blank, its own forms, unrecognised text: youzhi.items.source_of counts them the same way).
NON_MINISTRY = (forms.MATCH, forms.SELF_FUNDED, forms.OTHER)
ITEM_TABLE_NAMES = ("yz_item_written", "yz_item_row")
SOURCE_TABLE_NAMES = ("yz_source_written", "yz_source_of")
TABLE_COLUMNS = {ITEM_TABLE_NAMES: 20, SOURCE_TABLE_NAMES: 23}  # T:U and W:X (first column of each)
TABLE_HEADERS = {
    ITEM_TABLE_NAMES: ("項目寫法(比對條件)", "彙計項目"),
    SOURCE_TABLE_NAMES: ("經費來源寫法", "經費來源"),
}


def lookup_tables(budget: Budget, sheet: str = "參數") -> tuple[list[CellSpec], dict[str, str]]:
    """The two lookup tables (headers, rows, blank padding up to capacity) and the names over them."""
    cells: list[CellSpec] = []
    names: dict[str, str] = {}
    q = quote_sheet(sheet)
    last = 1 + items.TABLE_CAPACITY
    for pair, rows in (
        (ITEM_TABLE_NAMES, items.item_table(budget)),
        (SOURCE_TABLE_NAMES, items.source_table(budget)),
    ):
        col = TABLE_COLUMNS[pair]
        for offset, header in enumerate(TABLE_HEADERS[pair]):
            cells.append(CellSpec(sheet, 1, col + offset, value=header, style="param"))
        padded = [*rows, *[("", "")] * (items.TABLE_CAPACITY - len(rows))]
        for r, (written, target) in enumerate(padded, start=2):
            cells.append(CellSpec(sheet, r, col, value=written, style="param"))
            cells.append(CellSpec(sheet, r, col + 1, value=target, style="param"))
        for offset, name in enumerate(pair):
            letter = get_column_letter(col + offset)
            names[name] = f"={q}!${letter}$2:${letter}${last}"
    return cells, names


LOOKUP_SHEET = "名稱對照"  # hidden sheet of the lookup tables in a workbook whose 參數 predates them


def lookup_sheet(budget: Budget, title: str = LOOKUP_SHEET) -> tuple[SheetSpec, dict[str, str]]:
    """The lookup tables on a hidden sheet of their own (repair of a workbook whose 參數 lacks them)."""
    s = SheetSpec(title, hidden=True)
    names: dict[str, str] = {}
    _add_lookup_tables(s, budget, names)
    return s, names


def table_sheet(refers_to: str) -> str:
    """The sheet a workbook name's ``'Sheet'!$A$1:$A$9`` points at."""
    sheet = refers_to.lstrip("=").rpartition("!")[0]
    return sheet[1:-1].replace("''", "'") if sheet.startswith("'") else sheet


def _add_lookup_tables(s: SheetSpec, budget: Budget, names: dict[str, str]) -> None:
    cells, table_names = lookup_tables(budget, s.name)
    s.cells += cells
    names.update(table_names)
    for col in TABLE_COLUMNS.values():
        s.column_widths.update({col: 24, col + 1: 24})


def _spans(block: SubPlanSheet, recurrent: bool | None) -> list[RowSpan]:
    layout = block.layout
    if layout is None:
        return []
    if recurrent is None:
        chosen = [layout.operating, layout.grants, layout.capital]
    elif recurrent:
        chosen = [layout.operating, layout.grants]
    else:
        chosen = [layout.capital]
    return [s for s in chosen if not s.empty]


def sum_terms(blocks: list[SubPlanSheet], *, recurrent: bool | None) -> list[str]:
    """``SUM(...)`` argument list over the 總價 cells of the chosen sections of ``blocks``."""
    return [span_ref(b.sheet, b.layout.columns.total, span) for b in blocks for span in _spans(b, recurrent)]


def lookup_terms(
    blocks: list[SubPlanSheet], column: str, pair: tuple[str, str], target: str, *, recurrent
) -> list[str]:
    """Per section of ``blocks``: the 總價 of the lines whose ``column`` text is a written form the
    lookup table ``pair`` sends to ``target`` (a cell reference or a quoted text)."""
    written, meant = pair
    out = []
    for b in blocks:
        cols = b.layout.columns
        for span in _spans(b, recurrent):
            crit_range = span_ref(b.sheet, getattr(cols, column), span)
            totals = span_ref(b.sheet, cols.total, span)
            out.append(f"SUMPRODUCT(SUMIF({crit_range},{written},{totals})*({meant}={target}))")
    return out


def total_expr(blocks: list[SubPlanSheet], *, recurrent: bool | None) -> str:
    terms = sum_terms(blocks, recurrent=recurrent)
    return f"SUM({','.join(terms)})" if terms else "0"


def source_expr(blocks: list[SubPlanSheet], source: str, *, recurrent: bool | None) -> str:
    terms = lookup_terms(blocks, "source", SOURCE_TABLE_NAMES, f'"{source}"', recurrent=recurrent)
    return "+".join(terms) if terms else "0"


# --------------------------------------------------------------------------- y-1


def y1_cells(block: SubPlanSheet) -> list[CellSpec]:
    """總價 formulas for the line rows and the 小計 / 經常門小計 / 資本門小計 / 合計 formulas of a block.

    A line whose 總價 was typed without both 數量 and 單價 keeps what was typed (no formula over it).
    """
    layout = block.layout
    if layout is None:
        return []
    cols = layout.columns
    by_row = {line.row: line for line in block.lines}
    d, e, f = (get_column_letter(c) for c in (cols.quantity, cols.unit_price, cols.total))
    cells: list[CellSpec] = []

    def span_total(span: RowSpan) -> int:
        return sum(by_row[r].amount for r in span if r in by_row)

    for span in (layout.operating, layout.grants, layout.capital):
        for row in span:
            line = by_row.get(row)
            if line is not None and line.computed_total is None and line.typed_total:
                continue  # a typed lump sum: the user's number stays
            cached = money(line.computed_total if line is not None else 0)
            formula = f"=IF(COUNT({d}{row}:{e}{row})=2,ROUND({d}{row}*{e}{row},3),0)"
            cells.append(
                CellSpec(block.sheet, row, cols.total, formula=formula, cached=cached, style="money")
            )

    def subtotal(row: int | None, formula: str, yuan: int) -> None:
        if row is not None:
            cells.append(
                CellSpec(
                    block.sheet, row, cols.total, formula=formula, cached=money(yuan), style="money_bold"
                )
            )

    def sum_of(span: RowSpan) -> str:
        return f"=SUM({f}{span.first}:{f}{span.last})" if not span.empty else "=0"

    op, gr, cap = span_total(layout.operating), span_total(layout.grants), span_total(layout.capital)
    subtotal(layout.operating_subtotal_row, sum_of(layout.operating), op)
    subtotal(layout.grants_subtotal_row, sum_of(layout.grants), gr)
    recurrent_parts = [
        f"{f}{r}" if r is not None else sum_of(s)[1:]
        for r, s in (
            (layout.operating_subtotal_row, layout.operating),
            (layout.grants_subtotal_row, layout.grants),
        )
    ]
    subtotal(layout.recurrent_subtotal_row, _sum_formula(recurrent_parts), op + gr)
    subtotal(layout.capital_subtotal_row, sum_of(layout.capital), cap)
    rec = (
        f"{f}{layout.recurrent_subtotal_row}" if layout.recurrent_subtotal_row else "+".join(recurrent_parts)
    )
    capx = f"{f}{layout.capital_subtotal_row}" if layout.capital_subtotal_row else sum_of(layout.capital)[1:]
    subtotal(layout.total_row, f"={rec}+{capx}", op + gr + cap)
    return cells


# --------------------------------------------------------------------------- y-2

Y2_NAME, Y3_NAME, Y4_NAME, SCHOOL_NAME, PARAM_NAME, FINGERPRINT_NAME = (
    "y-2",
    "y-3",
    "y-4",
    "基本資料",
    "參數",
    "_youzhi",
)


def _laid_out(budget: Budget, *, code: str | None = None, fy: int | None = None) -> list[SubPlanSheet]:
    return [
        b
        for b in budget.sheets
        if b.layout is not None and (code is None or b.code == code) and (fy is None or b.fiscal_year == fy)
    ]


def school_title(budget: Budget) -> str:
    short = forms.programme(budget.programme, budget.academic_year).short
    return (budget.school.name.strip() or "○○" + short[:2]) + short[2:]


def y2_sheet(budget: Budget) -> SheetSpec:
    """表y-2 經費編列總表: per code, sources (教育部 = all − others), 經常/資本, 申請/核定 (inputs)."""
    s = SheetSpec(Y2_NAME, column_widths={1: 10, **{c: 14 for c in range(2, 12)}}, print_title_rows=(1, 4))
    s.add(1, 1, f"表y-2 {school_title(budget)}年度經費編列總表【{budget.academic_year}學年度】", "title")
    s.merges.append((1, 1, 1, 11))
    s.add(2, 11, "單位：千元", "unit_note")
    s.add(3, 1, "計畫代碼", "header")
    s.add(3, 2, "經費配置來源", "header")
    s.add(3, 7, "優質化整體經費分析", "header")
    s.add(3, 10, "優質化整體經費", "header")
    s.merges += [(3, 1, 4, 1), (3, 2, 3, 6), (3, 7, 3, 9), (3, 10, 3, 11)]
    for c in (3, 4, 5, 6, 8, 9, 11):
        s.add(3, c, None, "header")
    s.add(4, 1, None, "header")
    headers = [*forms.source_labels(), "合計數", "經常門", "資本門", "合計數", "申請金額", "核定金額"]
    for col, text in enumerate(headers, start=2):
        s.add(4, col, text, "header")
    s.row_heights[4] = 66
    rows = {r.code: r for r in rollup.y2(budget)}
    first = 5
    codes = rollup.codes(budget)
    for i, code in enumerate(codes):
        row = first + i
        blocks = _laid_out(budget, code=code)
        figures = rows[code]
        s.add(row, 1, code, "cell_center")
        for col, source in zip((3, 4, 5), NON_MINISTRY, strict=True):
            s.add(
                row,
                col,
                formula="=" + source_expr(blocks, source, recurrent=None),
                cached=money(figures.by_source[source]),
                style="money",
            )
        s.add(
            row,
            2,
            formula=f"=I{row}-C{row}-D{row}-E{row}",
            cached=money(figures.by_source[forms.MINISTRY]),
            style="money",
        )
        s.add(row, 6, formula=f"=SUM(B{row}:E{row})", cached=money(figures.source_total), style="money")
        s.add(
            row,
            7,
            formula="=" + total_expr(blocks, recurrent=True),
            cached=money(figures.recurrent),
            style="money",
        )
        s.add(
            row,
            8,
            formula="=" + total_expr(blocks, recurrent=False),
            cached=money(figures.capital),
            style="money",
        )
        s.add(row, 9, formula=f"=G{row}+H{row}", cached=money(figures.total), style="money")
        for col, amount in ((10, figures.applied), (11, figures.approved)):
            s.add(row, col, None if amount is None else money(amount), "input_money")
    total_row = first + len(codes)
    s.add(total_row, 1, "小計", "cell_bold")
    sub = rows["小計"]
    cached = [
        *(sub.by_source[x] for x in forms.SOURCES),
        sub.source_total,
        sub.recurrent,
        sub.capital,
        sub.total,
        sub.applied or 0,
        sub.approved or 0,
    ]
    for col, yuan in enumerate(cached, start=2):
        letter = get_column_letter(col)
        formula = f"=SUM({letter}{first}:{letter}{total_row - 1})" if codes else "=0"
        s.add(total_row, col, formula=formula, cached=money(yuan), style="money_bold")
    notes = (
        "說明：",
        "1. 優質化專案補助款：係指教育部的補助款。",
        f"2. 直轄市(縣市)立主管機關配合款：依照{forms.programme(budget.programme, budget.academic_year).name}"
        "經費要點，就各直轄市、縣(市)政府財力級次，給予不同補助比率。",
        "3. 經費配置來源合計數應等於整體經費分析合計數。",
    )
    for i, text in enumerate(notes):
        s.add(total_row + 2 + i, 1, text, "note")
    return s


Y2_SOURCE_COLUMNS = dict(zip(forms.SOURCES, (2, 3, 4, 5), strict=True))  # y-2 column per source


# --------------------------------------------------------------------------- y-3

Y3_SOURCE_COLUMNS = dict(zip(forms.SOURCES, (3, 5, 7, 9), strict=True))  # 經常門 column; 資本門 is +1


def y3_sheet(budget: Budget) -> SheetSpec:
    """表y-3 經費編列檢核表: fiscal year × code × source × 經常/資本, totals and 經資門比例."""
    s = SheetSpec(
        Y3_NAME, column_widths={1: 14, 2: 10, **{c: 11 for c in range(3, 14)}}, print_title_rows=(1, 5)
    )
    s.add(1, 1, f"表y-3 {school_title(budget)}年度經費編列檢核表【{budget.academic_year}學年度】", "title")
    s.merges.append((1, 1, 1, 13))
    s.add(2, 13, "單位：千元", "unit_note")
    s.add(3, 1, "年度", "header")
    s.add(3, 2, "子計畫代碼", "header")
    s.add(3, 3, "經費配置來源", "header")
    s.add(3, 11, "優質化整體經費 A+B+C+D", "header")
    s.merges += [(3, 1, 5, 1), (3, 2, 5, 2), (3, 3, 3, 10), (3, 11, 4, 13)]
    labels = [f"{label} ({chr(65 + i)})" for i, label in enumerate(forms.source_labels())]
    for source, label in zip(forms.SOURCES, labels, strict=True):
        col = Y3_SOURCE_COLUMNS[source]
        s.add(4, col, label, "header")
        s.add(4, col + 1, None, "header")
        s.merges.append((4, col, 4, col + 1))
        s.add(5, col, "經常門", "header")
        s.add(5, col + 1, "資本門", "header")
    for col, text in ((11, "經常門"), (12, "資本門"), (13, "合計數")):
        s.add(5, col, text, "header")
    for r, c in [(3, c) for c in (*range(4, 11), 12, 13)] + [
        (4, 1),
        (4, 2),
        (5, 1),
        (5, 2),
        (4, 11),
        (4, 12),
        (4, 13),
    ]:
        s.add(r, c, None, "header")
    s.row_heights[4] = 50

    figures = {(r.fiscal_year, r.code, r.source): r for r in rollup.y3(budget)}
    codes = rollup.codes(budget)
    row = 6
    fy_total_rows = []
    for fy in budget.fiscal_years:
        first = row
        semester = Semester.FIRST if fy == budget.academic_year else Semester.SECOND
        s.add(row, 1, f"{fy}會計年度\n({budget.academic_year}學年{semester.label})", "cell_center")
        for code in codes:
            blocks = _laid_out(budget, code=code, fy=fy)
            s.add(row, 2, f"{fy}-{code}", "cell_center")
            if row != first:
                s.add(row, 1, None, "cell_center")
            for recurrent, offset in ((True, 0), (False, 1)):
                for source in NON_MINISTRY:
                    fig = figures[(fy, code, source)]
                    s.add(
                        row,
                        Y3_SOURCE_COLUMNS[source] + offset,
                        formula="=" + source_expr(blocks, source, recurrent=recurrent),
                        cached=money(fig.recurrent if recurrent else fig.capital),
                        style="money",
                    )
                fig = figures[(fy, code, forms.MINISTRY)]
                col = 3 + offset
                others = "-".join(
                    f"{get_column_letter(Y3_SOURCE_COLUMNS[x] + offset)}{row}" for x in NON_MINISTRY
                )
                s.add(
                    row,
                    col,
                    formula=f"={total_expr(blocks, recurrent=recurrent)}-{others}",
                    cached=money(fig.recurrent if recurrent else fig.capital),
                    style="money",
                )
            _y3_totals(s, row, budget, fy, code)
            row += 1
        if codes:
            s.merges.append((first, 1, row - 1, 1))
        s.add(row, 1, f"{fy}會計年度合計", "cell_bold")
        s.add(row, 2, None, "cell_bold")
        s.merges.append((row, 1, row, 2))
        for col in range(3, 14):
            letter = get_column_letter(col)
            formula = f"=SUM({letter}{first}:{letter}{row - 1})" if codes else "=0"
            s.add(row, col, formula=formula, cached=_y3_cached(budget, col, fy), style="money_bold")
        fy_total_rows.append(row)
        row += 1
    s.add(row, 1, f"{budget.academic_year}全學年合計", "cell_bold")
    s.add(row, 2, None, "cell_bold")
    s.merges.append((row, 1, row, 2))
    for col in range(3, 14):
        letter = get_column_letter(col)
        formula = "=" + "+".join(f"{letter}{r}" for r in fy_total_rows)
        s.add(row, col, formula=formula, cached=_y3_cached(budget, col, None), style="money_bold")
    year_row = row
    row += 1
    s.add(row, 1, "經資門比例", "cell_bold")
    s.merges.append((row, 1, row, 10))
    for col in range(2, 11):
        s.add(row, col, None, "cell_bold")
    rec_ratio, cap_ratio = rollup.capital_ratio(budget)
    whole = rollup.grand_total(budget)
    for col, value in ((11, rec_ratio), (12, cap_ratio), (13, Fraction(1) if whole else None)):
        letter = get_column_letter(col)
        s.add(
            row,
            col,
            formula=f"=IF(M{year_row}=0,0,{letter}{year_row}/M{year_row})",
            cached=ratio_value(value),
            style="ratio_bold",
        )
    notes = (
        "說明：1. 經資門比例：經常門＝經常門總額/全學年合計；資本門＝資本門總額/全學年合計。",
        "2. 年度經常門、資本門合計經費請配合國教署核定金額。",
        "3. 隸屬縣市政府的學校，請依國教署補助比例和核定金額編列配合款。",
        "4. 優質化專案補助款：指的是教育部的補助款。",
        "5. 經資門比例以1：1為原則。",
    )
    for i, text in enumerate(notes):
        s.add(row + 2 + i, 1, text, "note")
    return s


def _y3_totals(s: SheetSpec, row: int, budget: Budget, fy: int, code: str) -> None:
    rows = [r for r in rollup.y3(budget) if r.fiscal_year == fy and r.code == code]
    rec, cap = sum(r.recurrent for r in rows), sum(r.capital for r in rows)
    s.add(row, 11, formula=f"=C{row}+E{row}+G{row}+I{row}", cached=money(rec), style="money")
    s.add(row, 12, formula=f"=D{row}+F{row}+H{row}+J{row}", cached=money(cap), style="money")
    s.add(row, 13, formula=f"=K{row}+L{row}", cached=money(rec + cap), style="money")


def _y3_cached(budget: Budget, col: int, fy: int | None) -> float:
    rows = [r for r in rollup.y3(budget) if fy is None or r.fiscal_year == fy]
    if col >= 11:
        rec, cap = sum(r.recurrent for r in rows), sum(r.capital for r in rows)
        return money({11: rec, 12: cap, 13: rec + cap}[col])
    source = next(x for x, c in Y3_SOURCE_COLUMNS.items() if c in (col, col - 1))
    recurrent = col == Y3_SOURCE_COLUMNS[source]
    return money(sum(r.recurrent if recurrent else r.capital for r in rows if r.source == source))


# --------------------------------------------------------------------------- y-4


def y4_sheet(budget: Budget) -> SheetSpec:
    """表y-4 子計畫經常門經費項目彙計表: item × (上學期, 下學期, 學年度) with guarded 比例."""
    s = SheetSpec(
        Y4_NAME, column_widths={1: 10, 2: 30, **{c: 13 for c in range(3, 9)}}, print_title_rows=(1, 5)
    )
    title = f"表y-4 子計畫經常門經費項目彙計表 ({school_title(budget)}，{budget.academic_year}學年度)"
    s.add(1, 1, title, "title")
    s.merges.append((1, 1, 1, 8))
    s.add(2, 8, "單位：千元", "unit_note")
    s.add(3, 1, "經常門", "header")
    s.add(3, 2, "經費項目名稱", "header")
    s.merges += [(3, 1, 4, 1), (3, 2, 4, 2)]
    fy1, fy2 = budget.fiscal_years
    heads = (
        f"{fy1}會計年度({Semester.FIRST.months})",
        f"{fy2}會計年度({Semester.SECOND.months})",
        f"{budget.academic_year}學年度",
    )
    for i, text in enumerate(heads):
        col = 3 + 2 * i
        s.add(3, col, text, "header")
        s.add(3, col + 1, None, "header")
        s.merges.append((3, col, 3, col + 1))
        s.add(4, col, "總計", "header")
        s.add(4, col + 1, "比例", "header")
    s.add(4, 1, None, "header")
    s.add(4, 2, None, "header")

    operating = forms.items(budget.programme, budget.academic_year, forms.OPERATING)
    grants = forms.items(budget.programme, budget.academic_year, forms.GRANTS)
    items = [*operating, *grants, rollup.OTHER_ITEMS]
    figures = {(r.fiscal_year, r.item): r for r in rollup.y4(budget)}
    first = 5
    total_row = first + len(items)
    blocks_by_fy = {fy: _laid_out(budget, fy=fy) for fy in budget.fiscal_years}
    for i, item in enumerate(items):
        row = first + i
        if i == 0:
            s.add(row, 1, forms.OPERATING, "cell_center")
        elif i == len(operating):
            s.add(row, 1, forms.GRANTS, "cell_center")
        elif i == len(items) - 1:
            s.add(row, 1, "其他", "cell_center")
        else:
            s.add(row, 1, None, "cell_center")
        s.add(row, 2, item, "cell")
        for fy, col in ((fy1, 3), (fy2, 5)):
            cached = money(figures[(fy, item)].amount)
            if item == rollup.OTHER_ITEMS:
                letter = get_column_letter(col)
                formula = f"={letter}{total_row}-SUM({letter}{first}:{letter}{row - 1})"
            else:
                terms = lookup_terms(blocks_by_fy[fy], "item", ITEM_TABLE_NAMES, f"$B{row}", recurrent=True)
                formula = "=" + ("+".join(terms) if terms else "0")
            s.add(row, col, formula=formula, cached=cached, style="money")
        s.add(row, 7, formula=f"=C{row}+E{row}", cached=money(figures[(None, item)].amount), style="money")
        for col, fy in ((4, fy1), (6, fy2), (8, None)):
            amount_col = get_column_letter(col - 1)
            s.add(
                row,
                col,
                formula=f"=IF({amount_col}${total_row}=0,0,{amount_col}{row}/{amount_col}${total_row})",
                cached=ratio_value(figures[(fy, item)].ratio),
                style="ratio",
            )
    s.merges += [(first, 1, first + len(operating) - 1, 1), (first + len(operating), 1, total_row - 2, 1)]
    s.add(total_row, 1, "經常門總計", "cell_bold")
    s.add(total_row, 2, None, "cell_bold")
    s.merges.append((total_row, 1, total_row, 2))
    for fy, col in ((fy1, 3), (fy2, 5)):
        s.add(
            total_row,
            col,
            formula="=" + total_expr(blocks_by_fy[fy], recurrent=True),
            cached=money(rollup.recurrent_total(budget, fy)),
            style="money_bold",
        )
    s.add(
        total_row,
        7,
        formula=f"=C{total_row}+E{total_row}",
        cached=money(rollup.recurrent_total(budget)),
        style="money_bold",
    )
    for col in (4, 6, 8):
        letter = get_column_letter(col - 1)
        s.add(
            total_row,
            col,
            formula=f"=IF({letter}{total_row}=0,0,1)",
            cached=1.0 if rollup.recurrent_total(budget, {4: fy1, 6: fy2, 8: None}[col]) else 0.0,
            style="ratio_bold",
        )
    notes = (
        "說明：1. 為了協助及早完成經費核定，請學校加總各子計畫之經費項目。",
        "2. 總計為各子計畫之經費加總。(例如：講座鐘點費A-1,A-2..B-1,B-2,..C-1,C-2...之加總)",
        "3. 比例：子計畫經費項目之總計 / 經常門總計。",
        f"4. {rollup.OTHER_ITEMS}：經常門中名稱無法歸入經費編列基準表項目者"
        "（名稱寫法對照見隱藏的「參數」工作表），使各列合計等於經常門總計。",
    )
    for i, text in enumerate(notes):
        s.add(total_row + 2 + i, 1, text, "note")
    return s


# --------------------------------------------------------------------------- 參數 and 基本資料

PARAM_COLUMNS = {
    "yz_counties": 1,  # A: county; B, C: its tier in each dated tier table (_tier_tables)
    "yz_rates": 4,  # D: tier, E: maximum rate
    "yz_items_operating": 7,
    "yz_items_grants": 8,
    "yz_items_capital": 9,
    "yz_sources": 10,
    "yz_categories": 11,
    "yz_authorities": 12,
}


def param_sheet(budget: Budget) -> tuple[SheetSpec, dict[str, str]]:
    """The hidden 參數 sheet (tier tables, rate table, item lists) and the names pointing into it."""
    s = SheetSpec(
        PARAM_NAME,
        hidden=True,
        column_widths={1: 10, 2: 14, 3: 14, 4: 8, 5: 10, 7: 26, 8: 16, 9: 20, 10: 14, 11: 12, 12: 10},
    )
    ay, prog = budget.academic_year, budget.programme
    columns = {
        "yz_items_operating": ("業務費項目", forms.items(prog, ay, forms.OPERATING)),
        "yz_items_grants": ("獎補助費項目", forms.items(prog, ay, forms.GRANTS)),
        "yz_items_capital": ("設備及投資項目", forms.items(prog, ay, forms.CAPITAL)),
        "yz_sources": ("經費來源", forms.SOURCES),
        "yz_categories": ("一級用途別", forms.CATEGORIES),
        "yz_authorities": ("主管機關", tiers.AUTHORITIES),
    }
    names = _tier_tables(s, budget)
    names.update(_rate_table(s, budget))
    q = quote_sheet(PARAM_NAME)
    for name, (header, values) in columns.items():
        col = PARAM_COLUMNS[name]
        s.add(1, col, header, "param")
        for i, value in enumerate(values, start=2):
            s.add(i, col, value, "param")
        letter = get_column_letter(col)
        names[name] = f"={q}!${letter}$2:${letter}${1 + max(1, len(values))}"
    _add_lookup_tables(s, budget, names)
    return s, names


TIER_KEY_LABELS = ("適用年度起", "適用年度迄", "級次表")


def _tier_tables(s: SheetSpec, budget: Budget) -> dict[str, str]:
    """The tier tables the budget's 會計年度 fall under (one, or two when the 學年度 straddles a
    new table), dated: county in A, one column of tiers per table from B, and under them each
    table's first and last 會計年度, its title and its source. 基本資料 picks a column by 年度
    with MATCH(年度, yz_tier_from, 1), as ``tiers.tier_table`` does."""
    dated = [table for _, table in tiers.fiscal_parts(budget.academic_year)]
    counties = tiers.all_counties()
    q = quote_sheet(PARAM_NAME)
    s.add(1, 1, "縣市", "param")
    for i, county in enumerate(counties, start=2):
        s.add(i, 1, county, "param")
    last = 1 + len(counties)
    key_row = last + 2
    for label, offset in zip(TIER_KEY_LABELS, range(3), strict=True):
        s.add(key_row + offset, 1, label, "param")
    for j, table in enumerate(dated):
        col = 2 + j
        s.add(1, col, f"財力級次（{table.title}）", "param")
        for i, county in enumerate(counties, start=2):
            s.add(i, col, table.counties.get(county), "param")
        s.add(key_row, col, table.first, "param")
        s.add(key_row + 1, col, table.last, "param")
        s.add(key_row + 2, col, table.title, "param")
        s.add(key_row + 4 + j, 2, f"{table.title}：{table.source}", "param")
    s.add(key_row + 3, 1, "依據", "param")
    end = get_column_letter(1 + len(dated))
    return {
        "yz_counties": f"={q}!$A$2:$A${last}",  # the 所在縣市 drop-down (a school may have its own)
        "yz_tier_counties": f"={q}!$A$2:$A${last}",  # the rows of yz_tier_grid
        "yz_tier_grid": f"={q}!$B$2:${end}${last}",
        "yz_tier_from": f"={q}!$B${key_row}:${end}${key_row}",
        "yz_tier_titles": f"={q}!$B${key_row + 2}:${end}${key_row + 2}",
    }


def _rate_table(s: SheetSpec, budget: Budget) -> dict[str, str]:
    """The maximum subsidy rate by tier, for the programme and 學年度 (rate tables are keyed by 學年度)."""
    rates = tiers.rate_table(budget.programme, budget.academic_year)
    s.add(1, 4, "財力級次", "param")
    s.add(1, 5, "最高補助比率", "param")
    for i, (tier, rate) in enumerate(sorted(rates.rates.items()), start=2):
        s.add(i, 4, tier, "param")
        s.add(i, 5, float(rate), "param")
    s.add(1 + len(rates.rates) + 2, 4, f"{rates.source}（{rates.from_academic_year}學年度起適用）", "param")
    q = quote_sheet(PARAM_NAME)
    return {"yz_rate_table": f"={q}!$D$2:$E${1 + len(rates.rates)}"}


SCHOOL_LABELS = ("學校名稱", "主管機關", "所在縣市", "方案", "學年度")
SCHOOL_ROW = {label: 3 + i for i, label in enumerate(SCHOOL_LABELS)}  # value in column B
MATCH_HEADER_ROW = 3 + len(SCHOOL_LABELS) + 1
MATCH_LABELS = (
    "會計年度",
    "財力級次表",
    "財力級次",
    "最高補助比率",
    "教育部補助款",
    "應編配合款",
    "已編配合款",
    "配合款差額",
)
MATCH_ROW = {label: MATCH_HEADER_ROW + 1 + i for i, label in enumerate(MATCH_LABELS)}
# Column B: the whole 學年度; C and D: its two 會計年度 (8–12月, 1–7月); E: how it is computed.
MATCH_COLUMNS = {"全學年度": 2, "上學期": 3, "下學期": 4}
SPLIT_LABEL = "分年計算"


def school_sheet(budget: Budget) -> SheetSpec:
    """基本資料: the school block (inputs) and the county match computed from it by formula."""
    s = SheetSpec(SCHOOL_NAME, column_widths={1: 16, 2: 24, 3: 16, 4: 16, 5: 56}, fit_width=True)
    prog = forms.programme(budget.programme, budget.academic_year)
    s.add(1, 1, f"學校基本資料與配合款（{budget.academic_year}學年度）", "title")
    s.merges.append((1, 1, 1, 5))
    school = budget.school
    inputs = {
        "學校名稱": (school.name or None, "school_input", "請填學校全銜"),
        "主管機關": (school.authority, "school_input", "國立｜直轄市立｜縣市立｜私立"),
        "所在縣市": (
            tiers.normalise_county(school.county) if school.county else None,
            "school_input",
            "決定財力級次",
        ),
        "方案": (prog.name, "cell", budget.programme),
        "學年度": (budget.academic_year, "cell", ""),
    }
    for label, (value, style, hint) in inputs.items():
        row = SCHOOL_ROW[label]
        s.add(row, 1, label, "cell_bold")
        s.add(row, 2, value, style)
        s.add(row, 3, hint or None, "note")
    s.validations.append(
        Validation(SCHOOL_ROW["主管機關"], 2, SCHOOL_ROW["主管機關"], 2, "=yz_authorities", True, "主管機關")
    )
    s.validations.append(
        Validation(SCHOOL_ROW["所在縣市"], 2, SCHOOL_ROW["所在縣市"], 2, "=yz_counties", True, "所在縣市")
    )
    _match_block(s, budget)
    return s


def _match_block(s: SheetSpec, budget: Budget) -> None:
    """The county match by formula over the dated tier tables of 參數: per 會計年度 (C, D) the tier
    table of that 年度, the tier, the rate and the 教育部補助款 of its y-1 sheets; the required match
    once on the whole year's subsidy (B) when both 年度 fall under one table, else per 年度, each
    rounded up to the 元, and added (rollup.match)."""
    m = rollup.match(budget)
    ay = budget.academic_year
    head = MATCH_HEADER_ROW
    for col, text in (
        (1, "配合款"),
        (2, "全學年度"),
        (3, f"{ay}年度(8-12月)"),
        (4, f"{ay + 1}年度(1-7月)"),
        (5, "說明"),
    ):
        s.add(head, col, text, "header")
    row = MATCH_ROW
    auth, county = f"$B${SCHOOL_ROW['主管機關']}", f"$B${SCHOOL_ROW['所在縣市']}"
    split = f"$C${row['財力級次表']}<>$D${row['財力級次表']}"
    y2_total_row = 5 + len(rollup.codes(budget))
    y2q = quote_sheet(Y2_NAME)
    by_year = _match_by_year(budget, m)
    for col in (3, 4):
        c = get_column_letter(col)
        fy, title, tier, rate, subsidy, required = by_year[col]
        table_index = f"IFERROR(MATCH({c}{row['會計年度']},yz_tier_from,1),1)"
        tier_cell, rate_cell, sub_cell = (
            f"{c}{row[k]}" for k in ("財力級次", "最高補助比率", "教育部補助款")
        )
        cells = {
            "會計年度": (f"=$B${SCHOOL_ROW['學年度']}+{col - 3}", fy, "cell_center"),
            "財力級次表": (f'=IFERROR(INDEX(yz_tier_titles,1,{table_index}),"")', title, "cell_center"),
            "財力級次": (
                f'=IF(OR({auth}="國立",{auth}="私立",TRIM({county})=""),"",IFERROR(INDEX(yz_tier_grid,'
                f'MATCH(SUBSTITUTE(TRIM({county}),"台","臺"),yz_tier_counties,0),{table_index}),""))',
                tier,
                "cell_center",
            ),
            "最高補助比率": (
                f'=IF({tier_cell}="","",IFERROR(VLOOKUP({tier_cell},yz_rate_table,2,FALSE),""))',
                rate,
                "ratio",
            ),
            "教育部補助款": (f"={_ministry_expr(budget, fy)}", subsidy, "money"),
            "應編配合款": (f'=IF({split},{_required_expr(rate_cell, sub_cell)},"")', required, "money_bold"),
        }
        for label, (formula, cached, style) in cells.items():
            s.add(row[label], col, formula=formula, cached=cached, style=style)
        s.add(row["已編配合款"], col, None, "cell")
        s.add(row["配合款差額"], col, None, "cell")
    b = {label: f"B{r}" for label, r in row.items()}
    whole = {
        "會計年度": (None, None, "cell", f"{ay}學年度之 8-12月屬 {ay} 年度、1-7月屬 {ay + 1} 年度"),
        "財力級次表": (
            f'=IF({split},"{SPLIT_LABEL}",C{row["財力級次表"]})',
            SPLIT_LABEL if _straddles(budget) else by_year[3][1],
            "cell_center",
            "各會計年度適用之「各直轄市及縣(市)政府財力級次表」（參數工作表）；跨兩表時分年計算",
        ),
        "財力級次": (
            f'=IF(C{row["財力級次"]}=D{row["財力級次"]},C{row["財力級次"]},"")',
            "" if m.common_tier is None else m.common_tier,
            "cell_center",
            "依所在縣市及各年度之財力級次表",
        ),
        "最高補助比率": (
            f'=IF(C{row["最高補助比率"]}=D{row["最高補助比率"]},C{row["最高補助比率"]},"")',
            "" if m.common_rate is None else float(m.common_rate),
            "ratio",
            "依補助比率表（參數工作表；依學年度）",
        ),
        "教育部補助款": (
            f"={y2q}!$B${y2_total_row}",
            money(m.subsidy),
            "money",
            "千元；全學年度為 y-2 小計之教育部補助款，各年度為該年度各 y-1 表之教育部補助款",
        ),
        "應編配合款": (
            f"=IF({split},SUM(C{row['應編配合款']}:D{row['應編配合款']}),"
            f"{_required_expr(b['最高補助比率'], b['教育部補助款'])})",
            money(m.required),
            "money_bold",
            "千元；教育部補助款×(1−最高補助比率)÷最高補助比率，無條件進位至元；"
            "跨兩張財力級次表時各年度分別計算後相加；國立、私立免編",
        ),
        "已編配合款": (f"={y2q}!$C${y2_total_row}", money(m.budgeted), "money", "千元；y-2 小計之配合款"),
        "配合款差額": (
            f"=MAX(0,{b['應編配合款']}-{b['已編配合款']})",
            money(m.shortfall),
            "money_bold",
            "千元；大於 0 表示配合款不足",
        ),
    }
    for label, (formula, cached, style, hint) in whole.items():
        s.add(row[label], 1, label, "cell_bold")
        if formula is None:
            s.add(row[label], 2, None, style)
        else:
            s.add(row[label], 2, formula=formula, cached=cached, style=style)
        s.add(row[label], 5, hint, "note")


def _straddles(budget: Budget) -> bool:
    """Whether the 學年度's two 會計年度 fall under two tier tables (what the formulas test)."""
    return len(tiers.fiscal_parts(budget.academic_year)) > 1


def _required_expr(rate_cell: str, subsidy_cell: str) -> str:
    """⌈S × (1 − r) / r⌉ in 千元 to the 元 (0 without a rate or a subsidy)."""
    return (
        f'IF({rate_cell}="",0,IF({subsidy_cell}<=0,0,'
        f"ROUNDUP(ROUND({subsidy_cell}*(1-{rate_cell})/{rate_cell},6),3)))"
    )


def _ministry_expr(budget: Budget, fiscal_year: int) -> str:
    """教育部補助款 of one 會計年度's y-1 sheets: their total less the other three sources (as y-3)."""
    blocks = _laid_out(budget, fy=fiscal_year)
    if not blocks:
        return "0"
    others = "-".join(f"({source_expr(blocks, src, recurrent=None)})" for src in NON_MINISTRY)
    return f"{total_expr(blocks, recurrent=None)}-{others}"


def _match_by_year(budget: Budget, m: rollup.Match) -> dict[int, tuple]:
    """Cached values of columns C and D: (年度, table title, tier, rate, subsidy 千元, required 千元)."""
    out = {}
    straddles = _straddles(budget)
    for col, fy in zip((3, 4), budget.fiscal_years, strict=True):
        table = tiers.tier_table(fy)
        part = next((p for p in m.parts if fy in p.fiscal_years), None)
        tier = "" if part is None or part.tier is None else part.tier
        rate = "" if part is None or part.max_rate is None else float(part.max_rate)
        required = (money(part.required) if part is not None else 0.0) if straddles else ""
        out[col] = (fy, table.title, tier, rate, money(rollup.ministry_in(budget, fy)), required)
    return out


def summary_sheets(budget: Budget) -> list[SheetSpec]:
    """y-2, y-3, y-4, 基本資料 and the hidden 參數, all formulas over the y-1 blocks of ``budget``."""
    params, _ = param_sheet(budget)
    return [y2_sheet(budget), y3_sheet(budget), y4_sheet(budget), school_sheet(budget), params]


# --------------------------------------------------------------------------- fingerprint

FORM_ID = "youzhi-budget"


def fingerprint_sheet(budget: Budget, template_version: str) -> SheetSpec:
    """Hidden ``_youzhi``: keys in column A, values in column B (contracts.md)."""
    s = SheetSpec(FINGERPRINT_NAME, hidden=True, column_widths={1: 18, 2: 18})
    pairs = (
        ("form", FORM_ID),
        ("programme", budget.programme),
        ("academic_year", budget.academic_year),
        ("template_version", template_version),
    )
    for row, (key, value) in enumerate(pairs, start=1):
        s.add(row, 1, key)
        s.add(row, 2, value)
    return s


def defined_names(budget: Budget) -> dict[str, str]:
    """Workbook names: the lists on 參數 and the fingerprint constants youzhi_programme, youzhi_year."""
    _, names = param_sheet(budget)
    names["youzhi_programme"] = f'="{budget.programme}"'
    names["youzhi_year"] = f"={budget.academic_year}"
    return names
