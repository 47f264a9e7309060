"""`youzhi diff`: hand-built version pairs (official-looking workbooks written by XlsxWriter, read back
by the reader) with the differences worked out by hand, in 元 (the sheets hold 千元).

The base version (109 學年度, 直轄市立, 臺南市: tier 3, maximum rate 88 % = 22/25):
  A 8-12月  講座鐘點費 10 節 × 2 千元 = 20,000; 印刷費 100 份 × 0.05 = 5,000; 膳宿費 40 人次 × 0.08 = 3,200
  A 1-7月   諮詢費、輔導費、指導費 5 人次 × 2 = 10,000
  B 8-12月  實物投影機 2 臺 × 15 = 30,000 (資本門); 筆記型電腦 1 臺 × 30 = 30,000 (資本門)
  total 98,200 = 經常門 38,200 + 資本門 60,000, all 教育部補助款.
The revised version:
  講座鐘點費 12 節 (changed: 24,000); 印刷費 removed; 雜支 1 式 × 3 = 3,000 added to A 8-12月;
  諮詢費 moved to B 1-7月 unchanged; the 實物投影機 line becomes 物品費 2 個 × 9 = 18,000 in 業務費
  (a capital-to-recurrent move, same purpose); 筆記型電腦 and 膳宿費 unchanged.
  total 24,000 + 3,200 + 3,000 + 18,000 + 30,000 + 10,000 = 88,200 = 經常門 58,200 + 資本門 30,000.
"""

from __future__ import annotations

import contextlib
import io
import json

import pytest
from officialish import _ln, official_workbook

from youzhi import cli, diff_rules
from youzhi.calendar import Semester
from youzhi.cmd.diff import parse_approved
from youzhi.diff import ADDED, CHANGED, MOVED, REMOVED, diff
from youzhi.errors import YouzhiError
from youzhi.reader import read_budget

F, S = Semester.FIRST, Semester.SECOND
SCHOOL = {"學校名稱": "臺南市立示範高中", "主管機關": "直轄市立", "所在縣市": "臺南市"}
LECTURE = _ln("業務費", "講座鐘點費", "節", 10, 2, purpose="專家講座：課程設計")
PRINTING = _ln("業務費", "印刷費", "份", 100, 0.05, purpose="成果手冊印製")
MEALS = _ln("業務費", "膳宿費", "人次", 40, 0.08, purpose="研習午餐")
ADVICE = _ln("業務費", "諮詢費、輔導費、指導費", "人次", 5, 2, purpose="課程諮詢")
PROJECTOR = _ln("設備及投資", "實物投影機", "臺", 2, 15, purpose="課堂教學展示用")
LAPTOP = _ln("設備及投資", "筆記型電腦", "臺", 1, 30, purpose="課程教學使用")
BASE = {("A", F): [LECTURE, PRINTING, MEALS], ("A", S): [ADVICE], ("B", F): [PROJECTOR, LAPTOP]}
REVISED = {
    ("A", F): [{**LECTURE, "quantity": 12}, MEALS, _ln("業務費", "雜支", "式", 1, 3, purpose="文具")],
    ("B", F): [_ln("業務費", "物品費", "個", 2, 9, purpose="課堂教學展示用"), LAPTOP],
    ("B", S): [ADVICE],
}


def _write(path, blocks, **options):
    return official_workbook(path, blocks=blocks, school_sheet=SCHOOL, **options)


@pytest.fixture
def pair(tmp_path):
    return _write(tmp_path / "核定版.xlsx", BASE), _write(tmp_path / "變更版.xlsx", REVISED)


@pytest.fixture
def budgets(pair):
    return read_budget(pair[0]), read_budget(pair[1])


def _by_item(d):
    return {c.item: c for c in d.changes}


