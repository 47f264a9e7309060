"""`youzhi rollup FILE`: read a budget workbook and print y-2, y-3, y-4 and the county match."""

from __future__ import annotations

import argparse
import json
import sys
import unicodedata
from decimal import Decimal
from fractions import Fraction

from youzhi import forms, rollup, tiers
from youzhi.errors import YouzhiError
from youzhi.model import Budget, School
from youzhi.money import format_kiloyuan
from youzhi.reader import read_budget


def add_school_arguments(parser: argparse.ArgumentParser) -> None:
    """Options shared by commands that read a workbook (school facts, programme, year)."""
    parser.add_argument("--school", metavar="名稱", help="學校名稱（活頁簿中沒有時使用）")
    parser.add_argument("--county", metavar="縣市", help="學校所在縣市，例如 臺北市")
    parser.add_argument(
        "--authority", metavar="主管機關", help="國立｜直轄市立｜縣市立｜私立（未填時由校名判斷）"
    )
    parser.add_argument("--programme", choices=forms.PROGRAMMES, help="方案（未填時由活頁簿判斷）")
    parser.add_argument("--year", type=int, metavar="學年度", help="學年度，例如 114（未填時由活頁簿判斷）")
    parser.add_argument(
        "--engine", choices=("calamine", "openpyxl"), default="calamine", help=argparse.SUPPRESS
    )


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help="經費表活頁簿 (.xlsx / .xlsm)")
    parser.add_argument("--json", action="store_true", help="輸出一個 JSON 物件（金額為整數元）")
    add_school_arguments(parser)


def school_option(args: argparse.Namespace) -> School | None:
    authority = None
    if args.authority:
        authority = tiers.normalise_authority(args.authority)
        if authority is None:
            raise YouzhiError(
                f"主管機關「{args.authority}」無法辨識，請填 {'、'.join(tiers.AUTHORITIES)} 之一"
            )
    if args.county:
        county = tiers.normalise_county(args.county)
        if county not in tiers.all_counties():
            raise YouzhiError(f"縣市「{args.county}」不在財力級次表中")
    if not (args.school or authority or args.county):
        return None
    return School(args.school or "", authority, args.county)


def load(args: argparse.Namespace) -> Budget:
    return read_budget(
        args.file,
        engine=args.engine,
        school=school_option(args),
        programme=args.programme,
        academic_year=args.year,
    )


def run(args: argparse.Namespace) -> int:
    budget = load(args)
    if args.json:
        json.dump(rollup.summary(budget), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(render(budget))
    m = rollup.match(budget)
    if m.note and m.needed and m.tier is None:
        print(f"注意：{m.note}（請以 --county 指定所在縣市）", file=sys.stderr)
    return 0


# --- plain-text tables ------------------------------------------------------------------------


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def table(headers: list[str], rows: list[list[str]]) -> str:
    """A plain table; numbers (right-aligned) and text (left-aligned), CJK counted double width."""
    widths = [max(_width(str(r[i])) for r in [headers, *rows]) for i in range(len(headers))]

    def line(cells):
        out = []
        for i, cell in enumerate(cells):
            cell = str(cell)
            pad = " " * (widths[i] - _width(cell))
            numeric = cell[:1].isdigit() or cell[:1] == "-" or cell.endswith("%")
            out.append(pad + cell if numeric and i else cell + pad)
        return "  ".join(out).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(headers), rule, *(line(r) for r in rows)]) + "\n"


def _k(yuan: int | None) -> str:
    return "" if yuan is None else format_kiloyuan(yuan)


def _pct(value: Fraction | None) -> str:
    if value is None:
        return "-"
    return f"{Decimal(value.numerator) / Decimal(value.denominator) * 100:.2f}%"


