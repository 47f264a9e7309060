"""The computed-cell specs on their own: y-1 formulas, lump sums kept, blocks wherever they sit.

The LibreOffice test writes the specs with a minimal openpyxl writer (as repair does) for blocks at
odd places (shifted rows and columns, sheet names with quotes and spaces, a block without 獎補助費 rows)
and checks every y-2 figure and the match against the roll-up.
"""

from __future__ import annotations

from decimal import Decimal

import lo
import openpyxl
import pytest
from builders import school_figures, y2_figures, y4_figures, yuan
from openpyxl.workbook.defined_name import DefinedName

from youzhi import cell_spec, computed_params, computed_summaries, computed_y1, rollup
from youzhi.calendar import Semester
from youzhi.model import BlockLayout, Budget, Columns, Line, RowSpan, School, SubPlanSheet


def layout(header: int, shift: int = 0, grants: bool = True) -> BlockLayout:
    """A block whose header is on row ``header``, its columns moved ``shift`` to the right."""
    cols = Columns(*(c + shift for c in range(1, 9)))
    op = RowSpan(header + 2, header + 4)
    op_sub = op.last + 1
    gr = RowSpan(op_sub + 1, op_sub + 2) if grants else RowSpan(op_sub + 1, op_sub)
    gr_sub = gr.last + 1 if grants else None
    rec_sub = (gr_sub or op_sub) + 1
    cap = RowSpan(rec_sub + 2, rec_sub + 3)
    return BlockLayout(
        header - 3, header, cols, op, op_sub, gr, gr_sub, rec_sub, cap, cap.last + 1, cap.last + 2
    )


def line(sheet, row, category, item, qty, price_yuan, source="教育部補助款", typed=None, cols=None):
    return Line(
        sheet,
        row,
        category,
        item,
        quantity=None if qty is None else Decimal(str(qty)),
        unit_price=price_yuan,
        typed_total=typed,
        source=source,
        raw_source="" if source == "教育部補助款" else source,
        columns=cols or Columns(),
    )


def odd_budget() -> Budget:
    a_lay = layout(12, shift=1)
    a = SubPlanSheet("A 8-12 (學校's)", "A", Semester.FIRST, 115, [], a_lay)
    c = a_lay.columns
    a.lines = [
        line(a.sheet, 14, "業務費", "講座鐘點費", 4, 2000, cols=c),  # 8,000
        line(a.sheet, 15, "業務費", "雜支", None, None, "配合款", typed=1234, cols=c),  # typed lump sum
        line(a.sheet, a_lay.grants.first, "獎補助費", "學生獎學(助)金", 2, 5000, "自籌款", cols=c),  # 10,000
        line(a.sheet, a_lay.capital.first, "設備及投資", "平板電腦", 3, 15000, cols=c),  # 45,000
    ]
    b_lay = layout(5, grants=False)
    b = SubPlanSheet("B(1-7月)", "B", Semester.SECOND, 116, [], b_lay)
    b.lines = [
        line(b.sheet, 7, "業務費", "印刷費", 2.5, 333, "其他補助款"),  # 832.5 → 833 (half up)
        line(b.sheet, b_lay.capital.first + 1, "設備及投資", "數位相機", 1, 10000, "配合款"),
    ]
    return Budget("senior-high", 115, School("奇特高中", "縣市立", "嘉義縣"), [a, b])


def test_y1_cells_line_and_subtotal_formulas():
    budget = odd_budget()
    a = budget.sheets[0]
    cells = {c.ref: c for c in computed_y1.y1_cells(a)}
    # columns shifted by one: 數量 in E, 單價 in F, 總價 in G
    assert cells["G14"].formula == "=IF(COUNT(E14:F14)=2,ROUND(E14*F14,3),0)" and cells["G14"].cached == 8.0
    assert "G15" not in cells  # the typed lump sum is the user's number: no formula over it
    lay = a.layout
    assert (
        cells[f"G{lay.operating_subtotal_row}"].formula
        == f"=SUM(G{lay.operating.first}:G{lay.operating.last})"
    )
    assert cells[f"G{lay.operating_subtotal_row}"].cached == 9.234  # 8,000 + 1,234
    assert cells[f"G{lay.recurrent_subtotal_row}"].cached == 19.234
    assert cells[f"G{lay.total_row}"].formula == f"=G{lay.recurrent_subtotal_row}+G{lay.capital_subtotal_row}"
    assert cells[f"G{lay.total_row}"].cached == 64.234
    b_cells = {c.ref: c for c in computed_y1.y1_cells(budget.sheets[1])}
    b_lay = budget.sheets[1].layout
    assert b_cells[f"F{b_lay.recurrent_subtotal_row}"].formula == f"=F{b_lay.operating_subtotal_row}+0"


