"""The keyword gates of validators.engine: a keyword rule (forbidden, equipment_cap,
durable_in_recurrent) is called only for a line that says one of its words, so the gate must never
keep a rule from a line it would fire on, and must keep the rules from a line that says none."""

from __future__ import annotations

import pytest

from validators import engine
from validators.ruleset import rules_for
from youzhi import forms, purpose

CASES = [(p, y) for p in ("senior-high", "vocational") for y in (114, 115, 116)]


@pytest.mark.parametrize(("programme", "year"), CASES)
def test_every_gated_rule_that_fires_in_its_example_passes_its_gate(programme, year):
    gated = [r for r in rules_for(programme, year) if engine._gate(r) is not None]
    assert {r.kind for r in gated} == set(engine.KEYWORD_KINDS) or programme == "vocational"
    split = engine._split(rules_for(programme, year))
    for rule in gated:
        fire = rule.example.get("fire", {})
        said = [purpose.fold(str(fire.get(k, "")).lower()) for k in ("item", "purpose")]
        assert any(engine._gate(rule).search(t) for t in said), rule.code
        assert any(split.any_word.search(t) for t in said), rule.code
        item = fire.get("item", "")
        category = fire.get("category") or forms.category_of(programme, year, item) or forms.OPERATING
        found = engine.check_line(
            programme, year, item, fire.get("unit", ""), fire.get("quantity"),
            None if fire.get("price") is None else fire["price"] * 1000, fire.get("purpose", ""), category,
        )  # fmt: skip
        if "sheet" not in fire:  # a line example: the engine, gates and all, still fires it
            assert rule.code in {f.rule for f in found}, (rule.code, found)


def test_a_line_that_says_no_keyword_never_calls_a_keyword_rule(monkeypatch):
    called = []
    for kind in engine.KEYWORD_KINDS:
        original = engine.LINE_KINDS[kind]

        def spy(rule, line, env, _original=original):
            called.append(rule.code)
            return _original(rule, line, env)

        monkeypatch.setitem(engine.LINE_KINDS, kind, spy)
    engine.check_line("senior-high", 115, "講座鐘點費", "節", 2, 2000, "辦理教師專業社群研習")
    assert called == []
    engine.check_line("senior-high", 115, "物品費", "臺", 1, 25000, "購買筆記型電腦一臺")
    assert called  # a computer: the equipment and durable-goods rules are asked
