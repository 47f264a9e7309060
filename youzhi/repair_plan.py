"""What a repair does to a workbook, decided once for ``youzhi repair`` and the add-in's 彙總/修復.

``plan(budget, grids)`` is pure: from the read budget and the workbook's values it lists the operations,
and two writers only apply them (``youzhi.repair`` with openpyxl, ``youzhi.xlwings_repair.apply_plan`` in
Excel). The operations, in the order they are applied:

* ``SetCells``: y-1 總價 / 小計 / 經常門小計 / 資本門小計 / 會計年度合計 formulas with their cached values (a
  line whose 數量 or 單價 is text gets its figure as a number), our 基本資料's formula cells, the lookup
  tables' contents where our names point. The cells keep their own style.
* ``PutSheet``: y-2 / y-3 / y-4 rebuilt in place (``into``: the sheet's current title) or added at the end;
  基本資料 and the hidden 參數 added to a workbook without them, or rebuilt when an older template wrote them.
  Formulas refer to the y-2 under its title in this workbook (表y-2, y-2(youzhi) …).
* ``Note``: a typed value the rebuild replaces (a 總價 typed over the formula, a total typed on y-2) or
  申請 / 核定 amounts without a y-1 sheet, kept in the cell's comment, appended to any comment there.
* ``Names``: the defined names the added sheets' formulas and lists use (``replace``: re-point ours).

``grids`` holds what each writer sees of the workbook: openpyxl's values (formulas as ``=…`` text) for the
CLI, the calculated values for the add-in; a value is "typed" when it is a number or text that is neither
a formula nor an error value, so both doors keep the same values. ``merged`` lists the merged ranges the
writer knows of (a computed cell inside one is left alone).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from youzhi import cell_spec, computed_params, computed_school, computed_summaries, computed_y1
from youzhi.a1 import get_column_letter
from youzhi.model import Budget
from youzhi.money import format_kiloyuan
from youzhi.reader import SCHOOL_SHEET, is_summary_sheet
from youzhi.sheets import SheetGrid, WorkbookGrids

SUMMARY_KINDS = ("y-2", "y-3", "y-4")
ERROR_TEXTS = frozenset(["#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"])
Merge = tuple[int, int, int, int]


@dataclass(frozen=True)
class SetCells:
    sheet: str
    cells: tuple[cell_spec.CellSpec, ...]


@dataclass(frozen=True)
class PutSheet:
    spec: cell_spec.SheetSpec
    into: str | None = None  # an existing sheet rebuilt in place; None: added after the last sheet


@dataclass(frozen=True)
class Note:
    sheet: str
    row: int
    col: int
    text: str

    @property
    def ref(self) -> str:
        return f"{get_column_letter(self.col)}{self.row}"


@dataclass(frozen=True)
class Names:
    names: dict[str, str]  # name → "=參數!$A$2:$A$23"
    replace: bool = False  # False: a name already defined is left as it is


@dataclass
class Plan:
    ops: list = field(default_factory=list)
    y1_cells: int = 0  # computed y-1 cells rewritten
    text_lines: list[str] = field(default_factory=list)  # 總價 written as numbers (text 數量 / 單價)
    skipped: list[str] = field(default_factory=list)  # computed cells inside a merged range
    rebuilt: list[str] = field(default_factory=list)
    created: list[str] = field(default_factory=list)
    typed_kept: list[str] = field(default_factory=list)
    summaries: list[str] = field(default_factory=list)  # the y-2, y-3, y-4 titles (rebuilt or added)

    def note(self, sheet: str, row: int, col: int, text: str) -> None:
        self.ops.append(Note(sheet, row, col, text))
        self.typed_kept.append(f"{sheet}!{get_column_letter(col)}{row}")


def plan(
    budget: Budget,
    grids: WorkbookGrids,
    merged: dict[str, list[Merge]] | None = None,
    formulas: dict[str, set[tuple[int, int]]] | None = None,
) -> Plan:
    """The operations that repair the workbook whose values are ``grids`` (see the module doc).

    ``formulas``: sheet → (row, col) of the cells known to hold formulas, when the writer can tell
    (their calculated values are never taken for typed ones)."""
    merged = merged or {}
    if formulas:
        grids = _without_formulas(grids, formulas)
    out = Plan()
    titles = [g.name for g in grids.sheets]
    for block in budget.sheets:
        if block.layout is not None:
            _plan_y1(out, block, grids.sheet(block.sheet), merged.get(block.sheet, []))
    y2_title = _plan_summaries(out, budget, grids, titles)
    school = retarget(computed_school.school_sheet(budget), cell_spec.Y2_NAME, y2_title)
    params_added = _plan_school(out, budget, grids, school, titles)
    if not params_added:
        _plan_lookup_tables(out, budget, grids, titles)
    return out


def _without_formulas(grids: WorkbookGrids, formulas: dict[str, set[tuple[int, int]]]) -> WorkbookGrids:
    sheets = []
    for grid in grids.sheets:
        cells = formulas.get(grid.name)
        if cells:
            rows = [list(row) for row in grid.rows]
            for r, c in cells:
                inside = r <= len(rows) and c <= len(rows[r - 1])
                if inside and isinstance(rows[r - 1][c - 1], int | float):  # calculated, not typed
                    rows[r - 1][c - 1] = "="
            grid = replace(grid, rows=rows)
        sheets.append(grid)
    return replace(grids, sheets=sheets)


# --------------------------------------------------------------------------- y-1


def typed(value: object) -> bool:
    """A value the school typed (not a formula, not an error value a formula shows, not blank)."""
    if value is None or value == "" or isinstance(value, bool):
        return False
    if isinstance(value, str):
        return not value.startswith("=") and value.strip() not in ERROR_TEXTS
    return isinstance(value, int | float)


def _is_number(value: object) -> bool:
    return (isinstance(value, int | float) and not isinstance(value, bool)) or (
        isinstance(value, str) and value.startswith("=")
    )


def _inside(merges: list[Merge], row: int, col: int) -> bool:
    """(row, col) is covered by a merge and is not its top-left cell."""
    return any(r1 <= row <= r2 and c1 <= col <= c2 and (row, col) != (r1, c1) for r1, c1, r2, c2 in merges)


def _plan_y1(out: Plan, block, grid: SheetGrid | None, merges: list[Merge]) -> None:
    cols = block.layout.columns
    by_row = {line.row: line for line in block.lines}
    cells, at = [], len(out.ops)
    for spec in computed_y1.y1_cells(block):
        where = f"{block.sheet}!{spec.ref}"
        if _inside(merges, spec.row, spec.col):
            out.skipped.append(where)
            continue
        line = by_row.get(spec.row)
        if line is not None and spec.col == cols.total and line.computed_total is not None:
            quantity, price = _value(grid, spec.row, cols.quantity), _value(grid, spec.row, cols.unit_price)
            if not (_is_number(quantity) and _is_number(price)):
                spec = replace(spec, formula=None, value=cell_spec.money(line.computed_total), cached=None)
                out.text_lines.append(where)
        new = spec.cached if spec.formula else spec.value
        _keep_typed(out, block.sheet, spec.row, spec.col, _value(grid, spec.row, spec.col), new)
        cells.append(spec)
    out.ops.insert(at, SetCells(block.sheet, tuple(cells)))  # before the notes on its cells
    out.y1_cells += len(cells)


def _value(grid: SheetGrid | None, row: int, col: int) -> object:
    return grid.value(row, col) if grid is not None else None


def _keep_typed(out: Plan, sheet: str, row: int, col: int, old, new, why: str = "已改為公式計算") -> None:
    """A typed ``old`` that differs from the correct figure ``new`` (千元) goes into the cell's comment."""
    if not typed(old):
        return
    if isinstance(old, int | float) and isinstance(new, int | float) and abs(old - new) < 5e-7:
        return
    shown = f"{old:,.3f}" if isinstance(old, int | float) else str(old)
    out.note(sheet, row, col, f"youzhi 修復前此格填的是 {shown}（{why}）")


