"""說明用途's quantities and stated prices, read on folded text (``youzhi.purpose.fold``).

- ``count_range(text, unit, quantity, cap)``: how many of a cap's units (節, 人次, 車日, 小時, 件 …)
  one y-1 line holds, as a range ``(lo, hi)`` — exact when the line's unit is the cap's unit or the
  purpose states the breakdown ("40人次×200元", "每場2節", "2輛1日", "3人×2小時").
- ``stated_price(text, dim)``: a price the purpose states per one unit ("時薪235元").

The vocabulary (unit words, caps, price words) lives in ``youzhi/data/wording.toml``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from fractions import Fraction
from functools import cache, lru_cache

from youzhi.purpose import CLAUSE_BREAKS, INFINITY, all_unit_words, fold, vocabulary


@cache
def _unit_dims(word: str) -> frozenset[str]:
    vocab = vocabulary()
    if word in vocab["compound"]:
        return frozenset(vocab["compound"][word])
    return frozenset(d for d, ws in vocab["dimensions"].items() if word in ws)


@dataclass(frozen=True)
class Token:
    value: Fraction
    word: str  # the unit word as written (folded)
    per: str  # the X of "每X" right before it ("" when none)
    clause: int


@cache
def _token_pattern() -> re.Pattern:
    units = "|".join(re.escape(w) for w in all_unit_words())
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
        if before in ("第", "/", "-", "~", "至", "到") or (before == "月" and match.group(3) in ("日", "天")):
            continue  # 第2節 (an ordinal), 12月2日 or 12/2 (a date), 1-2, 2至3, 2~3 (a range or a date)
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
