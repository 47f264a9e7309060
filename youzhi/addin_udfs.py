"""What the ``YZ_*`` worksheet functions compute; ``macros.py`` declares them to xlwings.

Money arguments arrive as Excel shows them: 千元 (2 = NT$2,000). Every function accepts a single
value or a whole range (a list of rows) and then returns an array of the same shape, so a column
of lines costs one call.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from youzhi import calendar, tiers
from youzhi.addin_ribbon import parse_programme, parse_year
from youzhi.errors import YouzhiError
from youzhi.money import normalise_text, parse_number, to_yuan, yuan_to_cell


def _each(fn, *columns):
    """Apply ``fn`` cell-wise; ranges (lists of rows) give arrays, scalars give a scalar."""
    shaped = next((c for c in columns if isinstance(c, list)), None)
    if shaped is None:
        return fn(*columns)
    rows = [r if isinstance(r, list) else [r] for r in shaped]

    def at(column, i, j):
        if not isinstance(column, list):
            return column
        row = column[i] if i < len(column) else None
        if isinstance(row, list):
            return row[j] if j < len(row) else None
        return row if j == 0 else None

    return [[fn(*(at(c, i, j) for c in columns)) for j in range(len(row))] for i, row in enumerate(rows)]


def _single(result):
    """A 1×1 array as its value (a single cell gets a plain value, not a spilled array)."""
    if isinstance(result, list) and len(result) == 1 and isinstance(result[0], list) and len(result[0]) == 1:
        return result[0][0]
    return result


def _kiloyuan_to_yuan(value) -> int | None:
    parsed = parse_number(value, in_kiloyuan=True)
    return None if parsed.value is None else to_yuan(parsed.value)


def _this_year() -> int:
    today = dt.date.today()
    return today.year - 1911 - (1 if today.month < 8 else 0)


def _year(value) -> int:
    return _this_year() if value in (None, "") else parse_year(value)


def ratio(part, whole):
    """YZ_RATIO: part ÷ whole, 0 when whole is 0 or blank."""

    def one(p, w):
        p_yuan, w_yuan = _kiloyuan_to_yuan(p), _kiloyuan_to_yuan(w)
        if not w_yuan:
            return 0.0
        return float(Decimal(p_yuan or 0) / Decimal(w_yuan))

    return _single(_each(one, part, whole))


def _straddle_note(year: int) -> str:
    fys = "、".join(str(fy) for fy in calendar.fiscal_years(year))
    return (
        f"{year}學年度的兩個會計年度（{fys}）適用不同的財力級次表，配合款依會計年度分別計算："
        "請以第 5 個參數指定會計年度，補助款填該會計年度的教育部補助款"
    )


def tier(county, academic_year=None, fiscal_year=None):
    """YZ_TIER: 財力級次 (1–5) of a county in a 學年度 (or in one of its 會計年度), or the reason
    there is none; a 學年度 whose two 會計年度 give the county different tiers asks for the year."""
    year = _year(academic_year)

    def one(c):
        if c in (None, ""):
            return ""
        try:
            county_key = tiers.normalise_county(str(c))
            if fiscal_year not in (None, ""):
                return tiers.tier_of(county_key, _fiscal_year(fiscal_year, year))
            found = {tiers.tier_of(county_key, fy) for fy in calendar.fiscal_years(year)}
        except (tiers.TierError, YouzhiError) as exc:
            return str(exc)
        return found.pop() if len(found) == 1 else _straddle_note(year)

    return _single(_each(one, county))


def match(subsidy, county, academic_year=None, programme=None, fiscal_year=None):
    """YZ_MATCH: 最低配合款 (千元) for a 教育部補助款 (千元) at the county's maximum rate.

    A 學年度 straddling two tier tables is matched per 會計年度, each part rounded up (as the roll-up
    and 基本資料 do): the 5th argument names the 會計年度 and the subsidy is that year's; without it
    such a 學年度 gets the sentence saying so, never a figure that may be a few 元 off."""
    try:
        year = _year(academic_year)
        county_key = tiers.normalise_county(str(county))
        if fiscal_year not in (None, ""):
            fy = _fiscal_year(fiscal_year, year)
        elif len(tiers.fiscal_parts(year)) > 1:
            return _straddle_note(year)
        else:
            fy = calendar.fiscal_years(year)[0]
        rate = tiers.max_rate(parse_programme(programme), year, tiers.tier_of(county_key, fy))
    except (tiers.TierError, YouzhiError) as exc:
        return str(exc)

    def required(s):
        yuan = _kiloyuan_to_yuan(s)
        return "" if yuan is None else yuan_to_cell(tiers.required_match(yuan, rate))

    return _single(_each(required, subsidy))


def _fiscal_year(value, academic_year: int) -> int:
    """The 會計年度 argument: one of the 學年度's two (a zh-TW error otherwise)."""
    try:
        fy = parse_year(value)
    except YouzhiError:
        raise YouzhiError(f"會計年度請輸入民國年（例如 115），收到「{value}」") from None
    if fy not in calendar.fiscal_years(academic_year):
        years = "、".join(str(y) for y in calendar.fiscal_years(academic_year))
        raise YouzhiError(f"{academic_year}學年度的會計年度是 {years}，不是 {fy}")
    return fy


def cap(item, kind=None, programme=None, academic_year=None):
    """YZ_CAP: the standard's per-unit cap of an item in 千元 ("" when the standards set none)."""
    from validators.ruleset import rules_for
    from youzhi import items

    name = normalise_text(str(item or ""))
    wanted = normalise_text(str(kind or ""))
    programme_id, year = parse_programme(programme), _year(academic_year)
    standard = items.identify(programme_id, year, None, name).standard or name
    caps = []
    for rule in rules_for(programme_id, year):
        if rule.kind == "equipment_cap" and isinstance(rule.limit, int):
            if _names_equipment(rule.params, name):
                return yuan_to_cell(rule.limit)
            continue
        if rule.kind not in ("unit_cap", "unit_range") or standard not in rule.items:
            continue
        for entry in rule.params.get("cases", []):
            if wanted and wanted == entry.get("label"):
                return yuan_to_cell(int(entry["limit"]))
        if isinstance(rule.limit, int) and rule.severity == "error":
            caps.append(rule.limit)
    return yuan_to_cell(max(caps)) if caps else ""


def _names_equipment(params: dict, name: str) -> bool:
    """Whether an equipment rule's keywords (any / also / none) name this item."""
    text = name.lower()
    hits = [str(k).lower() for k in params.get("any", [])]
    also = [str(k).lower() for k in params.get("also", [])]
    none = [str(k).lower() for k in params.get("none", [])]
    return (
        any(k in text for k in hits)
        and not any(k in text for k in none)
        and (not also or any(k in text for k in also))
    )


def check_line(item, unit, quantity, unit_price, purpose, programme=None, academic_year=None):
    """YZ_CHECK_LINE: what is wrong with a y-1 line (zh-TW reasons joined by "；"), "" when nothing is."""
    from validators import check_line as check

    programme_id = parse_programme(programme)
    year = _year(academic_year)

    def reasons(i, u, q, p, why):
        if i in (None, "") and q in (None, "") and p in (None, ""):
            return ""
        qty = parse_number(q)
        found = check(
            programme_id,
            year,
            normalise_text(str(i or "")),
            normalise_text(str(u or "")),
            qty.value,
            _kiloyuan_to_yuan(p),
            str(why or "").strip(),
        )
        return "；".join(f.message.rstrip("。") for f in found) + ("。" if found else "")

    return _single(_each(reasons, item, unit, quantity, unit_price, purpose))
