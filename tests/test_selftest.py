"""`youzhi addin selftest`: the parts that do not need Excel (comparisons with the CLI, the zh-TW
report, the quiet message log, the callback lines it runs) on real workbooks and real output."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from types import SimpleNamespace

import openpyxl
import pytest
from officialish import official_workbook
from test_rule_lines import SENIOR_BAD

import macros
from youzhi import cli, selftest, selftest_excel, selftest_quiet
from youzhi import xlwings_adapter as xa
from youzhi.annotate import RESULT_SHEET, annotate
from youzhi.calendar import Semester
from youzhi.repair import repair_workbook

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def faulty(tmp_path_factory):
    d = tmp_path_factory.mktemp("selftest")
    src = official_workbook(d / "src.xlsx", blocks={("A", Semester.FIRST): [ln for ln, _, _ in SENIOR_BAD]},
                            approved={"A": 10})  # fmt: skip
    return d, src, selftest_excel._cli_findings(src)


def _result_rows(path: Path) -> list[list]:
    ws = openpyxl.load_workbook(path)[RESULT_SHEET]
    return [list(row) for row in ws.iter_rows(values_only=True)]


def test_findings_agree_when_the_sheet_lists_what_the_cli_finds(faulty):
    d, src, findings = faulty
    assert findings
    rows = _result_rows(annotate(src, findings, d / "annotated.xlsx"))  # the sheet the add-in writes too
    assert selftest.compare_findings(rows, findings) == ""


def test_findings_disagree_on_a_missing_or_extra_row(faulty):
    d, src, findings = faulty
    rows = _result_rows(annotate(src, findings, d / "annotated2.xlsx"))
    reason = selftest.compare_findings(rows[:-1], findings)
    assert "Excel 少了" in reason and f"CLI {len(findings)} 項" in reason
    extra = [*rows, ["錯誤", "YZ999", "y-2", "Z9", "", "", "", ""]]
    assert "Excel 多了 YZ999/y-2/Z9" in selftest.compare_findings(extra, findings)
    assert selftest.compare_findings([], findings) == "找不到「檢核結果」工作表"


def test_repaired_cells_compare_with_the_cli(faulty, tmp_path):
    _, src, _ = faulty
    report = repair_workbook(src, tmp_path / "fixed.xlsx")
    assert report.cached
    assert selftest.compare_cells(dict(report.cached), report.cached) == ""
    (sheet, ref), value = next((k, v) for k, v in report.cached.items() if isinstance(v, int | float))
    wrong = {**report.cached, (sheet, ref): value + 1}
    assert selftest.compare_cells(wrong, report.cached).startswith(f"1 個儲存格不同：{sheet}!{ref}")


def test_blank_is_not_zero():
    assert selftest.compare_cells({("y-2", "C5"): None}, {("y-2", "C5"): 0}) != ""
    assert selftest.compare_cells({("y-2", "C5"): 3.0}, {("y-2", "C5"): 3}) == ""


def test_save_message_is_compared_with_the_cli_counts(faulty):
    _, _, findings = faulty
    serious = [f for f in findings if f.severity in ("error", "warning")]
    errors = sum(f.severity == "error" for f in serious)
    warnings = len(serious) - errors
    good = f"存檔前檢核：錯誤 {errors} 項、警告 {warnings} 項、提示 0 項（檔案照常儲存）。\n・…"
    assert selftest.compare_save_message([good], findings) == ""
    bad = good.replace(f"錯誤 {errors} 項", f"錯誤 {errors + 1} 項")
    assert "錯誤數" in selftest.compare_save_message([bad], findings)
    assert "沒有出現" in selftest.compare_save_message([], findings)
    clean = [SimpleNamespace(severity="info")]
    assert selftest.compare_save_message([], clean) == ""


def test_udf_probes_run_in_python_and_compare():
    for name, excel_args, python_args in selftest.UDF_PROBES:
        value = getattr(macros, name)(*python_args)
        assert selftest.compare_udf(name, value, value) == ""
        assert excel_args.count(",") + 1 == len(python_args)
    assert {name for name, _, _ in selftest.UDF_PROBES} == {n for n in dir(macros) if n.startswith("YZ_")}
    assert "#NAME?" in selftest.compare_udf("YZ_TIER", "#NAME?", 1)
    assert selftest.compare_udf("YZ_TIER", 2.0, 1) == "YZ_TIER：Excel=2.0，Python=1"


def test_selftest_runs_the_ribbon_callbacks_own_lines():
    source = (REPO / "addin" / "vba" / "YouzhiRibbon.bas").read_text(encoding="utf-8")
    lines = set(re.findall(r'RunPython "([^"]+)"', source))
    assert set(selftest_excel.CALLBACKS.values()) <= lines
    assert macros.from_hex(re.search(r"'([0-9A-F]+)'", selftest_excel._hex("C:\\批次 100%")).group(1)) == (
        "C:\\批次 100%"
    )


def test_report_lists_every_step_with_status_reason_and_time(tmp_path):
    report = selftest.Report({"Excel": "16.0", "Python": "3.11"})
    selftest.timed(report, "載入增益集", lambda: "")
    selftest.timed(report, "檢核", lambda: "Excel 少了 YZ101/A上/G7")
    selftest.timed(report, "批次檢核", lambda: 1 / 0)
    selftest.timed(report, "新年度範本", lambda: f"{selftest.SKIP}：沒有 Excel")
    assert [s.status for s in report.steps] == ["通過", "失敗", "失敗", "略過"]
    assert not report.passed
    path = selftest.write_report(report, tmp_path / "報告.txt")
    text = path.read_text(encoding="utf-8-sig")
    assert "Excel：16.0" in text
    assert re.search(r"2\. 檢核.*失敗\s+\d+\.\d\d 秒　Excel 少了 YZ101/A上/G7", text)
    assert "ZeroDivisionError" in text and "略過" in text
    assert "2 步通過或略過，2 步失敗" in text and "build --in-excel" in text


def test_alerts_go_to_the_log_while_the_selftest_runs(tmp_path, monkeypatch):
    quiet, log = tmp_path / "selftest.quiet", tmp_path / "selftest.log"
    monkeypatch.setattr(selftest_quiet, "QUIET", quiet)
    monkeypatch.setattr(selftest_quiet, "ALERT_LOG", log)
    shown = []
    book = SimpleNamespace(app=SimpleNamespace(alert=lambda text, title: shown.append(text)))
    xa.alert(book, "一")
    assert shown == ["一"] and not log.exists()
    quiet.touch()
    xa.alert(book, "存檔前檢核：錯誤 1 項")
    assert shown == ["一"]
    logged = [json.loads(x)["text"] for x in log.read_text(encoding="utf-8").splitlines()]
    assert logged == ["存檔前檢核：錯誤 1 項"]
    assert selftest.read_alerts() == ["存檔前檢核：錯誤 1 項"]


@pytest.mark.skipif(sys.platform.startswith("win") or sys.platform == "darwin", reason="Excel may be here")
def test_selftest_command_without_excel_exits_2(capsys):
    assert cli.main(["addin", "selftest"]) == 2
    assert "Windows 或 macOS" in capsys.readouterr().err
