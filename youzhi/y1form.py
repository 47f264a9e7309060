"""A y-1 sheet as the official form (seed 002 表y-1-1 / 表y-1-2), as a writer-agnostic ``SheetSpec``.

Title, 子計畫代碼, ``N會計年度概算表(8-12月)``, the header, (一)經常門 with 業務費 and 獎補助費 line rows and
their 小計, 經常門小計, (二)資本門 with 設備及投資 rows, 資本門小計, ``N會計年度合計``, the signature line and
the notes; drop-downs on 一級用途別, item and 經費來源; input cells unlocked; the computed cells from
``computed_y1.y1_cells``. ``y1_layout`` says where everything sits (the same ``BlockLayout`` the reader
finds).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from youzhi import forms
from youzhi.calendar import Semester, fiscal_label, fiscal_year
from youzhi.cell_spec import SheetSpec, Validation
from youzhi.computed_y1 import y1_cells
from youzhi.forms import y1_blocks
from youzhi.model import BlockLayout, Columns, Line, SubPlanSheet
from youzhi.money import yuan_to_cell


@dataclass(frozen=True)
class LineCounts:
    """Blank line rows per section of a new y-1 block."""

    operating: int = 15
    grants: int = 5
    capital: int = 8


DEFAULT_COUNTS = LineCounts()


def y1_sheet_name(code: str, semester: Semester) -> str:
    return f"{code}({semester.months})"


def y1_title(programme_id: str, academic_year: int, semester: Semester, school_name: str = "") -> str:
    short = forms.programme(programme_id, academic_year).short  # 高中優質化 / 高職優質化
    school = school_name.strip() or "○○" + short[:2]
    number = 1 if semester is Semester.FIRST else 2
    return f"表y-1-{number} {school}{short[2:]}年度子計畫經費概算表({semester.months})"


Y1_WIDTHS = {1: 11, 2: 27, 3: 7, 4: 8, 5: 10, 6: 12, 7: 38, 8: 15}


def y1_layout(counts: LineCounts = DEFAULT_COUNTS, header_row: int = 4) -> BlockLayout:
    """Row positions of a new block (header, (一)經常門, 業務費 lines, 小計, 獎補助費 lines, 小計,
    經常門小計, (二)資本門, 設備及投資 lines, 資本門小計, 合計), read from its label rows by the
    reader's own rule: the layout the template writes is the one the reader finds."""
    op_sub = header_row + 2 + counts.operating  # (一)經常門 sits between the header and the first line
    gr_sub = op_sub + 1 + counts.grants
    cap_sub = gr_sub + 3 + counts.capital  # after 經常門小計 and (二)資本門
    labels = [
        (header_row + 1, y1_blocks.RECURRENT_SECTION),
        (op_sub, y1_blocks.SUBTOTAL),
        (gr_sub, y1_blocks.SUBTOTAL),
        (gr_sub + 1, y1_blocks.RECURRENT_SUBTOTAL),
        (gr_sub + 2, y1_blocks.CAPITAL_SECTION),
        (cap_sub, y1_blocks.CAPITAL_SUBTOTAL),
        (cap_sub + 1, y1_blocks.TOTAL),
    ]
    return y1_blocks.layout_of((1, header_row, Columns()), labels, cap_sub + 1)


_INPUT_STYLES = (
    "input_text",
    "input_text",
    "input_text",
    "input_quantity",
    "input_money",
    "",
    "input_wrap",
    "input_text",
)


def _number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _line_values(line: Line) -> list[object]:
    """The eight input values of a line as the sheet holds them (money in 千元)."""
    price = None if line.unit_price is None else yuan_to_cell(line.unit_price)
    typed = None if line.typed_total is None else yuan_to_cell(line.typed_total)
    return [
        line.category,
        line.item or None,
        line.unit or None,
        _number(line.quantity),
        price,
        typed,
        line.purpose or None,
        line.raw_source or None,
    ]


