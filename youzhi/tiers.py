"""County → fiscal tier (by 年度) → maximum subsidy rate (by programme, 學年度) → required match.

The ministry's share may not exceed the tier's maximum rate r, so for a subsidy S the
county must add at least S × (1 − r) / r (seed 004 四(一)2; domain.md). 國立 and 私立
schools have no county match.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

from youzhi import tables

AUTHORITIES = ("國立", "直轄市立", "縣市立", "私立")
MATCHED_AUTHORITIES = ("直轄市立", "縣市立")


class TierError(ValueError):
    """A county, year or programme the tables cannot answer for (message in zh-TW)."""


def normalise_county(name: str) -> str:
    text = "".join(str(name).split()).replace("台", "臺")
    for suffix in ("政府", "教育局", "教育處"):
        if text.endswith(suffix):
            text = text[: -len(suffix)]
    return text


def normalise_authority(text: str | None) -> str | None:
    """Map what people write (市立, 縣立, 臺北市立 …) to one of AUTHORITIES."""
    if text is None:
        return None
    t = "".join(str(text).split()).replace("台", "臺")
    if not t:
        return None
    if t.startswith("國立"):
        return "國立"
    if t.startswith("私立"):
        return "私立"
    if t in ("直轄市立", "市立") or (t.endswith("市立") and t[:-2] in _municipalities()):
        return "直轄市立"
    if t in ("縣市立", "縣(市)立", "縣立") or t.endswith("縣立") or t.endswith("市立"):
        return "縣市立"
    return None


def _municipalities() -> set[str]:
    cities = ("臺北", "新北", "桃園", "臺中", "臺南", "高雄")
    return {*cities, *(c + "市" for c in cities)}


@dataclass(frozen=True)
class RateTable:
    programme: str
    valid_from: int
    rates: dict[int, Fraction]
    source: str


def counties(year: int) -> dict[str, int]:
    """The tier table in force for 年度 ``year`` (the latest with valid_from ≤ year, else the oldest)."""
    tier_tables = sorted(tables.load("tiers")["tier_table"], key=lambda t: t["valid_from"])
    chosen = [t for t in tier_tables if t["valid_from"] <= year] or tier_tables[:1]
    return {normalise_county(k): int(v) for k, v in chosen[-1]["counties"].items()}


def tier_of(county: str, year: int) -> int:
    table = counties(year)
    key = normalise_county(county)
    if key not in table:
        raise TierError(f"財力級次表中找不到縣市「{county}」")
    return table[key]


def rate_table(programme: str, academic_year: int) -> RateTable:
    """The rate table for a programme in force for 學年度 ``academic_year``.

    Before the oldest table the oldest one is used (``valid_from`` tells the caller so).
    """
    candidates = sorted(
        (t for t in tables.load("tiers")["rate_table"] if t["programme"] == programme),
        key=lambda t: t["valid_from"],
    )
    if not candidates:
        raise TierError(f"沒有「{programme}」方案的補助比率表")
    chosen = [t for t in candidates if t["valid_from"] <= academic_year] or candidates[:1]
    raw = chosen[-1]
    return RateTable(
        programme=programme,
        valid_from=int(raw["valid_from"]),
        rates={int(k): Fraction(str(v)) for k, v in raw["rates"].items()},
        source=raw["source"],
    )


def max_rate(programme: str, academic_year: int, tier: int) -> Fraction:
    return rate_table(programme, academic_year).rates[tier]


def required_match(subsidy: int, rate: Fraction) -> int:
    """Minimum county match in 元: ⌈S × (1 − r) / r⌉ (the ministry's share must not exceed r)."""
    if subsidy <= 0:
        return 0
    return math.ceil(Fraction(subsidy) * (1 - rate) / rate)


def needs_match(authority: str | None) -> bool:
    return authority in MATCHED_AUTHORITIES