def test_each_kind_of_line_change_with_old_and_new_figures(budgets):
    d = diff(*budgets)
    got = _by_item(d)
    assert {k: c.kind for k, c in got.items()} == {
        "講座鐘點費": CHANGED,
        "印刷費": REMOVED,
        "雜支": ADDED,
        "諮詢費、輔導費、指導費": MOVED,
        "物品費": CHANGED,  # the projector line, now recurrent, in the same block
    }
    lecture = got["講座鐘點費"]
    assert [(f.label, f.old, f.new) for f in lecture.fields] == [("數量", 10, 12), ("總價", 20_000, 24_000)]
    assert (got["印刷費"].old_amount, got["印刷費"].new_amount) == (5_000, 0)
    assert (got["雜支"].old_amount, got["雜支"].new_amount) == (0, 3_000)
    moved = got["諮詢費、輔導費、指導費"]
    assert (moved.old.place.label, moved.new.place.label, moved.fields) == ("A 1-7月", "B 1-7月", ())
    projector = got["物品費"]
    assert projector.old.line.item == "實物投影機"
    assert {f.label: (f.old, f.new) for f in projector.fields} == {
        "名稱": ("實物投影機", "物品費"),
        "單位": ("臺", "個"),
        "單價": (15_000, 9_000),
        "總價": (30_000, 18_000),
        "一級用途別": ("設備及投資", "業務費"),
        "經常/資本": ("資本門", "經常門"),
    }
    assert len(d.lines) == 7  # two lines unchanged (膳宿費, 筆記型電腦)


def test_aggregates_per_block_source_door_and_item(budgets):
    d = diff(*budgets)
    table = lambda rows: {x.label: (x.old, x.new, x.difference) for x in rows}  # noqa: E731
    assert table(d.blocks) == {
        "A 8-12月": (28_200, 30_200, 2_000),  # 20,000+5,000+3,200 → 24,000+3,200+3,000
        "A 1-7月": (10_000, 0, -10_000),
        "B 8-12月": (60_000, 48_000, -12_000),  # 30,000+30,000 → 18,000+30,000
        "B 1-7月": (0, 10_000, 10_000),
    }
    assert table(d.sources)["教育部補助款"] == (98_200, 88_200, -10_000)
    assert table(d.doors) == {"經常門": (38_200, 58_200, 20_000), "資本門": (60_000, 30_000, -30_000)}
    items = table(d.items)
    assert items["講座鐘點費"] == (20_000, 24_000, 4_000)
    assert items["印刷費"] == (5_000, 0, -5_000)
    assert items["物品費"] == (0, 18_000, 18_000)
    assert items["膳宿費"] == (3_200, 3_200, 0)
    assert (d.total.old, d.total.new) == (98_200, 88_200)


def test_match_before_and_after(budgets):
    d = diff(*budgets)
    # required = ⌈S × 3/22⌉: 294,600/22 = 13,390.9 → 13,391; 264,600/22 = 12,027.3 → 12,028
    assert (d.match_old.subsidy, d.match_old.required) == (98_200, 13_391)
    assert (d.match_new.subsidy, d.match_new.required) == (88_200, 12_028)


def test_change_rules_fire_on_the_revision(budgets):
    d = diff(*budgets)
    found = diff_rules.change_findings(d, {"A": 30_000, "B": 60_000})
    codes = [f.rule for f in found]
    assert codes.count("YZ601") == 2  # the whole plan and the projector line
    whole = next(f for f in found if f.rule == "YZ601" and not f.sheet)
    assert whole.severity == "error" and whole.value == 20_000  # min(60,000−30,000, 58,200−38,200)
    line = next(f for f in found if f.rule == "YZ601" and f.sheet)
    assert line.sheet == "B(8-12月)" and "實物投影機" in line.message
    assert "八(三)" in whole.citation and "seed" not in whole.citation
    assert "YZ602" in codes  # 業務費 +20,000 ↔ 設備及投資 −30,000
    removed_added = sorted(f.message.split("「")[1].split("」")[0] for f in found if f.rule == "YZ603")
    assert removed_added == sorted(["印刷費", "實物投影機", "雜支", "物品費"])
    assert next(f for f in found if f.rule == "YZ605").value == -10_000
    assert "YZ604" not in codes  # all 教育部補助款 before and after: ratio 1 = 1
    above = [f for f in found if f.rule == "YZ607"]
    assert [(f.value, f.limit) for f in above] == [(30_200, 30_000)]  # A over by 200; B 58,000 ≤ 60,000


