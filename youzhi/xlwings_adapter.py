"""The one door from a live Excel workbook (an ``xlwings.Book``) into youzhi.

Reads build the same ``youzhi.sheets.WorkbookGrids`` as ``load_grids`` does for a file; writes
take ``youzhi.cell_spec`` specs, cell marks (fill + note) and plain tables. Every call works on
xlwings' desktop engines (Windows/macOS Excel) and on its remote engine (a book built from a
client's JSON payload, where writes are recorded as actions): whatever the remote engine cannot
read (formulas, fill colours, note text) is never needed for a decision here.

This is the only module of the ``youzhi`` package that touches xlwings objects (it needs no
``import xlwings`` of its own: it only calls methods of the book it is given).
"""

from __future__ import annotations

import contextlib
from collections.abc import Collection, Iterable
from dataclasses import replace

from youzhi.a1 import get_column_letter
from youzhi.cell_spec import STYLES, CellSpec, SheetSpec
from youzhi.errors import YouzhiError
from youzhi.sheets import SheetGrid, WorkbookGrids

# --------------------------------------------------------------------------- reading


# Excel's error values as xlwings reads them with ``err_to_str=True`` (and as clients send them).
ERROR_TEXTS = frozenset(
    [
        "#NULL!",
        "#DIV/0!",
        "#VALUE!",
        "#REF!",
        "#NAME?",
        "#NUM!",
        "#N/A",
        "#GETTING_DATA",
        "#SPILL!",
        "#CALC!",
        "#FIELD!",
        "#BLOCKED!",
        "#CONNECT!",
        "#UNKNOWN!",
        "#BUSY!",
        "#PYTHON!",
        "#EXTERNAL!",
    ]
)


def grids_from_book(book, *, unread: Collection[str] = ()) -> WorkbookGrids:
    """Every sheet's values from A1 to the last used cell, one read per sheet.

    ``errors`` lists the error values (``#REF!`` …) as ``load_grids`` does for a file; a live book
    always has its formulas calculated, so there is no uncached kind here. The sheets named in
    ``unread`` are listed without their values (``read=False``), as ``load_grids`` does."""
    sheets, errors = [], {}
    for sheet in book.sheets:
        if sheet.name in unread:
            sheets.append(SheetGrid(sheet.name, not sheet.visible, [], read=False))
            continue
        last = sheet.used_range.last_cell
        rows = sheet.range((1, 1), (last.row, last.column)).options(ndim=2, err_to_str=True).value or []
        grid = SheetGrid(sheet.name, not sheet.visible, [list(r) for r in rows])
        sheets.append(grid)
        cells = _error_cells(grid.rows)
        if cells:
            errors[grid.name] = cells
    return WorkbookGrids(_fullname(book), sheets, _names(book), errors=errors)


def _error_cells(rows: list[list[object]]) -> list[tuple[str, str]]:
    """[(A1, "#REF!")] in sheet order (row by row)."""
    return [
        (f"{get_column_letter(c)}{r}", value)
        for r, row in enumerate(rows, start=1)
        for c, value in enumerate(row, start=1)
        if isinstance(value, str) and value in ERROR_TEXTS
    ]


def _fullname(book) -> str | None:
    try:
        return book.fullname
    except Exception:  # an unsaved or remote book may not know its path
        return None


def _names(book) -> dict[str, str]:
    names = {}
    for name in book.names:
        try:
            refers_to = name.refers_to
        except Exception:  # a name the engine cannot resolve is simply not offered
            continue
        if refers_to:
            names[name.name] = str(refers_to)
    return names


def sheet_names(book) -> list[str]:
    return [sheet.name for sheet in book.sheets]


def find_sheet(book, name: str):
    return next((s for s in book.sheets if s.name == name), None)


# --------------------------------------------------------------------------- sheet protection

# What our templates allow on their protected sheets (youzhi.template); kept when re-protecting.
_ALLOWANCES = (
    "AllowFormattingCells",
    "AllowFormattingColumns",
    "AllowFormattingRows",
    "AllowInsertingRows",
    "AllowDeletingRows",
    "AllowSorting",
    "AllowFiltering",
)


@contextlib.contextmanager
def unprotected(sheet):
    """Lift a password-less sheet protection while the tool writes, then put it back as it was.

    Our templates protect every sheet (no password) so that formulas stay put; Excel refuses
    formulas and notes on such a sheet. On engines without Excel's object model (the remote engine)
    this does nothing. A password-protected sheet raises a zh-TW ``YouzhiError``.
    """
    api = sheet.api
    try:
        protected = bool(api.ProtectContents)
    except Exception:  # the remote engine's api is its payload dict: nothing to lift
        protected = False
    if not protected:
        yield
        return
    allowances = {name: bool(getattr(api.Protection, name)) for name in _ALLOWANCES}
    try:
        api.Unprotect()
    except Exception:
        raise YouzhiError(f"工作表「{sheet.name}」設有密碼保護，請先取消保護再執行") from None
    try:
        yield
    finally:
        api.Protect(Contents=True, **allowances)


