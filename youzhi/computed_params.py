"""The hidden 參數 sheet, the workbook names over it, and the fingerprint sheet ``_youzhi``.

參數 holds the dated tier tables, the rate table, the item, source, category and authority lists
(drop-downs) and the lookup tables (``youzhi.computed_y1``). ``defined_names(budget)`` and
``fingerprint_sheet(budget, version)`` are how readers recognise our files.
"""

from __future__ import annotations

from youzhi import forms, tiers
from youzhi.a1 import get_column_letter
from youzhi.cell_spec import FINGERPRINT_NAME, PARAM_NAME, SheetSpec, quote_sheet
from youzhi.computed_y1 import add_lookup_tables
from youzhi.model import Budget

PARAM_COLUMNS = {
    "yz_counties": 1,  # A: county; B, C: its tier in each dated tier table (_tier_tables)
    "yz_rates": 4,  # D: tier, E: maximum rate
    "yz_items_operating": 7,
    "yz_items_grants": 8,
    "yz_items_capital": 9,
    "yz_sources": 10,
    "yz_categories": 11,
    "yz_authorities": 12,
}


def param_sheet(budget: Budget) -> tuple[SheetSpec, dict[str, str]]:
    """The hidden 參數 sheet (tier tables, rate table, item lists) and the names pointing into it."""
    s = SheetSpec(
        PARAM_NAME,
        hidden=True,
        column_widths={1: 10, 2: 14, 3: 14, 4: 8, 5: 10, 7: 26, 8: 16, 9: 20, 10: 14, 11: 12, 12: 10},
    )
    ay, prog = budget.academic_year, budget.programme
    columns = {
        "yz_items_operating": ("業務費項目", forms.items(prog, ay, forms.OPERATING)),
        "yz_items_grants": ("獎補助費項目", forms.items(prog, ay, forms.GRANTS)),
        "yz_items_capital": ("設備及投資項目", forms.items(prog, ay, forms.CAPITAL)),
        "yz_sources": ("經費來源", forms.SOURCES),
        "yz_categories": ("一級用途別", forms.CATEGORIES),
        "yz_authorities": ("主管機關", tiers.AUTHORITIES),
    }
    names = _tier_tables(s, budget)
    names.update(_rate_table(s, budget))
    q = quote_sheet(PARAM_NAME)
    for name, (header, values) in columns.items():
        col = PARAM_COLUMNS[name]
        s.add(1, col, header, "param")
        for i, value in enumerate(values, start=2):
            s.add(i, col, value, "param")
        letter = get_column_letter(col)
        names[name] = f"={q}!${letter}$2:${letter}${1 + max(1, len(values))}"
    add_lookup_tables(s, budget, names)
    return s, names


TIER_KEY_LABELS = ("適用年度起", "適用年度迄", "級次表")


def _tier_tables(s: SheetSpec, budget: Budget) -> dict[str, str]:
    """The tier tables the budget's 會計年度 fall under (one, or two when the 學年度 straddles a
    new table), dated: county in A, one column of tiers per table from B, and under them each
    table's first and last 會計年度, its title and its source. 基本資料 picks a column by 年度
    with MATCH(年度, yz_tier_from, 1), as ``tiers.tier_table`` does."""
    dated = [table for _, table in tiers.fiscal_parts(budget.academic_year)]
    counties = tiers.all_counties()
    q = quote_sheet(PARAM_NAME)
    s.add(1, 1, "縣市", "param")
    for i, county in enumerate(counties, start=2):
        s.add(i, 1, county, "param")
    last = 1 + len(counties)
    key_row = last + 2
    for label, offset in zip(TIER_KEY_LABELS, range(3), strict=True):
        s.add(key_row + offset, 1, label, "param")
    for j, table in enumerate(dated):
        col = 2 + j
        s.add(1, col, f"財力級次（{table.title}）", "param")
        for i, county in enumerate(counties, start=2):
            s.add(i, col, table.counties.get(county), "param")
        s.add(key_row, col, table.first, "param")
        s.add(key_row + 1, col, table.last, "param")
        s.add(key_row + 2, col, table.title, "param")
        s.add(key_row + 4 + j, 2, f"{table.title}：{table.source}", "param")
    s.add(key_row + 3, 1, "依據", "param")
    end = get_column_letter(1 + len(dated))
    return {
        "yz_counties": f"={q}!$A$2:$A${last}",  # the 所在縣市 drop-down (a school may have its own)
        "yz_tier_counties": f"={q}!$A$2:$A${last}",  # the rows of yz_tier_grid
        "yz_tier_grid": f"={q}!$B$2:${end}${last}",
        "yz_tier_from": f"={q}!$B${key_row}:${end}${key_row}",
        "yz_tier_titles": f"={q}!$B${key_row + 2}:${end}${key_row + 2}",
    }


def _rate_table(s: SheetSpec, budget: Budget) -> dict[str, str]:
    """The maximum subsidy rate by tier, for the programme and 學年度 (rate tables are keyed by 學年度)."""
    rates = tiers.rate_table(budget.programme, budget.academic_year)
    s.add(1, 4, "財力級次", "param")
    s.add(1, 5, "最高補助比率", "param")
    for i, (tier, rate) in enumerate(sorted(rates.rates.items()), start=2):
        s.add(i, 4, tier, "param")
        s.add(i, 5, float(rate), "param")
    s.add(1 + len(rates.rates) + 2, 4, f"{rates.source}（{rates.from_academic_year}學年度起適用）", "param")
    q = quote_sheet(PARAM_NAME)
    return {"yz_rate_table": f"={q}!$D$2:$E${1 + len(rates.rates)}"}


# --------------------------------------------------------------------------- fingerprint

FORM_ID = "youzhi-budget"


def fingerprint_sheet(budget: Budget, template_version: str) -> SheetSpec:
    """Hidden ``_youzhi``: keys in column A, values in column B (contracts.md)."""
    s = SheetSpec(FINGERPRINT_NAME, hidden=True, column_widths={1: 18, 2: 18})
    pairs = (
        ("form", FORM_ID),
        ("programme", budget.programme),
        ("academic_year", budget.academic_year),
        ("template_version", template_version),
    )
    for row, (key, value) in enumerate(pairs, start=1):
        s.add(row, 1, key)
        s.add(row, 2, value)
    return s


def defined_names(budget: Budget) -> dict[str, str]:
    """Workbook names: the lists on 參數 and the fingerprint constants youzhi_programme, youzhi_year."""
    _, names = param_sheet(budget)
    names["youzhi_programme"] = f'="{budget.programme}"'
    names["youzhi_year"] = f"={budget.academic_year}"
    return names