def test_no_layout_no_cells():
    assert computed_y1.y1_cells(SubPlanSheet("x", "A", Semester.FIRST, 115)) == []


def test_summary_formulas_quote_sheet_names_and_follow_layouts():
    budget = odd_budget()
    y2 = next(s for s in computed_summaries.summary_sheets(budget) if s.name == "y-2")
    c5 = next(c for c in y2.cells if c.ref == "C5")  # 配合款 of A
    assert "'A 8-12 (學校''s)'!$I$14:$I$16" in c5.formula  # 經費來源 is column I in the shifted block
    assert 'yz_source_of="配合款"' in c5.formula and c5.cached == 1.234


def test_every_cell_spec_has_a_known_style():
    budget = odd_budget()
    specs = [*computed_summaries.summary_sheets(budget), computed_params.fingerprint_sheet(budget, "1")]
    for spec in specs:
        for cell in spec.cells:
            assert cell.style in cell_spec.STYLES, (spec.name, cell.ref)
            assert cell.formula is None or cell.formula.startswith("=")


def _write_with_openpyxl(budget: Budget, path) -> None:
    """A minimal second writer of the same specs: line inputs as values, then every CellSpec."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for block in budget.sheets:
        ws = wb.create_sheet(block.sheet)
        cols = block.layout.columns
        ws.cell(block.layout.header_row, cols.item).value = "header"
        for ln in block.lines:
            ws.cell(ln.row, cols.item).value = ln.item
            ws.cell(ln.row, cols.quantity).value = None if ln.quantity is None else float(ln.quantity)
            ws.cell(ln.row, cols.unit_price).value = None if ln.unit_price is None else ln.unit_price / 1000
            if ln.typed_total is not None:
                ws.cell(ln.row, cols.total).value = ln.typed_total / 1000
            ws.cell(ln.row, cols.source).value = ln.raw_source or None
        for cell in computed_y1.y1_cells(block):
            ws.cell(cell.row, cell.col).value = cell.formula
    for spec in computed_summaries.summary_sheets(budget):
        ws = wb.create_sheet(spec.name)
        for cell in spec.cells:
            ws.cell(cell.row, cell.col).value = cell.formula if cell.formula else cell.value
    for name, refers_to in computed_params.defined_names(budget).items():
        wb.defined_names[name] = DefinedName(name, attr_text=refers_to[1:])
    wb.save(path)


@pytest.mark.libreoffice
def test_blocks_wherever_they_sit_roll_up_in_libreoffice(tmp_path):
    budget = odd_budget()
    src = tmp_path / "odd.xlsx"
    _write_with_openpyxl(budget, src)
    out = lo.recalc([src], tmp_path / "lo")[src]
    assert lo.error_cells(out) == []
    values = lo.values(out)
    y2 = y2_figures(values["y-2"])
    for row in rollup.y2(budget):
        assert {s: y2[row.code][s] for s in row.by_source} == row.by_source, row.code
        assert (y2[row.code]["recurrent"], y2[row.code]["capital"]) == (row.recurrent, row.capital)
    # by hand: A = 8,000 + 1,234 (配合) + 10,000 (自籌) + 45,000; B = 833 (其他) + 10,000 (配合)
    assert (y2["A"]["教育部補助款"], y2["A"]["配合款"], y2["A"]["自籌款"]) == (53000, 1234, 10000)
    assert (y2["B"]["其他補助款"], y2["B"]["配合款"], y2["小計"]["total"]) == (833, 10000, 75067)
    y4 = y4_figures(values["y-4"], budget)
    assert y4[(115, "雜支")][0] == 1234 and y4[(116, "印刷費")][0] == 833
    school = school_figures(values["基本資料"])
    # 嘉義縣 is tier 4 in the 115–117 table, senior-high 115 rate 89 %:
    # S = 53,000 → ⌈53,000 × 11 / 89⌉ = ⌈6,550.56⌉ = 6,551
    assert school["財力級次"] == 4 and yuan(school["應編配合款"]) == 6551 == rollup.match(budget).required
