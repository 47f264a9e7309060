"""Item names and words: the standard list, near-miss suggestions, keyword matching.

What item a line *is* is decided by ``youzhi.items`` (names people write live in
``youzhi/data/items.toml``); this module keeps the keyword helpers the rules use.
"""

from __future__ import annotations

import difflib
import re
from functools import cache

from youzhi import forms, items
from youzhi.text import name_key


@cache
def standard_items(programme: str, academic_year: int) -> tuple[str, ...]:
    """The recurrent items of the standards table (y-4 rows), exactly as written there."""
    return forms.recurrent_items(programme, academic_year)


@cache
def _normalised_standard(programme: str, academic_year: int) -> dict[str, str]:
    return {name_key(item): item for item in standard_items(programme, academic_year)}


def canonical(programme: str, academic_year: int, item: str, purpose: str = "", category=None) -> str | None:
    """The standards item a written name is (``youzhi.items.identify``), or None."""
    return items.identify(programme, academic_year, category, item, purpose).standard


@cache
def suggestions(programme: str, academic_year: int, item: str) -> tuple[str, ...]:
    """Closest standard names for a near miss: containment, synonyms, then difflib."""
    key = name_key(item)
    table = _normalised_standard(programme, academic_year)
    found: list[str] = []

    def add(names):
        for name in names:
            if name not in found:
                found.append(name)

    add(std for norm, std in table.items() if norm and (norm in key or (len(key) >= 2 and key in norm)))
    add(name for name in (items.identify(programme, academic_year, None, item).standard,) if name)
    add(items.hints(item))
    add(table[m] for m in difflib.get_close_matches(key, list(table), n=3, cutoff=0.5))
    return tuple(found[:3])


@cache
def normalised_set(words: tuple[str, ...]) -> frozenset[str]:
    return frozenset(name_key(w) for w in words)


@cache
def _pattern(words: tuple[str, ...]) -> re.Pattern | None:
    lowered = sorted({str(w).lower() for w in words if w}, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, lowered))) if lowered else None


def contains_any(text: str, words) -> bool:
    """Whether ``text`` contains any of ``words`` (case-insensitive; ``words`` a tuple or list)."""
    pattern = _pattern(words if isinstance(words, tuple) else tuple(words))
    return pattern is not None and pattern.search(text.lower()) is not None


@cache
def standard_unit(programme: str, academic_year: int, item: str) -> str:
    return forms.standard_unit(programme, academic_year, item)
