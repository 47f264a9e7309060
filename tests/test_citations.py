"""Citations a user can look up (issue 10): every citation names its document by title and clause.

Rule tables write ``{手冊}`` … (validators/rules/documents.toml); what users read — findings, the
`youzhi rules` catalogue in every format, the README's catalogue and validators/COVERAGE.md — names
the document in full at least once and never a seed number or a file the product does not ship.
"""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import pytest
from officialish import official_workbook
from test_rule_clauses import BAD
from test_rule_lines import SENIOR_BAD, run

import validators
from validators import documents, ruleset
from youzhi.calendar import Semester
from youzhi.cli import main

ROOT = Path(__file__).resolve().parents[1]
RULES = ROOT / "validators" / "rules"
SEED = re.compile(r"seed\s*0\d\d|shared/seeds|/work/")
TITLES = tuple(d.title for d in documents.documents().values())
OWN = "本工具讀取經費表時的判定"  # YZ001: the reader's own judgement, not a regulation


def _names_a_document(citation: str) -> bool:
    return citation.startswith(OWN) or any(title in citation for title in TITLES)


def test_rule_tables_cite_by_document_key_and_never_by_seed():
    for path in RULES.glob("*.toml"):
        if path.name == "documents.toml":
            continue
        table = tomllib.loads(path.read_text(encoding="utf-8"))
        for rule in table.get("rule", []):
            for field in ("citation", "title", "rationale"):
                assert not SEED.search(rule.get(field, "")), (path.name, rule["code"], field)
            keys = re.findall(r"\{([^{}]+)\}", rule["citation"])
            assert set(keys) <= set(documents.documents()), (rule["code"], keys)


def test_every_loaded_citation_names_its_document_in_full():
    for rule in validators.catalogue():
        assert "{" not in rule.citation and not SEED.search(rule.citation), rule.code
        assert _names_a_document(rule.citation), (rule.code, rule.citation)


def test_first_mention_is_the_full_title_later_ones_the_short_form():
    text = documents.expand("{手冊}表y-3 說明2；{手冊}表y-2 核定金額；{高職要點} 四(一)2")
    assert text == (
        "《109學年度教育部高中優質化輔助方案計畫申請&成果報告撰寫手冊》表y-3 說明2；"
        "同手冊表y-2 核定金額；國教署補助高職優質化輔助方案要點 四(一)2"
    )


def test_an_unknown_document_key_is_a_clear_table_error(tmp_path, monkeypatch):
    extra = tmp_path / "extra.toml"
    extra.write_text(
        '[[rule]]\ncode = "YZ901"\ntitle = "測試"\nkind = "forbidden"\nseverity = "warning"\n'
        'citation = "{不存在的要點} 一"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("YOUZHI_RULES", str(extra))
    with pytest.raises(ruleset.RuleTableError, match="不存在的要點"):
        validators.rules_for("senior-high", 113)


def test_findings_name_documents_not_seeds(tmp_path):
    first = [line for line, _, _ in SENIOR_BAD]
    second = [line for line, _, _ in BAD]
    path = official_workbook(
        tmp_path / "bad.xlsx", blocks={("A", Semester.FIRST): first, ("A", Semester.SECOND): second}
    )
    _, findings = run(path)
    assert len({f.rule for f in findings}) > 40
    for f in findings:
        assert not SEED.search(f.message) and not SEED.search(f.citation), f
        assert _names_a_document(f.citation), f


@pytest.mark.parametrize("fmt", [[], ["--markdown"], ["--json"]], ids=["text", "markdown", "json"])
def test_rules_command_prints_no_seed(capsys, fmt):
    assert main(["rules", *fmt]) == 0
    out = capsys.readouterr().out
    assert not SEED.search(out)
    assert TITLES[0] in out
    if fmt == ["--json"]:
        assert all(_names_a_document(r["citation"]) for r in json.loads(out))


def test_readme_catalogue_and_coverage_name_documents():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    catalogue = readme[readme.index("## 檢核規則一覽") : readme.index("# Developer notes")]
    coverage = (ROOT / "validators" / "COVERAGE.md").read_text(encoding="utf-8")
    for text in (catalogue, coverage):
        assert not SEED.search(text)
        assert "《109學年度教育部高中優質化輔助方案計畫申請&成果報告撰寫手冊》" in text
