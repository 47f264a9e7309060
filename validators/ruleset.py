"""Loading the rule tables: ``rules/common.toml`` plus the programme's own table.

A programme table may say ``based_on = "senior-high"`` (take that table), ``remove = [codes]`` and
then list rules that replace those of the same code. A rule may carry ``valid_from`` (學年度): the
latest version of a code whose ``valid_from`` ≤ the budget's 學年度 applies, so a new year's
change is a new block, not an edit. Users add or replace rules with TOML files of the same shape
named in ``YOUZHI_RULES`` (path-separated), no code change.
"""

from __future__ import annotations

import os
import tomllib
from functools import cache
from pathlib import Path
from typing import Any

from validators.documents import UnknownDocument, expand
from validators.finding import SEVERITIES, Rule

RULES_DIR = Path(__file__).with_name("rules")
PROGRAMMES = ("senior-high", "vocational")


class RuleTableError(ValueError):
    """A rule table that cannot be used (message in zh-TW)."""


@cache
def _table(name: str) -> dict[str, Any]:
    path = RULES_DIR / f"{name}.toml"
    if not path.exists():
        raise RuleTableError(f"沒有「{name}」的檢核規則表")
    with path.open("rb") as fh:
        return tomllib.load(fh)


def _user_tables() -> list[dict[str, Any]]:
    tables = []
    for part in os.environ.get("YOUZHI_RULES", "").split(os.pathsep):
        if part.strip():
            try:
                with Path(part).open("rb") as fh:
                    tables.append(tomllib.load(fh))
            except (OSError, tomllib.TOMLDecodeError) as exc:
                raise RuleTableError(f"無法讀取規則檔「{part}」：{exc}") from exc
    return tables


def _raw_rules(programme: str) -> list[dict[str, Any]]:
    """Every rule block that applies to a programme, in table order (later blocks override)."""
    table = _table(programme)
    base = _raw_rules(table["based_on"]) if "based_on" in table else []
    removed = set(table.get("remove", []))
    return [r for r in base if r["code"] not in removed] + list(table.get("rule", []))


def _frozen(value: Any) -> Any:
    """Lists in params become tuples (keyword lists are then cached as compiled patterns)."""
    if isinstance(value, list):
        return tuple(_frozen(v) for v in value)
    if isinstance(value, dict):
        return {k: _frozen(v) for k, v in value.items()}
    return value


def _to_rule(raw: dict[str, Any], programmes: tuple[str, ...]) -> Rule:
    severity = raw.get("severity", "")
    if severity not in SEVERITIES:
        raise RuleTableError(f"規則 {raw.get('code')} 的嚴重度「{severity}」不是 error/warning/info")
    try:
        citation = expand(raw["citation"])
    except UnknownDocument as exc:
        raise RuleTableError(f"規則 {raw.get('code')}：{exc}") from None
    return Rule(
        code=raw["code"],
        title=raw["title"],
        kind=raw["kind"],
        severity=severity,
        citation=citation,
        rationale=raw.get("rationale", ""),
        items=tuple(raw.get("items", ())),
        limit=raw.get("limit"),
        params=_frozen(dict(raw.get("params", {}))),
        programmes=programmes,
    )


def _select(blocks: list[dict[str, Any]], academic_year: int | None) -> list[dict[str, Any]]:
    """Per code, the latest block in force for ``academic_year`` (all-years view: the latest block)."""
    chosen: dict[str, dict[str, Any]] = {}
    for block in blocks:
        start = block.get("valid_from", 0)
        if academic_year is not None and start > academic_year:
            continue
        current = chosen.get(block["code"])
        if current is None or start >= current.get("valid_from", 0):
            chosen[block["code"]] = block
    return sorted(chosen.values(), key=lambda b: b["code"])


@cache
def _rules_cached(programme: str, academic_year: int | None, user_key: str) -> tuple[Rule, ...]:
    if programme not in PROGRAMMES:
        raise RuleTableError(f"未知的方案「{programme}」（可用：{'、'.join(PROGRAMMES)}）")
    blocks = list(_table("common").get("rule", [])) + _raw_rules(programme)
    for table in _user_tables():
        wanted = table.get("programmes", list(PROGRAMMES))
        if programme in wanted:
            blocks += list(table.get("rule", []))
    return tuple(_to_rule(b, (programme,)) for b in _select(blocks, academic_year))


def rules_for(programme: str, academic_year: int | None = None) -> tuple[Rule, ...]:
    """The rules in force for a programme and 學年度, sorted by code."""
    return _rules_cached(programme, academic_year, os.environ.get("YOUZHI_RULES", ""))


def catalogue(programme: str | None = None, academic_year: int | None = None) -> list[Rule]:
    """Every rule (of one programme, or of all with the programmes each applies to)."""
    if programme is not None:
        return list(rules_for(programme, academic_year))
    merged: dict[str, Rule] = {}
    for prog in PROGRAMMES:
        for rule in rules_for(prog, academic_year):
            if rule.code in merged:
                old = merged[rule.code]
                same = ("title", "limit", "severity", "citation")
                if all(getattr(old, k) == getattr(rule, k) for k in same):
                    merged[rule.code] = Rule(**{**old.__dict__, "programmes": (*old.programmes, prog)})
                    continue
                merged[f"{rule.code}@{prog}"] = rule
            else:
                merged[rule.code] = rule
    return sorted(merged.values(), key=lambda r: (r.code, r.programmes))


def clear_cache() -> None:
    _table.cache_clear()
    _rules_cached.cache_clear()