# --------------------------------------------------------------------------- writing specs


def write_cells(book, cells: Iterable[CellSpec], *, styled: bool = False, blanks: bool = False) -> int:
    """Write formulas and values, one call per run of adjacent cells in a row; returns the count.

    ``styled``: also apply the spec's number format, bold and fill (for sheets the tool owns).
    ``blanks``: a spec with neither formula nor value empties its cell (else it is style-only).
    """
    written = 0
    by_sheet: dict[str, list[CellSpec]] = {}
    for cell in cells:
        by_sheet.setdefault(cell.sheet, []).append(cell)
    for name, specs in by_sheet.items():
        sheet = find_sheet(book, name)
        if sheet is None:
            raise KeyError(name)
        # a style-only spec (neither formula nor value) never blanks its cell unless ``blanks``
        content = [c for c in specs if blanks or c.formula is not None or c.value is not None]
        with unprotected(sheet):
            for run in _runs(content):
                first = run[0]
                target = sheet.range((first.row, first.col), (first.row, first.col + len(run) - 1))
                target.formula = [[_formula_or_value(c) for c in run]]
                written += len(run)
            if styled:
                _apply_styles(sheet, specs)
    return written


def _formula_or_value(cell: CellSpec):
    if cell.formula:
        return cell.formula
    if cell.value is None:
        return ""
    if isinstance(cell.value, str) and cell.value[:1] and cell.value[:1] in "=+-@":
        return "'" + cell.value  # text that Excel would take for a formula stays text
    return cell.value


def _runs(specs: list[CellSpec]) -> list[list[CellSpec]]:
    """Cells grouped into runs of adjacent columns on one row (last spec of a cell wins)."""
    latest = {(c.row, c.col): c for c in specs}
    ordered = [latest[k] for k in sorted(latest)]
    runs: list[list[CellSpec]] = []
    for cell in ordered:
        if runs and runs[-1][-1].row == cell.row and runs[-1][-1].col + 1 == cell.col:
            runs[-1].append(cell)
        else:
            runs.append([cell])
    return runs


def _apply_styles(sheet, specs: list[CellSpec]) -> None:
    """Number formats, bold and fills, grouped by style so that each style costs one call per run."""
    by_style: dict[str, list[CellSpec]] = {}
    for cell in specs:
        if cell.style:
            by_style.setdefault(cell.style, []).append(cell)
    for key, cells in by_style.items():
        style = STYLES.get(key, {})
        for run in _runs(cells):
            first = run[0]
            target = sheet.range((first.row, first.col), (first.row, first.col + len(run) - 1))
            if style.get("num_format"):
                target.number_format = style["num_format"]
            if style.get("bold"):
                _try(lambda t=target: setattr(t.font, "bold", True))
            if style.get("fill"):
                _try(lambda t=target, f=style["fill"]: setattr(t, "color", f))


def write_sheet(book, spec: SheetSpec, *, into: str | None = None) -> str:
    """Write a whole sheet spec, as ``youzhi repair`` does for y-2/y-3/y-4.

    ``into``: an existing sheet to rebuild in place (unmerged, contents and formats cleared, notes
    kept, same name and position); otherwise the sheet is added after the last one. Cells covered
    by a merge are not written. Returns ``"rebuilt"`` or ``"added"``.
    """
    if into is not None:
        sheet = find_sheet(book, into)
        with unprotected(sheet):
            _try(lambda: sheet.used_range.unmerge())
            sheet.clear_contents()  # notes stay, as youzhi repair keeps a rebuilt sheet's comments
            _try(sheet.clear_formats)  # the rebuilt sheet is styled by the spec alone, as in the file
        outcome = "rebuilt"
    else:
        sheet = book.sheets.add(spec.name, after=book.sheets[len(book.sheets) - 1])
        outcome = "added"
    covered = set()
    for r1, c1, r2, c2 in spec.merges:
        covered |= {(r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)} - {(r1, c1)}
    cells = [replace(c, sheet=sheet.name) for c in spec.cells if (c.row, c.col) not in covered]
    write_cells(book, cells, styled=True)
    with unprotected(sheet):
        for r1, c1, r2, c2 in spec.merges:
            if (r1, c1) != (r2, c2):
                _try(lambda a=(r1, c1), b=(r2, c2): sheet.range(a, b).merge())
    for col, width in spec.column_widths.items():
        letter = get_column_letter(col)
        _try(lambda c=letter, w=width: setattr(sheet.range(f"{c}:{c}"), "column_width", w))
    if spec.hidden:
        sheet.visible = False
    return outcome


def add_names(book, names: dict[str, str]) -> list[str]:
    """Add the workbook-scoped names (``{name: "=參數!$A$2:$A$23"}``) that are not defined yet; an
    existing name is never changed. Returns the names added (``namesAdd`` actions on the remote engine)."""
    defined = {n.name.casefold() for n in book.names if "!" not in n.name}  # sheet-scoped: "Sheet!name"
    added = []
    for name, refers_to in names.items():
        if name.casefold() in defined:
            continue
        book.names.add(name, refers_to)
        defined.add(name.casefold())
        added.append(name)
    return added