def y1_form(
    programme_id: str,
    academic_year: int,
    code: str,
    semester: Semester,
    *,
    school_name: str = "",
    counts: LineCounts = DEFAULT_COUNTS,
    lines: tuple[Line, ...] | list[Line] = (),
) -> tuple[SubPlanSheet, SheetSpec]:
    """A y-1 sheet as the official form (seed 002 表y-1-1 / 表y-1-2) and its block.

    ``lines`` (rows inside ``y1_layout(counts)``'s sections) are written into the input cells; the
    computed cells then carry their figures as cached values.
    """
    name = y1_sheet_name(code, semester)
    layout = y1_layout(counts)
    block = SubPlanSheet(name, code, semester, fiscal_year(academic_year, semester), list(lines), layout)
    by_row = {line.row: line for line in block.lines}
    sheet = SheetSpec(
        name,
        column_widths=dict(Y1_WIDTHS),
        print_title_rows=(1, layout.header_row),
        fit_height=1,
        freeze_rows=layout.header_row,
    )
    last_col = 8
    sheet.add(1, 1, y1_title(programme_id, academic_year, semester, school_name), "title")
    sheet.merges.append((1, 1, 1, last_col))
    sheet.row_heights[1] = 24
    sheet.add(2, 1, f"子計畫代碼:{code}", "label_bold")
    sheet.add(3, 1, fiscal_label(academic_year, semester), "label_bold")
    sheet.add(3, last_col, "單位：千元", "unit_note")
    hr = layout.header_row
    for col, text in enumerate(forms.Y1_HEADER, start=1):
        sheet.add(hr, col, text or None, "header")
    sheet.merges.append((hr, 1, hr, 2))
    sheet.add(hr + 1, 1, forms.Y1_RECURRENT_SECTION, "section")
    for col in range(2, last_col + 1):
        sheet.add(hr + 1, col, None, "section")

    item_names = {
        forms.OPERATING: "yz_items_operating",
        forms.GRANTS: "yz_items_grants",
        forms.CAPITAL: "yz_items_capital",
    }
    for category in forms.CATEGORIES:
        span = layout.span(category)
        for row in span:
            line = by_row.get(row)
            values = _line_values(line) if line else [category if row == span.first else None, *[None] * 7]
            for col, style in enumerate(_INPUT_STYLES, start=1):
                if col == 6:
                    if line is not None and line.computed_total is None and line.typed_total:
                        sheet.add(row, col, values[5], "input_money")  # a typed lump sum
                    continue
                sheet.add(row, col, values[col - 1], style)
        sheet.validations.append(
            Validation(span.first, 1, span.last, 1, "=yz_categories", True, "一級用途別")
        )
        capital = category == forms.CAPITAL
        message = "請填設備名稱（可自行輸入）" if capital else "請自下拉選單選擇經費項目（依經費編列基準表）"
        sheet.validations.append(
            Validation(
                span.first, 2, span.last, 2, f"={item_names[category]}", not capital, message, warn_only=True
            )
        )
        sheet.validations.append(
            Validation(span.first, 8, span.last, 8, "=yz_sources", True, "空白視為教育部補助款")
        )

    def label_row(row: int, col: int, text: str, style: str = "cell_bold") -> None:
        sheet.add(row, col, text, style)
        for c in range(1, last_col + 1):
            if c not in (col, 6):
                sheet.add(row, c, None, "cell")

    label_row(layout.operating_subtotal_row, 2, forms.Y1_SUBTOTAL)
    label_row(layout.grants_subtotal_row, 2, forms.Y1_SUBTOTAL)
    label_row(layout.recurrent_subtotal_row, 1, forms.Y1_RECURRENT_SUBTOTAL)
    sheet.add(layout.capital.first - 1, 1, forms.Y1_CAPITAL_SECTION, "section")
    for col in range(2, last_col + 1):
        sheet.add(layout.capital.first - 1, col, None, "section")
    label_row(layout.capital_subtotal_row, 1, forms.Y1_CAPITAL_SUBTOTAL)
    label_row(layout.total_row, 1, f"{block.fiscal_year}會計年度合計")
    sheet.cells.extend(y1_cells(block))

    row = layout.total_row + 2
    for col, text in zip((1, 3, 5, 7), forms.Y1_SIGNATURE, strict=True):
        sheet.add(row, col, f"{text}:", "label")
    row += 2
    sheet.add(row, 1, "說明：", "note")
    for offset, note in enumerate(forms.Y1_NOTES, start=1):
        sheet.add(row + offset, 1, note, "note")
    return block, sheet
