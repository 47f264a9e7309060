"""說明用途 read as a sentence: quantities, stated prices, negation, who is paid, whose venue, topics.

The vocabulary lives in ``youzhi/data/wording.toml``; this module only applies it. Everything works
on folded text (NFKC, lower case, 台→臺, thousands separators dropped, every "times" sign as ×).

- ``count_range(text, unit, quantity, cap)``: how many of a cap's units (節, 人次, 車日, 小時, 件 …)
  one y-1 line holds, as a range ``(lo, hi)`` — exact when the line's unit is the cap's unit or the
  purpose states the breakdown ("40人次×200元", "每場2節", "2輛1日", "3人×2小時").
- ``stated_price(text, cap)``: a price the purpose states per the cap's unit ("時薪235元").
- ``mentions(text, words)``: a word said and not denied (非編制人員 does not mention 編制) nor used as
  a topic (冷氣 in 「冷凍空調科冷氣實習」 names a course, not a purchase).
- ``payee(text)``: who is paid — "affiliated", "external", "internal" or None; explicit words win
  over topic hints, and 本校 as the object of someone else's work (到校指導本校教師) is not a payee.
- ``internal_venue(text)``: the school's own place (借用本校禮堂), not a hall rented for its teachers.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from fractions import Fraction
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
    units = "|".join(re.escape(w) for w in _all_unit_words())
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
def _all_unit_words() -> tuple[str, ...]:
    vocab = vocabulary()
    words = {w for ws in vocab["dimensions"].values() for w in ws} | set(vocab["compound"])
    return tuple(sorted(words, key=len, reverse=True))


@cache
def _unit_dims(word: str) -> frozenset[str]:
    vocab = vocabulary()
    if word in vocab["compound"]:
        return frozenset(vocab["compound"][word])
    return frozenset(d for d, ws in vocab["dimensions"].items() if word in ws)


# ---- quantities ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Token:
    value: Fraction
    word: str  # the unit word as written (folded)
    per: str  # the X of "每X" right before it ("" when none)
    clause: int


@cache
def _token_pattern() -> re.Pattern:
    units = "|".join(re.escape(w) for w in _all_unit_words())
    return re.compile(rf"(?:每([^\d×{re.escape(CLAUSE_BREAKS)}]{{1,3}}?))?(\d+(?:\.\d+)?)\s*({units})")


@lru_cache(maxsize=4096)
def tokens(text: str) -> tuple[Token, ...]:
    """Every "number + unit" of the purpose (prices in 元 are not tokens)."""
    folded = fold(text)
    pattern = _token_pattern()
    found = []
    clause = 0
    start = 0
    for match in pattern.finditer(folded):
        clause += sum(folded[start : match.start()].count(c) for c in CLAUSE_BREAKS)
        start = match.start()
        before = folded[max(0, match.start(2) - 1) : match.start(2)]
        if before in ("第", "/", "-") or (before == "月" and match.group(3) in ("日", "天")):
            continue  # 第2節 (an ordinal), 12月2日 or 12/2 (a date), 1-2 (a range or a date)
        per = (match.group(1) or "").strip()
        found.append(Token(Fraction(match.group(2)), match.group(3), per, clause))
    return tuple(found)


@dataclass(frozen=True)
class Count:
    """How many cap units a line holds: ``lo`` ≤ n ≤ ``hi`` (``hi`` may be infinite)."""

    lo: Fraction
    hi: Fraction | float
    how: str  # the words the count was read from ("40人次", "每場2節 × 2場"), "" when from the unit

    @property
    def exact(self) -> bool:
        return self.lo == self.hi


def _cap(cap: str) -> dict:
    return vocabulary()["caps"][cap]


def _dims(word: str, cfg: dict) -> frozenset[str]:
    aliases = cfg.get("aliases", {})
    return frozenset(aliases.get(d, d) for d in _unit_dims(word))


@lru_cache(maxsize=4096)  # pure: the rules ask the same line several times
def same_unit(unit: str, cap: str) -> bool:
    """The line's unit is the cap's own (its 單價 is the per-unit price as typed)."""
    u = fold(unit).strip()
    return u in _cap(cap)["same"] and u not in _cap(cap).get("sets", ())


@lru_cache(maxsize=4096)  # pure: the rules ask the same line several times
def count_range(text: str, unit: str, quantity, cap: str) -> Count | None:
    """The number of ``cap`` units in a line of ``quantity`` × ``unit`` with purpose ``text``.

    None when the quantity is missing. Without a breakdown the count is bounded by the unit alone: a
    lump (式, 批, 場 …) holds at least ``quantity`` cap units; a finer unit (趟) at most ``quantity``.
    """
    if quantity is None or quantity <= 0:
        return None
    q = Fraction(quantity)
    cfg = _cap(cap)
    u = fold(unit).strip()
    if u in cfg["same"] and not (u in cfg.get("sets", ()) and _from_purpose(text, u, q, cfg)):
        return Count(q, q, "")
    day = cfg.get("per_day")
    if day and u in day["units"]:
        return _per_day(text, q, u, day)
    stated = _from_purpose(text, u, q, cfg)
    if stated is not None:
        return stated
    if u in cfg.get("finer", ()):
        return Count(Fraction(1), q, "")
    return Count(q, INFINITY, "")


def _per_day(text: str, q: Fraction, unit: str, day: dict) -> Count:
    m = re.search(r"每(?:日|天|人日|人每日)(\d+(?:\.\d+)?)(?:小時|時)", fold(text))
    hours = Fraction(m.group(1)) if m else Fraction(day["hours"])
    how = m.group(0) if m else f"每{unit}以 {day['hours']} 小時計"
    return Count(q * hours, q * hours, how)


def _from_purpose(text: str, unit: str, q: Fraction, cfg: dict) -> Count | None:
    """Count from the quantities stated in the purpose, or None when they say nothing of the cap."""
    wanted = set(cfg["dims"])
    useful = wanted | set(cfg.get("multipliers", ()))
    groups: dict[int, list[Token]] = {}
    for tok in tokens(text):
        if _dims(tok.word, cfg) & useful:
            groups.setdefault(tok.clause, []).append(tok)
    if not any(_dims(t.word, cfg) & wanted for toks in groups.values() for t in toks):
        return None
    merged: dict[frozenset[str], Fraction] = {}
    pers: set[str] = set()
    words = []
    for toks in groups.values():
        dims, value = frozenset().union(*(_dims(t.word, cfg) for t in toks)), Fraction(1)
        for t in toks:
            value *= t.value
            pers |= _dims(t.per, cfg) if t.per else set()
            shown = t.word if t.word.startswith("半") else f"{t.value}{t.word}"
            words.append((f"每{t.per}" if t.per else "") + shown)
        key = next((k for k in merged if k & dims), dims)
        merged[key | dims] = merged.pop(key, Fraction(0)) + value
    covered = frozenset().union(*merged)
    lo = math.prod(merged.values(), start=Fraction(1))
    hi: Fraction | float = lo
    unit_dims = _dims(unit, cfg)
    open_dims = (wanted - covered) | (pers - covered)
    if unit_dims and unit_dims <= open_dims:
        lo, hi = lo * q, hi * q  # the purpose counts one line unit (每場2節 on a line of 2 場)
        open_dims -= unit_dims
    elif unit_dims & useful and not (unit_dims & covered) and q != 1:
        hi = hi * q  # the purpose may count one unit of the line or all of it
    if open_dims:
        hi = INFINITY
    return Count(lo, hi, "、".join(words))


@lru_cache(maxsize=4096)  # pure: the rules ask the same line several times
def stated_price(text: str, dim: str) -> Fraction | None:
    """A price the purpose states per one ``dim`` (時薪235元 → 235 for "hour")."""
    folded = fold(text)
    if "元" not in folded:
        return None
    for pattern in _price_patterns(dim):
        m = pattern.search(folded)
        if m:
            return Fraction(m.group(1))
    return None


@cache
def _price_patterns(dim: str) -> tuple[re.Pattern, ...]:
    """stated_price's patterns for ``dim``, in the order they are tried (longest price word first)."""
    out = []
    for word, meaning in sorted(vocabulary()["price_words"].items(), key=lambda kv: -len(kv[0])):
        if meaning == dim:
            out.append(re.compile(re.escape(word) + r"[^\d元，,；;。]{0,3}?(\d+(?:\.\d+)?)\s*元"))
    for word in vocabulary()["dimensions"].get(dim, ()):
        out.append(re.compile(r"(\d+(?:\.\d+)?)\s*元\s*/\s*" + re.escape(word)))
    return tuple(out)


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
