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
        label = o["fiscal_labels"].get((code, semester), fiscal_label(ay, semester))
        ws.write(row, self.c(0), label, self.f_plain)
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
        count += sum(1 for i in o["blank_rows"] if i < count)
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
    fiscal_labels: dict | None = None,
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
    - ``fiscal_labels``: {(code, Semester): text} replaces the ``N會計年度概算表(…)`` label.
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
        "fiscal_labels": fiscal_labels or {},
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


# --- school-style variants with hand-computed figures (元) ------------------------------------
# Each: {"options": official_workbook keyword arguments, "expected": figures worked out by hand
# from the 千元 on the sheets}. y3 lists only rows with money; y4 only items with money.


def _ln(category, item, unit, quantity, unit_price, source="", purpose="說明", **extra) -> dict:
    return dict(
        category=category,
        item=item,
        unit=unit,
        quantity=quantity,
        unit_price=unit_price,
        source=source,
        purpose=purpose,
        **extra,
    )


OP, GR, CAP = forms.OPERATING, forms.GRANTS, forms.CAPITAL
FIRST, SECOND = Semester.FIRST, Semester.SECOND

# The reader's one warning per summary sheet for the cached #REF! / #DIV/0! of the official file.
BROKEN_SUMMARY_PROBLEMS = [
    ("y-2", "B6", "個儲存格為錯誤值（#REF! "),
    ("y-3", "K16", "個儲存格為錯誤值（#DIV/0! 3）"),
    ("y-4", "D5", "個儲存格為錯誤值（#DIV/0! 63）"),
]
# =D6*E6 of a line whose 數量 or 單價 is text shows #VALUE! in Excel (renamed-text-numbers).
VALUE_ERROR_PROBLEMS = [
    ("教師增能", "F6", "有 1 個儲存格為錯誤值（#VALUE! 1），例如 F6"),
    ("A下學期", "F6", "有 1 個儲存格為錯誤值（#VALUE! 1），例如 F6"),
]

