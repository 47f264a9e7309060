"""The batch report's match columns: the required match and how it was computed, per 會計年度 when a
學年度 straddles two tier tables (hand figures as in tests/test_tiers_match.py)."""

from __future__ import annotations

import json

import openpyxl
from test_tiers_match import CASES

from youzhi import template
from youzhi.cli import main


def _write(folder, name):
    case = CASES[name]
    codes = template.parse_subplans(case["programme"], case["year"], None)
    return template.write_template(
        folder / f"{name}.xlsx", case["programme"], case["year"], codes=codes, school=case["school"],
        fill=case["blocks"],
    )  # fmt: skip


def test_batch_shows_both_parts_of_a_split_match(tmp_path, capsys):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    _write(inbox, "hsinchu_senior_114_split")
    _write(inbox, "tainan_senior_115")
    report = tmp_path / "report.xlsx"
    main(["batch", str(inbox), "--json", "--no-progress", "--jobs", "1", "-o", str(report)])
    files = {f["檔案"].rsplit("/", 1)[-1]: f for f in json.loads(capsys.readouterr().out)["files"]}
    split = files["hsinchu_senior_114_split.xlsx"]
    # 114年度 ⌈32,345 × 12 / 88⌉ = 4,411; 115年度 68,000 × 20 / 80 = 17,000; 21,411 in all.
    assert split["應編配合款(元)"] == 21_411
    assert split["配合款計算"] == (
        "114年度：112–114年度表第 3 級 88%，補助款 32,345 元 → 4,411 元；"
        "115年度：115–117年度表第 1 級 80%，補助款 68,000 元 → 17,000 元"
    )
    one = files["tainan_senior_115.xlsx"]  # ⌈95,500 / 9⌉ = 10,612, one table for the year
    assert one["應編配合款(元)"] == 10_612
    assert one["配合款計算"] == "115、116年度：115–117年度表第 5 級 90%，補助款 95,500 元 → 10,612 元"
    sheet = openpyxl.load_workbook(report)["總覽"]
    header = [c.value for c in sheet[1]]
    column = header.index("配合款計算")
    assert any(
        str(row[column].value).startswith("114年度：112–114年度表") for row in sheet.iter_rows(min_row=2)
    )
