"""Test workbooks that look like the official budget workbook (seed 002 表y-1 … 表y-4).

Written with XlsxWriter so that formulas carry cached values, as a file saved by Excel does:
the y-1 總價 and 小計 cells hold ``=D6*E6`` / ``=SUM(…)`` with their values, y-2 rows B–D and
小計 hold ``#REF!``, the ratios of y-3 and y-4 hold ``#DIV/0!`` (seed 002, 表y-2 … 表y-4).

Variant options reproduce what schools do to the file: extra and blank rows, branch sheets
(``A-1``), renamed / reordered / hidden sheets, totals typed over formulas, text numbers,
merged cells, a shifted column layout, both semesters of a sub-plan on one sheet, summary
sheets deleted.

``blocks`` maps ``(code, Semester)`` to line dicts with the keys ``category`` (the section the
line sits in: 業務費 | 獎補助費 | 設備及投資), ``item``, ``unit``, ``quantity``, ``unit_price``
(千元, as the sheet holds it; numbers or text), ``total`` (optional: typed over the formula),
``purpose``, ``source`` and optionally ``label`` (text written in the category cell of that
line, e.g. a wrong category).
"""

from __future__ import annotations

from pathlib import Path

import xlsxwriter
from xlsxwriter.utility import xl_rowcol_to_cell

from youzhi import forms
from youzhi.calendar import Semester, fiscal_label, fiscal_year

SECTIONS = (forms.OPERATING, forms.GRANTS, forms.CAPITAL)
# Minimum line rows per section in the official sheet (seed 002 表y-1-1: 6, 5, 5).
OFFICIAL_ROWS = {forms.OPERATING: 6, forms.GRANTS: 5, forms.CAPITAL: 5}

SEED_EXAMPLE = {
    "category": forms.OPERATING,
    "item": "諮詢費、輔導費、指導費",
    "unit": "位",
    "quantity": 5,
    "unit_price": 2,
    "purpose": "A-1諮詢費編列2名、A-2諮詢費編列3名",
    "source": "",
}


def default_blocks() -> dict:
    """The seed's own example: sub-plan A, 5 位 × 2 千元 in each semester."""
    return {("A", Semester.FIRST): [dict(SEED_EXAMPLE)], ("A", Semester.SECOND): [dict(SEED_EXAMPLE)]}


def _number(value) -> float | None:
    """What Excel would compute from a cell in ``=D*E`` (None for a #VALUE! text)."""
    if value is None or value == "":
        return 0.0
    if isinstance(value, (int, float)):
        return float(value)
    try:
        return float(str(value).replace(",", ""))
    except ValueError:
        return None


def sheet_name(code: str, semester: Semester) -> str:
    return f"{code}({semester.months})"


