"""Programme scope as data: every row says whose clause it implements, vocational inherits only what
it lists (and only 基準表 / 作業要點 rows), params are checked on load, vocational shares divide by
經常門補助費用 (the ministry's recurrent subsidy, 要點 四(二)1)."""

from __future__ import annotations

import shutil
import tomllib

import pytest
from officialish import official_workbook
from test_rule_lines import GR, L, run

import validators
from validators import ruleset
from youzhi.calendar import Semester


def _rows(name):
    with (ruleset.RULES_DIR / f"{name}.toml").open("rb") as fh:
        return tomllib.load(fh)["rule"]


def test_every_shipped_row_names_its_programme():
    for name in ("common", "senior-high", "vocational"):
        for row in _rows(name):
            assert row.get("programme"), (name, row["code"])
            assert set(row["programme"]) <= set(ruleset.PROGRAMMES), (name, row["code"])


def test_vocational_rules_are_vocational_clauses():
    rows = {r["code"]: r for name in ("common", "senior-high", "vocational") for r in _rows(name)}
    own = {r["code"] for r in _rows("vocational")}
    for rule in validators.rules_for("vocational", 114):
        source = (
            next(r for r in _rows("vocational") if r["code"] == rule.code)
            if rule.code in own
            else rows[rule.code]
        )
        assert "vocational" in source["programme"], rule.code


def test_senior_high_only_clauses_do_not_reach_vocational():
    voc = {r.code for r in validators.rules_for("vocational", 114)}
    senior = {r.code for r in validators.rules_for("senior-high", 114)}
    # 稿費 3 %, 工讀 5 %, 資本門 ½, 授課 400/550, 補救教學, 設備 單價: the 高中 manual's clauses
    for code in ("YZ302", "YZ303", "YZ330", "YZ203", "YZ204", "YZ405", "YZ221", "YZ223"):
        assert code in senior and code not in voc, code
    # the 基準表 / 作業要點 rows and the 要點's own rows do
    for code in ("YZ201", "YZ205", "YZ206", "YZ213", "YZ320", "YZ402", "YZ410", "YZ311", "YZ312", "YZ408"):
        assert code in voc, code


@pytest.fixture
def rules_dir(tmp_path, monkeypatch):
    for name in ("common", "senior-high", "vocational"):
        shutil.copy(ruleset.RULES_DIR / f"{name}.toml", tmp_path / f"{name}.toml")
    monkeypatch.setattr(ruleset, "RULES_DIR", tmp_path)
    ruleset.clear_cache()
    yield tmp_path
    ruleset.clear_cache()


def test_inheriting_a_senior_high_clause_stops_the_load(rules_dir):
    path = rules_dir / "vocational.toml"
    path.write_text(
        path.read_text(encoding="utf-8").replace('inherit = ["YZ201"', 'inherit = ["YZ302", "YZ201"'), "utf-8"
    )
    with pytest.raises(ruleset.RuleTableError, match=r"YZ302.*不能沿用"):
        ruleset.rules_for("vocational", 114)
    assert ruleset.rules_for("senior-high", 114)  # the senior-high table itself is fine


def test_inheriting_an_unknown_code_stops_the_load(rules_dir):
    path = rules_dir / "vocational.toml"
    path.write_text(
        path.read_text(encoding="utf-8").replace('inherit = ["YZ201"', 'inherit = ["YZ999", "YZ201"'), "utf-8"
    )
    with pytest.raises(ruleset.RuleTableError, match="YZ999"):
        ruleset.rules_for("vocational", 114)


def test_a_row_without_programme_stops_the_load(rules_dir):
    path = rules_dir / "senior-high.toml"
    text = path.read_text(encoding="utf-8").replace(
        'code = "YZ302"\nprogramme = ["senior-high"]\n', 'code = "YZ302"\n'
    )
    path.write_text(text, "utf-8")
    with pytest.raises(ruleset.RuleTableError, match=r"YZ302.*programme"):
        ruleset.rules_for("senior-high", 114)


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        ('[rule.params]\npre = "人次"\n', "pre"),  # misspelt per
        ('[rule.params]\nper = "人時"\n', "人時"),  # no such cap unit
        ("limt = 200\n", "limt"),  # misspelt row key
        ('[[rule.params.cases]]\nlabel = "x"\nkeyword = ["x"]\nlimit = 1\n', "keyword"),
    ],
)
def test_misspelt_keys_fail_loudly(tmp_path, monkeypatch, extra, words):
    path = tmp_path / "mine.toml"
    path.write_text(
        '[[rule]]\ncode = "YZ207"\ntitle = "材料費"\nkind = "unit_cap"\nseverity = "error"\n'
        'items = ["材料費"]\nlimit = 250\ncitation = "自訂"\n' + extra,
        encoding="utf-8",
    )
    monkeypatch.setenv("YOUZHI_RULES", str(path))
    with pytest.raises(ruleset.RuleTableError, match=words):
        ruleset.rules_for("senior-high", 114)


def test_vocational_shares_divide_by_the_recurrent_subsidy(tmp_path):
    """入學獎學金 20,000 元; 經常門 120,000 元 of which 50,000 元 自籌: of every source 20/120 = 16.7 %
    (quiet), of the subsidy 20/70 = 28.6 % > 20 % → YZ311."""
    own = L("雜支", "式", 1, 50, "文具紙張")
    own["source"] = "自籌款"
    lines = [
        L("學生入學獎學金", "人次", 2, 10, "入學成績優秀", cat=GR),
        L("材料費", "人次", 250, 0.2, "實習材料"),
        own,
    ]
    path = official_workbook(
        tmp_path / "v.xlsx", programme="vocational", academic_year=114, blocks={("一", Semester.FIRST): lines}
    )
    budget, findings = run(path)
    assert sum(ln.computed_total for ln in budget.lines) == 120_000
    (hit,) = [f for f in findings if f.rule == "YZ311"]
    assert hit.value == "0.2857" and "經常門補助費用" in hit.message and "70,000 元" in hit.message  # 20/70
    senior = official_workbook(tmp_path / "s.xlsx", academic_year=114, blocks={("A", Semester.FIRST): lines})
    _, findings = run(senior)
    assert [f for f in findings if f.rule in ("YZ310", "YZ311")] == []  # 高中: 20/120 of 經常門
