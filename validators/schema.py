"""What a rule row may say: its keys, each kind's params, message templates and example keys.

``validators.ruleset`` checks every row against these tables when the rule tables load.
"""

from __future__ import annotations

ROW_KEYS = frozenset(
    {"code", "title", "kind", "severity", "citation", "rationale", "items", "limit", "params", "valid_from"}
    | {"programme", "example"}
)
# [rule.example] fire / quiet: one line as a school types it (單價 and 總價 in 千元, as the sheet
# holds them), or a tiny workbook: lines, the 基本資料 school fields, y-2 cells typed over
# (tests/test_rule_examples.py builds and checks them).
LINE_KEYS = frozenset(
    {"item", "unit", "quantity", "price", "total", "purpose", "source", "category", "hidden"}
)
WORKBOOK_KEYS = frozenset({"lines", "school", "cells"})
CHANGE_KEYS = frozenset({"old", "new", "approved"})  # a change rule: two versions, 核定金額 (千元)
WORDS = {"any", "purpose_any", "also", "none", "topics"}
# The params each kind reads (validators/kinds/); anything else is a typo.
KIND_PARAMS: dict[str, frozenset[str]] = {
    "purpose_required": frozenset(),
    "standard_name": frozenset(),
    "arithmetic": frozenset(),
    "unit": frozenset({"skip_items", "equivalents", "counted_in_purpose"}),
    "lump_sum": frozenset({"capital", "units"}),
    "missing_numbers": frozenset(),
    "wrong_category": frozenset(),
    "capital_minimum": frozenset({"exempt_any", "per"}),
    "durable_in_recurrent": frozenset({"skip_items", "per"} | WORDS),
    "unit_cap": frozenset({"cases", "unless", "per"}),
    "purpose_silent": frozenset({"assumed"}),
    "unit_range": frozenset({"minimum", "per"}),
    "hourly_wage": frozenset({"factor"}),
    "equipment_cap": frozenset({"per"} | WORDS),
    "forbidden": frozenset({"skip_items", "payee", "payee_words", "venue"} | WORDS),
    "reader_problem": frozenset(),
    "match": frozenset(),
    "match_unknown": frozenset(),
    "y2_totals": frozenset(),
    "approved": frozenset(),
    "share": frozenset({"basis"}),
    "total_cap": frozenset(),
    "capital_share": frozenset(),
    "six_year_band": frozenset({"minimum", "keywords"}),
    "implausible_price": frozenset({"factor", "recurrent_bound", "capital_bound"}),
    "hidden_money": frozenset(),
    "blank_total": frozenset(),
    "summary_mismatch": frozenset(),
    "written_range": frozenset({"names", "none", "minimum", "units", "half_day"}),
    "self_paid": frozenset({"any", "none", "sources"}),
}
# The message templates each kind fills (validators/kinds/) and the fields it gives them. A kind's
# default templates are the [messages.<kind>] tables of common.toml; a row may override any of them
# with keys of the same name. A template naming a field its kind does not give stops the load.
LINE = frozenset({"label"})
MATCH = frozenset({"county", "required", "budgeted", "shortfall"})
PER_UNIT = {  # a price per the cap's unit, and the warning asking for the breakdown
    "price": LINE | {"price"},
    "price_derived": LINE | {"how", "per", "price"},
    "price_derived_low": LINE | {"how", "per", "price"},
    "ask": LINE | {"unit", "per", "example", "limit"},
    "ask_unit": {"unit"},
    "ask_no_unit": frozenset(),
    "ask_example": {"example"},
}
KIND_MESSAGES: dict[str, dict[str, frozenset[str]]] = {
    "purpose_required": {"message": LINE},
    "standard_name": {
        "message_purpose": {"item", "standard", "row"},
        "message_hints": {"item", "hints", "row"},
        "message_unknown": {"item", "row"},
    },
    "arithmetic": {"message": LINE | {"total", "quantity", "price", "computed"}},
    "unit": {"message": LINE | {"unit", "standard"}, "message_blank": LINE | {"standard"}},
    "lump_sum": {"message": LINE | {"unit"}},
    "missing_numbers": {"message_quantity": LINE, "message_price": LINE},
    "wrong_category": {"message": LINE | {"expected", "category"}},
    "capital_minimum": {
        "message": LINE | {"price", "limit"},
        "message_derived": LINE | {"how", "price", "limit"},
    },
    "durable_in_recurrent": {
        "message": LINE | {"price", "limit"},
        "message_derived": LINE | {"how", "price", "limit"},
    },
    "forbidden": {"message": {"what", "title"}, "message_warning": {"what", "title"}},
    "self_paid": {"message": {"what", "title", "source", "allowed"}},
    "written_range": {
        "message": LINE | {"price", "limit", "band"},
        "message_low": LINE | {"price", "minimum", "band"},
        "band": {"minimum", "limit"},
        "band_half_day": {"minimum", "limit", "half_day"},
    },
    "share": {
        "message": {"items", "amount", "denominator", "ratio", "limit", "basis"},
        "message_warning": {"items", "amount", "denominator", "ratio", "limit", "basis"},
        "denominator_recurrent": frozenset(),
        "denominator_subsidy": frozenset(),
        "basis_recurrent": {"total"},
        "basis_subsidy": {"total"},
    },
    "total_cap": {"message": {"items", "amount", "limit"}},
    "capital_share": {"message": {"capital", "total", "ratio", "limit"}},
    "match": {
        "message": MATCH | {"table", "tier", "rate", "subsidy"},
        "message_split": MATCH | {"parts"},
        "table": {"table"},
        "part": {"years", "table", "tier", "rate", "subsidy", "required"},
    },
    "match_unknown": {"message": {"note"}},
    "y2_totals": {"message": {"label", "by_source", "by_kind"}},
    "approved": {"message": {"code", "amount", "granted", "excess"}, "message_total": {"amount", "granted"}},
    "summary_mismatch": {"message": {"what", "typed", "expected", "difference"}},
    "hidden_money": {"message": LINE | {"row", "amount"}},
    "blank_total": {"message": LINE | {"computed"}},
    "implausible_price": {
        "message": LINE | {"price_kiloyuan", "price", "why", "bound", "intended", "fill"},
        "why_cap": {"cap", "factor"},
        "why_recurrent": frozenset(),
        "why_capital": frozenset(),
        "fill": {"kiloyuan"},
    },
    "six_year_band": {
        "message": {"codes", "total", "side", "minimum", "limit", "why"},
        "side_low": {"minimum"},
        "side_high": {"limit"},
        "why_heading": {"text"},
        "why_lines": {"hits", "lines"},
        "why_code": {"code", "reason"},
    },
    "purpose_silent": {"message": LINE | {"assumed"}},
}
# The kinds that compare a price per unit (validators/kinds/caps.py) share these templates and add
# their own; [messages.per_unit] in common.toml holds the shared ones.
KIND_MESSAGES["unit_cap"] = PER_UNIT | {"message": {"price_text", "case", "limit"}, "case": {"case"}}
KIND_MESSAGES["unit_range"] = PER_UNIT | {
    "message": {"price_text", "limit", "band"},
    "message_low": {"price_text", "minimum", "band"},
    "band": {"minimum", "limit"},
}
KIND_MESSAGES["equipment_cap"] = PER_UNIT | {"message": {"price_text", "title"}}
KIND_MESSAGES["hourly_wage"] = PER_UNIT | {
    "message": {"wage_text", "period", "cap", "note"},
    "message_low": {"wage_text", "period"},
    "wage": LINE | {"price"},
    "wage_derived": LINE | {"how", "price"},
    "period": {"year", "month", "wage"},
    "period_assumed": {"year", "month", "wage", "announced"},
    "loaded": {"share"},
}
MESSAGE_GROUPS = dict.fromkeys(("unit_cap", "unit_range", "hourly_wage", "equipment_cap"), "per_unit")
CASE_KEYS = frozenset({"label", "keywords", "limit", "payee"})
PAYEES = ("affiliated", "external", "internal")
BASES = ("recurrent", "subsidy")
