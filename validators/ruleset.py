"""Loading the rule tables: ``rules/common.toml`` plus the programme's own table.

Every shipped rule row says whose clause it implements: ``programme = ["senior-high"]`` (the 高中
manual's 注意事項表 and 其他注意事項), ``["vocational"]`` (the 高職 要點), or both (the ministry's
基準表 and 核撥結報作業要點, which both programmes' documents point to, and the form itself).

Inheritance is explicit. The vocational table names the table it takes rules from
(``inherit_from = "senior-high"``) and lists every code it takes (``inherit = [...]``); a code not
listed is not inherited, and a listed rule whose ``programme`` does not include the inheriting
programme stops the load: a 高中-only clause is never silently applied to 高職. Rows of the
programme's own table replace inherited rows of the same code.

A rule may carry ``valid_from`` (學年度): the latest version of a code whose ``valid_from`` ≤ the
budget's 學年度 applies, so a new year's change is a new block, not an edit. Users add or replace
rules with TOML files of the same shape named in ``YOUZHI_RULES`` (path-separated), no code change;
their rows may leave ``programme`` out (the file's ``programmes``, else every programme).

Rows and their ``params`` are checked when the tables load: a misspelt key stops the load with a
zh-TW message naming the rule and the key. So are a row's message templates (its kind's defaults in
``[messages.<kind>]`` of common.toml, overridden by the row's own ``message*`` keys: each must be
a template its kind fills, naming only fields the kind gives) and its
``[rule.example]`` (fire / quiet): the tables of what a row may say are ``validators.schema``.
"""

from __future__ import annotations

import os
import re
import tomllib
from functools import cache
from pathlib import Path
from string import Formatter
from typing import Any

from validators.documents import UnknownDocument, expand
from validators.finding import SEVERITIES, Rule
from validators.schema import (
    BASES,
    CASE_KEYS,
    CHANGE_KEYS,
    KIND_MESSAGES,
    KIND_PARAMS,
    LINE_KEYS,
    MESSAGE_GROUPS,
    PAYEES,
    ROW_KEYS,
    WORKBOOK_KEYS,
)

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


def _own_rows(name: str) -> list[dict[str, Any]]:
    """A shipped table's own rows, each stating it implements a clause of this programme."""
    rows = list(_table(name).get("rule", []))
    for row in rows:
        wanted = PROGRAMMES if name == "common" else (name,)
        missing = [p for p in wanted if p not in row.get("programme", ())]
        if missing:
            raise RuleTableError(
                f"規則表 {name}.toml 的規則 {row.get('code')} 未註明適用方案 "
                f"{'、'.join(missing)}（programme）"
            )
    return rows


def _raw_rules(programme: str) -> list[dict[str, Any]]:
    """Every rule block that applies to a programme, in table order (later blocks override)."""
    table = _table(programme)
    if "based_on" in table or "remove" in table:
        raise RuleTableError(f"規則表 {programme}.toml 請以 inherit_from 與 inherit 逐條列出沿用的規則")
    inherited: list[dict[str, Any]] = []
    if "inherit_from" in table:
        base = _raw_rules(table["inherit_from"])
        codes = {row["code"] for row in base}
        for code in table.get("inherit", []):
            if code not in codes:
                raise RuleTableError(
                    f"規則表 {programme}.toml 沿用的規則 {code} 不在 {table['inherit_from']}"
                )
        wanted = set(table.get("inherit", []))
        inherited = [row for row in base if row["code"] in wanted]
        for row in inherited:
            if programme not in row.get("programme", ()):
                raise RuleTableError(
                    f"規則 {row['code']} 是「{'、'.join(row.get('programme', ()))}」方案的條文，"
                    f"{programme} 不能沿用（請在 {programme}.toml 依其要點另列）"
                )
    return inherited + _own_rows(programme)


def _frozen(value: Any) -> Any:
    """Lists in params become tuples (keyword lists are then cached as compiled patterns)."""
    if isinstance(value, list):
        return tuple(_frozen(v) for v in value)
    if isinstance(value, dict):
        return {k: _frozen(v) for k, v in value.items()}
    return value