# --------------------------------------------------------------------------- y-2 / y-3 / y-4


def free_title(titles: list[str], title: str) -> str:
    return title if title not in titles else f"{title}(youzhi)"


def _plan_summaries(out: Plan, budget: Budget, grids: WorkbookGrids, titles: list[str]) -> str:
    """Rebuild or add y-2/y-3/y-4; returns the y-2's title."""
    existing: dict[str, SheetGrid] = {}
    for grid in grids.sheets:
        kind = is_summary_sheet(grid)
        if kind and kind not in existing:
            existing[kind] = grid
    specs = {s.name: s for s in computed_summaries.summary_sheets(budget)}
    y2_title = ""
    for kind in SUMMARY_KINDS:
        grid = existing.get(kind)
        if grid is None:
            title = free_title(titles, kind)
            spec = _renamed(specs[kind], title)
            out.ops.append(PutSheet(spec))
            out.created.append(title)
            titles.append(title)
        else:
            title = grid.name
            spec = _renamed(specs[kind], title)
            out.ops.append(PutSheet(spec, into=title))
            out.rebuilt.append(title)
            _keep_typed_numbers(out, grid, spec)
        out.summaries.append(title)
        if kind == "y-2":
            y2_title = title
            _note_orphan_requests(out, budget, title)
    return y2_title


def _keep_typed_numbers(out: Plan, grid: SheetGrid, spec: cell_spec.SheetSpec) -> None:
    """A number typed on a rebuilt summary sheet that the sheet no longer shows there goes into a
    comment (on the top-left cell when the spot is now inside a merged range)."""
    shown = {(c.row, c.col): (c.cached if c.formula else c.value) for c in spec.cells}
    for r, row in enumerate(grid.rows, start=1):
        for c, old in enumerate(row, start=1):
            if isinstance(old, int | float) and not isinstance(old, bool):
                spans = ((r1, c1) for r1, c1, r2, c2 in spec.merges if r1 <= r <= r2 and c1 <= c <= c2)
                at = next(spans, (r, c))
                _keep_typed(out, grid.name, *at, old, shown.get(at), why="修復時重建此表")