class _Writer:
    def __init__(self, path: Path, opts: dict):
        self.wb = xlsxwriter.Workbook(str(path))
        self.opts = opts
        self.col0 = opts["column_offset"]
        font = {"font_name": "標楷體", "font_size": 12}
        self.f_text = self.wb.add_format({**font, "border": 1})
        self.f_money = self.wb.add_format({**font, "border": 1, "num_format": "0.000"})
        self.f_bold = self.wb.add_format({**font, "border": 1, "bold": True})
        self.f_bold_money = self.wb.add_format({**font, "border": 1, "bold": True, "num_format": "0.000"})
        self.f_title = self.wb.add_format({**font, "bold": True, "font_size": 14})
        self.f_plain = self.wb.add_format(font)
        self.f_ratio = self.wb.add_format({**font, "border": 1, "num_format": "0.00%"})
        self.table_number = 0
        # {(code, semester): (sheet, total_cell, recurrent_cell, capital_cell)}
        self.placed: dict = {}

    def c(self, col: int) -> int:
        """0-based column of the official column index ``col`` (0 = A) after the offset."""
        return self.col0 + col

    def write_block(self, ws, row: int, code: str, semester: Semester, lines: list[dict]) -> int:
        """Write one y-1 block starting at 0-based ``row``; return the next free row."""
        o, ay = self.opts, self.opts["academic_year"]
        self.table_number += 1
        ws.write(
            row,
            self.c(0),
            f"表y-1-{self.table_number} {o['school_title']}優質化年度子計畫經費概算表({semester.months})",
            self.f_title,
        )
        row += 1
        if o["code_label"] == "next-cell":
            ws.write(row, self.c(0), "子計畫代碼", self.f_plain)
            ws.write(row, self.c(1), code, self.f_plain)
            row += 1
        elif o["code_label"]:
            ws.write(row, self.c(0), f"子計畫代碼{o['code_label']}{code}", self.f_plain)
            row += 1
        ws.write(row, self.c(0), fiscal_label(ay, semester), self.f_plain)
        row += 1
        for i, text in enumerate(forms.Y1_HEADER):
            ws.write(row, self.c(i), text, self.f_bold)
        header = row
        row += 1
        ws.write(row, self.c(0), forms.Y1_RECURRENT_SECTION, self.f_bold)
        row += 1
        subtotal_rows: dict[str, int] = {}
        for section in SECTIONS:
            if section == forms.CAPITAL:
                recurrent_row = row
                parts = "+".join(self._f(subtotal_rows[s]) for s in (forms.OPERATING, forms.GRANTS))
                cached = sum(self.cached[s] for s in (forms.OPERATING, forms.GRANTS))
                ws.write(row, self.c(0), forms.Y1_RECURRENT_SUBTOTAL, self.f_bold)
                self._total(ws, row, f"={parts}", cached, bold=True)
                row += 1
                ws.write(row, self.c(0), forms.Y1_CAPITAL_SECTION, self.f_bold)
                row += 1
            row = self._section(ws, row, section, [ln for ln in lines if ln["category"] == section])
            subtotal_rows[section] = row - 1
        fy = fiscal_year(ay, semester)
        ws.write(row, self.c(0), f"{fy}會計年度合計", self.f_bold)
        total = self.cached[forms.OPERATING] + self.cached[forms.GRANTS] + self.cached[forms.CAPITAL]
        self._total(
            ws, row, f"={self._f(recurrent_row)}+{self._f(subtotal_rows[forms.CAPITAL])}", total, bold=True
        )
        self.placed[(code, semester)] = (
            ws.get_name(),
            xl_rowcol_to_cell(row, self.c(5)),
            xl_rowcol_to_cell(recurrent_row, self.c(5)),
            xl_rowcol_to_cell(subtotal_rows[forms.CAPITAL], self.c(5)),
            header,
        )
        row += 2
        ws.write(row, self.c(0), "承辦人:", self.f_plain)
        ws.write(row, self.c(2), "承辦主任:", self.f_plain)
        ws.write(row, self.c(4), "主計主任:", self.f_plain)
        ws.write(row, self.c(6), "校長:", self.f_plain)
        row += 2
        ws.write(row, self.c(0), "說明：", self.f_plain)
        row += 1
        for note in forms.Y1_NOTES:
            ws.write(row, self.c(0), note, self.f_plain)
            row += 1
        return row + 1

    def _f(self, row: int) -> str:
        return xl_rowcol_to_cell(row, self.c(5))

    def _total(self, ws, row, formula, cached, *, bold=False):
        ws.write_formula(row, self.c(5), formula, self.f_bold_money if bold else self.f_money, cached)

    def _section(self, ws, row: int, section: str, lines: list[dict]) -> int:
        o = self.opts
        count = max(OFFICIAL_ROWS[section], len(lines) + o["extra_rows"])
        first = row
        cached_sum = 0.0
        written = 0
        for i in range(count):
            if o["blank_rows"] and i in o["blank_rows"]:
                # A blank row the school left inside the section (no formula either).
                row += 1
                continue
            line = lines[written] if written < len(lines) else None
            written += 1
            if line is not None:
                label = line.get("label", section if written == 1 else None)
                if label and not o["merge_category"]:
                    ws.write(row, self.c(0), label, self.f_text)
                ws.write(row, self.c(1), line.get("item", ""), self.f_text)
                ws.write(row, self.c(2), line.get("unit", ""), self.f_text)
                ws.write(row, self.c(3), line.get("quantity"), self.f_text)
                ws.write(row, self.c(4), line.get("unit_price"), self.f_money)
                q, p = _number(line.get("quantity")), _number(line.get("unit_price"))
                value = q * p if q is not None and p is not None else "#VALUE!"
                if "total" in line:
                    ws.write(row, self.c(5), line["total"], self.f_money)
                    typed = _number(line["total"])
                    cached_sum += typed or 0.0
                else:
                    d, e = xl_rowcol_to_cell(row, self.c(3)), xl_rowcol_to_cell(row, self.c(4))
                    ws.write_formula(row, self.c(5), f"={d}*{e}", self.f_money, value)
                    cached_sum += value if isinstance(value, float) else 0.0
                ws.write(row, self.c(6), line.get("purpose", ""), self.f_text)
                ws.write(row, self.c(7), line.get("source", ""), self.f_text)
            else:
                if written == 1 and not o["merge_category"]:
                    ws.write(row, self.c(0), section, self.f_text)
                d, e = xl_rowcol_to_cell(row, self.c(3)), xl_rowcol_to_cell(row, self.c(4))
                ws.write_formula(row, self.c(5), f"={d}*{e}", self.f_money, 0)
            row += 1
        last = row - 1
        if o["merge_category"] and section != forms.CAPITAL:
            ws.merge_range(first, self.c(0), row, self.c(0), section, self.f_text)
        elif o["merge_category"]:
            ws.merge_range(first, self.c(0), last, self.c(0), section, self.f_text)
        label = forms.Y1_SUBTOTAL if section != forms.CAPITAL else forms.Y1_CAPITAL_SUBTOTAL
        ws.write(row, self.c(1 if section != forms.CAPITAL else 0), label, self.f_bold)
        formula = f"=SUM({self._f(first)}:{self._f(last)})"
        if o["typed_subtotals"]:
            ws.write(row, self.c(5), round(cached_sum, 3), self.f_bold_money)
        else:
            self._total(ws, row, formula, round(cached_sum, 3), bold=True)
        self.cached[section] = round(cached_sum, 3)
        return row + 1

    # -- summaries, as broken as the official ones ------------------------------------------
    def y2(self, codes: list[str]) -> None:
        o = self.opts
        ws = self.wb.add_worksheet("y-2")
        ws.write(0, 0, f"表y-2 00高中優質化年度經費編列總表【{o['academic_year']}學年度】", self.f_title)
        ws.write(1, 0, "單位：千元", self.f_plain)
        ws.write(2, 0, "計畫代碼", self.f_bold)
        ws.merge_range(2, 1, 2, 5, "經費配置來源", self.f_bold)
        ws.merge_range(2, 6, 2, 8, "優質化整體經費分析", self.f_bold)
        ws.merge_range(2, 9, 2, 10, "優質化整體經費", self.f_bold)
        heads = [*forms.source_labels(), "合計數", "經常門", "資本門", "合計數", "申請金額", "核定金額"]
        for i, text in enumerate(heads):
            ws.write(3, 1 + i, text, self.f_bold)
        row = 4
        for n, code in enumerate(codes):
            ws.write(row, 0, code, self.f_text)
            for col in range(1, 9):
                if o["broken_summaries"] and n > 0:
                    ws.write_formula(row, col, "=#REF!F27+#REF!F27", self.f_money, "#REF!")
                else:
                    ws.write_formula(
                        row,
                        col,
                        f"=SUMIF('{code}(8-12月)'!H6:H25,\"教育部補助款\",'{code}(8-12月)'!F6:F25)",
                        self.f_money,
                        0,
                    )
            for col, amounts in ((9, o["applied"]), (10, o["approved"])):
                if code in amounts:
                    ws.write(row, col, amounts[code], self.f_money)
            row += 1
        ws.write(row, 0, "小計", self.f_bold)
        for col in range(1, 11):
            if o["broken_summaries"] and col < 9:
                ws.write_formula(row, col, "=SUM(#REF!)", self.f_bold_money, "#REF!")
            else:
                letter = xl_rowcol_to_cell(0, col)[:-1]
                ws.write_formula(row, col, f"=SUM({letter}5:{letter}{row})", self.f_bold_money, 0)
        ws.write(row + 2, 0, "說明：", self.f_plain)
        ws.write(row + 3, 0, "1. 優質化專案補助款：係指教育部的補助款。", self.f_plain)

    def y3(self, codes: list[str]) -> None:
        ay = self.opts["academic_year"]
        ws = self.wb.add_worksheet("y-3")
        ws.write(0, 0, f"表y-3 00高中優質化年度經費編列檢核表【{ay}學年度】", self.f_title)
        ws.write(1, 0, "年度", self.f_bold)
        ws.write(1, 1, "子計畫代碼", self.f_bold)
        ws.merge_range(1, 2, 1, 9, "經費配置來源", self.f_bold)
        ws.merge_range(1, 10, 1, 12, "優質化整體經費 A+B+C+D", self.f_bold)
        for i, label in enumerate(("教育部補助款 (A)", "配合款 (B)", "自籌款 (C)", "其他補助款 (D)")):
            ws.merge_range(2, 2 + 2 * i, 2, 3 + 2 * i, label, self.f_bold)
        for i in range(5):
            ws.write(3, 2 + 2 * i, "經常門", self.f_bold)
            ws.write(3, 3 + 2 * i, "資本門", self.f_bold)
        ws.write(3, 12, "合計數", self.f_bold)
        row = 4
        for fy, sem in ((ay, "上"), (ay + 1, "下")):
            ws.write(row, 0, f"{fy} 會計年度 ({ay} 學年{sem} 學期)", self.f_text)
            start = row
            for code in codes:
                ws.write(row, 1, f"{fy}-{code}", self.f_text)
                ws.write_formula(row, 10, f"=C{row + 1}+E{row + 1}+G{row + 1}+I{row + 1}", self.f_money, 0)
                ws.write_formula(row, 11, f"=D{row + 1}+F{row + 1}+H{row + 1}+J{row + 1}", self.f_money, 0)
                ws.write_formula(row, 12, f"=K{row + 1}+L{row + 1}", self.f_money, 0)
                row += 1
            ws.write(row, 0, f"{fy}會計年度合計", self.f_bold)
            for col in range(2, 13):
                letter = xl_rowcol_to_cell(0, col)[:-1]
                ws.write_formula(row, col, f"=SUM({letter}{start + 1}:{letter}{row})", self.f_bold_money, 0)
            row += 1
        ws.write(row, 0, f"{ay}全學年合計", self.f_bold)
        for col in range(2, 13):
            ws.write_formula(row, col, "=0+0", self.f_bold_money, 0)
        row += 1
        ws.write(row, 0, "經資門比例", self.f_bold)
        for col in range(10, 13):
            letter = xl_rowcol_to_cell(0, col)[:-1]
            ws.write_formula(row, col, f"={letter}{row}/M{row}", self.f_ratio, "#DIV/0!")
        ws.write(
            row + 2, 0, "說明：1. 經資門比例：經常門= 經常門總額/全學年合計；資本門= 資本門總額/全學年合計。"
        )

    def y4(self) -> None:
        o, ay = self.opts, self.opts["academic_year"]
        ws = self.wb.add_worksheet("y-4")
        ws.write(0, 0, "表y-4 子計畫經常門經費項目彙計表 (子計畫A-D)", self.f_title)
        ws.write(1, 0, "單位：仟元", self.f_plain)
        ws.write(2, 0, "經常門", self.f_bold)
        ws.write(2, 1, "經費項目名稱", self.f_bold)
        for i, label in enumerate((f"{ay}會計年度(8-12月)", f"{ay + 1}會計年度(1-7月)", f"{ay}學年度")):
            ws.merge_range(2, 2 + 2 * i, 2, 3 + 2 * i, label, self.f_bold)
            ws.write(3, 2 + 2 * i, "總計", self.f_bold)
            ws.write(3, 3 + 2 * i, "比例", self.f_bold)
        row = 4
        items = forms.recurrent_items(o["programme"], ay)
        operating = forms.items(o["programme"], ay, forms.OPERATING)
        total_row = 4 + len(items)
        for item in items:
            if item == operating[0]:
                ws.write(row, 0, forms.OPERATING, self.f_text)
            elif item not in operating and ws_first_grant(item, o, ay):
                ws.write(row, 0, forms.GRANTS, self.f_text)
            ws.write(row, 1, item, self.f_text)
            ws.write_formula(row, 6, f"=C{row + 1}+E{row + 1}", self.f_money, 0)
            for col in (3, 5, 7):
                letter = xl_rowcol_to_cell(0, col - 1)[:-1]
                formula = f"={letter}{row + 1}/{letter}{total_row + 1}"
                ws.write_formula(row, col, formula, self.f_ratio, "#DIV/0!")
            row += 1
        ws.write(row, 0, "經常門總計", self.f_bold)
        for col in (2, 4, 6):
            letter = xl_rowcol_to_cell(0, col)[:-1]
            ws.write_formula(row, col, f"=SUM({letter}5:{letter}{row})", self.f_bold_money, 0)
        ws.write(row + 2, 0, "說明：1. 為了協助及早完成經費核定，請學校加總各子計畫之經費項目。")


