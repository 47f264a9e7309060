"""The 經費調整對照表 (教育部補(捐)助及委辦經費核撥結報作業要點 附件五) from two versions of a budget.

``adjustment_rows(approved, changed)`` → one row per 經費項目 (業務費 and 獎補助費 items by their
standard name, 設備及投資 as one row) with 調整前 A (教育部核定計畫金額: all sources) and B
(教育部核定補(捐)助金額: 教育部補助款), 調整後 C and D, in integer 元. ``write_adjustment`` lays it out
as the ministry prints it (header lines, 本次調整項目, 合計, signature block, 備註) with XlsxWriter:
E = C − A, F = D − B and the 合計 row are native formulas with cached values.
"""

from __future__ import annotations

from dataclasses import dataclass

import xlsxwriter

from youzhi import forms
from youzhi.batch_report import atomic_output
from youzhi.diff import entries
from youzhi.errors import YouzhiError
from youzhi.model import Budget

SHEET = "經費調整對照表"
FONT = {"font_name": "標楷體", "font_size": 12, "valign": "vcenter"}
HEADER = (
    "教育部核定計畫金額(A)",
    "教育部核定補(捐)助金額(B)",
    "教育部核定計畫金額(C)",
    "教育部核定補(捐)助金額(D)",
    "教育部核定計畫金額(E=C-A)",
    "教育部核定補(捐)助金額(F=D-B)",
)
NOTES = (
    "一、本表請隨函檢送乙份。",
    "二、委辦計畫僅須填寫「教育部核定計畫金額」欄位，「教育部核定補(捐)助金額」欄位可不必填寫。",
    "三、請另附調整後計畫項目經費表，並註明係第幾次調整。",
    "四、「調整前核定計畫」應以教育部核定經費表金額為準，不含循內部程序自行調整數。",
)
SIGNATURES = ("業務單位：", "主(會)計單位：", "首長(或團體負責人)：")
CHECKED, UNCHECKED = "■", "□"


@dataclass(frozen=True)
class AdjustmentRow:
    item: str  # 經費項目 as printed: 業務費－講座鐘點費, 設備及投資
    a: int  # 調整前 教育部核定計畫金額
    b: int  # 調整前 教育部核定補(捐)助金額
    c: int  # 調整後 教育部核定計畫金額
    d: int  # 調整後 教育部核定補(捐)助金額

    @property
    def e(self) -> int:
        return self.c - self.a

    @property
    def f(self) -> int:
        return self.d - self.b

    @property
    def adjusted(self) -> bool:
        return bool(self.e or self.f)


def _label(category: str, item: str) -> str:
    return forms.CAPITAL if category == forms.CAPITAL else f"{category}－{item}"


def _sums(budget: Budget) -> dict[str, tuple[int, int]]:
    out: dict[str, tuple[int, int]] = {}
    for e in entries(budget):
        key = _label(e.line.category, e.item)
        plan, subsidy = out.get(key, (0, 0))
        ministry = e.line.amount if e.line.source == forms.MINISTRY else 0
        out[key] = (plan + e.line.amount, subsidy + ministry)
    return out


def _order(budget: Budget):
    standard = {
        _label(c, item): i
        for i, (c, item) in enumerate(
            (c, item)
            for c in forms.RECURRENT_CATEGORIES
            for item in forms.items(budget.programme, budget.academic_year, c)
        )
    }
    categories = {c: i for i, c in enumerate(forms.CATEGORIES)}

    def key(label: str):
        category = label.split("－", 1)[0]
        return (categories.get(category, 9), standard.get(label, len(standard)), label)

    return key


def adjustment_rows(approved: Budget, changed: Budget) -> list[AdjustmentRow]:
    """Every 經費項目 with money in either version, adjusted ones first (in the standards' order)."""
    before, after = _sums(approved), _sums(changed)
    labels = sorted(set(before) | set(after), key=_order(changed))
    rows = [AdjustmentRow(k, *before.get(k, (0, 0)), *after.get(k, (0, 0))) for k in labels]
    return [r for r in rows if r.adjusted] + [r for r in rows if not r.adjusted]


def totals(rows: list[AdjustmentRow]) -> AdjustmentRow:
    return AdjustmentRow("合計", *(sum(getattr(r, k) for r in rows) for k in "abcd"))


# --- the workbook -----------------------------------------------------------------------------------


