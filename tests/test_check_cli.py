"""`youzhi check` and `youzhi rules` end to end: exit status 0 / 1 / 2, --json, --annotate."""

from __future__ import annotations

import hashlib
import json

import pytest
from officialish import official_workbook
from test_rule_lines import SENIOR_BAD, senior_clean_blocks

from youzhi.calendar import Semester
from youzhi.cli import main


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    d = tmp_path_factory.mktemp("cli")
    bad = official_workbook(d / "bad.xlsx", blocks={("A", Semester.FIRST): [ln for ln, _, _ in SENIOR_BAD]})
    clean = official_workbook(d / "clean.xlsx", blocks=senior_clean_blocks())
    return d, bad, clean


def test_clean_workbook_exits_0(books, capsys):
    _, _, clean = books
    assert main(["check", str(clean), "--authority", "國立", "--county", "臺中市"]) == 0
    out = capsys.readouterr().out
    # Only the reader's note on the official summaries' #REF! / #DIV/0! cells (one per sheet) and the
    # 0.000 their broken formulas show (YZ505, seed 002 表y-2 row A) remain.
    listed = [ln for ln in out.splitlines() if ln.startswith(("錯誤", "警告", "提示"))]
    official = [ln for ln in listed if "YZ505  y-" in ln and "送審數字為 0.000 千元" in ln]
    assert all("YZ001  y-" in ln and "錯誤值" in ln for ln in listed if ln not in official), listed
    assert "錯誤 0 項" in out or "未發現任何問題" in out


def test_errors_exit_1_and_json_names_cells(books, capsys):
    _, bad, _ = books
    assert main(["check", str(bad), "--json", "--school", "國立○○高中", "--authority", "國立"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert out["file"] == str(bad)
    first = out["findings"][0]
    assert set(first) >= {"rule", "severity", "sheet", "cell", "message", "value", "limit"}
    lecture = [f for f in out["findings"] if f["rule"] == "YZ201"]
    assert next((f["sheet"], f["cell"], f["value"], f["limit"]) for f in lecture) == (
        "A(8-12月)",
        "E6",
        2500,
        2000,
    )
    assert {f["severity"] for f in out["findings"]} == {"error", "warning", "info"}


def test_warnings_only_exit_0(tmp_path, capsys):
    blocks = {("A", Semester.FIRST): [dict(category="業務費", item="活動布置費", unit="人次", quantity=2,
                                           unit_price=0.5, purpose="成果展布置", source="")]}  # fmt: skip
    path = official_workbook(tmp_path / "w.xlsx", blocks=blocks)
    assert main(["check", str(path), "--authority", "國立"]) == 0
    out = capsys.readouterr().out
    assert "警告  YZ102  A(8-12月)!B6" in out and "錯誤 0 項" in out


@pytest.mark.parametrize("content", [b"", b"not,a,workbook\n1,2,3\n"])
def test_unreadable_file_exits_2(tmp_path, capsys, content):
    path = tmp_path / "x.xlsx"
    path.write_bytes(content)
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("錯誤：") and "Traceback" not in err


def test_missing_file_exits_2(tmp_path, capsys):
    assert main(["check", str(tmp_path / "none.xlsx")]) == 2
    assert capsys.readouterr().err.startswith("錯誤：")


def test_annotate_writes_a_copy_and_never_the_source(books, capsys):
    d, bad, _ = books
    before = hashlib.sha256(bad.read_bytes()).hexdigest()
    out = d / "bad-annotated.xlsx"
    assert main(["check", str(bad), "--annotate", str(out)]) == 1
    assert out.exists() and hashlib.sha256(bad.read_bytes()).hexdigest() == before
    assert main(["check", str(bad), "--annotate", str(bad)]) == 2
    assert hashlib.sha256(bad.read_bytes()).hexdigest() == before
    capsys.readouterr()


def test_rules_lists_every_code(capsys):
    assert main(["rules"]) == 0
    text = capsys.readouterr().out
    assert "YZ201" in text and "依據：《109學年度教育部高中優質化輔助方案計畫申請&成果報告撰寫手冊》" in text
    assert main(["rules", "--json", "--programme", "vocational"]) == 0
    rules = json.loads(capsys.readouterr().out)
    codes = {r["code"] for r in rules}
    assert "YZ311" in codes and "YZ310" not in codes
    wage = next(r for r in rules if r["code"] == "YZ206")
    assert wage["limit_text"] == "最低時薪×1.2" and wage["severity"] == "error"
    assert main(["rules", "--markdown"]) == 0
    assert capsys.readouterr().out.startswith("| 規則 | 標題 |")