def test_change_rules_stay_quiet_without_a_change(budgets):
    old, _ = budgets
    assert diff_rules.change_findings(diff(old, old), {"A": 28_200 + 10_000, "B": 60_000}) == []


def test_a_plain_cut_needs_consent_for_the_amount_only(tmp_path, budgets):
    old, _ = budgets
    fewer = {**BASE, ("A", F): [{**LECTURE, "quantity": 8}, PRINTING, MEALS]}  # 20,000 → 16,000
    less_capital = {**BASE, ("B", F): [PROJECTOR, {**LAPTOP, "unit_price": 25}]}  # 30,000 → 25,000
    for blocks in (fewer, less_capital):
        new = read_budget(_write(tmp_path / "cut.xlsx", blocks))
        found = diff_rules.change_findings(diff(old, new), {"A": 38_200, "B": 60_000})
        assert [f.rule for f in found] == ["YZ605"]  # no flow, no new item, ratio 1, under approval


def test_an_inserted_line_shifts_the_rest_without_changing_them(tmp_path, budgets):
    old, _ = budgets
    first = _ln("業務費", "講座鐘點費", "節", 1, 2, purpose="新增講座：期末發表")
    new = read_budget(_write(tmp_path / "inserted.xlsx", {**BASE, ("A", F): [first, *BASE[("A", F)]]}))
    d = diff(old, new)
    assert [(c.kind, c.new.line.purpose) for c in d.changes] == [(ADDED, "新增講座：期末發表")]
    # only the new line's own finding appears (no 內聘/外聘 in its purpose); the workbook-wide
    # 講座鐘點費 share (YZ301, shown on the first lecture line) stays although its cell changed
    assert [(f.rule, f.cell) for f in d.appeared] == [("YZ202", "E6")]
    assert d.disappeared == []


def test_subsidy_ratio_and_overhead_rules(tmp_path):
    old = read_budget(_write(tmp_path / "a.xlsx", {("A", F): [LECTURE, MEALS]}))
    paid_by_school = {**MEALS, "source": "自籌款"}
    utilities = _ln("業務費", "雜支", "式", 1, 2, purpose="計畫辦公室水電費")
    new = read_budget(_write(tmp_path / "b.xlsx", {("A", F): [LECTURE, paid_by_school, utilities]}))
    found = {f.rule: f for f in diff_rules.change_findings(diff(old, new))}
    # 23,200 all subsidy → (20,000 + 2,000) of 25,200 = 87.30 % (3,200 now 自籌款)
    assert "由 100.00% 變為 87.30%" in found["YZ604"].message
    assert found["YZ606"].value == 2_000 and found["YZ606"].sheet == "A(8-12月)"
    assert "八(二)" in found["YZ606"].citation


def test_diff_with_itself_reports_no_change(budgets):
    old, _ = budgets
    d = diff(old, old)
    assert d.unchanged and d.changes == [] and all(x.difference == 0 for x in d.blocks + d.items)


def test_inserted_rows_and_renamed_sheets_change_nothing(tmp_path, budgets):
    old, _ = budgets
    names = {("A", F): "子計畫A上", ("A", S): "子計畫A下", ("B", F): "B上學期"}
    shifted = _write(tmp_path / "shifted.xlsx", BASE, blank_rows=(0,), sheet_names=names)
    new = read_budget(shifted)
    assert [ln.row for ln in new.lines][:2] != [ln.row for ln in old.lines][:2]  # rows really moved
    d = diff(old, new)
    assert d.changes == [] and d.appeared == [] and d.disappeared == []


def test_diff_is_symmetric(budgets):
    forward, backward = diff(*budgets), diff(*reversed(budgets))
    mirror = {ADDED: REMOVED, REMOVED: ADDED, CHANGED: CHANGED, MOVED: MOVED}

    def pairs(d, flip):
        out = set()
        for c in d.changes:
            a = c.old and (c.old.place.sheet, c.old.place.row)
            b = c.new and (c.new.place.sheet, c.new.place.row)
            out.add((mirror[c.kind], b, a) if flip else (c.kind, a, b))
        return out

    assert pairs(forward, False) == pairs(backward, True)
    rules = lambda fs: sorted(f.rule for f in fs)  # noqa: E731
    assert rules(forward.appeared) == rules(backward.disappeared)
    assert rules(forward.disappeared) == rules(backward.appeared)


