"""收支結算表 (附件六): hand-computed A…G, the 支出機關分攤表 and the 80 % explanation; the CLI, its
JSON and the written workbook after LibreOffice's recalculation agree to the 元."""

from __future__ import annotations

import json

import lo
import openpyxl
import pytest
from execution_builders import LOW, LOW_ROWS, ONCE, ONCE_ROWS, PARTLY, PARTLY_ROWS, workbook

from youzhi import cli
from youzhi.settle import SETTLE_NAME

needs_lo = pytest.mark.skipif(lo.soffice() is None, reason="LibreOffice not installed")


@pytest.fixture(scope="module")
def settled(tmp_path_factory):
    """{name: (JSON, written .xlsx)} from `youzhi settle --json`."""
    root = tmp_path_factory.mktemp("settle")
    cases = {
        "once": (ONCE, ONCE_ROWS, ["--paid", "500000"]),
        "partly": (PARTLY, PARTLY_ROWS, []),  # 撥付 from the sheet's 已撥經費
        "low": (LOW, LOW_ROWS, ["--paid", "1000000", "--reason", "部分研習因故停辦"]),
    }
    out = {}
    cases["approved"] = (PARTLY, PARTLY_ROWS, ["--paid", "1800000"])
    for name, (blocks, rows, extra) in cases.items():
        source = workbook(
            root / f"{name}.xlsx",
            blocks,
            rows,
            paid=1_800_000 if name == "partly" else None,
            approved={"A": 2900} if name == "approved" else None,
        )
        dest = root / f"{name}-結算表.xlsx"
        data = _run(["settle", str(source), "-o", str(dest), *extra, "--json"])
        out[name] = (data, dest)
    return out


def _run(argv) -> dict:
    import contextlib
    import io

    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        assert cli.main(argv) == 0
    return json.loads(buffer.getvalue())


def test_once_fully_spent_returns_nothing(settled):
    total = settled["once"][0]["合計"]
    # A = B = C = E = 500,000; D = 100.00 %; F = 0; G = 0 × 1 − (500,000 − 500,000) = 0
    assert total == {"A": 500_000, "B": 500_000, "C": 500_000, "D": "100.00%", "E": 500_000, "F": 0, "G": 0}
    assert settled["once"][0]["支出機關分攤表"] == []


def test_partly_subsidised_with_money_left_and_a_tranche_unpaid(settled):
    data = settled["partly"][0]
    # 業務費: A 2,500,000, B 2,000,000, D = 0.8; E 1,800,000 + 400,000 = 2,200,000; F 300,000
    assert data["業務費"] == {
        "A": 2_500_000,
        "B": 2_000_000,
        "C": None,
        "D": "80.00%",
        "E": 2_200_000,
        "F": 300_000,
    }
    # 設備及投資 (自籌款): B 0; E 400,000 (the 請購 50,000 is not spent yet); F 100,000
    assert data["設備及投資"]["E"] == 400_000
    # 合計: D = 2,000,000 / 3,000,000 = 66.67 %; G = 400,000 × 0.6667 − (2,000,000 − 1,800,000)
    #      = 266,680 − 200,000 = 66,680
    assert data["合計"] == {
        "A": 3_000_000,
        "B": 2_000_000,
        "C": 1_800_000,
        "D": "66.67%",
        "E": 2_600_000,
        "F": 400_000,
        "G": 66_680,
    }
    # shares of E = 2,600,000: 配合款 and 自籌款 each 2,600,000 × 500,000 / 3,000,000 = 433,333.33 → 433,333;
    # 教育部 the rest 2,600,000 − 866,666 = 1,733,334
    shares = {d["機關"]: d["金額"] for d in data["支出機關分攤表"]}
    assert shares == {"教育部": 1_733_334, "直轄市、縣(市)政府（配合款）": 433_333, "學校自籌款": 433_333}
    assert sum(shares.values()) == 2_600_000
    assert data["請購未付"] == 50_000
    assert data["需說明原因"] is False  # 2,600,000 / 3,000,000 = 86.67 %


