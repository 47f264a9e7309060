"""The 支用明細 (spending ledger) sheet: its spec and its reader.

One row per expense: 日期, 子計畫, 一級用途別, 項目 (drop-down of the standard items), 經常/資本,
金額 (元, whole 元), 憑證編號, 請購/已支付, 備註. The drop-down lists sit in hidden columns of the
sheet itself, so the sheet works wherever it is added (template or ``repair --with-ledger``).

A blank 經常/資本 counts as 經常門 (the 執行進度報告表 formulas take 經常門 as all − 資本門), and a
blank 請購/已支付 as 已支付. Money is read exactly: integer 元, a fractional amount is a problem.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from youzhi import cell_spec, forms
from youzhi.a1 import get_column_letter as _letter
from youzhi.cell_spec import SheetSpec, Validation
from youzhi.model import Budget, Problem
from youzhi.money import parse_number, round_half_up
from youzhi.sheets import SheetGrid, WorkbookGrids

LEDGER_NAME = "支用明細"
RECURRENT, CAPITAL = "經常門", "資本門"
REQUESTED, PAID = "請購", "已支付"
HEADERS = ("日期", "子計畫", "一級用途別", "項目", "經常/資本", "金額(元)", "憑證編號", "請購/已支付", "備註")
COL = {
    name: i
    for i, name in enumerate(
        ("date", "code", "category", "item", "kind", "amount", "voucher", "status", "note"), start=1
    )
}
HEADER_ROW = 3
FIRST_ROW = 4
DEFAULT_ROWS = 300
LIST_COL = 12  # hidden list columns L…O: items, codes, 經常門/資本門, 請購/已支付
MONEY_YUAN = "#,##0"

# Styles of the execution-year sheets, registered next to cell_spec.STYLES (read by every writer).
cell_spec.STYLES.setdefault("ledger_money", {**cell_spec.STYLES["input_text"], "num_format": MONEY_YUAN})
cell_spec.STYLES.setdefault("ledger_date", {**cell_spec.STYLES["input_text"], "num_format": "yyyy/mm/dd"})
cell_spec.STYLES.setdefault("yuan", {**cell_spec.STYLES["cell"], "num_format": MONEY_YUAN})
cell_spec.STYLES.setdefault("yuan_bold", {**cell_spec.STYLES["cell_bold"], "num_format": MONEY_YUAN})
cell_spec.STYLES.setdefault("input_yuan", {**cell_spec.STYLES["school_input"], "num_format": MONEY_YUAN})


@dataclass(frozen=True)
class LedgerRow:
    row: int
    when: date | None
    code: str
    category: str
    item: str
    kind: str  # 經常門 | 資本門 (blank → 經常門)
    amount: int  # 元
    voucher: str = ""
    status: str = PAID  # 請購 | 已支付 (blank → 已支付)
    note: str = ""
    raw_kind: str = ""

    @property
    def capital(self) -> bool:
        return self.kind == CAPITAL


@dataclass
class Ledger:
    sheet: str | None
    rows: list[LedgerRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    last_row: int = FIRST_ROW + DEFAULT_ROWS - 1


# --------------------------------------------------------------------------- the sheet


def all_items(budget: Budget) -> list[str]:
    out: list[str] = []
    for category in forms.CATEGORIES:
        for item in forms.items(budget.programme, budget.academic_year, category):
            if item not in out:
                out.append(item)
    return out


def ledger_sheet(budget: Budget, codes: list[str], rows: int = DEFAULT_ROWS, title: str = "") -> SheetSpec:
    """The empty 支用明細 sheet: inputs unlocked, drop-downs, A4 landscape, the y-1 look."""
    widths = {1: 12, 2: 9, 3: 12, 4: 24, 5: 10, 6: 14, 7: 14, 8: 12, 9: 30}
    widths.update({LIST_COL + i: 0 for i in range(4)})  # width 0: hidden list columns
    s = SheetSpec(LEDGER_NAME, column_widths=widths, print_title_rows=(1, HEADER_ROW), freeze_rows=HEADER_ROW)
    s.add(1, 1, title or f"{budget.academic_year}學年度優質化輔助方案經費支用明細", "title")
    s.merges.append((1, 1, 1, len(HEADERS)))
    s.add(
        2,
        1,
        "日期請填西元年/月/日；金額單位：新臺幣元；經常/資本空白視為經常門；請購/已支付空白視為已支付",
        "note",
    )
    s.merges.append((2, 1, 2, len(HEADERS)))
    for col, text in enumerate(HEADERS, start=1):
        s.add(HEADER_ROW, col, text, "header")
    last = FIRST_ROW + rows - 1
    styles = {"amount": "ledger_money", "date": "ledger_date", "note": "input_wrap"}
    for r in range(FIRST_ROW, last + 1):
        for name, col in COL.items():
            s.add(r, col, None, styles.get(name, "input_text"))
    lists = (all_items(budget), codes, [RECURRENT, CAPITAL], [REQUESTED, PAID])
    for i, values in enumerate(lists):
        col = LIST_COL + i
        for r, value in enumerate(values, start=1):
            s.add(r, col, value, "param")
    letters = [chr(ord("A") + LIST_COL - 1 + i) for i in range(4)]
    where = {"item": 0, "code": 1, "kind": 2, "status": 3}
    for name, i in where.items():
        source = f"=${letters[i]}$1:${letters[i]}${max(1, len(lists[i]))}"
        s.validations.append(
            Validation(
                FIRST_ROW,
                COL[name],
                last,
                COL[name],
                source,
                True,
                HEADERS[COL[name] - 1],
                warn_only=name == "item",
            )
        )
    s.validations.append(
        Validation(FIRST_ROW, COL["category"], last, COL["category"], "=yz_categories", True, "一級用途別")
    )
    return s


# --------------------------------------------------------------------------- the reader

_DATE = re.compile(r"^(\d{2,4})[/\-.年](\d{1,2})[/\-.月](\d{1,2})日?$")
_EXCEL_EPOCH = date(1899, 12, 30)


def parse_date(value: object) -> date | None:
    """A date cell: a date/datetime, an Excel serial, ``2026/3/5``, ``115/3/5`` (民國) or ISO."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 20000 < value < 80000:
        return _EXCEL_EPOCH + timedelta(days=int(value))
    if not isinstance(value, str):
        return None
    hit = _DATE.match(unicodedata.normalize("NFKC", value).strip())
    if not hit:
        return None
    year, month, day = (int(g) for g in hit.groups())
    if year < 1911:
        year += 1911
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFKC", str(value)).strip()