VARIANTS: dict[str, dict] = {
    "official": {
        "options": {},
        "expected": {
            "academic_year": 109,
            "programme": "senior-high",
            "school": {"name": "", "authority": None, "county": None},
            "codes": ["A", "B", "C", "D"],
            "y3": [(109, "A", "教育部補助款", 10000, 0), (110, "A", "教育部補助款", 10000, 0)],
            "y4": {(109, "諮詢費、輔導費、指導費"): 10000, (110, "諮詢費、輔導費、指導費"): 10000},
            "recurrent": 20000,
            "capital": 0,
            "match": {"subsidy": 20000, "budgeted": 0, "tier": None},
            "problems": [*BROKEN_SUMMARY_PROBLEMS],
        },
    },
    # Rows inserted (8 業務費 lines in a 6-row section), a blank row in every section, branch
    # sheets for both semesters, sources written out.
    "branches-inserted-rows": {
        "options": {
            "academic_year": 114,
            "school_title": "新北市立板橋高級中學",
            "blank_rows": (1,),
            "blocks": {
                ("A-1", FIRST): [
                    _ln(OP, "講座鐘點費", "節", 10, 2),  # 20,000
                    _ln(OP, "印刷費", "式", 1, 3.5, "配合款"),  # 3,500
                    _ln(OP, "材料費", "人次", 30, 0.2),  # 6,000
                    _ln(OP, "雜支", "式", 1, 1.234),  # 1,234
                    _ln(OP, "諮詢費、輔導費、指導費", "人次", 3, 2.5),  # 7,500
                    _ln(OP, "國內旅費、短程車資、運費", "人次", 10, 0.5),  # 5,000
                    _ln(OP, "膳宿費", "人次", 40, 0.12, "配合款"),  # 4,800
                    _ln(OP, "保險費", "人", 40, 0.025, "教育部補助款"),  # 1,000
                    _ln(GR, "學生獎學(助)金", "人次", 4, 5),  # 20,000
                    _ln(CAP, "筆記型電腦", "臺", 2, 30, "自籌款"),  # 60,000
                ],
                ("A-1", SECOND): [_ln(OP, "授課鐘點費", "節", 36, 0.4)],  # 14,400
                ("A-2", FIRST): [_ln(OP, "稿費", "篇", 1, 2.7, "其他補助款")],  # 2,700
                ("A-2", SECOND): [_ln(OP, "租車費", "臺", 2, 12, "配合款")],  # 24,000
            },
        },
        "expected": {
            "academic_year": 114,
            "programme": "senior-high",
            "school": {"name": "新北市立板橋高級中學", "authority": "直轄市立", "county": "新北市"},
            "codes": ["A", "A-1", "A-2", "B", "C", "D"],
            "y3": [
                (114, "A-1", "教育部補助款", 60734, 0),  # 20000+6000+1234+7500+5000+1000+20000
                (114, "A-1", "配合款", 8300, 0),  # 3500+4800
                (114, "A-1", "自籌款", 0, 60000),
                (114, "A-2", "其他補助款", 2700, 0),
                (115, "A-1", "教育部補助款", 14400, 0),
                (115, "A-2", "配合款", 24000, 0),
            ],
            "y4": {
                (114, "講座鐘點費"): 20000,
                (114, "印刷費"): 3500,
                (114, "材料費"): 6000,
                (114, "雜支"): 1234,
                (114, "諮詢費、輔導費、指導費"): 7500,
                (114, "國內旅費、短程車資、運費"): 5000,
                (114, "膳宿費"): 4800,
                (114, "保險費"): 1000,
                (114, "學生獎學(助)金"): 20000,
                (114, "稿費"): 2700,
                (115, "授課鐘點費"): 14400,
                (115, "租車費"): 24000,
            },
            "recurrent": 110134,
            "capital": 60000,
            # 114學年度 straddles two tier tables: a match per 會計年度. 新北市 is tier 2 in both
            # (112–114 and 115–117), senior-high r = 0.85: 114年度 ⌈60734 × 15 / 85⌉ = ⌈10717.76⌉ =
            # 10718; 115年度 ⌈14400 × 15 / 85⌉ = ⌈2541.18⌉ = 2542; 10718 + 2542 = 13260.
            "match": {
                "county": "新北市",
                "tier": 2,
                "max_rate": "0.85",
                "subsidy": 75134,
                "required": 13260,
                "split": True,
                "budgeted": 32300,
            },
            "problems": [*BROKEN_SUMMARY_PROBLEMS],
        },
    },
    # Sheets renamed, reordered and one hidden; full-width colon; numbers typed as text.
    "renamed-text-numbers": {
        "options": {
            "code_label": "：",
            "sheet_names": {("A", FIRST): "第一張", ("A", SECOND): "A下學期", ("B", FIRST): "教師增能"},
            "order": ["y-4", "教師增能", "A下學期", "第一張"],
            "hidden": ("教師增能",),
            "blocks": {
                ("A", FIRST): [_ln(OP, "講座鐘點費", "節", "１０", "２")],  # 20,000
                ("A", SECOND): [_ln(OP, "印刷費", "式", "2", "1,500元")],  # 3,000
                ("B", FIRST): [
                    _ln(OP, "物品費", "個", 5, "10千"),  # 50,000
                    _ln(OP, "資料檢索費", "筆", "1,000", 0.001),  # 1,000
                ],
                ("C", SECOND): [_ln(CAP, "個人電腦(含顯示器)", "組", 2, 30, "自籌")],  # 60,000
            },
        },
        "expected": {
            "academic_year": 109,
            "programme": "senior-high",
            "school": {"name": "", "authority": None, "county": None},
            "codes": ["A", "B", "C", "D"],
            "y3": [
                (109, "A", "教育部補助款", 20000, 0),
                (109, "B", "教育部補助款", 51000, 0),
                (110, "A", "教育部補助款", 3000, 0),
                (110, "C", "自籌款", 0, 60000),
            ],
            "y4": {
                (109, "講座鐘點費"): 20000,
                (109, "物品費"): 50000,
                (109, "資料檢索費"): 1000,
                (110, "印刷費"): 3000,
            },
            "recurrent": 74000,
            "capital": 60000,
            "match": {"subsidy": 74000, "budgeted": 0, "tier": None},
            "problems": [("教師增能", "A3", "隱藏"), *VALUE_ERROR_PROBLEMS, *BROKEN_SUMMARY_PROBLEMS],
        },
    },
    # Totals typed over formulas (one wrong), 小計 typed, an unreadable 單價, a category written
    # in the wrong section, a 單價 that is not whole 元.
    "typed-totals": {
        "options": {
            "academic_year": 110,
            "school_title": "私立復興高級中學",
            "typed_subtotals": True,
            "blocks": {
                ("B", FIRST): [
                    _ln(OP, "講座鐘點費", "節", 6, 1, total=8),  # typed 8,000; 6 × 1 = 6,000 wins
                    _ln(OP, "場地使用費", "場", 2, 2.5, total=5),  # 5,000
                    _ln(OP, "雜支", "式", 1, "abc", total=0.8),  # 單價 unreadable: typed 800
                    _ln(GR, "學生入學獎學金", "人次", 2, 10, label="業務費"),  # 20,000
                    _ln(CAP, "平板電腦", "臺", 3, 15),  # 45,000
                ],
                ("B", SECOND): [_ln(OP, "資料蒐集費", "式", 1, 0.0005)],  # 0.5 元 → 1 元
            },
        },
        "expected": {
            "academic_year": 110,
            "programme": "senior-high",
            "school": {"name": "私立復興高級中學", "authority": "私立", "county": None},
            "codes": ["A", "B", "C", "D"],
            "y3": [(110, "B", "教育部補助款", 31800, 45000), (111, "B", "教育部補助款", 1, 0)],
            "y4": {
                (110, "講座鐘點費"): 6000,
                (110, "場地使用費"): 5000,
                (110, "雜支"): 800,
                (110, "學生入學獎學金"): 20000,
                (111, "資料蒐集費"): 1,
            },
            "recurrent": 31801,
            "capital": 45000,
            "match": {"subsidy": 76801, "required": 0, "budgeted": 0, "needed": False},
            "problems": [
                *BROKEN_SUMMARY_PROBLEMS,
                ("B(8-12月)", "F6", "總價 8,000 元與數量×單價 6,000 元不符"),
                ("B(8-12月)", "E8", "單價"),
                ("B(8-12月)", "A13", "業務費"),
                ("B(1-7月)", "E6", "不是整數元"),
                ("B(1-7月)", "F6", "不是整數元"),
            ],
        },
    },
    # Both semesters of C on one sheet named "C", no 子計畫代碼 label anywhere (the sheet name
    # tells), a column inserted before A, 一級用途別 merged down each section.
    "one-sheet-shifted-merged": {
        "options": {
            "academic_year": 112,
            "school_title": "臺北市立建國高級中學",
            "same_sheet": ("C",),
            "code_label": "",
            "column_offset": 1,
            "merge_category": True,
            "blocks": {
                ("C", FIRST): [
                    _ln(OP, "臨時工作人員/工讀費", "小時", 100, 0.2),  # 20,000
                    _ln(OP, "軟體設計費、軟體授權費", "套", 1, 9.999),  # 9,999
                ],
                ("C", SECOND): [
                    _ln(OP, "設備維護費", "式", 1, 4.321),  # 4,321
                    _ln(CAP, "雷射印表機", "臺", 1, 18, "配合款"),  # 18,000
                ],
            },
        },
        "expected": {
            "academic_year": 112,
            "programme": "senior-high",
            "school": {"name": "臺北市立建國高級中學", "authority": "直轄市立", "county": "臺北市"},
            "codes": ["A", "B", "C", "D"],
            "y3": [
                (112, "C", "教育部補助款", 29999, 0),
                (113, "C", "教育部補助款", 4321, 0),
                (113, "C", "配合款", 0, 18000),
            ],
            "y4": {
                (112, "臨時工作人員/工讀費"): 20000,
                (112, "軟體設計費、軟體授權費"): 9999,
                (113, "設備維護費"): 4321,
            },
            "recurrent": 34320,
            "capital": 18000,
            # 臺北市 tier 1, r = 0.80: 34320 × 0.2 / 0.8 = 8580
            "match": {
                "county": "臺北市",
                "tier": 1,
                "max_rate": "0.80",
                "subsidy": 34320,
                "required": 8580,
                "budgeted": 18000,
            },
            "problems": [("C", "A3", "依工作表名稱判定為 C"), *BROKEN_SUMMARY_PROBLEMS],
        },
    },
    # The vocational programme (sub-plans 一…五), extra empty rows, y-2/y-3/y-4 deleted.
    "vocational-no-summaries": {
        "options": {
            "academic_year": 114,
            "programme": "vocational",
            "school_title": "新竹縣立湖口高級中學",
            "summaries": (),
            "extra_rows": 3,
            "blocks": {
                ("一", FIRST): [_ln(OP, "講座鐘點費", "節", 8, 2)],  # 16,000
                ("二", SECOND): [_ln(GR, "學生入學獎學金", "人次", 3, 10, "配合款")],  # 30,000
            },
        },
        "expected": {
            "academic_year": 114,
            "programme": "vocational",
            "school": {"name": "新竹縣立湖口高級中學", "authority": "縣市立", "county": "新竹縣"},
            "codes": ["一", "二", "三", "四", "五"],
            "y3": [(114, "一", "教育部補助款", 16000, 0), (115, "二", "配合款", 30000, 0)],
            "y4": {(114, "講座鐘點費"): 16000, (115, "學生入學獎學金"): 30000},
            "recurrent": 46000,
            "capital": 0,
            # 114學年度 straddles two tier tables. 114年度: 新竹縣 tier 3 (112–114), vocational
            # r = 0.90: ⌈16000 / 9⌉ = ⌈1777.8⌉ = 1778; 115年度: tier 1 (115–117), r = 0.50, no
            # 教育部補助款 in 115 → 0. The tiers differ, so the whole-year tier and rate are None.
            "match": {
                "county": "新竹縣",
                "tier": None,
                "max_rate": None,
                "subsidy": 16000,
                "required": 1778,
                "split": True,
                "budgeted": 30000,
            },
            "problems": [],
        },
    },
    # Our own fingerprint and 基本資料 sheet (as the template writes them) and y-2 申請 / 核定.
    "fingerprint-requests": {
        "options": {
            "academic_year": 114,
            "fingerprint": {
                "form": "youzhi-budget",
                "programme": "senior-high",
                "academic_year": 114,
                "template_version": "1",
            },
            "school_sheet": {
                "學校名稱": "國立臺南第一高級中學",
                "主管機關": "國立",
                "所在縣市": "臺南市",
                "方案": "高中優質化輔助方案",
                "學年度": 114,
            },
            "applied": {"A": 100, "D": 0.211},
            "approved": {"A": 90},
            "blocks": {("D", SECOND): [_ln(OP, "全民健康保險補充保費", "式", 1, 0.211)]},  # 211
        },
        "expected": {
            "academic_year": 114,
            "programme": "senior-high",
            "school": {"name": "國立臺南第一高級中學", "authority": "國立", "county": "臺南市"},
            "codes": ["A", "B", "C", "D"],
            "y3": [(115, "D", "教育部補助款", 211, 0)],
            "y4": {(115, "全民健康保險補充保費"): 211},
            "recurrent": 211,
            "capital": 0,
            "applied": {"A": 100000, "D": 211},
            "approved": {"A": 90000},
            "match": {"subsidy": 211, "required": 0, "needed": False},
            "problems": [*BROKEN_SUMMARY_PROBLEMS],
        },
    },
}


def variant_workbook(name: str, directory) -> Path:
    """Write variant ``name`` into ``directory`` (file named after it)."""
    return official_workbook(Path(directory) / f"{name}.xlsx", **VARIANTS[name]["options"])
