"""County → fiscal tier (by 會計年度) → maximum subsidy rate (by programme, 學年度) → required match.

The ministry's share may not exceed the tier's maximum rate r, so for a subsidy S the
county must add at least S × (1 − r) / r (seed 004 四(一)2; domain.md). 國立 and 私立
schools have no county match. Tier tables cover a range of 會計年度; a 學年度 N budget spends in
年度 N and N+1, so it may fall under two tables (``fiscal_parts``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

from youzhi import calendar, tables
from youzhi.text import name_key

AUTHORITIES = ("國立", "直轄市立", "縣市立", "私立")
MATCHED_AUTHORITIES = ("直轄市立", "縣市立")
MUNICIPALITIES = ("臺北市", "新北市", "桃園市", "臺中市", "臺南市", "高雄市")  # the six 直轄市


class TierError(ValueError):
    """A county, year or programme the tables cannot answer for (message in zh-TW)."""


def normalise_county(name: str) -> str:
    """``台北市政府教育局`` → ``臺北市``: the key of the tier tables."""
    text = name_key(name)
    for suffix in ("教育局", "教育處", "政府"):  # 教育局 first: 臺北市政府教育局
        if text.endswith(suffix):
            text = text[: -len(suffix)]
    return text


def normalise_authority(text: str | None) -> str | None:
    """Map what people write (市立, 縣立, 臺北市立 …) to one of AUTHORITIES."""
    if text is None:
        return None
    t = name_key(text)
    if not t:
        return None
    if t.startswith("國立"):
        return "國立"
    if t.startswith("私立"):
        return "私立"
    if t in ("直轄市立", "市立") or (t.endswith("市立") and is_municipality(t[:-2])):
        return "直轄市立"
    if t in ("縣市立", "縣(市)立", "縣立") or t.endswith("縣立") or t.endswith("市立"):
        return "縣市立"
    return None


def is_municipality(name: str) -> bool:
    """One of the six 直轄市 (``臺北市``, also written ``臺北`` or ``台北市``)."""
    key = normalise_county(name)
    return key in MUNICIPALITIES or f"{key}市" in MUNICIPALITIES


def is_county(name: str) -> bool:
    """A 縣市 that some 財力級次表 names (a real county, not just any text ending in 市 or 縣)."""
    key = normalise_county(name)
    return bool(key) and any(key in table.counties for table in tier_tables())


@dataclass(frozen=True)
class TierTable:
    """One 財力級次表: the tier of every county for 會計年度 ``first`` … ``last`` (inclusive)."""

    first: int
    last: int | None  # None: a user table that gave only its first year (open-ended)
    counties: dict[str, int]
    source: str

    @property
    def title(self) -> str:
        """``112–114年度`` (or ``118年度起``)."""
        return f"{self.first}年度起" if self.last is None else f"{self.first}–{self.last}年度"

    def covers(self, fiscal_year: int) -> bool:
        return self.first <= fiscal_year and (self.last is None or fiscal_year <= self.last)


@dataclass(frozen=True)
class RateTable:
    programme: str
    from_academic_year: int  # keyed by 學年度: a 要點 caps the ministry's share of a 學年度 plan
    rates: dict[int, Fraction]
    source: str


def _tier_table(raw: dict) -> TierTable:
    if "fiscal_years" in raw:
        first, last = (int(y) for y in raw["fiscal_years"])
    elif "valid_from" in raw:  # the format before tables were keyed by a range of 會計年度
        first, last = int(raw["valid_from"]), None
    else:
        raise TierError("財力級次表缺少 fiscal_years（適用之會計年度起迄，例如 [115, 117]）")
    if last is not None and last < first:
        raise TierError(f"財力級次表之會計年度起迄 [{first}, {last}] 顛倒")
    counties = {normalise_county(k): int(v) for k, v in raw["counties"].items()}
    return TierTable(first, last, counties, str(raw.get("source", "")))


def tier_tables() -> list[TierTable]:
    """Every tier table, oldest first; a later table (a user's) with the same first year replaces
    an earlier one. A 年度 falls under the latest table whose first year is ≤ it."""
    loaded = tables.load("tiers")  # cached until tables.clear_cache(): parse each load once
    if _parsed and _parsed[0] is loaded:
        return list(_parsed[1])
    by_first: dict[int, TierTable] = {}
    for raw in loaded["tier_table"]:
        table = _tier_table(raw)
        by_first[table.first] = table
    if not by_first:
        raise TierError("沒有任何財力級次表")
    _parsed[:] = [loaded, [by_first[k] for k in sorted(by_first)]]
    return list(_parsed[1])


_parsed: list = []  # [the tables.load("tiers") object, its TierTables]: kept with it, so never stale


def tier_table(fiscal_year: int) -> TierTable:
    """The table for 會計年度 ``fiscal_year``: the latest starting no later than it, else the oldest.

    Whether the table really covers that year is ``covers`` (a caller notes when it does not)."""
    ordered = tier_tables()
    chosen = [t for t in ordered if t.first <= fiscal_year] or ordered[:1]
    return chosen[-1]


def counties(fiscal_year: int) -> dict[str, int]:
    """County → tier in the table for 會計年度 ``fiscal_year``."""
    return dict(tier_table(fiscal_year).counties)


def all_counties() -> list[str]:
    """Every county of any table, ordered by its tier in the latest table, then by name."""
    ordered = tier_tables()
    names = {c for t in ordered for c in t.counties}
    latest = ordered[-1].counties
    return sorted(names, key=lambda c: (latest.get(c, 9), c))


def tier_of(county: str, fiscal_year: int) -> int:
    """The tier of ``county`` in 會計年度 ``fiscal_year``."""
    table = tier_table(fiscal_year)
    key = normalise_county(county)
    if key not in table.counties:
        raise TierError(f"財力級次表中找不到縣市「{county}」")
    return table.counties[key]


def fiscal_parts(academic_year: int) -> list[tuple[tuple[int, ...], TierTable]]:
    """The 會計年度 of 學年度 ``academic_year`` grouped by the tier table each falls under:
    one group (the usual case) or two (a 學年度 straddling a new table, e.g. 114學年度)."""
    groups: list[tuple[tuple[int, ...], TierTable]] = []
    for fy in calendar.fiscal_years(academic_year):
        table = tier_table(fy)
        if groups and groups[-1][1].first == table.first:
            groups[-1] = ((*groups[-1][0], fy), table)
        else:
            groups.append(((fy,), table))
    return groups


def rate_table(programme: str, academic_year: int) -> RateTable:
    """The rate table for a programme in force for 學年度 ``academic_year``.

    Before the oldest table the oldest one is used (``from_academic_year`` tells the caller so).
    """

    def start(raw: dict) -> int:  # valid_from: the older name of the same 學年度 key
        return int(raw.get("from_academic_year", raw.get("valid_from", 0)))

    candidates = sorted(
        (t for t in tables.load("tiers")["rate_table"] if t["programme"] == programme), key=start
    )
    if not candidates:
        raise TierError(f"沒有「{programme}」方案的補助比率表")
    chosen = [t for t in candidates if start(t) <= academic_year] or candidates[:1]
    raw = chosen[-1]
    return RateTable(
        programme=programme,
        from_academic_year=start(raw),
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