def find_ledger(grids: WorkbookGrids) -> SheetGrid | None:
    """The 支用明細 sheet: by name, else the first sheet with its header row."""
    by_name = grids.sheet(LEDGER_NAME)
    if by_name is not None:
        return by_name
    for grid in grids.sheets:
        if _header(grid) is not None:
            return grid
    return None


def _header(grid: SheetGrid) -> tuple[int, dict[str, int]] | None:
    for r in range(1, min(grid.max_row, 10) + 1):
        found: dict[str, int] = {}
        for c in range(1, min(grid.max_col, 20) + 1):
            t = _text(grid.value(r, c))
            for name, label in zip(COL, HEADERS, strict=True):
                if name not in found and t and t.startswith(label.split("(")[0]):
                    found[name] = c
        if {"date", "code", "amount", "voucher"} <= found.keys():
            return r, found
    return None


def read_ledger(grids: WorkbookGrids) -> Ledger:
    """The ledger rows of a workbook (an empty ``Ledger`` with ``sheet=None`` when there is none)."""
    grid = find_ledger(grids)
    if grid is None:
        return Ledger(None)
    found = _header(grid)
    if found is None:
        return Ledger(
            grid.name, problems=[Problem(grid.name, "A1", "支用明細找不到標題列（日期、子計畫、金額…）")]
        )
    header, cols = found
    ledger = Ledger(grid.name, last_row=max(grid.max_row, header + 1))
    for r in range(header + 1, grid.max_row + 1):
        row = _read_row(ledger, grid, r, cols)
        if row is not None:
            ledger.rows.append(row)
    return ledger


def _read_row(ledger: Ledger, grid: SheetGrid, r: int, cols: dict[str, int]) -> LedgerRow | None:
    cell = {name: grid.value(r, c) for name, c in cols.items()}
    texts = {name: _text(v) for name, v in cell.items()}
    if not any(texts[n] for n in ("date", "code", "item", "amount", "voucher")):
        return None
    where = f"{_letter(cols['amount'])}{r}"
    parsed = parse_number(cell.get("amount"))
    if parsed.value is None:
        if texts["amount"]:
            ledger.problems.append(
                Problem(grid.name, where, f"金額「{texts['amount']}」不是數字，未納入", "error")
            )
        else:
            ledger.problems.append(Problem(grid.name, where, "此列沒有金額，未納入"))
        return None
    amount = round_half_up(parsed.value)
    if parsed.value != Decimal(amount):
        ledger.problems.append(
            Problem(grid.name, where, f"金額 {parsed.value} 不是整數元，以 {amount} 元計", "error")
        )
    when = parse_date(cell.get("date"))
    if when is None:
        ledger.problems.append(
            Problem(
                grid.name,
                f"{_letter(cols['date'])}{r}",
                f"日期「{texts['date']}」無法辨識（請填 西元年/月/日）",
            )
        )
    raw_kind = texts.get("kind", "")
    status = REQUESTED if texts.get("status", "").startswith(REQUESTED) else PAID
    return LedgerRow(
        row=r,
        when=when,
        code=texts["code"].upper(),
        category=texts.get("category", ""),
        item=texts.get("item", ""),
        kind=CAPITAL if raw_kind.startswith("資本") else RECURRENT,
        amount=amount,
        voucher=texts.get("voucher", ""),
        status=status,
        note=texts.get("note", ""),
        raw_kind=raw_kind,
    )
