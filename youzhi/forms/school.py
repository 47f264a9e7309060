"""The school block (基本資料: 學校名稱, 主管機關, 所在縣市, 方案, 學年度 as label | value rows) and the
tool's fingerprint sheet (``_youzhi``), and the school a workbook names (``Budget.school``): 基本資料,
else the y-1 titles (``表y-1 …高中優質化…``); the command's options override both."""

from __future__ import annotations

import re
import unicodedata

from youzhi import forms, tiers
from youzhi.forms.cells import text
from youzhi.model import School
from youzhi.money import parse_number
from youzhi.sheets import SheetGrid
from youzhi.text import compact, name_key

KEY = SCHOOL_SHEET = "基本資料"
FINGERPRINT_SHEET = "_youzhi"
_PLACEHOLDER = re.compile(r"[○〇Oo0]{2}")
_TITLE_SCHOOL = re.compile(r"表\s*y-?1(?:-\d+)?\s*(.*?)\s*優質化")
_LOCAL_SCHOOL = re.compile(r"^(.{2,3}?[市縣])立")


def recognise(grid: SheetGrid) -> bool:
    """基本資料 is known by its name (the tool writes it; a school's own sheet would be read as text)."""
    return grid.name == SCHOOL_SHEET


def key_values(grid: SheetGrid | None) -> dict[str, object]:
    """Labels in column A → values in column B (the fingerprint and the school sheet)."""
    if grid is None:
        return {}
    out = {}
    for row in grid.rows:
        if len(row) >= 2 and isinstance(row[0], str) and row[0].strip():
            out[compact(row[0])] = row[1]
    return out


def year_of(value: object) -> int | None:
    """A 學年度 cell: a number, or the first 2–3 digits of a text."""
    parsed = parse_number(value)
    if parsed.value is not None and parsed.value == parsed.value.to_integral_value():
        return int(parsed.value)
    if isinstance(value, str):
        found = re.search(r"\d{2,3}", unicodedata.normalize("NFKC", value))
        return int(found.group()) if found else None
    return None


def programme_of(value: object) -> str | None:
    """``senior-high`` / ``vocational`` from an id or a name (高中 / 高職 / 技職)."""
    t = compact(value)
    if t in forms.PROGRAMMES:
        return t
    if "高職" in t or "技職" in t or t == "vocational":
        return "vocational"
    if "高中" in t:
        return "senior-high"
    return None


def school_from_name(name: str) -> School:
    """Authority and county inferred from a school's name (``臺北市立建國高級中學`` → 直轄市立, 臺北市)."""
    t = name_key(name)
    if t.startswith("國立"):
        return School(name, "國立", None)
    if t.startswith("私立"):
        return School(name, "私立", None)
    found = _LOCAL_SCHOOL.match(t)
    if found and tiers.is_county(found.group(1)):
        county = tiers.normalise_county(found.group(1))
        return School(name, "直轄市立" if tiers.is_municipality(county) else "縣市立", county)
    return School(name, None, None)


def school_from_titles(titles: list[str]) -> str:
    """The school a y-1 title names (``表y-1-1 示範高中優質化…`` → 示範高中), placeholders (○○) aside."""
    for title in titles:
        found = _TITLE_SCHOOL.search(title)
        if found:
            name = found.group(1).strip()
            if name and not _PLACEHOLDER.search(name):
                return name
    return ""


def merge_school(base: School, override: School | None) -> School:
    if override is None:
        return base
    if override.name and override.name != base.name:
        inferred = school_from_name(override.name)
        base = School(override.name, inferred.authority or base.authority, inferred.county or base.county)
    return School(
        name=override.name or base.name,
        authority=tiers.normalise_authority(override.authority) or base.authority,
        county=tiers.normalise_county(override.county) if override.county else base.county,
    )


def read(ctx) -> None:
    """``Budget.school``: 基本資料, else the y-1 titles; the command's options override."""
    facts = ctx.facts
    name = text(facts.get("學校名稱")) or school_from_titles(ctx.titles)
    base = school_from_name(name) if name else School()
    if facts.get("主管機關"):
        base.authority = tiers.normalise_authority(text(facts["主管機關"])) or base.authority
    if facts.get("所在縣市"):
        base.county = tiers.normalise_county(text(facts["所在縣市"]))
    ctx.budget.school = merge_school(base, ctx.school)