def _check_params(raw: dict[str, Any]) -> None:
    code, kind = raw.get("code"), raw.get("kind")
    if kind not in KIND_PARAMS:
        return  # a kind added without its params listed here: the engine still refuses unknown kinds
    params = raw.get("params", {})
    unknown = sorted(set(params) - KIND_PARAMS[kind])
    if unknown:
        allowed = "、".join(sorted(KIND_PARAMS[kind])) or "（無）"
        raise RuleTableError(f"規則 {code} 的參數 {'、'.join(unknown)} 不是 {kind} 的參數（可用：{allowed}）")
    for case in params.get("cases", ()):
        bad = sorted(set(case) - CASE_KEYS)
        if bad or "limit" not in case:
            raise RuleTableError(f"規則 {code} 的 cases 有不明的鍵 {'、'.join(bad) or '（缺 limit）'}")
        if "payee" in case and case["payee"] not in PAYEES:
            raise RuleTableError(f"規則 {code} 的 cases.payee「{case['payee']}」不是 {'/'.join(PAYEES)}")
    if "per" in params:
        from youzhi import purpose  # wording.toml names the units a cap may be per

        if params["per"] not in purpose.vocabulary()["caps"]:
            raise RuleTableError(f"規則 {code} 的 per「{params['per']}」不是 wording.toml 的計價單位")
    if params.get("basis", "recurrent") not in BASES:
        raise RuleTableError(f"規則 {code} 的 basis「{params['basis']}」不是 {'/'.join(BASES)}")


def _fields(template: str) -> set[str]:
    return {re.split(r"[.\[]", name)[0] for _text, name, _spec, _conv in Formatter().parse(template) if name}


@cache
def _default_messages() -> dict[str, dict[str, str]]:
    return _table("common").get("messages", {})


def _messages(raw: dict[str, Any]) -> dict[str, str]:
    """The row's message templates: its kind's defaults, then the row's own ``message*`` keys."""
    code, kind = raw.get("code"), raw.get("kind")
    own = {k: v for k, v in raw.items() if k.startswith("message")}
    group = _default_messages().get(MESSAGE_GROUPS.get(kind, ""), {})
    templates = {**group, **_default_messages().get(kind, {}), **own}
    wanted = KIND_MESSAGES.get(kind)
    if wanted is None:
        if own:
            raise RuleTableError(f"規則 {code} 的種類 {kind} 不使用訊息範本（{'、'.join(own)}）")
        return templates
    for name in sorted(set(wanted) - set(templates)):
        raise RuleTableError(f"規則 {code} 缺訊息範本 {name}")
    for name, template in templates.items():
        if name not in wanted:
            raise RuleTableError(
                f"規則 {code} 的訊息範本 {name} 不是 {kind} 的範本（可用：{'、'.join(wanted)}）"
            )
        unknown = sorted(_fields(template) - wanted[name])
        if unknown:
            allowed = "、".join(sorted(wanted[name])) or "（無）"
            raise RuleTableError(
                f"規則 {code} 的訊息範本 {name} 用了不明的欄位 {'、'.join(unknown)}（可用：{allowed}）"
            )
    return templates


def check_example(raw: dict[str, Any]) -> None:
    example = raw.get("example")
    if example is None:
        return
    code = raw.get("code")
    if set(example) != {"fire", "quiet"}:
        raise RuleTableError(f"規則 {code} 的 example 應有 fire 與 quiet 兩例")
    for case in example.values():
        if "old" in case or "new" in case:
            keys, lines = CHANGE_KEYS, [*case.get("old", ()), *case.get("new", ())]
        else:
            keys = WORKBOOK_KEYS if "lines" in case else LINE_KEYS
            lines = case.get("lines", [case] if keys is LINE_KEYS else [])
        bad = sorted((set(case) - keys) | {k for ln in lines for k in set(ln) - LINE_KEYS})
        if bad:
            raise RuleTableError(f"規則 {code} 的 example 有不明的鍵 {'、'.join(bad)}")


def _to_rule(raw: dict[str, Any], programmes: tuple[str, ...]) -> Rule:
    unknown = sorted(k for k in set(raw) - ROW_KEYS if not k.startswith("message"))
    if unknown:
        raise RuleTableError(f"規則 {raw.get('code')} 有不明的欄位 {'、'.join(unknown)}")
    severity = raw.get("severity", "")
    if severity not in SEVERITIES:
        raise RuleTableError(f"規則 {raw.get('code')} 的嚴重度「{severity}」不是 error/warning/info")
    bad = [p for p in raw.get("programme", ()) if p not in PROGRAMMES]
    if bad:
        raise RuleTableError(f"規則 {raw.get('code')} 的 programme「{'、'.join(bad)}」不是已知的方案")
    _check_params(raw)
    check_example(raw)
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
        example=_frozen(dict(raw.get("example", {}))),
        messages=_messages(raw),
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
    blocks = _own_rows("common") + _raw_rules(programme)
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
    _default_messages.cache_clear()
    _rules_cached.cache_clear()