def test_approved_amount_is_a(settled):
    data = settled["approved"][0]
    # y-2 核定金額 2,900,000 split like the budget (tests/test_progress.py): 2,416,667 + 483,333
    assert (data["業務費"]["A"], data["設備及投資"]["A"]) == (2_416_667, 483_333)
    # D = 2,000,000 / 2,900,000 = 0.689655… → 68.97 %; F = 2,900,000 − 2,600,000 = 300,000;
    # G = 300,000 × 0.6897 − (2,000,000 − 1,800,000) = 206,910 − 200,000 = 6,910
    total = data["合計"]
    assert (total["A"], total["D"], total["F"], total["G"]) == (2_900_000, "68.97%", 300_000, 6_910)
    assert data["附註"] == "A 依 y-2 核定金額"
    assert settled["partly"][0]["附註"] == "y-2 未填核定金額，A 依概算表編列金額"


def test_low_rate_needs_an_explanation(settled, tmp_path, capsys):
    data = settled["low"][0]
    assert data["執行率"] == "79.00%"  # 790,000 / 1,000,000
    assert data["需說明原因"] is True and data["原因說明"] == "部分研習因故停辦"
    assert data["合計"]["G"] == 210_000  # 210,000 × 1 − (1,000,000 − 1,000,000)
    source = workbook(tmp_path / "low.xlsx", LOW, LOW_ROWS)
    dest = tmp_path / "out.xlsx"
    assert cli.main(["settle", str(source), "-o", str(dest), "--paid", "1000000"]) == 2
    assert "執行率 79.00% 未達 80%" in capsys.readouterr().err
    assert not dest.exists()


def test_output_is_never_an_input_nor_overwritten(tmp_path, capsys):
    source = workbook(tmp_path / "once.xlsx", ONCE, ONCE_ROWS)
    before = source.read_bytes()
    assert cli.main(["settle", str(source), "-o", str(source), "--paid", "1", "--force"]) == 2
    assert "不可與經費表相同" in capsys.readouterr().err
    dest = tmp_path / "out.xlsx"
    dest.write_bytes(b"keep")
    assert cli.main(["settle", str(source), "-o", str(dest), "--paid", "500000"]) == 2
    assert "已存在" in capsys.readouterr().err
    assert dest.read_bytes() == b"keep"
    assert cli.main(["settle", str(source), "-o", str(dest), "--paid", "500000", "--force"]) == 0
    assert source.read_bytes() == before
    assert openpyxl.load_workbook(dest).sheetnames == [SETTLE_NAME]


def test_missing_paid_is_a_clear_message(tmp_path, capsys):
    source = workbook(tmp_path / "once.xlsx", ONCE, ONCE_ROWS)
    assert cli.main(["settle", str(source), "-o", str(tmp_path / "o.xlsx")]) == 2
    assert "--paid" in capsys.readouterr().err


@needs_lo
def test_workbook_formulas_agree_after_libreoffice(settled, tmp_path):
    paths = {name: dest for name, (_, dest) in settled.items()}
    out = lo.recalc(list(paths.values()), tmp_path / "lo")
    for name, path in paths.items():
        assert lo.error_cells(out[path]) == [], name
        cells = lo.values(out[path])[SETTLE_NAME]
        cached = lo.values(path)[SETTLE_NAME]  # what XlsxWriter wrote: the same figures
        total = settled[name][0]["合計"]
        for col, key in (("B", "A"), ("C", "B"), ("D", "C"), ("F", "E"), ("G", "F"), ("H", "G")):
            assert cells[f"{col}9"] == total[key] == cached[f"{col}9"], (name, key)
        assert f"{cells['E9'] * 100:.2f}%" == total["D"], name
    partly = lo.values(out[paths["partly"]])[SETTLE_NAME]
    share_total = next(v for k, v in partly.items() if v == 2_600_000 and k.startswith("D") and k != "D9")
    assert share_total == 2_600_000
    assert "合計等於實支總額" in partly.values()
