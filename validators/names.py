"""Item names and words: the standard list, near-miss suggestions, keyword matching."""

from __future__ import annotations

import difflib
import re
import unicodedata
from functools import cache, lru_cache

from youzhi import forms

# Words people write for a standard item (seed 002 表y-4 names on the right).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "交通費": ("國內旅費、短程車資、運費",),
    "車資": ("國內旅費、短程車資、運費",),
    "旅費": ("國內旅費、短程車資、運費",),
    "差旅費": ("國內旅費、短程車資、運費",),
    "運費": ("國內旅費、短程車資、運費",),
    "工讀金": ("臨時工作人員/工讀費",),
    "工讀費": ("臨時工作人員/工讀費",),
    "臨時人員": ("臨時工作人員/工讀費",),
    "臨時工資": ("臨時工作人員/工讀費",),
    "鐘點費": ("講座鐘點費", "授課鐘點費"),
    "講師費": ("講座鐘點費",),
    "演講費": ("講座鐘點費",),
    "諮詢費": ("諮詢費、輔導費、指導費",),
    "輔導費": ("諮詢費、輔導費、指導費",),
    "指導費": ("諮詢費、輔導費、指導費",),
    "出席費": ("諮詢費、輔導費、指導費",),
    "審查費": ("諮詢費、輔導費、指導費",),
    "獎學金": ("學生獎學(助)金", "學生入學獎學金"),
    "助學金": ("學生獎學(助)金",),
    "獎助學金": ("學生獎學(助)金",),
    "軟體": ("軟體設計費、軟體授權費",),
    "軟體授權": ("軟體設計費、軟體授權費",),
    "授權費": ("軟體設計費、軟體授權費",),
    "餐費": ("膳宿費",),
    "膳費": ("膳宿費",),
    "便當": ("膳宿費",),
    "誤餐費": ("膳宿費",),
    "住宿費": ("膳宿費",),
    "文具": ("雜支",),
    "文具費": ("雜支",),
    "耗材": ("雜支", "材料費"),
    "郵資": ("雜支",),
    "二代健保": ("全民健康保險補充保費",),
    "補充保費": ("全民健康保險補充保費",),
    "健保補充保費": ("全民健康保險補充保費",),
    "影印費": ("印刷費",),
    "影印": ("印刷費",),
    "書籍": ("資料蒐集費",),
    "圖書費": ("資料蒐集費",),
    "場地費": ("場地使用費",),
    "保險": ("保險費",),
    "平安保險": ("保險費",),
    "遊覽車": ("租車費",),
    "車輛租賃": ("租車費",),
    "維修費": ("設備維護費",),
    "維護費": ("設備維護費",),
    "材料": ("材料費",),
    "物品": ("物品費",),
}


@lru_cache(maxsize=8192)
def normalise(text: object) -> str:
    """NFKC, no whitespace, 台→臺: the form names are compared in."""
    t = unicodedata.normalize("NFKC", str(text or ""))
    return "".join(t.split()).replace("台", "臺")


@cache
def standard_items(programme: str, academic_year: int) -> tuple[str, ...]:
    """The recurrent items of the standards table (y-4 rows), exactly as written there."""
    return forms.recurrent_items(programme, academic_year)


@cache
def _normalised_standard(programme: str, academic_year: int) -> dict[str, str]:
    return {normalise(item): item for item in standard_items(programme, academic_year)}


@cache
def canonical(programme: str, academic_year: int, item: str) -> str | None:
    """The standard name an item is (ignoring width, spaces, 台/臺), or None."""
    return _normalised_standard(programme, academic_year).get(normalise(item))


@cache
def suggestions(programme: str, academic_year: int, item: str) -> tuple[str, ...]:
    """Closest standard names for a near miss: containment, synonyms, then difflib."""
    key = normalise(item)
    table = _normalised_standard(programme, academic_year)
    found: list[str] = []

    def add(names):
        for name in names:
            if name not in found:
                found.append(name)

    add(std for norm, std in table.items() if norm and (norm in key or (len(key) >= 2 and key in norm)))
    add(name for word, names in SYNONYMS.items() if word in key for name in names)
    add(table[m] for m in difflib.get_close_matches(key, list(table), n=3, cutoff=0.5))
    return tuple(found[:3])


@cache
def normalised_set(words: tuple[str, ...]) -> frozenset[str]:
    return frozenset(normalise(w) for w in words)


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


def _has(lowered: str, words) -> bool:
    pattern = _pattern(words if isinstance(words, tuple) else tuple(words))
    return pattern is not None and pattern.search(lowered) is not None


def matches(params: dict, item_text: str, purpose_text: str) -> bool:
    """Keyword test of a rule's params on lower-case texts: ``any`` on the item (or ``purpose_any`` on
    the purpose; without ``purpose_any``, ``any`` looks at item and purpose), ``also`` and ``none`` on
    both. ``also`` may be a list of word lists: then every list must have a word in the texts."""
    if "purpose_any" in params:
        hit = _has(item_text, params.get("any", ())) or _has(purpose_text, params["purpose_any"])
    else:
        hit = _has(item_text, params.get("any", ())) or _has(purpose_text, params.get("any", ()))
    if not hit:
        return False
    both = f"{item_text} {purpose_text}"
    also = params.get("also", ())
    groups = also if also and isinstance(also[0], tuple | list) else (also,) if also else ()
    if not all(_has(both, group) for group in groups):
        return False
    return not _has(both, params.get("none", ()))
