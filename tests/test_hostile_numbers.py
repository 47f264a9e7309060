"""Hostile suite, numbers: absurd amounts, NaN/inf cells and products past Decimal's context are an
unreadable-number problem on their cell with a zh-TW sentence (in check, batch and the Parquet export
too); line totals round once, as the ROUND(數量*單價,3) the tool writes, and LibreOffice agrees."""

from __future__ import annotations

import json
import zipfile
from decimal import Decimal
from pathlib import Path

import lo
import pytest
from officialish import default_blocks, official_workbook

from youzhi import rollup
from youzhi.cli import main
from youzhi.model import Line
from youzhi.money import MAX_ABS, parse_number
from youzhi.reader import read_budget

MARK = 7777.777  # a price no real line has: its <v> is swapped for hostile bytes


def workbook(folder: Path, name: str, **line) -> Path:
    blocks = default_blocks()
    blocks[next(iter(blocks))][0].update(line)
    return official_workbook(folder / name, blocks=blocks)


def swap_value(path: Path, text: str) -> Path:
    """The numeric cell holding MARK now holds ``text`` (NaN, INF …) as a number cell."""
    out = path.with_name(f"{path.stem}-{text}.xlsx")
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            target.writestr(item, data.replace(f"<v>{MARK}</v>".encode(), f"<v>{text}</v>".encode()))
    return out


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("numbers")
    marked = workbook(folder, "marked.xlsx", unit_price=MARK)
    return {
        "1e22": workbook(folder, "huge.xlsx", unit_price=1e22),
        "1e300": workbook(folder, "huger.xlsx", unit_price=1e300),
        "product": workbook(folder, "product.xlsx", quantity=9e11, unit_price=9e11),
        "digits": workbook(folder, "digits.xlsx", quantity="9" * 60),
        "NaN": swap_value(marked, "NaN"),
        "INF": swap_value(marked, "INF"),
        "-inf": swap_value(marked, "-inf"),
    }


@pytest.mark.parametrize("case", ["1e22", "1e300", "product", "digits", "NaN", "INF", "-inf"])
def test_absurd_number_is_a_problem_on_its_cell(hostile, case, capsys):
    assert main(["check", str(hostile[case]), "--json"]) in (0, 1)
    out = capsys.readouterr()
    assert "Traceback" not in out.err and "InvalidOperation" not in out.out + out.err
    findings = json.loads(out.out)["findings"]
    cells = {
        f["cell"]
        for f in findings
        if f["sheet"] == "A(8-12月)"
        and any(words in f["message"] for words in ("數值過大", "不是有效的數字", "超過 1 兆元"))
    }
    assert cells & {"D6", "E6", "F6"}, findings


def test_batch_and_parquet_export_take_them_all(hostile, tmp_path, capsys):
    pq = pytest.importorskip("pyarrow.parquet")
    export = tmp_path / "lines.parquet"
    assert main(["batch", *map(str, hostile.values()), "--export", str(export), "--json"]) in (0, 1)
    out = capsys.readouterr()
    payload = json.loads(out.out)
    assert payload["counts"] == {**payload["counts"], "files": len(hostile), "unreadable": 0}
    assert "InvalidOperation" not in out.out + out.err and "Traceback" not in out.err
    table = pq.read_table(export)
    assert table.num_rows > 0


def test_ordinary_numbers_are_quiet(tmp_path, capsys):
    plain = workbook(tmp_path, "plain.xlsx", quantity=3, unit_price=2.5)
    assert main(["check", str(plain), "--json"]) in (0, 1)
    messages = [f["message"] for f in json.loads(capsys.readouterr().out)["findings"]]
    assert not [m for m in messages if "數值過大" in m or "不是有效的數字" in m or "1 兆元" in m]
    assert parse_number(MAX_ABS - 1).value == MAX_ABS - 1 and parse_number(MAX_ABS).value is None


def test_line_total_rounds_once_like_the_sheet_formula():
    # 3 × 0.0005 千元 = 0.0015 千元 → ROUND(…,3) = 0.002 千元 = 2 元 (not 3 × round(0.5 元) = 3 元)
    line = Line("s", 6, "業務費", "x", quantity=Decimal(3), unit_price=1, exact_price=Decimal("0.5"))
    assert line.computed_total == 2
    # 7 × 0.0015 千元 = 0.0105 千元 → 0.011 千元 = 11 元 (half up at the 元)
    assert (
        Line("s", 6, "業務費", "x", quantity=Decimal(7), unit_price=2, exact_price=Decimal("1.5")).amount
        == 11
    )
    assert Line("s", 6, "業務費", "x", quantity=Decimal(3), unit_price=2).amount == 6  # whole 元: unchanged


@pytest.mark.skipif(lo.soffice() is None, reason="LibreOffice not installed")
def test_rollup_and_libreoffice_agree_on_fractional_prices(tmp_path):
    """A few half-元 lines: the roll-up's y-2 total equals LibreOffice's recalculation of the
    repaired workbook (ROUND(D*E,3) in every 總價)."""
    blocks = default_blocks()
    first = blocks[next(iter(blocks))]
    first[0].update(quantity=3, unit_price=0.0005)  # 1.5 元 → 2 元
    first.append({**first[0], "quantity": 7, "unit_price": 0.0015})  # 10.5 元 → 11 元
    first.append({**first[0], "quantity": 1, "unit_price": 0.0025})  # 2.5 元 → 3 元
    src = official_workbook(tmp_path / "half.xlsx", blocks=blocks)
    budget = read_budget(src)
    amounts = [line.amount for line in budget.lines[:3]]
    assert amounts == [2, 11, 3]
    out = tmp_path / "repaired.xlsx"
    assert main(["repair", str(src), "-o", str(out)]) == 0
    recalculated = lo.recalc([out], tmp_path / "lo")[out]
    values = lo.values(recalculated)["A(8-12月)"]
    assert [round(values[f"F{r}"] * 1000) for r in (6, 7, 8)] == [2, 11, 3]
    total = next(r.total for r in rollup.y2(budget) if r.code == "A")
    assert total == 10_000 + 2 + 11 + 3  # the other semester: 5 × 2 千元
    y2 = lo.values(recalculated)["y-2"]
    assert any(isinstance(v, (int, float)) and round(v * 1000) == total for v in y2.values()), (total, y2)