def _note_orphan_requests(out: Plan, budget: Budget, title: str) -> None:
    """申請 / 核定 amounts typed for a code that has no y-1 sheet have no row in the rebuilt y-2:
    they are kept in a comment on its title."""
    present = {b.code for b in budget.sheets}
    orphans = sorted((set(budget.applied) | set(budget.approved)) - present)
    if not orphans:
        return
    parts = []
    for code in orphans:
        figures = [
            f"{label} {format_kiloyuan(amounts[code])}"
            for label, amounts in (("申請金額", budget.applied), ("核定金額", budget.approved))
            if code in amounts
        ]
        parts.append(f"{code}：{'，'.join(figures)}")
    out.note(title, 1, 1, "youzhi 修復前 y-2 另有下列代碼（無對應概算表）：" + "；".join(parts))


def retarget(spec: cell_spec.SheetSpec, old: str, new: str) -> cell_spec.SheetSpec:
    """The same spec with references to sheet ``old`` pointing at ``new``."""
    if old == new:
        return spec
    before, after = cell_spec.quote_sheet(old) + "!", cell_spec.quote_sheet(new) + "!"
    cells = [
        replace(cs, formula=cs.formula.replace(before, after)) if cs.formula else cs for cs in spec.cells
    ]
    return replace(spec, cells=cells)


# --------------------------------------------------------------------------- 基本資料, 參數, lookup tables


def _renamed(spec: cell_spec.SheetSpec, title: str) -> cell_spec.SheetSpec:
    return replace(spec, name=title, cells=[replace(c, sheet=title) for c in spec.cells])


def school_block(
    budget: Budget, school: cell_spec.SheetSpec, titles: list[str]
) -> tuple[cell_spec.SheetSpec, cell_spec.SheetSpec, dict[str, str]]:
    """基本資料 and the hidden 參數 under titles free in ``titles``, and the names their formulas use."""
    params, names = computed_params.param_sheet(budget)
    param_title = free_title(titles, cell_spec.PARAM_NAME)
    if param_title != cell_spec.PARAM_NAME:
        before, after = cell_spec.quote_sheet(cell_spec.PARAM_NAME), cell_spec.quote_sheet(param_title)
        names = {k: v.replace(before, after) for k, v in names.items()}
    return _renamed(school, free_title(titles, SCHOOL_SHEET)), _renamed(params, param_title), names


def _labels_in_place(grid: SheetGrid, spec: cell_spec.SheetSpec) -> bool:
    labels = [(c.row, c.col, c.value) for c in spec.cells if c.col == 1 and isinstance(c.value, str)]
    return all(grid.text(r, c) == text for r, c, text in labels)


def _plan_school(out: Plan, budget: Budget, grids: WorkbookGrids, school, titles: list[str]) -> bool:
    """Our 基本資料's formula cells; an older template's 基本資料 + 參數 rebuilt; or both added to a
    workbook without 基本資料 (the official form). Returns whether a 參數 was written whole."""
    grid = grids.sheet(SCHOOL_SHEET)
    if grid is None:
        school, params, names = school_block(budget, school, titles)
        for spec in (school, params):
            out.ops.append(PutSheet(spec))
            out.created.append(spec.name)
            titles.append(spec.name)
        out.ops.append(Names(names))
        return True
    if _labels_in_place(grid, school):
        out.ops.append(SetCells(SCHOOL_SHEET, tuple(c for c in school.cells if c.formula is not None)))
        return False
    params = grids.sheet(cell_spec.PARAM_NAME)
    ours = grid.text(1, 1).startswith("學校基本資料與配合款")
    old_labels = all(grid.text(row, 1) == label for label, row in computed_school.SCHOOL_ROW.items())
    if not (ours and old_labels and params is not None and params.hidden):
        return False
    param_spec, names = computed_params.param_sheet(budget)
    for spec in (school, param_spec):
        out.ops.append(PutSheet(spec, into=spec.name))
        out.rebuilt.append(spec.name)
    out.ops.append(Names(names, replace=True))
    return True


def _plan_lookup_tables(out: Plan, budget: Budget, grids: WorkbookGrids, titles: list[str]) -> None:
    """The lookup tables hold the item and 經費來源 forms this workbook's lines use: rewritten where our
    names point, else on a hidden sheet of their own with the names."""
    refers = grids.names.get(computed_y1.ITEM_TABLE_NAMES[0])
    title = computed_y1.table_sheet(refers) if refers else None
    if title in titles:
        cells, _ = computed_y1.lookup_tables(budget, title)
        out.ops.append(SetCells(title, tuple(replace(c, value=c.value or None) for c in cells)))
        return
    spec, names = computed_y1.lookup_sheet(budget, free_title(titles, computed_y1.LOOKUP_SHEET))
    out.ops.append(PutSheet(spec))
    out.created.append(spec.name)
    titles.append(spec.name)
    out.ops.append(Names(names, replace=True))