def render(budget: Budget) -> str:
    school = budget.school
    out = [
        f"{school.name or '（未填校名）'}　{budget.academic_year}學年度　"
        f"{forms.programme(budget.programme, budget.academic_year).name}　單位：千元\n",
    ]
    short = ["教育部補助款", "配合款", "自籌款", "其他補助款"]
    out.append("\n表y-2 經費編列總表\n")
    rows = [
        [
            r.code,
            *(_k(r.by_source[s]) for s in forms.SOURCES),
            _k(r.source_total),
            _k(r.recurrent),
            _k(r.capital),
            _k(r.total),
            _k(r.applied),
            _k(r.approved),
        ]
        for r in rollup.y2(budget)
    ]
    heads = ["計畫代碼", *short, "合計數", "經常門", "資本門", "合計數", "申請金額", "核定金額"]
    out.append(table(heads, rows))

    out.append("\n表y-3 經費編列檢核表（經常門／資本門）\n")
    rows = []
    y3 = rollup.y3(budget)
    for fy in budget.fiscal_years:
        for code in rollup.codes(budget):
            cells = [r for r in y3 if r.fiscal_year == fy and r.code == code]
            rows.append(_y3_row(f"{fy}-{code}", cells))
        rows.append(_y3_row(f"{fy}會計年度合計", [r for r in y3 if r.fiscal_year == fy]))
    rows.append(_y3_row(f"{budget.academic_year}全學年合計", y3))
    recurrent, capital = rollup.capital_ratio(budget)
    rows.append(
        ["經資門比例", *[""] * 8, _pct(recurrent), _pct(capital), _pct(1 if (recurrent or capital) else None)]
    )
    heads = [
        "年度-子計畫",
        *(f"{s}{kind}" for s in short for kind in ("經常門", "資本門")),
        "經常門",
        "資本門",
        "合計數",
    ]
    out.append(table(heads, rows))

    out.append("\n表y-4 子計畫經常門經費項目彙計表\n")
    y4 = rollup.y4(budget)
    columns = (*budget.fiscal_years, None)
    items = [r.item for r in y4 if r.fiscal_year == columns[0]]
    rows = []
    for item in items:
        cells = [next(r for r in y4 if r.fiscal_year == fy and r.item == item) for fy in columns]
        if item == rollup.OTHER_ITEMS and not any(c.amount for c in cells):
            continue
        rows.append([item, *(x for c in cells for x in (_k(c.amount), _pct(c.ratio)))])
    rows.append(["經常門總計", *(x for fy in columns for x in (_k(rollup.recurrent_total(budget, fy)), ""))])
    ay = budget.academic_year
    heads = ["經費項目名稱", f"{ay}(8-12月)", "比例", f"{ay + 1}(1-7月)", "比例", f"{ay}學年度", "比例"]
    out.append(table(heads, rows))

    out.append(render_match(budget))
    if budget.problems:
        out.append(f"\n讀取時發現 {len(budget.problems)} 個問題：\n")
        for p in budget.problems:
            out.append(f"  {p.sheet}!{p.cell}　{p.message}\n")
    return "".join(out)


def render_match(budget: Budget) -> str:
    """The 配合款 table; when the 學年度 straddles two tier tables, one column per 會計年度 too."""
    m = rollup.match(budget)
    school = budget.school
    known = m.needed and m.tier is not None
    rows = [
        ["學校主管機關", school.authority or "（未填）"],
        ["所在縣市", m.county or "（未填）"],
        ["財力級次", str(m.common_tier) if m.common_tier else "-"],
        ["最高補助比率", _pct(m.common_rate) if m.common_rate is not None else "-"],
        ["教育部補助款", _k(m.subsidy)],
        ["應編配合款", (_k(m.required) if known else "無法計算") if m.needed else "免編"],
        ["已編配合款", _k(m.budgeted)],
    ]
    if known:
        rows.append(["配合款不足", _k(m.shortfall)])
    heads = ["項目", "金額（千元）／說明"]
    if m.split and known:
        heads = ["項目", "全學年度", *(f"{'、'.join(map(str, p.fiscal_years))}年度" for p in m.parts)]
        per_part = {
            "財力級次": [f"{p.tier}（{p.table}）" for p in m.parts],
            "最高補助比率": [_pct(p.max_rate) for p in m.parts],
            "教育部補助款": [_k(p.subsidy) for p in m.parts],
            "應編配合款": [_k(p.required) for p in m.parts],
        }
        rows = [[*row, *per_part.get(row[0], [""] * len(m.parts))] for row in rows]
    out = ["\n配合款\n", table(heads, rows)]
    if m.split and known:
        out.append(
            "說明：本學年度之 8-12月與 1-7月分屬兩張財力級次表，配合款依各會計年度之教育部補助款分別計算、"
            "各自無條件進位至元後相加。\n"
        )
    if m.note:
        out.append(f"說明：{m.note}\n")
    return "".join(out)


def _y3_row(label: str, cells) -> list[str]:
    by = {
        s: (sum(c.recurrent for c in cells if c.source == s), sum(c.capital for c in cells if c.source == s))
        for s in forms.SOURCES
    }
    recurrent = sum(v[0] for v in by.values())
    capital = sum(v[1] for v in by.values())
    return [
        label,
        *(_k(x) for s in forms.SOURCES for x in by[s]),
        _k(recurrent),
        _k(capital),
        _k(recurrent + capital),
    ]
