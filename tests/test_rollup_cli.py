"""`youzhi rollup FILE [--json]`: the figures of every variant to the 元, tables, and clear refusals."""

from __future__ import annotations

import json

import openpyxl
import pytest
from officialish import VARIANTS, variant_workbook

from youzhi.cli import main


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cli")
    return {name: variant_workbook(name, folder) for name in VARIANTS}


def _json(capsys, *argv) -> dict:
    assert main(["rollup", *map(str, argv), "--json"]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("name", list(VARIANTS))
def test_json_equals_hand_figures(files, capsys, name):
    expected = VARIANTS[name]["expected"]
    data = _json(capsys, files[name])
    assert data["academic_year"] == expected["academic_year"]
    assert data["school"] == expected["school"]
    y3 = [(r["fiscal_year"], r["code"], r["source"], r["recurrent"], r["capital"]) for r in data["y3"]]
    assert [r for r in y3 if r[3] or r[4]] == expected["y3"]
    assert {(r["fiscal_year"], r["item"]): r["amount"] for r in data["y4"] if r["amount"]} == expected["y4"]
    for key, value in expected["match"].items():
        assert data["match"][key] == value, key
    assert sum(ln["total"] for ln in data["lines"]) == expected["recurrent"] + expected["capital"]
    assert all(isinstance(ln["total"], int) for ln in data["lines"])


def test_json_line_shape(files, capsys):
    data = _json(capsys, files["typed-totals"])
    line = next(ln for ln in data["lines"] if ln["item"] == "講座鐘點費")
    assert line == {
        "sheet": "B(8-12月)",
        "row": 6,
        "code": "B",
        "fiscal_year": 110,
        "category": "業務費",
        "item": "講座鐘點費",
        "y4_row": "講座鐘點費",
        "unit": "節",
        "quantity": "6",
        "unit_price": 1000,
        "total": 6000,  # 數量 × 單價, not the typed 8.000
        "typed_total": 8000,
        "purpose": "說明",
        "source": "教育部補助款",
    }
    assert any(p["cell"] == "F6" and "不符" in p["message"] for p in data["problems"])


def test_options_give_the_school(files, capsys):
    data = _json(capsys, files["renamed-text-numbers"], "--school", "臺中市立臺中第一高級中學")
    # 臺中市 tier 3, senior-high r = 0.88 (the 112 table, noted): ⌈74000 × 0.12 / 0.88⌉ = ⌈10090.9⌉
    assert data["match"] | {"note": ""} == {
        "county": "臺中市",
        "tier": 3,
        "max_rate": "0.88",
        "subsidy": 74000,
        "required": 10091,
        "budgeted": 0,
        "needed": True,
        "note": "",
        "split": False,  # 109 and 110年度 both fall under the 109–111 tier table
        "parts": [
            {
                "fiscal_years": [109, 110],
                "tier_table": "109–111年度",
                "tier": 3,
                "max_rate": "0.88",
                "subsidy": 74000,
                "required": 10091,
            }
        ],
    }
    data = _json(capsys, files["official"], "--authority", "縣市立", "--county", "台東縣")
    assert (data["school"]["county"], data["match"]["tier"], data["match"]["required"]) == ("臺東縣", 5, 2223)


def test_local_school_without_county_gets_a_message(files, capsys):
    assert main(["rollup", str(files["official"]), "--authority", "直轄市立"]) == 0
    captured = capsys.readouterr()
    assert "未填縣市，無法計算配合款" in captured.err
    assert "無法計算" in captured.out


def test_tables(files, capsys):
    assert main(["rollup", str(files["branches-inserted-rows"])]) == 0
    out = capsys.readouterr().out
    for text in ("表y-2 經費編列總表", "表y-3", "表y-4", "配合款", "新北市立板橋高級中學"):
        assert text in out
    subtotal = next(line for line in out.splitlines() if line.startswith("小計"))
    # 教育部 75.134, 配合 32.300, 自籌 60.000, 其他 2.700, 合計 170.134, 經常 110.134, 資本 60.000
    assert subtotal.split()[1:8] == ["75.134", "32.300", "60.000", "2.700", "170.134", "110.134", "60.000"]
    assert "13.260" in out  # 應編配合款


def test_bad_option(files, capsys):
    assert main(["rollup", str(files["official"]), "--authority", "教會"]) == 2
    assert capsys.readouterr().err.count("\n") == 1


def test_not_a_budget(tmp_path, capsys):
    path = tmp_path / "x.xlsx"
    wb = openpyxl.Workbook()
    wb.active["A1"] = "hello"
    wb.save(path)
    assert main(["rollup", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("錯誤：") and err.count("\n") == 1
    assert main(["rollup", str(tmp_path / "missing.xlsx"), "--json"]) == 2
    assert "不存在" in capsys.readouterr().err


def test_quantities_are_plain_decimals(files, capsys):
    data = _json(capsys, files["renamed-text-numbers"])
    assert sorted(ln["quantity"] for ln in data["lines"]) == ["10", "1000", "2", "2", "5"]