def point_names(book, names: dict[str, str]) -> list[str]:
    """Define the names, re-pointing any that exists (``add_names`` leaves those alone)."""
    defined = {n.name.casefold(): n for n in book.names if "!" not in n.name}
    for name, refers_to in names.items():
        if name.casefold() in defined:
            defined[name.casefold()].refers_to = refers_to
    return add_names(book, {k: v for k, v in names.items() if k.casefold() not in defined})


def add_validations(book, spec: SheetSpec, *, sheet_name: str | None = None) -> int:
    """The spec's drop-down lists whose source is a workbook name (``=yz_counties``); call it after
    ``add_names``. A drop-down is a convenience: an engine without data validation (the remote engine
    with a non-Office.js client) skips it. Returns the number of lists set."""
    sheet = find_sheet(book, sheet_name or spec.name)
    by_name = {n.name: n for n in book.names if "!" not in n.name}
    done = 0
    for v in spec.validations:
        source = by_name.get(v.source.lstrip("="))
        if sheet is None or source is None:
            continue
        target = sheet.range((v.first_row, v.first_col), (v.last_row, v.last_col))
        try:
            with unprotected(sheet):
                target.data_validation.set_list(source)
        except (NotImplementedError, AttributeError, ValueError, TypeError):
            continue
        done += 1
    return done


# --------------------------------------------------------------------------- a repair plan


def _try(action) -> bool:
    """Cosmetic writes (bold, widths) that some engines lack must never stop the real work."""
    try:
        action()
    except (NotImplementedError, AttributeError):
        return False
    return True


# --------------------------------------------------------------------------- tables and messages


def _as_text(value):
    from youzhi.safety import csv_field, strip_controls

    return csv_field(strip_controls(value)) if isinstance(value, str) else value


def write_table(book, name: str, rows: list[list[object]], *, widths: dict[int, float] | None = None):
    """A sheet holding ``rows`` from A1 (replaced when it exists); returns the sheet."""
    old = find_sheet(book, name)
    if old is not None:
        old.delete()
    sheet = book.sheets.add(name, after=book.sheets[len(book.sheets) - 1])
    if rows:
        width = max(len(r) for r in rows)
        # Excel reads a value set as ``=…``/``+…``/``-…``/``@…`` as a formula: findings quote submitted
        # text, so such text gets Excel's hidden text prefix (as the CSV export does)
        padded = [[_as_text(v) for v in r] + [""] * (width - len(r)) for r in rows]
        sheet.range((1, 1), (len(padded), width)).value = padded
    for col, w in (widths or {}).items():
        letter = get_column_letter(col)
        _try(lambda s=sheet, c=letter, w=w: setattr(s.range(f"{c}:{c}"), "column_width", w))
    return sheet


def print_setup(sheet, rows: int, amount_columns: Iterable[int] = ()) -> None:
    """Amounts with thousands separators; on Excel's desktop engine also A4 landscape, one page
    wide, the header row on every page and page numbers in the footer (as youzhi.annotate does)."""
    for col in amount_columns:
        letter = get_column_letter(col)
        if rows > 1:
            cells = sheet.range(f"{letter}2:{letter}{rows}")
            _try(lambda c=cells: setattr(c, "number_format", "#,##0"))
    with contextlib.suppress(Exception):  # no printer, macOS, remote engine: printing is cosmetic
        _page_setup(sheet.api.PageSetup)


def _page_setup(page) -> None:  # Excel's PageSetup object (desktop engine only)
    page.PaperSize = 9  # xlPaperA4
    page.Orientation = 2  # xlLandscape
    page.Zoom = False
    page.FitToPagesWide = 1
    page.FitToPagesTall = False
    page.PrintTitleRows = "$1:$1"
    page.CenterFooter = "第 &P 頁，共 &N 頁"


def read_table(book, name: str) -> list[list[object]] | None:
    """The values of a sheet as rows (None when there is no such sheet)."""
    sheet = find_sheet(book, name)
    if sheet is None:
        return None
    last = sheet.used_range.last_cell
    return sheet.range((1, 1), (last.row, last.column)).options(ndim=2, err_to_str=True).value or []


def delete_sheet(book, name: str) -> bool:
    sheet = find_sheet(book, name)
    if sheet is None:
        return False
    sheet.delete()
    return True


def alert(book, text: str, title: str = "優質化") -> None:
    """A message box in Excel (recorded as an ``alert`` action on the remote engine).

    While ``youzhi addin selftest`` runs (its marker file exists) the message goes to the
    selftest's log instead, so a hidden Excel never waits for a click."""
    from youzhi import selftest_quiet

    if selftest_quiet.QUIET.exists():
        import json

        with selftest_quiet.ALERT_LOG.open("a", encoding="utf-8") as log:
            log.write(json.dumps({"title": title, "text": text}, ensure_ascii=False) + "\n")
        return
    book.app.alert(text, title=title)
