"""Formulas over the y-1 line rows, and the lookup tables they read.

* ``y1_cells(block)``: 總價 of every line row, 小計, 經常門小計, 資本門小計 and 會計年度合計 of one y-1
  block, located through ``block.layout`` (so they work wherever a block sits).
* ``total_expr`` / ``source_expr`` / ``lookup_terms``: the sums over the 總價 cells of chosen y-1
  blocks (all, 經常門 or 資本門; by 經費來源 or by y-4 item) the summary sheets and 基本資料 are made of.
* ``lookup_tables`` / ``lookup_sheet``: the item and 經費來源 tables (on 參數, or on a hidden sheet of
  their own) and the workbook names over them.

Formulas use only functions Excel and LibreOffice both know (SUM, SUMIF, SUMPRODUCT, COUNT, ROUND, IF):
no 3-D references, OFFSET or SUBTOTAL.
"""

from __future__ import annotations

from youzhi import forms, items
from youzhi.a1 import get_column_letter
from youzhi.cell_spec import LOOKUP_SHEET, CellSpec, SheetSpec, money, quote_sheet, span_ref
from youzhi.model import Budget, RowSpan, SubPlanSheet

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


def lookup_sheet(budget: Budget, title: str = LOOKUP_SHEET) -> tuple[SheetSpec, dict[str, str]]:
    """The lookup tables on a hidden sheet of their own (repair of a workbook whose 參數 lacks them)."""
    s = SheetSpec(title, hidden=True)
    names: dict[str, str] = {}
    add_lookup_tables(s, budget, names)
    return s, names


def table_sheet(refers_to: str) -> str:
    """The sheet a workbook name's ``'Sheet'!$A$1:$A$9`` points at."""
    sheet = refers_to.lstrip("=").rpartition("!")[0]
    return sheet[1:-1].replace("''", "'") if sheet.startswith("'") else sheet


def add_lookup_tables(s: SheetSpec, budget: Budget, names: dict[str, str]) -> None:
    """Put the lookup tables on ``s`` (with their column widths) and their names in ``names``."""
    cells, table_names = lookup_tables(budget, s.name)
    s.cells += cells
    names.update(table_names)
    for col in TABLE_COLUMNS.values():
        s.column_widths.update({col: 24, col + 1: 24})


# --------------------------------------------------------------------------- sums over y-1 sections


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


def laid_out(budget: Budget, *, code: str | None = None, fy: int | None = None) -> list[SubPlanSheet]:
    """The y-1 blocks of ``budget`` that have a layout, of one sub-plan ``code`` and/or 會計年度 ``fy``."""
    return [
        b
        for b in budget.sheets
        if b.layout is not None and (code is None or b.code == code) and (fy is None or b.fiscal_year == fy)
    ]


# --------------------------------------------------------------------------- y-1


def _sum_formula(parts: list[str]) -> str:
    return "=" + "+".join(parts) if parts else "=0"


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
