"""The validators package: catalogue, tables, coverage of every rule by a real-workbook test, check_line."""

from __future__ import annotations

import test_review_workbook
import test_rule_clauses
import test_rule_lines
import test_rule_vocational
import test_rule_workbook

import validators
from validators import names, wages
from validators.engine import BUDGET_KINDS, LINE_KINDS
from youzhi.calendar import Semester

# Rules exercised by test_rule_workbook.py (shares, totals, workbook) beyond the line tables.
WORKBOOK_TESTED = {
    "YZ001", "YZ301", "YZ302", "YZ303", "YZ304", "YZ305", "YZ306", "YZ307", "YZ308", "YZ309", "YZ310",
    "YZ320", "YZ330", "YZ501", "YZ502", "YZ503", "YZ504",
}  # fmt: skip


def test_every_rule_has_a_kind_a_citation_and_a_firing_test():
    fired = {rule for _, rule, _ in test_rule_lines.SENIOR_BAD}
    fired |= {rule for _, rule, _ in test_rule_vocational.VOC_BAD if rule} | {"YZ311", "YZ312"}
    fired |= WORKBOOK_TESTED | test_review_workbook.FIRED
    fired |= {rule for _, rule, _ in test_rule_clauses.BAD} | {"YZ340"}  # YZ340: six_year tests
    assert test_rule_workbook.SHARES_1  # the module the workbook rules are tested in
    for rule in validators.catalogue():
        assert rule.kind in LINE_KINDS or rule.kind in BUDGET_KINDS, rule.code
        assert rule.citation and rule.title and rule.severity in ("error", "warning", "info")
        assert rule.code in fired, f"{rule.code} has no test in which it fires"


def test_principles_are_warnings_and_stated_limits_errors():
    rules = {r.code: r for r in validators.catalogue("senior-high")}
    for code in ("YZ301", "YZ303", "YZ304", "YZ305", "YZ306", "YZ307", "YZ308", "YZ309", "YZ310", "YZ330"):
        assert rules[code].severity == "warning" and "原則" in rules[code].citation
    for code in ("YZ103", "YZ201", "YZ206", "YZ302", "YZ320", "YZ401"):
        assert rules[code].severity == "error"
    # stated prohibitions (不得 / 不予補助 / 僅得) are errors; routine-ness, a student's own trip and the
    # 國中部 band (tied to the size of the 國中部) are for the reviewer to judge: warnings
    for code in ("YZ110", "YZ409", "YZ410", "YZ411", "YZ413", "YZ414", "YZ415", "YZ416"):
        assert rules[code].severity == "error", code
    for code in ("YZ340", "YZ412", "YZ417"):
        assert rules[code].severity == "warning", code


def test_vocational_table_says_where_it_differs():
    senior = {r.code: r for r in validators.catalogue("senior-high")}
    voc = {r.code: r for r in validators.catalogue("vocational")}
    assert "YZ310" in senior and "YZ310" not in voc
    assert {"YZ311", "YZ312", "YZ408"} <= set(voc) and not {"YZ311", "YZ312", "YZ408"} & set(senior)
    assert voc["YZ404"].severity == "error" and senior["YZ404"].severity == "warning"
    assert voc["YZ212"].limit == 5000 and senior["YZ212"].limit == 10000


def test_user_rule_file_replaces_a_rule(tmp_path, monkeypatch):
    extra = tmp_path / "rules.toml"
    extra.write_text(
        '[[rule]]\ncode = "YZ207"\ntitle = "材料費超過每人每次 250 元"\nkind = "unit_cap"\n'
        'severity = "error"\nitems = ["材料費"]\nlimit = 250\nvalid_from = 115\n'
        'citation = "115學年度新規定"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("YOUZHI_RULES", str(extra))
    by_year = {ay: {r.code: r for r in validators.rules_for("senior-high", ay)} for ay in (114, 115)}
    assert by_year[114]["YZ207"].limit == 200 and by_year[115]["YZ207"].limit == 250


def test_minimum_wage_by_semester():
    # 學年度 114: 上學期 2025-08 → 190 元; 下學期 2026-01 → 196 元; 109 上學期 2020-08 → 158 元.
    assert wages.minimum_wage(114, Semester.FIRST).hourly == 190
    assert wages.minimum_wage(115, Semester.SECOND).hourly == 196
    assert wages.minimum_wage(109, Semester.FIRST).hourly == 158
    later = wages.minimum_wage(116, Semester.SECOND)
    assert later.hourly == 196 and later.beyond_table


def test_near_miss_names():
    assert names.suggestions("senior-high", 114, "交通費") == ("國內旅費、短程車資、運費",)
    assert names.suggestions("senior-high", 114, "工讀金")[0] == "臨時工作人員/工讀費"
    assert set(names.suggestions("senior-high", 114, "鐘點費")[:2]) == {"講座鐘點費", "授課鐘點費"}
    assert names.canonical("senior-high", 114, "臨時工作人員／工讀費 ") == "臨時工作人員/工讀費"


def _rules(found):
    return [(f.rule, f.severity) for f in found]


def test_check_line_for_the_udf():
    # 114 上學期: 1.2 × 190 = 228 元 an hour.
    assert (
        _rules(validators.check_line("senior-high", 114, "臨時工作人員/工讀費", "小時", 10, 228, "工讀生"))
        == []
    )
    found = validators.check_line("senior-high", 114, "臨時工作人員/工讀費", "小時", 10, 229, "工讀生")
    assert _rules(found) == [("YZ206", "error")] and found[0].limit == 228 and found[0].cell == ""
    # 下學期 (2026): 1.2 × 196 = 235.2 元.
    assert validators.check_line("senior-high", 114, "臨時工作人員/工讀費", "小時", 1, 235, "工讀生",
                                 semester=Semester.SECOND) == []  # fmt: skip
    assert _rules(validators.check_line("senior-high", 114, "講座鐘點費", "節", "２", "2,500", "外聘")) == [
        ("YZ201", "error")
    ]
    assert _rules(validators.check_line("senior-high", 114, "講座鐘點費", "節", 2, 2000, "")) == [
        ("YZ101", "error"),
        ("YZ202", "info"),
    ]
    # 交通費 is a name people write for 國內旅費、短程車資、運費 (data/items.toml): no YZ102 any more
    assert _rules(validators.check_line("senior-high", 114, "交通費", "人次", 1, 500, "講師交通")) == []
    assert _rules(validators.check_line("senior-high", 114, "講座鐘點", "節", 1, 500, "講座")) == [
        ("YZ102", "warning")
    ]
    # the 每臺 3 萬元 laptop cap is the 高中 manual's (其他注意事項 五); the 高職 要點 has none
    assert _rules(validators.check_line("vocational", 114, "筆記型電腦", "臺", 1, 35000, "教學")) == []
    assert _rules(validators.check_line("senior-high", 114, "筆記型電腦", "臺", 1, 35000, "教學")) == [
        ("YZ223", "warning")
    ]
