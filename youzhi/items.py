"""What a y-1 line is: its standard item, the y-4 row it lands in, and its 經費來源.

The single place that decides it; the reader, the roll-up, the validators, the add-in's UDFs and the
formulas ``template``/``repair`` write (``youzhi.computed_y1``) all use it, so they agree.

* ``identify(programme, year, category, written, purpose)`` → ``Identity``: the standard item (exactly
  as in the standards) or None, the y-4 row, the written name, and how it was matched.
* ``source_of(text)`` → ``(source, known)``: one of ``forms.SOURCES``; blank is 教育部補助款; an unknown
  text is 教育部補助款 with ``known`` False (the reader reports it).
* ``row_variants`` / ``source_variants``: the written forms the workbook's formulas look up (参數 sheet).

Names are compared folded (``fold``): NFKC, lower case, 台→臺, no spaces, no punctuation.
The y-4 row depends on the written name only (never on 說明用途), because the workbook's formulas can
see only the name: a name that needs 說明用途 to be told apart (鐘點費) gets its standard item for the
rules but lands in ``OTHER_ITEMS``, and the YZ102 finding says so.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache

from youzhi import forms, tables

OTHER_ITEMS = "其他(非基準表項目)"  # y-4 row of recurrent lines whose item is not a standards item

# How a name was matched.
EXACT, PART, ALIAS, CONTAINS, PURPOSE = "exact", "part", "alias", "contains", "purpose"
AMBIGUOUS, UNKNOWN, CAPITAL, BLANK = "ambiguous", "unknown", "capital", "blank"
RESOLVED_BY_NAME = (EXACT, PART, ALIAS, CONTAINS)
_MIN_CONTAINED = 3  # names shorter than this are never looked for inside a longer name


@dataclass(frozen=True)
class Identity:
    """What one line's item is. ``row`` is None for 設備及投資 lines (not in y-4)."""

    written: str  # the name as written (stripped)
    standard: str | None  # the standards item, exactly as written there, or None
    row: str | None  # the y-4 row: ``standard`` when the name alone decides it, else OTHER_ITEMS
    how: str  # exact | part | alias | contains | purpose | ambiguous | unknown | capital | blank
    candidates: tuple[str, ...] = ()  # the items an ambiguous name may be

    @property
    def by_name(self) -> bool:
        return self.how in RESOLVED_BY_NAME


@lru_cache(maxsize=4096)
def fold(text: object) -> str:
    """NFKC, lower case, 台→臺, without whitespace, punctuation or control characters."""
    t = unicodedata.normalize("NFKC", str(text or "")).lower().replace("台", "臺")
    return "".join(ch for ch in t if unicodedata.category(ch)[0] not in "PZC")


def _data() -> dict:
    return tables.load("items")


def _parts(name: str) -> list[str]:
    pieces = [p for p in re.split(r"[、/]", name) if p.strip()]
    extra = _data().get("parts", {}).get(name, [])
    return [*(pieces if len(pieces) > 1 else []), *extra]


@cache
def _table(programme: str, academic_year: int) -> dict[str, tuple[str, str]]:
    """folded written form → (standard item, how) for every name that decides an item alone."""
    standard = forms.recurrent_items(programme, academic_year)
    table: dict[str, tuple[str, str]] = {fold(item): (item, EXACT) for item in standard}
    for item in standard:
        for part in _parts(item):
            table.setdefault(fold(part), (item, PART))
    for alias, item in _data().get("aliases", {}).items():
        if item in standard:
            table.setdefault(fold(alias), (item, ALIAS))
    return table


@cache
def _ambiguous(programme: str, academic_year: int) -> dict[str, dict[str, tuple[str, ...]]]:
    standard = set(forms.recurrent_items(programme, academic_year))
    out = {}
    for name, choices in _data().get("ambiguous", {}).items():
        kept = {item: tuple(fold(w) for w in words) for item, words in choices.items() if item in standard}
        if kept:
            out[fold(name)] = kept
    return out


def _contained(key: str, table: dict[str, tuple[str, str]]) -> set[str]:
    """Items whose long name (any length ≥ 2) or other written form (≥ 3 characters) is inside ``key``."""
    return {
        item
        for k, (item, how) in table.items()
        if (len(k) >= _MIN_CONTAINED or (how == EXACT and len(k) >= 2)) and k in key
    }


def _by_purpose(text: str, choices: dict[str, tuple[str, ...]], purpose: object) -> Identity:
    said = fold(purpose)
    hits = [item for item, words in choices.items() if any(w and w in said for w in words)]
    if len(hits) == 1:
        return Identity(text, hits[0], OTHER_ITEMS, PURPOSE, tuple(choices))
    return Identity(text, None, OTHER_ITEMS, AMBIGUOUS, tuple(choices))


@lru_cache(maxsize=4096)
def identify(
    programme: str, academic_year: int, category: str | None, written: object, purpose: object = ""
) -> Identity:
    """The identity of a line's item; ``category`` None means 'a recurrent line'."""
    text = str(written or "").strip()
    key = fold(text)
    if category == forms.CAPITAL:  # not in y-4; a recurrent long name written here is still that item
        found = _table(programme, academic_year).get(key)
        return Identity(text, found[0] if found and found[1] == EXACT else None, None, CAPITAL)
    if not key:
        return Identity(text, None, OTHER_ITEMS if text else None, BLANK)
    table = _table(programme, academic_year)
    if key in table:
        item, how = table[key]
        return Identity(text, item, item, how)
    ambiguous = _ambiguous(programme, academic_year)
    if key in ambiguous:
        return _by_purpose(text, ambiguous[key], purpose)
    inside = _contained(key, table)
    if len(inside) == 1:
        item = inside.pop()
        return Identity(text, item, item, CONTAINS)
    if len(inside) > 1:
        ordered = tuple(i for i in forms.recurrent_items(programme, academic_year) if i in inside)
        return Identity(text, None, OTHER_ITEMS, AMBIGUOUS, ordered)
    near = [name for name in ambiguous if name in key]
    if len(near) == 1:
        return _by_purpose(text, ambiguous[near[0]], purpose)
    return Identity(text, None, OTHER_ITEMS, UNKNOWN)