class _Sheet:
    def __init__(self, workbook: xlsxwriter.Workbook):
        self.ws = workbook.add_worksheet(SHEET)
        f = workbook.add_format
        self.title = f({**FONT, "bold": True, "font_size": 16, "align": "center"})
        self.plain = f(FONT)
        self.right = f({**FONT, "align": "right"})
        self.head = f({**FONT, "bold": True, "border": 1, "align": "center", "text_wrap": True})
        self.text = f({**FONT, "border": 1, "text_wrap": True})
        self.label = f({**FONT, "border": 1, "bold": True})
        self.money = f({**FONT, "border": 1, "num_format": "#,##0;-#,##0;0"})
        self.total = f({**FONT, "border": 1, "bold": True, "num_format": "#,##0;-#,##0;0"})

    def header(self, budget: Budget, round_no: int, full: bool) -> int:
        ws = self.ws
        ws.merge_range(0, 0, 0, 7, f"教育部補(捐)助委辦計畫經費第{round_no}次調整對照表", self.title)
        ay = budget.academic_year
        programme = forms.programme(budget.programme, ay).name
        lines = (
            f"執行單位名稱：{budget.school.name}",
            f"計畫名稱：{ay}學年度{programme}",
            f"計畫期程：{ay}年8月1日至{ay + 1}年7月31日",
            f"教育部補(捐)助計畫：{CHECKED if full else UNCHECKED}全額補(捐)助　"
            f"{UNCHECKED if full else CHECKED}部分補(捐)助",
            f"教育部委辦計畫辦理方式：{UNCHECKED}行政委託　{UNCHECKED}行政協助　{UNCHECKED}行政指示",
        )
        for r, text in enumerate(lines, 1):
            ws.merge_range(r, 0, r, 7, text, self.plain)
        ws.merge_range(6, 0, 6, 7, "單位：新臺幣元", self.right)
        ws.merge_range(7, 0, 8, 0, "經費項目", self.head)
        for col, text in ((1, "調整前核定計畫"), (3, "調整後之計畫"), (5, "調整數")):
            ws.merge_range(7, col, 7, col + 1, text, self.head)
        ws.merge_range(7, 7, 8, 7, "調整原因說明", self.head)
        for col, text in enumerate(HEADER, 1):
            ws.write_string(8, col, text, self.head)
        return 9

    def item(self, r: int, row: AdjustmentRow, fmt=None) -> None:
        ws, n = self.ws, r + 1
        ws.write_string(r, 0, row.item, self.label if fmt else self.text)
        for col, value in enumerate((row.a, row.b, row.c, row.d), 1):
            ws.write_number(r, col, value, fmt or self.money)
        ws.write_formula(r, 5, f"=D{n}-B{n}", fmt or self.money, row.e)
        ws.write_formula(r, 6, f"=E{n}-C{n}", fmt or self.money, row.f)
        ws.write_blank(r, 7, None, self.text)

    def section(self, r: int, text: str) -> None:
        self.ws.write_string(r, 0, text, self.label)
        for col in range(1, 8):
            self.ws.write_blank(r, col, None, self.text)

    def total_row(self, r: int, first: int, total: AdjustmentRow) -> None:
        ws, n = self.ws, r + 1
        ws.write_string(r, 0, "合計", self.label)
        for col, value in zip(range(1, 5), (total.a, total.b, total.c, total.d), strict=True):
            letter = "ABCDE"[col]
            ws.write_formula(r, col, f"=SUM({letter}{first + 1}:{letter}{r})", self.total, value)
        ws.write_formula(r, 5, f"=D{n}-B{n}", self.total, total.e)
        ws.write_formula(r, 6, f"=E{n}-C{n}", self.total, total.f)
        ws.write_blank(r, 7, None, self.text)

    def footer(self, r: int) -> None:
        ws = self.ws
        for col, text in zip((0, 3, 5), SIGNATURES, strict=True):
            ws.write_string(r, col, text, self.plain)
        ws.write_string(r + 2, 0, "備註：", self.plain)
        for i, text in enumerate(NOTES):
            ws.merge_range(r + 3 + i, 0, r + 3 + i, 7, text, self.plain)

    def layout(self) -> None:
        ws = self.ws
        ws.set_column(0, 0, 30)
        ws.set_column(1, 6, 17)
        ws.set_column(7, 7, 28)
        ws.set_row(8, 36)
        ws.set_landscape()
        ws.set_paper(9)  # A4
        ws.fit_to_pages(1, 0)


def write_adjustment(approved: Budget, changed: Budget, dest, round_no: int) -> list[AdjustmentRow]:
    """Write the 第 ``round_no`` 次 經費調整對照表 to ``dest`` (atomically); returns its rows."""
    if round_no < 1:
        raise YouzhiError(f"調整次數須為 1 以上的整數，收到 {round_no}")
    if not str(dest).lower().endswith(".xlsx"):
        raise YouzhiError("經費調整對照表請以 .xlsx 為副檔名")
    rows = adjustment_rows(approved, changed)
    full = all(e.line.source == forms.MINISTRY for e in entries(changed))
    with atomic_output(str(dest), ".xlsx") as temp:
        workbook = xlsxwriter.Workbook(temp, {"strings_to_numbers": False, "strings_to_formulas": False})
        workbook.set_properties({"title": SHEET, "author": "youzhi"})
        sheet = _Sheet(workbook)
        r = sheet.header(changed, round_no, full)
        first = r
        sheet.section(r, "本次調整項目")
        r += 1
        for i, row in enumerate(rows):
            if not row.adjusted and (i == 0 or rows[i - 1].adjusted):
                sheet.section(r, "未調整項目")
                r += 1
            sheet.item(r, row)
            r += 1
        sheet.total_row(r, first, totals(rows))
        sheet.footer(r + 2)
        sheet.layout()
        workbook.close()
    return rows
