"""說明用途 read as a sentence: negation, who is paid, whose venue, topics (quantities and stated
prices: ``youzhi.quantities``).

The vocabulary lives in ``youzhi/data/wording.toml``; this module only applies it. Everything works
on folded text (``fold``: NFKC, lower case, 台→臺, thousands separators dropped, every "times" sign
as ×, numerals before a unit word as digits).

- ``mentions(text, words)``: a word said and not denied (非編制人員 does not mention 編制) nor used as
  a topic (冷氣 in 「冷凍空調科冷氣實習」 names a course, not a purchase); ``matches(params, …)``
  the keyword params of a rule read so; ``words_pattern(words)`` the one search that rules a text out.
- ``payee(text)``: who is paid — "affiliated", "external", "internal" or None; explicit words win
  over topic hints, and 本校 as the object of someone else's work (到校指導本校教師) is not a payee.
- ``internal_venue(text)``: the school's own place (借用本校禮堂), not a hall rented for its teachers.
"""

from __future__ import annotations

import math
import re
import unicodedata
from functools import cache, lru_cache

from youzhi import tables

INFINITY = math.inf
CLAUSE_BREAKS = "，,；;。\n（）()、：:"


@cache
def vocabulary() -> dict:
    return tables.load("wording")


@lru_cache(maxsize=4096)
def fold(text: object) -> str:
    """NFKC, lower case, 台→臺, ``2,000`` → ``2000``, every times sign → ``×``, numerals → digits."""
    t = unicodedata.normalize("NFKC", str(text or "")).lower().replace("台", "臺")
    thousands, times, half_day, _ = _fold_patterns()
    t = thousands.sub("", t)
    t = times.sub("×", t)
    t = half_day.sub(r"1半\1", t)  # 半日 is a (half) day: one 日 for a per-day cap
    return _numerals(t)


@cache
def _fold_patterns() -> tuple[re.Pattern, re.Pattern, re.Pattern, re.Pattern]:
    """fold's patterns, compiled once from the vocabulary: thousands separators, times signs, 半日,
    numerals before a unit word."""
    signs = "|".join(re.escape(s) for s in vocabulary()["times"])
    units = "|".join(re.escape(w) for w in all_unit_words())
    return (
        re.compile(r"(?<=\d),(?=\d{3})"),
        re.compile(rf"\s*(?:{signs})\s*(?=[\d{_numeral_chars()}])"),
        re.compile(r"(?<![\d.])半(日|天)"),
        re.compile(rf"([{_numeral_chars()}]{{1,3}})(?=(?:{units}))"),
    )


@cache
def _numeral_chars() -> str:
    return "".join(vocabulary()["numerals"])


def _numeral_value(match: re.Match) -> str:
    values = vocabulary()["numerals"]
    chars = match.group(1)
    if "十" in chars:
        tens, _, ones = chars.partition("十")
        return str((values.get(tens, 1) if tens else 1) * 10 + (values.get(ones, 0) if ones else 0))
    return str(values[chars]) if len(chars) == 1 else chars


def _numerals(text: str) -> str:
    """兩場 → 2場, 十二節 → 12節 (numerals standing before a unit word)."""
    return _fold_patterns()[3].sub(_numeral_value, text)


@cache
def all_unit_words() -> tuple[str, ...]:
    vocab = vocabulary()
    words = {w for ws in vocab["dimensions"].values() for w in ws} | set(vocab["compound"])
    return tuple(sorted(words, key=len, reverse=True))


def loaded_pay(text: str) -> bool:
    """The purpose says the pay includes the employer's insurance and pension share."""
    return mentions(text, vocabulary()["wages"]["loaded_pay"])


# ---- words said, denied, or used as a topic -------------------------------------------------


def _occurrences(folded: str, word: str):
    start = folded.find(word)
    while start >= 0:
        yield start
        start = folded.find(word, start + 1)


def negated(folded: str, at: int) -> bool:
    """The word at ``at`` is denied by a negation shortly before it, in the same clause."""
    vocab = vocabulary()["negation"]
    reach = vocab["reach"]
    window = folded[max(0, at - reach - 3) : at]
    for neg in vocab["words"]:
        pos = window.rfind(neg)
        if pos < 0:
            continue
        gap = window[pos + len(neg) :]
        if len(gap) > (reach if len(neg) > 1 else vocab["short_reach"]) or any(
            c in CLAUSE_BREAKS for c in gap
        ):
            continue
        here = max(0, at - reach - 3) + pos
        if any(folded.startswith(w, here) for w in vocab["not_words"] if w.startswith(neg)):
            continue
        return True
    return False


def _in_title(folded: str, at: int) -> bool:
    for left, right in vocabulary()["topic"]["title_quotes"]:
        opened = folded.rfind(left, 0, at)
        if opened >= 0 and folded.find(right, opened + 1) >= at and folded.rfind(right, 0, at) < opened:
            return True
    return False


