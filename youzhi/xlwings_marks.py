"""Findings shown on their cells in a live workbook (the add-in's 檢核 / 清除標示): a fill and a note per
finding, recorded so that 清除標示 restores the cell as it was. Over ``youzhi.xlwings_adapter``."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from youzhi.xlwings_adapter import find_sheet, unprotected


@dataclass(frozen=True)
class Mark:
    """A finding shown on its cell: a fill (``""``: none) and a note (unless the cell has one)."""

    sheet: str
    cell: str
    fill: str  # "#RRGGBB" or ""
    note: str


@dataclass(frozen=True)
class Placed:
    """What was done for one mark: ``filled``, ``noted`` (a note was added), ``old_fill`` (to restore)."""

    mark: Mark
    filled: bool
    noted: bool
    old_fill: str = ""


def place_marks(book, marks: Iterable[Mark]) -> list[Placed]:
    """Fill each marked cell and add its note; a cell that already has a note keeps it untouched.

    Several marks on one cell are merged (the first fill wins, the notes are joined).
    """
    merged: dict[tuple[str, str], Mark] = {}
    for mark in marks:
        key = (mark.sheet, mark.cell.upper())
        if key in merged:
            old = merged[key]
            merged[key] = Mark(old.sheet, old.cell, old.fill or mark.fill, old.note + "\n\n" + mark.note)
        else:
            merged[key] = mark
    placed = []
    by_sheet: dict[str, list[Mark]] = {}
    for mark in merged.values():
        by_sheet.setdefault(mark.sheet, []).append(mark)
    for name, sheet_marks in by_sheet.items():
        sheet = find_sheet(book, name)
        if sheet is None:
            placed += [Placed(mark, False, False) for mark in sheet_marks]
            continue
        with unprotected(sheet):
            for mark in sheet_marks:
                rng = sheet.range(mark.cell)
                old_fill = ""
                if mark.fill:
                    old_fill = _read_fill(rng)
                    rng.color = mark.fill
                placed.append(Placed(mark, bool(mark.fill), _add_note(rng, mark.note), old_fill))
    return placed


def _add_note(rng, text: str) -> bool:
    """Add a note unless the cell has one (or the engine has no notes, as xlwings on macOS)."""
    try:
        if rng.note is not None:
            return False
        rng.add_note(text)
    except (NotImplementedError, AttributeError):
        return False
    return True


def _read_fill(rng) -> str:
    """The cell's fill as ``#RRGGBB`` ("" for none, or where the engine cannot read fills)."""
    try:
        color = rng.color
    except NotImplementedError:
        return ""
    if not color:
        return ""
    red, green, blue = color
    return f"#{red:02X}{green:02X}{blue:02X}"


def remove_mark(book, sheet_name: str, cell: str, *, filled: bool, noted: bool, old_fill: str) -> bool:
    """Undo one mark: restore the fill, delete the note the tool added. False when the sheet is gone."""
    sheet = find_sheet(book, sheet_name)
    if sheet is None or not cell:
        return False
    with unprotected(sheet):
        rng = sheet.range(cell)
        if filled:
            rng.color = old_fill or None
        if noted:
            try:
                note = rng.note
                if note is not None:
                    note.delete()
            except (NotImplementedError, AttributeError):
                pass
    return True
