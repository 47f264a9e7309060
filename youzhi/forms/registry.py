"""The forms a workbook may hold, each one module under ``youzhi/forms/``.

A form module has ``KEY`` (its name on the sheet tab and in ``Budget.form_sheets``),
``recognise(grid)`` (truthy when a sheet is that form; the y-1's answer is its header rows, which its
reader reuses) and, when the form fills the ``Budget``, ``read(ctx)`` (``youzhi.forms.context``).
``reader.read_grids`` is a loop over ``FORMS``; validators, macros and batch recognise sheets here.

Adding a form: its module, one line below, and the ``Budget`` field its ``read`` fills.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType

from youzhi.cell_spec import LOOKUP_SHEET
from youzhi.forms import ledger, progress, school, summary, y1, y2, y3, y4
from youzhi.text import compact

PARAMETER_SHEET = "參數"
SUMMARY_KEYS = (y2.KEY, y3.KEY, y4.KEY)
TOOL_SHEETS = (school.FINGERPRINT_SHEET, PARAMETER_SHEET)  # the tool's own sheets: never a form
# The tool's tables (tiers, rates, the names people write): the workbook's formulas use them, no check
# reads them. ``pipeline.check_file`` leaves their values unread (參數 is a third of a template's XML).
TABLE_SHEETS = (PARAMETER_SHEET, LOOKUP_SHEET)


@dataclass(frozen=True)
class Form:
    module: ModuleType
    field: str  # the Budget field its read fills ("" when it is recognised only)
    rank: int = 0  # recognition order: 0 before the y-1 test (a title or name), 2 after it

    @property
    def key(self) -> str:
        return self.module.KEY

    def recognise(self, grid):
        return self.module.recognise(grid)

    def read(self, ctx) -> None:
        reader = getattr(self.module, "read", None)
        if reader is not None:
            reader(ctx)


# In reading order: the y-1 blocks make the Budget, the others fill it. Recognised by ``rank``: forms
# known by a name or title first, then the y-1 test (any sheet with a y-1 header row, rank 1), then
# the execution-year forms (a y-1 sheet, the most common, never pays for their tests).
Y1 = y1.KEY
FORMS = (
    Form(y1, "sheets", rank=1),
    Form(school, "school"),
    Form(y2, "applied, approved"),
    Form(y3, ""),
    Form(y4, ""),
    Form(ledger, "", rank=2),
    Form(progress, "", rank=2),
)
_RECOGNITION_ORDER = tuple(sorted(FORMS, key=lambda f: f.rank))


def recognise(grid, *, y1_test: bool = True) -> tuple[Form, object] | None:
    """The form a sheet is and the recogniser's answer, or None (the tool's sheets, anything else);
    ``y1_test=False`` leaves the y-1 test out (when only the other forms matter)."""
    if grid.name in TOOL_SHEETS:
        return None
    for form in _RECOGNITION_ORDER:
        if form.key == Y1 and not y1_test:
            continue
        found = form.recognise(grid)
        if found:
            return form, found
    return None


def summary_kind(grid) -> str | None:
    """``"y-2"``/``"y-3"``/``"y-4"`` when the sheet is a summary form (by its name or title)."""
    return summary.kind(grid)


def classify(grids) -> dict[str, list[tuple[object, object]]]:
    """Form key → [(sheet grid, the recogniser's answer)] in sheet order.

    Worked out once per workbook: the reader, the validators and the add-in all ask, and a y-1 test
    scans the whole sheet. The answer is kept on ``grids`` with the identity of its sheets and their
    rows, so a sheet replaced or given new rows is recognised again."""
    key = tuple((id(grid), id(grid.rows)) for grid in grids.sheets)
    kept = getattr(grids, "_classified", None)
    if kept is None or kept[0] != key:
        found: dict[str, list] = {}
        for grid in grids.sheets:
            hit = recognise(grid)
            if hit is not None:
                found.setdefault(hit[0].key, []).append((grid, hit[1]))
        kept = (key, found)
        grids._classified = kept  # not a dataclass field: ``replace(grids, …)`` starts afresh
    return {form: list(pairs) for form, pairs in kept[1].items()}


def first(found: dict[str, list], key: str):
    """The sheet of a form: the one named as the form (``y-2``, ``表y-2``) else the first recognised."""
    sheets = [grid for grid, _ in found.get(key, ())]
    named = next((g for g in sheets if compact(g.name).lower().removeprefix("表") == key), None)
    return named or (sheets[0] if sheets else None)


def summary_sheets(grids) -> dict[str, object]:
    """{"y-2": grid, "y-3": …, "y-4": …} of the summary forms present (``first`` of each)."""
    found = classify(grids)  # summaries are recognised before the y-1 test: the same answer
    return {key: first(found, key) for key in found if key in SUMMARY_KEYS}


def summary_sheet_names(grids) -> dict[str, str]:
    """{"y-2": sheet name, …} of the summary forms present."""
    return {key: grid.name for key, grid in summary_sheets(grids).items()}