def _topic(folded: str, at: int, word: str) -> bool:
    """The word names what is taught (冷氣實習課程, 「冷凍空調科」), not a thing."""
    if _in_title(folded, at):
        return True
    vocab = vocabulary()["topic"]
    after = folded[at + len(word) : at + len(word) + vocab["reach"]]
    for c in CLAUSE_BREAKS:
        after = after.split(c)[0]
    return any(w in after for w in vocab["course_after"])


@lru_cache(maxsize=2048)
def _any_of(words: tuple) -> tuple[tuple[str, ...], re.Pattern | None]:
    """The words folded (longest first, no blanks or repeats) and one pattern finding any of them."""
    folded = sorted({w for w in map(fold, words) if w}, key=len, reverse=True)
    return tuple(folded), re.compile("|".join(map(re.escape, folded))) if folded else None


def needed_words(params: dict) -> tuple[str, ...]:
    """The words one of which ``matches(params, …)`` needs said (in the item or the purpose)."""
    return (*params.get("any", ()), *params.get("purpose_any", ()))


def words_pattern(words) -> re.Pattern | None:
    """One pattern finding any of ``words`` in a folded text (None when there are none)."""
    return _any_of(words if isinstance(words, tuple) else tuple(words))[1]


def _said_words(folded: str, words) -> tuple[str, ...]:
    """The (folded) words of ``words`` present in ``folded``: one pattern search rules most texts out."""
    ordered, pattern = _any_of(words if isinstance(words, tuple) else tuple(words))
    if pattern is None or pattern.search(folded) is None:
        return ()
    return ordered


def mentions(text: str, words, *, topics: bool = False) -> bool:
    """Some word of ``words`` is said, not denied; with ``topics``, also not a course or title."""
    folded = fold(text)
    for w in _said_words(folded, words):
        for at in _occurrences(folded, w):
            if negated(folded, at) or (topics and _topic(folded, at, w)):
                continue
            return True
    return False


def matches(params: dict, item_text: str, purpose_text: str, *, topics: bool = False) -> bool:
    """Keyword params read as a sentence: ``any``/``purpose_any``/``also`` words must be said and
    not denied (``topics``: nor be a course title); ``none`` words (exceptions) count when present."""
    if "purpose_any" in params:
        hit = mentions(item_text, params.get("any", ()), topics=topics) or mentions(
            purpose_text, params["purpose_any"], topics=topics
        )
    else:
        any_words = params.get("any", ())
        hit = mentions(item_text, any_words, topics=topics) or mentions(
            purpose_text, any_words, topics=topics
        )
    if not hit:
        return False
    both = f"{item_text} {purpose_text}"
    also = params.get("also", ())
    groups = also if also and isinstance(also[0], tuple | list) else (also,) if also else ()
    if not all(mentions(both, group) for group in groups):
        return False
    folded = fold(both)
    return not any(fold(w) in folded for w in params.get("none", ()))


# ---- who is paid, whose venue --------------------------------------------------------------


def _as_object(folded: str, at: int, word: str) -> bool:
    vocab = vocabulary()["payee"]
    before = folded[max(0, at - 4) : at]
    for c in CLAUSE_BREAKS:
        before = before.split(c)[-1]
    if any(before.endswith(v) for v in vocab["object_before"]):
        return True
    after = folded[at + len(word) : at + len(word) + 6]
    return any(after.startswith(v) for v in vocab["object_after"])


def said_of_payee(text: str, words) -> bool:
    """Some word is said of the person paid: not denied, not the object of someone else's work."""
    folded = fold(text)
    for w in _said_words(folded, words):
        for at in _occurrences(folded, w):
            if not negated(folded, at) and not _as_object(folded, at, w):
                return True
    return False


@lru_cache(maxsize=4096)
def payee(text: str) -> str | None:
    """Who is paid: "affiliated", "external", "internal" (explicit words first), else an external hint."""
    vocab = vocabulary()["payee"]
    for kind in ("affiliated", "external", "internal"):
        if said_of_payee(text, vocab[kind]):
            return kind
    if mentions(text, vocab["external_hints"]):
        return "external"
    return None


@lru_cache(maxsize=4096)
def internal_venue(text: str) -> bool:
    """The purpose names the school's own place (借用本校禮堂, 校內會議室), not a rented outside one."""
    vocab = vocabulary()["venue"]
    folded = fold(text)
    owners = "|".join(re.escape(fold(w)) for w in vocab["owners"])
    venues = "|".join(re.escape(fold(w)) for w in vocab["places"])
    breaks = re.escape(CLAUSE_BREAKS)
    for m in re.finditer(rf"({owners})([^{breaks}]{{0,{vocab['reach']}}}?)({venues})", folded):
        if negated(folded, m.start()) or any(fold(w) in m.group(2) for w in vocab["external"]):
            continue
        return True
    return False