def ws_first_grant(item: str, opts: dict, ay: int) -> bool:
    return item == forms.items(opts["programme"], ay, forms.GRANTS)[0]


def official_workbook(
    path,
    *,
    academic_year: int = 109,
    programme: str = "senior-high",
    school_title: str = "○○高中",
    blocks: dict | None = None,
    broken_summaries: bool = True,
    summaries: tuple[str, ...] = ("y-2", "y-3", "y-4"),
    fill_missing: bool = True,
    sheet_names: dict | None = None,
    order: list[str] | None = None,
    hidden: tuple[str, ...] = (),
    code_label: str = ":",
    same_sheet: tuple[str, ...] = (),
    blank_rows: tuple[int, ...] = (),
    extra_rows: int = 0,
    column_offset: int = 0,
    merge_category: bool = False,
    typed_subtotals: bool = False,
    applied: dict | None = None,
    approved: dict | None = None,
    fingerprint: dict | None = None,
    school_sheet: dict | None = None,
    extra_sheets: dict | None = None,
) -> Path:
    """Write an official-looking budget workbook to ``path`` and return it.

    - ``fill_missing``: add empty sheets for the programme's sub-plans not in ``blocks`` (the
      official file always has all of them).
    - ``sheet_names``: {(code, Semester): name} renames; ``order``: the final sheet order by name;
      ``hidden``: names of sheets to hide.
    - ``code_label``: ``":"`` → ``子計畫代碼:A``; ``"："`` (full-width); ``"next-cell"`` → the code in
      the cell to the right; ``""`` → no code label (the reader must use the sheet name).
    - ``same_sheet``: codes whose two semesters stand one under the other on one sheet.
    - ``blank_rows``: indexes (within each section) of rows left blank; ``extra_rows``: rows added
      to each section beyond its lines; ``column_offset``: columns inserted before column A.
    - ``merge_category``: 一級用途別 merged down each section; ``typed_subtotals``: 小計 typed.
    - ``applied`` / ``approved``: y-2 申請金額 / 核定金額 in 千元 by code.
    - ``fingerprint``: {key: value} for a hidden ``_youzhi`` sheet; ``school_sheet``: {label: value}
      for a ``基本資料`` sheet; ``extra_sheets``: {name: [[cells]]} written as they are.
    """
    path = Path(path)
    blocks = default_blocks() if blocks is None else blocks
    opts = {
        "academic_year": academic_year,
        "programme": programme,
        "school_title": school_title,
        "broken_summaries": broken_summaries,
        "code_label": code_label,
        "blank_rows": set(blank_rows),
        "extra_rows": extra_rows,
        "column_offset": column_offset,
        "merge_category": merge_category,
        "typed_subtotals": typed_subtotals,
        "applied": applied or {},
        "approved": approved or {},
    }
    keys = list(blocks)
    if fill_missing:
        for sub in forms.programme(programme, academic_year).subplans:
            for sem in Semester:
                if (sub.code, sem) not in blocks:
                    keys.append((sub.code, sem))
    order_key = {s.code: i for i, s in enumerate(forms.programme(programme, academic_year).subplans)}
    keys.sort(key=lambda k: (order_key.get(k[0].split("-")[0], 99), k[0], k[1]))
    writer = _Writer(path, opts)
    names = sheet_names or {}
    done = set()
    for code, sem in keys:
        if (code, sem) in done:
            continue
        writer.cached = {}
        if code in same_sheet:
            ws = writer.wb.add_worksheet(names.get((code, None), code))
            row = writer.write_block(ws, 0, code, Semester.FIRST, blocks.get((code, Semester.FIRST), []))
            writer.cached = {}
            writer.write_block(ws, row + 1, code, Semester.SECOND, blocks.get((code, Semester.SECOND), []))
            done |= {(code, Semester.FIRST), (code, Semester.SECOND)}
        else:
            ws = writer.wb.add_worksheet(names.get((code, sem), sheet_name(code, sem)))
            writer.write_block(ws, 0, code, sem, blocks.get((code, sem), []))
            done.add((code, sem))
        ws.set_column(writer.c(0), writer.c(0), 12)
        ws.set_column(writer.c(1), writer.c(1), 24)
        ws.set_column(writer.c(6), writer.c(6), 30)
        ws.data_validation(
            5,
            writer.c(7),
            40,
            writer.c(7),
            {"validate": "list", "source": list(forms.SOURCES)},
        )
    codes = sorted({k[0] for k in keys}, key=lambda c: (order_key.get(c.split("-")[0], 99), c))
    if "y-2" in summaries:
        writer.y2(codes)
    if "y-3" in summaries:
        writer.y3([c for c in codes if "-" not in c])
    if "y-4" in summaries:
        writer.y4()
    if school_sheet:
        ws = writer.wb.add_worksheet("基本資料")
        for i, (label, value) in enumerate(school_sheet.items()):
            ws.write(i, 0, label)
            ws.write(i, 1, value)
    for name, rows in (extra_sheets or {}).items():
        ws = writer.wb.add_worksheet(name)
        for r, cells in enumerate(rows):
            for c, value in enumerate(cells):
                ws.write(r, c, value)
    if fingerprint:
        ws = writer.wb.add_worksheet("_youzhi")
        for i, (key, value) in enumerate(fingerprint.items()):
            ws.write(i, 0, key)
            ws.write(i, 1, value)
        ws.hide()
        if "programme" in fingerprint:
            writer.wb.define_name("youzhi_programme", f'="{fingerprint["programme"]}"')
        if "academic_year" in fingerprint:
            writer.wb.define_name("youzhi_year", f"={fingerprint['academic_year']}")
    for ws in writer.wb.worksheets():
        if ws.get_name() in hidden:
            ws.hide()
    if order:
        by_name = {ws.get_name(): ws for ws in writer.wb.worksheets()}
        writer.wb.worksheets_objs = [by_name[n] for n in order] + [
            ws for ws in writer.wb.worksheets_objs if ws.get_name() not in order
        ]
        for i, ws in enumerate(writer.wb.worksheets_objs):
            ws.index = i
        writer.wb.worksheets_objs[0].activate()
    writer.wb.close()
    return path