def y4_row(programme: str, academic_year: int, category: str | None, written: object) -> str | None:
    """The y-4 row a line lands in (None for 設備及投資)."""
    return identify(programme, academic_year, category, written).row


def hints(written: object) -> tuple[str, ...]:
    """Standard items a name hints at (suggestions only), from [hints] and [ambiguous]."""
    key = fold(written)
    found: list[str] = []
    for word, items in _data().get("hints", {}).items():
        if fold(word) in key:
            found += [i for i in items if i not in found]
    for word, choices in _data().get("ambiguous", {}).items():
        if fold(word) in key:
            found += [i for i in choices if i not in found]
    return tuple(found)


# --------------------------------------------------------------------------- 經費來源


@cache
def _source_table() -> dict[str, str]:
    table = {fold(s): s for s in forms.SOURCES}
    for source, written in _data().get("sources", {}).items():
        for text in written:
            table.setdefault(fold(text), source)
    return table


@lru_cache(maxsize=4096)
def source_of(text: object) -> tuple[str, bool]:
    """(one of forms.SOURCES, whether the text was recognised); blank → (教育部補助款, True).

    An unrecognised text, or one naming two sources' words, is counted as 教育部補助款 (False):
    the workbook's own formulas count it the same way (教育部補助款 = 合計 − the other three).
    """
    key = fold(text)
    if not key:
        return forms.MINISTRY, True
    table = _source_table()
    if key in table:
        return table[key], True
    words = _data().get("source_words", {})
    hits = {s for s, ws in words.items() if any(fold(w) in key for w in ws)}
    if len(hits) == 1:
        return hits.pop(), True
    return forms.MINISTRY, False


# --------------------------------------------------------------------------- what formulas look up


_FULL_WIDTH = str.maketrans({"/": "／", "(": "（", ")": "）", ",": "，"})


def _typed(forms_: list[str]) -> list[str]:
    """Each form, then as typed with a Chinese keyboard (／ （ ） ，) and with 台 for 臺, when different."""
    out = list(forms_)
    for text in forms_:
        for variant in (text.translate(_FULL_WIDTH), text.replace("臺", "台")):
            if variant not in out:
                out.append(variant)
    return out


def standard_written_forms(programme: str, academic_year: int) -> dict[str, list[str]]:
    """y-4 row → the written forms the shipped tables resolve to it by name (long name, parts, aliases,
    each also with full-width punctuation)."""
    standard = forms.recurrent_items(programme, academic_year)
    out: dict[str, list[str]] = {item: [item, *_parts(item)] for item in standard}
    for alias, item in _data().get("aliases", {}).items():
        if item in out:
            out[item].append(alias)
    return {item: _typed(written) for item, written in out.items()}


def source_written_forms() -> dict[str, list[str]]:
    """source → its written forms in the shipped table (the source's own name first)."""
    out: dict[str, list[str]] = {s: [s] for s in forms.SOURCES}
    for source, written in _data().get("sources", {}).items():
        out[source] += written
    return {source: _typed(written) for source, written in out.items()}


# --------------------------------------------------------------------------- the workbook's lookup tables

TABLE_CAPACITY = 400  # rows of each lookup table on 參數 (the workbook names cover all of them)
_WILDCARDS = re.compile(r"([~*?])")


def criterion(text: object) -> str | None:
    """``text`` as a SUMIF criterion that matches exactly that cell text (``~``-escaped wildcards), or
    None when no criterion can: blank, a leading = < > (read as an operator), or over 255 characters."""
    t = str(text or "")
    if not t.strip() or t[0] in "=<>" or len(t) > 255:
        return None
    return _WILDCARDS.sub(r"~\1", t)


def _table_rows(groups: dict[str, list[str]]) -> list[tuple[str, str]]:
    """(criterion, target) rows, one per written form; SUMIF ignores case, so one row per case-folded
    criterion (the first target wins; ``identify`` folds case too, so they never disagree)."""
    rows: list[tuple[str, str]] = []
    seen: set[str] = set()
    for target, written in groups.items():
        for text in written:
            crit = criterion(text)
            if crit is not None and crit.casefold() not in seen:
                seen.add(crit.casefold())
                rows.append((crit, target))
    return rows[:TABLE_CAPACITY]


def item_table(budget) -> list[tuple[str, str]]:
    """What the y-4 formulas look up: every written form that lands in a standard row, from the shipped
    tables and from the budget's recurrent lines as their cells are written."""
    groups = standard_written_forms(budget.programme, budget.academic_year)
    for line in budget.lines:
        if line.recurrent:
            written = line.raw_item or line.item
            row = y4_row(budget.programme, budget.academic_year, line.category, written)
            if row in groups:
                groups[row].append(written)
    return _table_rows(groups)


def source_table(budget) -> list[tuple[str, str]]:
    """What the y-2/y-3 formulas look up: every written form of 配合款, 自籌款 and 其他補助款 (shipped and
    in the budget's lines); 教育部補助款 is the rest (blank, its own forms and unrecognised text)."""
    groups = {s: w for s, w in source_written_forms().items() if s != forms.MINISTRY}
    for line in budget.lines:
        if line.source in groups and line.raw_source:
            groups[line.source].append(line.raw_source)
    return _table_rows(groups)
