"""The y-1 form's blocks: header rows, the 子計畫代碼 / 會計年度 labels above them and the label rows
(sections, 小計, 合計) that give each block's ``BlockLayout``.

Blocks are found by their labels, wherever they sit and whatever the sheet is called (seed 002
表y-1-1: title ``…子計畫經費概算表(8-12月)``, ``子計畫代碼:A``, ``109會計年度概算表(8-12月)``, the header
``名稱 | | 單位 | 數量 | 單價 | 總價 | 說明用途 | 經費來源``, then ``(一)經常門``, 業務費 lines, ``小計``,
獎補助費 lines, ``小計``, ``經常門小計``, ``(二)資本門``, 設備及投資 lines, ``資本門小計``,
``N會計年度合計``). The header row gives the column numbers; the section labels give the row spans.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from youzhi import forms
from youzhi.forms.cells import normalise_code, ref, text
from youzhi.model import BlockLayout, Columns, RowSpan
from youzhi.sheets import SheetGrid
from youzhi.text import compact

_PREAMBLE_ROWS = 8  # how far above a header row the title / code / fiscal labels may sit


# --- header and labels --------------------------------------------------------------------


def header_columns(cells: list[object]) -> Columns | None:
    """Columns of a y-1 header row (``單位 數量 單價 總價`` …), or None when the row is not one."""
    found: dict[str, int] = {}
    for i, value in enumerate(cells, start=1):
        if not isinstance(value, str) or not value:
            continue
        t = compact(value)
        for key, label in (
            ("unit", "單位"),
            ("quantity", "數量"),
            ("unit_price", "單價"),
            ("total", "總價"),
            ("purpose", "說明"),
            ("source", "經費來源"),
            ("name", "名稱"),
        ):
            if t.startswith(label) and key not in found:
                found[key] = i
                break
    if not all(k in found for k in ("unit", "quantity", "unit_price", "total")):
        return None
    unit = found["unit"]
    category = found.get("name", max(1, unit - 2))
    item = unit - 1 if unit - 1 > category else category + 1
    return Columns(
        category=category,
        item=item,
        unit=unit,
        quantity=found["quantity"],
        unit_price=found["unit_price"],
        total=found["total"],
        purpose=found.get("purpose", found["total"] + 1),
        source=found.get("source", found.get("purpose", found["total"] + 1) + 1),
    )


# Kinds of label rows inside a block.
RECURRENT_SECTION, CAPITAL_SECTION = "recurrent-section", "capital-section"
SUBTOTAL, RECURRENT_SUBTOTAL, CAPITAL_SUBTOTAL, TOTAL, END = (
    "subtotal",
    "recurrent-subtotal",
    "capital-subtotal",
    "total",
    "end",
)


def label_kind(label: str) -> str | None:
    """What a normalised label cell says, or None for ordinary text."""
    if not label:
        return None
    if label.endswith("小計"):
        if label.startswith("經常門"):
            return RECURRENT_SUBTOTAL
        if label.startswith("資本門"):
            return CAPITAL_SUBTOTAL
        return SUBTOTAL
    if label.endswith("合計") and ("會計年度" in label or label in ("合計", "總計", "年度合計")):
        return TOTAL
    if label.startswith("承辦人") or label.startswith("說明:") or label == "說明":
        return END
    if label.endswith("經常門") and len(label) <= 8:
        return RECURRENT_SECTION
    if label.endswith("資本門") and len(label) <= 8:
        return CAPITAL_SECTION
    return None


# --- blocks ---------------------------------------------------------------------------------


@dataclass
class _Preamble:
    title: str = ""
    title_row: int | None = None
    code: str = ""
    code_cell: str = ""
    fiscal_text: str = ""
    fiscal_cell: str = ""


def preamble(grid: SheetGrid, header_row: int, floor: int) -> _Preamble:
    """Title, 子計畫代碼 and 會計年度 labels above a header row (nearest first)."""
    found = _Preamble()
    for r in range(header_row - 1, max(floor, header_row - _PREAMBLE_ROWS) - 1, -1):
        row = grid.rows[r - 1] if r - 1 < len(grid.rows) else []
        for c, value in enumerate(row, start=1):
            if not isinstance(value, str) or not value:
                continue
            t = compact(value)
            if "子計畫代碼" in t and not found.code:
                rest = t.split("子計畫代碼", 1)[1].lstrip(":")
                if rest:
                    found.code, found.code_cell = normalise_code(rest), ref(c, r)
                else:
                    for c2 in range(c + 1, len(row) + 1):
                        nxt = text(row[c2 - 1])
                        if nxt:
                            found.code, found.code_cell = normalise_code(nxt), ref(c2, r)
                            break
                continue
            if "會計年度" in t and "概算" in t and not found.fiscal_text:
                found.fiscal_text, found.fiscal_cell = t, ref(c, r)
            if ("子計畫經費概算表" in t or t.startswith("表y-1")) and not found.title:
                found.title, found.title_row = unicodedata.normalize("NFKC", value).strip(), r
    return found


def header_rows(grid: SheetGrid) -> list[tuple[int, Columns]]:
    found = []
    for r, row in enumerate(grid.rows, start=1):
        # cheap test first: a header row has a cell that is exactly (or starts with) 數量
        if not any(row) or not any("數量" in v for v in row if v.__class__ is str):
            continue
        columns = header_columns(row)
        if columns is not None:
            found.append((r, columns))
    return found


@dataclass
class Block:
    grid: SheetGrid
    header_row: int
    columns: Columns
    preamble: _Preamble
    end_row: int  # last row that may belong to the block
    labels: list[tuple[int, str]] = field(default_factory=list)
    categories: dict[int, str] = field(default_factory=dict)  # row → category written on it


def _scan_labels(block: Block) -> None:
    """Collect label rows (sections, subtotals, total) and written categories of a block."""
    grid, cols = block.grid, block.columns
    label_cols = range(1, cols.unit)
    for r in range(block.header_row + 1, block.end_row + 1):
        row = grid.rows[r - 1] if r - 1 < len(grid.rows) else []
        kind = None
        for c in label_cols:
            if c > len(row):
                break
            value = row[c - 1]
            if isinstance(value, str) and value:
                kind = label_kind(compact(value))
                if kind:
                    break
        if kind:
            block.labels.append((r, kind))
            if kind in (TOTAL, END):
                block.end_row = r if kind == TOTAL else r - 1
                return
            continue
        cat = compact(row[cols.category - 1]) if cols.category <= len(row) else ""
        if cat in forms.CATEGORIES:
            block.categories[r] = cat


def layout(block: Block) -> BlockLayout:
    """Row spans of the sections from the label rows (never from fixed addresses)."""
    head = (block.preamble.title_row, block.header_row, block.columns)
    return layout_of(head, block.labels, block.end_row, block.categories)


def layout_of(
    head: tuple[int | None, int, Columns],
    labels: list[tuple[int, str]],
    end_row: int,
    categories: dict[int, str] | None = None,
) -> BlockLayout:
    """A block's layout from its label rows ``[(row, label_kind)]``: ``head`` is (title row, header
    row, columns), ``end_row`` the last row it may hold, ``categories`` the rows with a category
    written on them. The template lays out its new blocks by this same rule (``y1form.y1_layout``)."""
    rows_of: dict[str, list[int]] = {}
    for r, kind in labels:
        rows_of.setdefault(kind, []).append(r)
    first = lambda kind: rows_of.get(kind, [None])[0]  # noqa: E731
    total_row = first(TOTAL)
    end = (total_row - 1) if total_row else end_row
    rec_sub = first(RECURRENT_SUBTOTAL)
    cap_section = first(CAPITAL_SECTION)
    cap_sub = first(CAPITAL_SUBTOTAL)
    start = (first(RECURRENT_SECTION) or head[1]) + 1
    recurrent_end = rec_sub or cap_section or cap_sub or (end + 1)
    subtotals = [r for r in rows_of.get(SUBTOTAL, []) if r < recurrent_end]
    written = (categories or {}).items()
    grant_rows = [r for r, c in written if c == forms.GRANTS and start <= r < recurrent_end]
    grants_label = min(grant_rows) if grant_rows else None
    op_sub = gr_sub = None
    # Both 小計 rows present: the structure decides (a 獎補助費 written in the 業務費 span stays 業務費).
    if len(subtotals) >= 2 or (subtotals and not (grants_label and grants_label < subtotals[0])):
        op_sub = subtotals[0]
        gr_sub = subtotals[1] if len(subtotals) > 1 else None
        grants_first = op_sub + 1
    elif grants_label:  # the 業務費 小計 row was deleted: the 獎補助費 label starts the grants
        grants_first = grants_label
        gr_sub = subtotals[0] if subtotals else None
    else:
        grants_first = recurrent_end
    opened = cap_section or rec_sub
    return BlockLayout(
        *head,
        operating=RowSpan(start, (op_sub or grants_first) - 1),
        operating_subtotal_row=op_sub,
        grants=RowSpan(grants_first, (gr_sub or recurrent_end) - 1),
        grants_subtotal_row=gr_sub,
        recurrent_subtotal_row=rec_sub,
        capital=RowSpan(opened + 1 if opened else recurrent_end, (cap_sub or (end + 1)) - 1),
        capital_subtotal_row=cap_sub,
        total_row=total_row,
    )


def find_blocks(grid: SheetGrid, headers: list[tuple[int, Columns]]) -> list[Block]:
    """The blocks of a sheet from its header rows (``header_rows``), each ending before the next."""
    blocks = []
    floor = 1
    for i, (r, columns) in enumerate(headers):
        next_header = headers[i + 1][0] if i + 1 < len(headers) else grid.max_row + 1
        pre = preamble(grid, r, floor)
        block = Block(grid, r, columns, pre, next_header - 1)
        _scan_labels(block)
        blocks.append(block)
        floor = block.end_row + 1
    return blocks
