"""The JSON an Excel client sends to xlwings' remote engine, built from a real .xlsx.

xlwings' remote engine (``xw.Book(json=payload)``) turns this payload into a real ``xw.Book``:
reads come from ``values``, writes are recorded as actions (``book.json()["actions"]``), which
is what a client would then apply in Excel. The payload has the shape the xlwings clients send
(``xlwings/js/xlwings.ts``: ``client``, ``version``, ``book``, ``names``, ``sheets`` with
``values``, ``pictures``, ``tables``); values are what Excel shows: cached formula results,
``""`` for blank cells, error cells as text (``"#REF!"``), read here with openpyxl
(``data_only=True``). Formulas and fill colours are not part of a payload, exactly as with a
real client.

The default client is ``Office.js`` because only that client lets the engine record notes
(``addNote``); its sheets carry the ``notes`` list and ``visibility`` it sends. The engine
itself needs ``XLWINGS_LICENSE_KEY=noncommercial`` (xlwings PRO, PolyForm Noncommercial):
``remote_book`` sets it when it is missing and registers the engine.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import openpyxl
from openpyxl.utils import get_column_letter

LICENSE_ENV = "XLWINGS_LICENSE_KEY"


def enable_remote_engine():
    """Make sure xlwings' remote engine is registered (it is only when the licence key was set
    before xlwings was first imported) and return the ``xlwings`` module."""
    os.environ.setdefault(LICENSE_ENV, "noncommercial")
    import xlwings as xw

    if "remote" not in [engine.name for engine in xw.engines]:
        from xlwings.main import Engine
        from xlwings.pro import _xlremote

        xw.engines.add(Engine(impl=_xlremote.engine))
    return xw


def _cell_json(value):
    if value is None:
        return ""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.isoformat()
    return value


def payload_from_xlsx(path, *, client: str = "Office.js", version: str | None = None, active: int = 0):
    """The payload a client would send for the workbook at ``path``."""
    import xlwings

    path = Path(path)
    wb = openpyxl.load_workbook(path, data_only=True)
    try:
        sheets = []
        for ws in wb.worksheets:
            max_row, max_col = ws.max_row, ws.max_column
            values = [
                [_cell_json(ws.cell(r, c).value) for c in range(1, max_col + 1)]
                for r in range(1, max_row + 1)
            ]
            notes = [
                {"address": f"${get_column_letter(cell.column)}${cell.row}"}
                for row in ws.iter_rows()
                for cell in row
                if cell.comment is not None
            ]
            sheet = {
                "name": ws.title,
                "values": values or [[]],
                "pictures": [],
                "shapes": [],
                "charts": [],
                "tables": [],
                "visibility": "Visible" if ws.sheet_state == "visible" else "Hidden",
                "print_area": None,
            }
            if client == "Office.js":
                sheet.update(notes=notes, show_gridlines=True, pivot_tables=[])
            sheets.append(sheet)
        names = []
        for name, defined in wb.defined_names.items():
            destinations = list(defined.destinations)
            if len(destinations) != 1:
                continue  # constants and formulas: clients send range names only
            title, address = destinations[0]
            index = wb.sheetnames.index(title)
            names.append(
                {
                    "name": name,
                    "sheet_index": index,
                    "address": address.replace("$", ""),
                    "scope_sheet_name": None,
                    "scope_sheet_index": None,
                    "book_scope": True,
                }
            )
    finally:
        wb.close()
    return {
        "client": client,
        "version": version or xlwings.__version__,
        "book": {"name": path.name, "active_sheet_index": active, "selection": "A1"},
        "names": names,
        "sheets": sheets,
    }


def formulas_from_xlsx(path) -> dict[str, set[tuple[int, int]]]:
    """What ``xlwings_repair.formula_cells`` reads from Excel's desktop engine (sheet → (row, col)
    of every formula cell), which the remote engine cannot: tests hand it to the macros with this."""
    wb = openpyxl.load_workbook(path)
    try:
        return {
            ws.title: {
                (cell.row, cell.column)
                for row in ws.iter_rows()
                for cell in row
                if isinstance(cell.value, str) and cell.value.startswith("=")
            }
            for ws in wb.worksheets
        }
    finally:
        wb.close()


def remote_book(path, **options):
    """``xw.Book(json=payload_from_xlsx(path))`` set as the mock caller: an unchanged macro that
    calls ``xw.Book.caller()`` now runs against this workbook."""
    xw = enable_remote_engine()
    book = xw.Book(json=payload_from_xlsx(path, **options))
    book.set_mock_caller()
    return book


def actions(book, func: str | None = None) -> list[dict]:
    """The recorded actions, optionally only those of one kind (``setValues``, ``addNote`` …)."""
    recorded = book.json()["actions"]
    return [a for a in recorded if func is None or a["func"] == func]


def apply_actions(path, recorded: list[dict], dest):
    """Apply recorded actions to a copy of the workbook with openpyxl, as a client would in Excel.

    Covers what the macros emit: setValues, setFormula, setRangeColor, addNote, deleteNote,
    addSheet, sheetDelete, sheetClearContents, sheetClearFormats, rangeUnmerge, rangeMerge,
    setSheetVisibility, setNumberFormat, namesAdd and setNameRefersTo (book scope),
    setDataValidationList (from a name) (others are cosmetic and skipped). Sheet positions
    follow the book as the actions change it.
    """
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill
    from openpyxl.workbook.defined_name import DefinedName
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = openpyxl.load_workbook(path)
    for action in recorded:
        func, args = action["func"], action["args"]
        position = action["sheet_position"]
        ws = wb.worksheets[position] if position is not None and position < len(wb.worksheets) else None
        row0, col0 = action["start_row"], action["start_column"]
        if func == "addSheet":
            wb.create_sheet(args[1], args[0])
        elif func == "sheetDelete":
            wb.remove(ws)
        elif func == "sheetClearContents":
            for row in ws.iter_rows():
                for cell in row:
                    if type(cell).__name__ != "MergedCell":
                        cell.value = None
        elif func == "sheetClearFormats":
            for row in ws.iter_rows():
                for cell in row:
                    cell.style = "Normal"
        elif func == "rangeUnmerge":
            last_row, last_col = row0 + action["row_count"], col0 + action["column_count"]
            for merged in list(ws.merged_cells.ranges):
                if merged.min_row <= last_row and merged.min_col <= last_col:
                    ws.unmerge_cells(str(merged))
        elif func == "rangeMerge":
            ws.merge_cells(
                start_row=row0 + 1,
                start_column=col0 + 1,
                end_row=row0 + action["row_count"],
                end_column=col0 + action["column_count"],
            )
        elif func == "setSheetVisibility":
            ws.sheet_state = "visible" if args[0] == "Visible" else "hidden"
        elif func in ("setValues", "setFormula"):
            for i, values in enumerate(action["values"]):
                for j, value in enumerate(values):
                    ws.cell(row0 + 1 + i, col0 + 1 + j).value = None if value == "" else value
        elif func == "setRangeColor":
            cell = ws.cell(row0 + 1, col0 + 1)
            color = args[0]
            cell.fill = PatternFill("solid", fgColor=color[1:]) if color else PatternFill(fill_type=None)
        elif func == "addNote":
            ws[args[0].replace("$", "")].comment = Comment(args[1], "youzhi")
        elif func == "deleteNote":
            ws[args[0].replace("$", "")].comment = None
        elif func == "namesAdd" and position is None:
            name, refers_to = args
            wb.defined_names[name] = DefinedName(name, attr_text=refers_to.lstrip("="))
        elif func == "setNameRefersTo":
            name, refers_to = action["args"][0], action["args"][3]
            wb.defined_names[name] = DefinedName(name, attr_text=refers_to.lstrip("="))
        elif func == "setDataValidationList" and args[0]["type"] == "name":
            validation = DataValidation(type="list", formula1=args[0]["name"], allow_blank=True)
            first = f"{get_column_letter(col0 + 1)}{row0 + 1}"
            last = f"{get_column_letter(col0 + action['column_count'])}{row0 + action['row_count']}"
            validation.add(f"{first}:{last}")
            ws.add_data_validation(validation)
        elif func == "setNumberFormat":
            for i in range(action["row_count"]):
                for j in range(action["column_count"]):
                    ws.cell(row0 + 1 + i, col0 + 1 + j).number_format = args[0]
    wb.save(dest)
    return Path(dest)