def test_findings_appeared_and_disappeared(budgets):
    d = diff(*budgets)
    assert "YZ330" in [f.rule for f in d.disappeared]  # 資本門 60,000 of 98,200 (61%) > 50 %: gone at 34 %
    assert all(f.rule != "YZ330" for f in d.appeared)


def test_approval_per_subplan_and_match_on_the_approved_subsidy(budgets):
    _, new = budgets
    approval = diff_rules.approval(new, {"A": 30_000, "B": 60_000})
    assert [(r.code, r.approved, r.budgeted, r.difference) for r in approval.rows] == [
        ("A", 30_000, 30_200, 200),
        ("B", 60_000, 58_000, -2_000),
    ]
    # 90,000 × 3/22 = 12,272.7 → 12,273
    assert (approval.match.subsidy, approval.match.required) == (90_000, 12_273)
    assert diff_rules.approval(new, {}) is None


def test_approved_from_y2_of_the_new_version(tmp_path):
    path = _write(tmp_path / "核定.xlsx", REVISED, approved={"A": 30, "B": 60})  # 千元 on y-2
    approval = diff_rules.approval(read_budget(path))
    assert [(r.code, r.approved) for r in approval.rows] == [("A", 30_000), ("B", 60_000)]
    assert diff_rules.approval(read_budget(path), {"A": 31_000}).rows[0].approved == 31_000


def test_parse_approved():
    assert parse_approved("A=800000,B=450,000") == {"A": 800_000, "B": 450_000}
    assert parse_approved("a=1,200，B＝3") == {"A": 1_200, "B": 3}  # full-width forms tolerated
    with pytest.raises(YouzhiError, match="--approved"):
        parse_approved("A800000")
    with pytest.raises(YouzhiError, match="--approved"):
        parse_approved("A=八十萬")


def _run(*argv):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(list(argv))
    return code, out.getvalue(), err.getvalue()


def test_cli_json_and_exit_status(pair):
    code, out, _ = _run("diff", str(pair[0]), str(pair[1]), "--json", "--approved", "A=30000,B=60000")
    data = json.loads(out)
    assert code == 1  # YZ601 is an error
    assert {c["kind"] for c in data["lines"]} == {ADDED, REMOVED, CHANGED, MOVED}
    assert data["total"] == {"label": "合計", "old": 98_200, "new": 88_200, "difference": -10_000}
    assert data["approval"]["match"]["required"] == 12_273
    assert any(f["rule"] == "YZ601" for f in data["change_findings"])


def test_cli_same_file_is_quiet(pair):
    code, out, _ = _run("diff", str(pair[0]), str(pair[0]))
    assert code == 0 and "兩個版本沒有差異" in out


def test_cli_refuses_to_overwrite_an_input_and_explains_bad_files(pair, tmp_path):
    before = pair[1].read_bytes()
    code, _, err = _run("diff", str(pair[0]), str(pair[1]), "-o", str(pair[1]))
    assert code == 2 and "不可覆寫" in err and pair[1].read_bytes() == before
    (tmp_path / "壞.xlsx").write_bytes(b"not a workbook")
    code, _, err = _run("diff", str(pair[0]), str(tmp_path / "壞.xlsx"))
    assert code == 2 and err.startswith("錯誤：") and "Traceback" not in err


def test_cli_keeps_an_existing_output_unless_forced(pair, tmp_path):
    out = tmp_path / "差異.xlsx"
    out.write_bytes(b"a reviewer's own file")
    adjustment = str(tmp_path / "a.xlsx")
    code, _, err = _run("diff", str(pair[0]), str(pair[1]), "-o", str(out), "--adjustment", adjustment)
    assert code == 2 and "已存在" in err and out.read_bytes() == b"a reviewer's own file"
    assert not (tmp_path / "a.xlsx").exists()  # refused before anything is written
    code, _, _ = _run("diff", str(pair[0]), str(pair[1]), "-o", str(out), "--force")
    assert code == 1 and out.read_bytes().startswith(b"PK")
