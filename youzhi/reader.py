"""Read any submitted budget workbook into the ``Budget`` model: a loop over the form registry.

Each sheet is recognised once (``youzhi.forms.registry``: y-1 blocks, 基本資料, y-2, y-3, y-4, 支用明細,
執行進度報告表); each form's module reads what it holds into the Budget (``youzhi/forms/*.py``). Whatever
cannot be read becomes a ``Problem`` naming the sheet and cell. This module adds what concerns the
workbook as a whole: error values and uncached formulas, far cells, control characters.
"""

from __future__ import annotations

from collections import Counter

from youzhi.forms import registry
from youzhi.forms.cells import Reading
from youzhi.forms.context import ReadContext
from youzhi.forms.school import SCHOOL_SHEET, school_from_name  # noqa: F401  (callers import them here)
from youzhi.model import Budget, School
from youzhi.safety import CONTROL_NOTE
from youzhi.sheets import UNCACHED, WorkbookGrids, load_grids

is_summary_sheet = registry.summary_kind
summary_sheet_names = registry.summary_sheet_names


def read_budget(
    path,
    *,
    engine: str = "calamine",
    school: School | None = None,
    programme: str | None = None,
    academic_year: int | None = None,
) -> Budget:
    """Read a workbook file into a ``Budget`` (``UnreadableWorkbook`` when it is not a budget form)."""
    grids = load_grids(path, engine)
    return read_grids(grids, school=school, programme=programme, academic_year=academic_year)


def read_grids(
    grids: WorkbookGrids,
    *,
    engine: str | None = None,
    school: School | None = None,
    programme: str | None = None,
    academic_year: int | None = None,
) -> Budget:
    """Read sheet grids (from a file or a live book) into a ``Budget`` (``engine`` is ignored: the
    grids are already loaded; it is accepted so callers can pass the same options as ``read_budget``)."""
    ctx = ReadContext.start(grids, programme, academic_year, school)
    for form in registry.FORMS:  # the y-1 blocks make the Budget, the other forms fill it
        form.read(ctx)
    budget = ctx.budget
    budget.form_sheets = {key: tuple(grid.name for grid, _ in found) for key, found in ctx.found.items()}
    _workbook_problems(grids, ctx.reading)
    budget.problems = ctx.reading.problems
    return budget


def _workbook_problems(grids: WorkbookGrids, reading: Reading) -> None:
    """Error values and uncached formulas, cells too far to read, control characters removed."""
    _formula_cell_problems(grids, reading)
    for sheet, refs in getattr(grids, "far", {}).items():
        more = f"等 {len(refs)} 格" if len(refs) > 1 else ""
        reading.problem(
            sheet, refs[0], f"{refs[0]}{more}離表格太遠（讀取會耗費大量記憶體），未讀取；請刪除多餘的儲存格"
        )
    for sheet, refs in getattr(grids, "controls", {}).items():
        for ref in refs:
            reading.problem(sheet, ref, f"儲存格{CONTROL_NOTE}")


def _formula_cell_problems(grids: WorkbookGrids, reading: Reading) -> None:
    """One problem per sheet for its error values (#REF! …), with their count, kinds and first cell,
    and for formulas without a cached result (``WorkbookGrids.errors`` names the first of those)."""
    for grid in grids.sheets:
        cells = grids.errors.get(grid.name)
        if not cells:
            continue
        errors = [(ref, kind) for ref, kind in cells if kind != UNCACHED]
        uncached = next((ref for ref, kind in cells if kind == UNCACHED), None)
        if errors:
            first = errors[0][0] or "A1"
            counts = "、".join(f"{kind} {n}" for kind, n in Counter(k for _, k in errors).most_common())
            also = f"，另有公式沒有計算結果（例如 {uncached}）" if uncached else ""
            reading.problem(
                grid.name,
                first,
                f"{grid.name} 有 {len(errors)} 個儲存格為錯誤值（{counts}），例如 {first}{also}；"
                "請以 youzhi repair 修復計算儲存格",
            )
        else:
            reading.problem(
                grid.name,
                uncached or "A1",
                f"{grid.name} 有公式儲存格沒有計算結果（{UNCACHED}），例如 {uncached}；"
                "以 Excel 開啟後存檔即會計算，或以 youzhi repair 補上計算結果",
                "info",
            )
