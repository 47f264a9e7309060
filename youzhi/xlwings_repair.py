"""The add-in's 彙總/修復 door: a ``youzhi.repair_plan.Plan`` carried out in an open workbook through
``youzhi.xlwings_adapter``, as ``youzhi.repair`` carries out the same plan in a file with openpyxl."""

from __future__ import annotations

from youzhi.xlwings_adapter import (
    add_names,
    add_validations,
    find_sheet,
    point_names,
    write_cells,
    write_sheet,
)


def formula_cells(book) -> dict[str, set[tuple[int, int]]] | None:
    """Sheet → (row, col) of every formula cell; None on an engine that cannot read formulas
    (the remote engine: then ``repair_plan`` tells a typed figure from a calculated one by its value)."""
    found: dict[str, set[tuple[int, int]]] = {}
    try:
        for sheet in book.sheets:
            last = sheet.used_range.last_cell
            rows = sheet.range((1, 1), (last.row, last.column)).formula or ()
            rows = ((rows,),) if isinstance(rows, str) else rows  # one cell: Excel gives its formula alone
            found[sheet.name] = {
                (r, c)
                for r, row in enumerate(rows, start=1)
                for c, text in enumerate(row, start=1)
                if isinstance(text, str) and text.startswith("=")
            }
    except (NotImplementedError, AttributeError, TypeError):
        return None
    return found


def apply_plan(book, plan) -> list[str]:
    """Carry out a ``youzhi.repair_plan.Plan`` in the open workbook, as ``youzhi repair`` does in a file.

    Whole sheets get values, formulas, merges, number formats, bold, fills and widths (what every
    engine can set). Returns the notes that could not be placed (a cell whose note this engine cannot
    read, so the kept value cannot be appended to it)."""
    from youzhi import repair_plan as rp

    added, missed = [], []
    for op in plan.ops:
        if isinstance(op, rp.SetCells):
            write_cells(book, op.cells, blanks=True)
        elif isinstance(op, rp.PutSheet):
            write_sheet(book, op.spec, into=op.into)
            if op.into is None:
                added.append(op.spec)
        elif isinstance(op, rp.Note):
            if not _append_note(find_sheet(book, op.sheet).range((op.row, op.col)), op.text):
                missed.append(f"{op.sheet}!{op.ref}")
        elif isinstance(op, rp.Names):
            (point_names if op.replace else add_names)(book, op.names)
    for spec in added:
        add_validations(book, spec)
    return missed


def _append_note(rng, text: str) -> bool:
    """Add ``text`` to the cell's note (after what it says); False when the engine cannot."""
    try:
        note = rng.note
        if note is not None:
            text = f"{note.text}\n{text}"
            note.delete()
        rng.add_note(text)
    except (NotImplementedError, AttributeError):
        return False
    return True
