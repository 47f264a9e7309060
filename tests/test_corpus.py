"""A corpus of lines written the ways schools write them (tests/corpus/lines.toml), each with the
codes a reviewer would raise. The test asserts every line; ``python tests/test_corpus.py`` prints
the false errors (an error the reviewer would dismiss) and the missed violations."""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

import pytest

import validators
from youzhi.calendar import Semester

CORPUS = Path(__file__).with_name("corpus") / "lines.toml"
PROGRAMMES = {"s": "senior-high", "v": "vocational"}
IGNORED = {"YZ104"}  # the unit differs from the standard's: a form hint on every 式 line


def corpus() -> list[dict]:
    with CORPUS.open("rb") as fh:
        return tomllib.load(fh)["lines"]


def findings(entry: dict) -> list:
    semester = Semester.SECOND if entry.get("sem", 1) == 2 else Semester.FIRST
    return validators.check_line(
        PROGRAMMES[entry.get("p", "s")],
        entry.get("y", 114),
        entry["item"],
        entry["unit"],
        entry["q"],
        entry["price"],
        entry["purpose"],
        semester=semester,
    )


def judged(entry: dict) -> tuple[set[str], set[str], set[str]]:
    """(codes raised, errors raised the reviewer would not, expected codes not raised)."""
    found = [f for f in findings(entry) if f.severity != "info" and f.rule not in IGNORED]
    codes = {f.rule for f in found}
    expected = set(entry["expect"])
    false_errors = {f.rule for f in found if f.severity == "error" and f.rule not in expected}
    return codes, false_errors, expected - codes


def test_corpus_is_large_and_covers_both_programmes():
    lines = corpus()
    assert len(lines) >= 150
    assert sum(1 for e in lines if e.get("p") == "v") >= 30
    assert sum(1 for e in lines if not e["expect"]) >= 50 and sum(1 for e in lines if e["expect"]) >= 50


ENTRIES = corpus()


@pytest.mark.parametrize(
    "entry", ENTRIES, ids=[f"{i}-{e['item']}-{e['purpose'][:12]}" for i, e in enumerate(ENTRIES)]
)
def test_corpus_line(entry):
    codes, _, _ = judged(entry)
    assert codes == set(entry["expect"]), [(f.rule, f.severity, f.message) for f in findings(entry)]


def summary() -> str:
    false_errors = missed = extra_warnings = 0
    for entry in ENTRIES:
        codes, wrong, miss = judged(entry)
        false_errors += len(wrong)
        missed += len(miss)
        extra_warnings += len(codes - set(entry["expect"]) - wrong)
    return (
        f"{len(ENTRIES)} lines: {false_errors} false errors, {missed} missed violations, "
        f"{extra_warnings} unexpected warnings"
    )


if __name__ == "__main__":
    sys.stdout.write(summary() + "\n")
