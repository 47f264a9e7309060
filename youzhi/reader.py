"""Read any submitted budget workbook into the ``Budget`` model.

y-1 blocks are found by their labels, wherever they sit and whatever the sheet is called
(seed 002 表y-1-1: title ``…子計畫經費概算表(8-12月)``, ``子計畫代碼:A``, ``109會計年度概算表(8-12月)``,
the header ``名稱 | | 單位 | 數量 | 單價 | 總價 | 說明用途 | 經費來源``, then ``(一)經常門``, 業務費 lines,
``小計``, 獎補助費 lines, ``小計``, ``經常門小計``, ``(二)資本門``, 設備及投資 lines, ``資本門小計``,
``N會計年度合計``). The header row gives the column numbers; the section labels give the row
spans. Numbers are read leniently (``money.parse_number``) and whatever cannot be read becomes a
``Problem`` naming the sheet and cell.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from youzhi import forms, items, tiers
from youzhi.a1 import get_column_letter
from youzhi.calendar import Semester, fiscal_year, fiscal_year_from_text, semester_from_text
from youzhi.errors import UnreadableWorkbook
from youzhi.model import BlockLayout, Budget, Columns, Line, Problem, RowSpan, School, SubPlanSheet
from youzhi.money import MAX_LINE_YUAN, is_whole_yuan, parse_number, to_yuan
from youzhi.safety import CONTROL_NOTE
from youzhi.sheets import UNCACHED, SheetGrid, WorkbookGrids, display_name, load_grids
from youzhi.text import name_key

FINGERPRINT_SHEET = "_youzhi"
SCHOOL_SHEET = "基本資料"
PARAMETER_SHEET = "參數"
FORM_ID = "youzhi-budget"

# Titles of the summary forms (seed 002 表y-2 … 表y-4): such sheets are never read as y-1 blocks.
SUMMARY_MARKERS = {
    "y-2": ("表y-2", "經費編列總表"),
    "y-3": ("表y-3", "經費編列檢核表"),
    "y-4": ("表y-4", "經常門經費項目彙計表"),
}
_PREAMBLE_ROWS = 8  # how far above a header row the title / code / fiscal labels may sit
_PLACEHOLDER = re.compile(r"[○〇Oo0]{2}")
_TITLE_SCHOOL = re.compile(r"表\s*y-?1(?:-\d+)?\s*(.*?)\s*優質化")
_CODE = re.compile(r"^([A-Z]|[一二三四五六七八九十]+)((?:-?\d+)(?:-\d+)*)?(?![A-Za-z])")
_LOCAL_SCHOOL = re.compile(r"^(.{2,3}?[市縣])立")
_YEAR_LABEL = re.compile(r"(\d{2,3})\s*學年度")


def norm(value: object) -> str:
    """Cell text for label matching: NFKC (full-width → ASCII), no whitespace at all."""
    if value is None or value == "":
        return ""
    if not isinstance(value, str):
        return str(value)
    return "".join(unicodedata.normalize("NFKC", value).split())


def _text(value: object) -> str:
    """Cell text as written (stripped); numbers without a trailing .0."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _ref(col: int, row: int) -> str:
    return f"{get_column_letter(col)}{row}"


# --- header and labels --------------------------------------------------------------------


def header_columns(cells: list[object]) -> Columns | None:
    """Columns of a y-1 header row (``單位 數量 單價 總價`` …), or None when the row is not one."""
    found: dict[str, int] = {}
    for i, value in enumerate(cells, start=1):
        if not isinstance(value, str) or not value:
            continue
        t = norm(value)
        for key, label in (
            ("unit", "單位"),
            ("quantity", "數量"),
            ("unit_price", "單價"),
            ("total", "總價"),
            ("purpose", "說明"),
            ("source", "經費來源"),
            ("name", "名稱"),
        ):
            if t.startswith(label) and key not in found:
                found[key] = i
                break
    if not all(k in found for k in ("unit", "quantity", "unit_price", "total")):
        return None
    unit = found["unit"]
    category = found.get("name", max(1, unit - 2))
    item = unit - 1 if unit - 1 > category else category + 1
    return Columns(
        category=category,
        item=item,
        unit=unit,
        quantity=found["quantity"],
        unit_price=found["unit_price"],
        total=found["total"],
        purpose=found.get("purpose", found["total"] + 1),
        source=found.get("source", found.get("purpose", found["total"] + 1) + 1),
    )


# Kinds of label rows inside a block.
RECURRENT_SECTION, CAPITAL_SECTION = "recurrent-section", "capital-section"
SUBTOTAL, RECURRENT_SUBTOTAL, CAPITAL_SUBTOTAL, TOTAL, END = (
    "subtotal",
    "recurrent-subtotal",
    "capital-subtotal",
    "total",
    "end",
)


def label_kind(text: str) -> str | None:
    """What a normalised label cell says, or None for ordinary text."""
    if not text:
        return None
    if text.endswith("小計"):
        if text.startswith("經常門"):
            return RECURRENT_SUBTOTAL
        if text.startswith("資本門"):
            return CAPITAL_SUBTOTAL
        return SUBTOTAL
    if text.endswith("合計") and ("會計年度" in text or text in ("合計", "總計", "年度合計")):
        return TOTAL
    if text.startswith("承辦人") or text.startswith("說明:") or text == "說明":
        return END
    if text.endswith("經常門") and len(text) <= 8:
        return RECURRENT_SECTION
    if text.endswith("資本門") and len(text) <= 8:
        return CAPITAL_SECTION
    return None


def is_summary_sheet(grid: SheetGrid) -> str | None:
    """``"y-2"``/``"y-3"``/``"y-4"`` when the sheet is a summary form (by its title or name)."""
    name = norm(grid.name).lower()
    for kind in SUMMARY_MARKERS:
        if name in (kind, f"表{kind}"):
            return kind
    for row in grid.rows[:6]:
        for value in row:
            if isinstance(value, str) and value:
                t = norm(value)
                for kind, markers in SUMMARY_MARKERS.items():
                    if any(m in t for m in markers) and "y-1" not in t:
                        return kind
    return None


# --- blocks ---------------------------------------------------------------------------------


@dataclass
class _Preamble:
    title: str = ""
    title_row: int | None = None
    code: str = ""
    code_cell: str = ""
    fiscal_text: str = ""
    fiscal_cell: str = ""


@dataclass
class _Reading:
    """Mutable state of one read: problems collected as we go."""

    problems: list[Problem] = field(default_factory=list)

    def problem(self, sheet: str, cell: str, message: str, severity: str = "warning") -> None:
        self.problems.append(Problem(sheet, cell, message, severity))


def _normalise_code(text: str) -> str:
    """``Ａ－１`` / ``a-1`` / ``A1 課綱`` → ``A-1``; a code is a letter (or 一…十) plus branch numbers.

    Text that does not start with a code is kept as written (the sub-plan check reports it).
    """
    t = unicodedata.normalize("NFKC", text).strip().lstrip(":").strip()
    t = t.replace("–", "-").replace("—", "-").replace("_", "-").replace("－", "-")
    t = "".join(t.split())
    found = _CODE.match(t.upper() if t[:1].isascii() else t)
    if not found:
        return t
    head, branches = found.group(1), re.findall(r"\d+", found.group(2) or "")
    return "-".join([head, *branches])


def _preamble(grid: SheetGrid, header_row: int, floor: int) -> _Preamble:
    """Title, 子計畫代碼 and 會計年度 labels above a header row (nearest first)."""
    found = _Preamble()
    for r in range(header_row - 1, max(floor, header_row - _PREAMBLE_ROWS) - 1, -1):
        row = grid.rows[r - 1] if r - 1 < len(grid.rows) else []
        for c, value in enumerate(row, start=1):
            if not isinstance(value, str) or not value:
                continue
            t = norm(value)
            if "子計畫代碼" in t and not found.code:
                rest = t.split("子計畫代碼", 1)[1].lstrip(":")
                if rest:
                    found.code, found.code_cell = _normalise_code(rest), _ref(c, r)
                else:
                    for c2 in range(c + 1, len(row) + 1):
                        nxt = _text(row[c2 - 1])
                        if nxt:
                            found.code, found.code_cell = _normalise_code(nxt), _ref(c2, r)
                            break
                continue
            if "會計年度" in t and "概算" in t and not found.fiscal_text:
                found.fiscal_text, found.fiscal_cell = t, _ref(c, r)
            if ("子計畫經費概算表" in t or t.startswith("表y-1")) and not found.title:
                found.title, found.title_row = unicodedata.normalize("NFKC", value).strip(), r
    return found


def _header_rows(grid: SheetGrid) -> list[tuple[int, Columns]]:
    found = []
    for r, row in enumerate(grid.rows, start=1):
        # cheap test first: a header row has a cell that is exactly (or starts with) 數量
        if not any(isinstance(v, str) and "數量" in v for v in row):
            continue
        columns = header_columns(row)
        if columns is not None:
            found.append((r, columns))
    return found


@dataclass
class _Block:
    grid: SheetGrid
    header_row: int
    columns: Columns
    preamble: _Preamble
    end_row: int  # last row that may belong to the block
    labels: list[tuple[int, str]] = field(default_factory=list)
    categories: dict[int, str] = field(default_factory=dict)  # row → category written on it


def _scan_labels(block: _Block) -> None:
    """Collect label rows (sections, subtotals, total) and written categories of a block."""
    grid, cols = block.grid, block.columns
    label_cols = range(1, cols.unit)
    for r in range(block.header_row + 1, block.end_row + 1):
        row = grid.rows[r - 1] if r - 1 < len(grid.rows) else []
        kind = None
        for c in label_cols:
            if c > len(row):
                break
            value = row[c - 1]
            if isinstance(value, str) and value:
                kind = label_kind(norm(value))
                if kind:
                    break
        if kind:
            block.labels.append((r, kind))
            if kind in (TOTAL, END):
                block.end_row = r if kind == TOTAL else r - 1
                return
            continue
        cat = norm(row[cols.category - 1]) if cols.category <= len(row) else ""
        if cat in forms.CATEGORIES:
            block.categories[r] = cat


def _layout(block: _Block) -> BlockLayout:
    """Row spans of the sections from the label rows (never from fixed addresses)."""
    rows_of: dict[str, list[int]] = {}
    for r, kind in block.labels:
        rows_of.setdefault(kind, []).append(r)
    first = lambda kind: rows_of.get(kind, [None])[0]  # noqa: E731
    total_row = first(TOTAL)
    end = (total_row - 1) if total_row else block.end_row
    rec_sub = first(RECURRENT_SUBTOTAL)
    cap_section = first(CAPITAL_SECTION)
    cap_sub = first(CAPITAL_SUBTOTAL)
    start = (first(RECURRENT_SECTION) or block.header_row) + 1
    recurrent_end = rec_sub or cap_section or cap_sub or (end + 1)
    subtotals = [r for r in rows_of.get(SUBTOTAL, []) if r < recurrent_end]
    grant_rows = [r for r, c in block.categories.items() if c == forms.GRANTS and start <= r < recurrent_end]
    grants_label = min(grant_rows) if grant_rows else None
    op_sub = gr_sub = None
    # Both 小計 rows present: the structure decides (a 獎補助費 written in the 業務費 span stays 業務費).
    if len(subtotals) >= 2 or (subtotals and not (grants_label and grants_label < subtotals[0])):
        op_sub = subtotals[0]
        gr_sub = subtotals[1] if len(subtotals) > 1 else None
        grants_first = op_sub + 1
    elif grants_label:  # the 業務費 小計 row was deleted: the 獎補助費 label starts the grants
        grants_first = grants_label
        gr_sub = subtotals[0] if subtotals else None
    else:
        grants_first = recurrent_end
    operating = RowSpan(start, (op_sub or grants_first) - 1)
    grants = RowSpan(grants_first, (gr_sub or recurrent_end) - 1)
    opened = cap_section or rec_sub
    cap_start = opened + 1 if opened else recurrent_end
    capital = RowSpan(cap_start, (cap_sub or (end + 1)) - 1)
    return BlockLayout(
        title_row=block.preamble.title_row,
        header_row=block.header_row,
        columns=block.columns,
        operating=operating,
        operating_subtotal_row=op_sub,
        grants=grants,
        grants_subtotal_row=gr_sub,
        recurrent_subtotal_row=rec_sub,
        capital=capital,
        capital_subtotal_row=cap_sub,
        total_row=total_row,
    )


def _find_blocks(grid: SheetGrid) -> list[_Block]:
    headers = _header_rows(grid)
    blocks = []
    floor = 1
    for i, (r, columns) in enumerate(headers):
        next_header = headers[i + 1][0] if i + 1 < len(headers) else grid.max_row + 1
        pre = _preamble(grid, r, floor)
        block = _Block(grid, r, columns, pre, next_header - 1)
        _scan_labels(block)
        blocks.append(block)
        floor = block.end_row + 1
    return blocks


# --- numbers and lines ------------------------------------------------------------------------


def _money(reading: _Reading, sheet: str, cell: str, value: object, what: str) -> int | None:
    """A 千元 cell → integer 元 (None when blank or unreadable, with a Problem)."""
    return _money_exact(reading, sheet, cell, value, what)[0]


def _money_exact(
    reading: _Reading, sheet: str, cell: str, value: object, what: str
) -> tuple[int | None, Decimal | None]:
    """(integer 元, the exact 元 when not whole) of a 千元 cell."""
    if isinstance(value, float) and abs(value) < 1e12:
        # Excel's binary arithmetic leaves noise far below 0.001 元: drop it before checking.
        value = Decimal(repr(value)).quantize(Decimal("0.000001"))
    parsed = parse_number(value, in_kiloyuan=True)
    if parsed.problem:
        reading.problem(sheet, cell, f"{what}{parsed.problem}")
        return None, None
    if parsed.value is None:
        return None, None
    if not is_whole_yuan(parsed.value):
        yuan = to_yuan(parsed.value)
        reading.problem(sheet, cell, f"{what}不是整數元（{parsed.value} 千元），以 {yuan:,} 元計算")
        return yuan, parsed.value * 1000
    return to_yuan(parsed.value), None


def _standard_item(text: str, programme: str, academic_year: int, section: str) -> str:
    """The standard name when the written one is it (width, spaces, 台/臺, punctuation aside), else
    the written name (NFKC); ``youzhi.items`` decides."""
    found = items.identify(programme, academic_year, section, text)
    exact = found.how == items.EXACT or (found.how == items.CAPITAL and found.standard)
    return found.standard if exact else unicodedata.normalize("NFKC", text).strip()


def _raw(value: object) -> str:
    """A text cell exactly as written (spaces kept), other values as ``_text`` gives them."""
    return value if isinstance(value, str) else _text(value)


def _read_line(
    reading: _Reading, grid: SheetGrid, r: int, cols: Columns, section: str, standard: tuple[str, int]
) -> Line | None:
    v = grid.value
    item_raw, unit, purpose = _text(v(r, cols.item)), _text(v(r, cols.unit)), _text(v(r, cols.purpose))
    q_raw, p_raw, t_raw = v(r, cols.quantity), v(r, cols.unit_price), v(r, cols.total)
    raw_source = _raw(v(r, cols.source))
    # a 總價 formula's error value alone (e.g. #VALUE! on an empty row) does not make a line
    t_blank = t_raw is None or t_raw == "" or t_raw == 0 or (isinstance(t_raw, str) and t_raw.startswith("#"))
    if not (item_raw or unit or purpose or _text(q_raw) or _text(p_raw)) and t_blank:
        return None
    sheet = grid.name
    quantity = None
    parsed = parse_number(q_raw)
    if parsed.problem:
        cell = _ref(cols.quantity, r)
        reading.problem(sheet, cell, f"數量{parsed.problem}")
    else:
        quantity = parsed.value
    unit_price, exact_price = _money_exact(reading, sheet, _ref(cols.unit_price, r), p_raw, "單價")
    if isinstance(t_raw, str) and t_raw.startswith("#"):
        # A formula's error result (both engines show it: see youzhi.sheets).
        cell = _ref(cols.total, r)
        reading.problem(sheet, cell, f"總價儲存格顯示 {t_raw}，以數量×單價計算", "info")
        t_raw = None
    typed_total = _money(reading, sheet, _ref(cols.total, r), t_raw, "總價")
    source, known = items.source_of(raw_source)
    if not known:
        cell = _ref(cols.source, r)
        reading.problem(
            sheet, cell, f"無法辨識經費來源「{raw_source.strip()}」，暫列{source}（活頁簿公式亦同）"
        )
    raw_category = _text(v(r, cols.category)) if cols.category != cols.item else ""
    line = Line(
        sheet=sheet,
        row=r,
        category=section,
        item=_standard_item(item_raw, *standard, section),
        unit=unit,
        quantity=quantity,
        unit_price=unit_price,
        exact_price=exact_price,
        typed_total=typed_total,
        purpose=purpose,
        source=source,
        raw_source=raw_source,
        raw_item=_raw(v(r, cols.item)),
        raw_category=raw_category,
        columns=cols,
        hidden=r in grid.hidden_rows,
    )
    if line.computed_total is not None and abs(line.computed_total) > MAX_LINE_YUAN:
        reading.problem(
            sheet, line.cell("total"), "數量×單價超過 1 兆元，不像經費金額，無法計算；請檢查數量與單價"
        )
        line.quantity = None
    written = norm(raw_category)
    if written in forms.CATEGORIES and written != section:
        cell = _ref(cols.category, r)
        reading.problem(sheet, cell, f"此列寫「{written}」，但位於{section}區段，依區段以{section}計算")
    if line.total_mismatch:
        cell = line.cell("total")
        reading.problem(
            sheet,
            cell,
            f"總價 {typed_total:,} 元與數量×單價 {line.computed_total:,} 元不符，彙總以數量×單價計算",
        )
    return line


# --- the workbook -----------------------------------------------------------------------------


def _key_values(grid: SheetGrid | None) -> dict[str, object]:
    """Labels in column A → values in column B (the fingerprint and the school sheet)."""
    if grid is None:
        return {}
    out = {}
    for row in grid.rows:
        if len(row) >= 2 and isinstance(row[0], str) and row[0].strip():
            out[norm(row[0])] = row[1]
    return out


def _year(value: object) -> int | None:
    parsed = parse_number(value)
    if parsed.value is not None and parsed.value == parsed.value.to_integral_value():
        return int(parsed.value)
    if isinstance(value, str):
        found = re.search(r"\d{2,3}", unicodedata.normalize("NFKC", value))
        return int(found.group()) if found else None
    return None


def _programme_from(text: object) -> str | None:
    t = norm(text)
    if t in forms.PROGRAMMES:
        return t
    if "高職" in t or "技職" in t or t == "vocational":
        return "vocational"
    if "高中" in t:
        return "senior-high"
    return None


def school_from_name(name: str) -> School:
    """Authority and county inferred from a school's name (``臺北市立建國高級中學`` → 直轄市立, 臺北市)."""
    t = name_key(name)
    if t.startswith("國立"):
        return School(name, "國立", None)
    if t.startswith("私立"):
        return School(name, "私立", None)
    found = _LOCAL_SCHOOL.match(t)
    if found and tiers.is_county(found.group(1)):
        county = tiers.normalise_county(found.group(1))
        return School(name, "直轄市立" if tiers.is_municipality(county) else "縣市立", county)
    return School(name, None, None)


def _school_from_title(titles: list[str]) -> str:
    for title in titles:
        found = _TITLE_SCHOOL.search(title)
        if found:
            name = found.group(1).strip()
            if name and not _PLACEHOLDER.search(name):
                return name
    return ""


def _merge_school(base: School, override: School | None) -> School:
    if override is None:
        return base
    if override.name and override.name != base.name:
        inferred = school_from_name(override.name)
        base = School(override.name, inferred.authority or base.authority, inferred.county or base.county)
    return School(
        name=override.name or base.name,
        authority=tiers.normalise_authority(override.authority) or base.authority,
        county=tiers.normalise_county(override.county) if override.county else base.county,
    )


def _requests(grid: SheetGrid, reading: _Reading, codes: set[str]) -> tuple[dict[str, int], dict[str, int]]:
    """y-2 申請金額 / 核定金額 per code (typed by the school or the office), 元."""
    applied: dict[str, int] = {}
    approved: dict[str, int] = {}
    where: dict[str, str] = {}
    for r, row in enumerate(grid.rows, start=1):
        heads = {norm(v): c for c, v in enumerate(row, start=1) if isinstance(v, str) and v}
        if "申請金額" not in heads and "核定金額" not in heads:
            continue
        code_col = heads.get("計畫代碼", 1)
        for r2 in range(r + 1, grid.max_row + 1):
            code = _normalise_code(_text(grid.value(r2, code_col)))
            if not code:
                continue
            if label_kind(code) or code.startswith("說明"):
                break
            for target, label in ((applied, "申請金額"), (approved, "核定金額")):
                col = heads.get(label)
                if col is None:
                    continue
                yuan = _money(reading, grid.name, _ref(col, r2), grid.value(r2, col), label)
                if yuan is not None:
                    target[code] = yuan
                    where.setdefault(code, _ref(col, r2))
        break
    for code, ref in where.items():
        if code not in codes:
            reading.problem(
                grid.name, ref, f"y-2 的「{code}」列填有申請或核定金額，但找不到子計畫 {code} 的概算表"
            )
    return applied, approved


def _formula_cell_problems(grids: WorkbookGrids, reading: _Reading) -> None:
    """One problem per sheet for its error values (#REF! …), with their count, kinds and first cell,
    and for formulas without a cached result (``WorkbookGrids.errors`` names the first of those)."""
    for grid in grids.sheets:
        cells = grids.errors.get(grid.name)
        if not cells:
            continue
        errors = [(ref, kind) for ref, kind in cells if kind != UNCACHED]
        uncached = next((ref for ref, kind in cells if kind == UNCACHED), None)
        if errors:
            first = errors[0][0] or "A1"
            counts = "、".join(f"{kind} {n}" for kind, n in Counter(k for _, k in errors).most_common())
            also = f"，另有公式沒有計算結果（例如 {uncached}）" if uncached else ""
            reading.problem(
                grid.name,
                first,
                f"{grid.name} 有 {len(errors)} 個儲存格為錯誤值（{counts}），例如 {first}{also}；"
                "請以 youzhi repair 修復計算儲存格",
            )
        else:
            reading.problem(
                grid.name,
                uncached or "A1",
                f"{grid.name} 有公式儲存格沒有計算結果（{UNCACHED}），例如 {uncached}；"
                "以 Excel 開啟後存檔即會計算，或以 youzhi repair 補上計算結果",
                "info",
            )


def summary_sheet_names(grids: WorkbookGrids) -> dict[str, str]:
    """{"y-2": sheet name, …} of the summary forms present."""
    found: dict[str, str] = {}
    for grid in grids.sheets:
        kind = is_summary_sheet(grid)
        if kind and kind not in found:
            found[kind] = grid.name
    return found


def read_budget(
    path,
    *,
    engine: str = "calamine",
    school: School | None = None,
    programme: str | None = None,
    academic_year: int | None = None,
) -> Budget:
    """Read a workbook file into a ``Budget`` (``UnreadableWorkbook`` when it is not a budget form)."""
    grids = load_grids(path, engine)
    return read_grids(grids, school=school, programme=programme, academic_year=academic_year)


def read_grids(
    grids: WorkbookGrids,
    *,
    engine: str | None = None,
    school: School | None = None,
    programme: str | None = None,
    academic_year: int | None = None,
) -> Budget:
    """Read sheet grids (from a file or a live book) into a ``Budget`` (``engine`` is ignored: the
    grids are already loaded; it is accepted so callers can pass the same options as ``read_budget``)."""
    reading = _Reading()
    fingerprint = _key_values(grids.sheet(FINGERPRINT_SHEET))
    facts = _key_values(grids.sheet(SCHOOL_SHEET))
    if programme is None:
        programme = _programme_from(fingerprint.get("programme") or grids.names.get("youzhi_programme", ""))
    if programme is None and facts.get("方案"):
        programme = _programme_from(facts["方案"])
    if academic_year is None:
        academic_year = _year(fingerprint.get("academic_year") or grids.names.get("youzhi_year") or None)
    if academic_year is None and facts.get("學年度") not in (None, ""):
        academic_year = _year(facts["學年度"])

    skip = {FINGERPRINT_SHEET, SCHOOL_SHEET, PARAMETER_SHEET}
    found: list[_Block] = []
    summaries: dict[str, SheetGrid] = {}
    for grid in grids.sheets:
        if grid.name in skip:
            continue
        kind = is_summary_sheet(grid)
        if kind:
            summaries.setdefault(kind, grid)
            continue
        found.extend(_find_blocks(grid))
    if not found:
        name = display_name(grids.path) or "此活頁簿"
        raise UnreadableWorkbook(f"{name} 中找不到任何子計畫經費概算表（表y-1），不是優質化經費表")

    # Sub-plan code and semester of each block from its own labels, else the sheet name.
    placed = []
    per_sheet = Counter(b.grid.name for b in found)
    for block in found:
        pre, sheet = block.preamble, block.grid.name
        code = pre.code
        if not code:
            token = re.split(r"[\s(]", unicodedata.normalize("NFKC", sheet).strip(), maxsplit=1)[0]
            code = _normalise_code(token) if _CODE.match(token.upper()) else ""
            if code:
                reading.problem(
                    sheet,
                    _ref(1, block.header_row),
                    f"找不到「子計畫代碼」，依工作表名稱判定為 {code}",
                    "info",
                )
        semester = semester_from_text(pre.fiscal_text) or semester_from_text(pre.title)
        fy = fiscal_year_from_text(pre.fiscal_text)
        if semester is None and per_sheet[sheet] == 1:
            semester = semester_from_text(unicodedata.normalize("NFKC", sheet))
        placed.append((block, code, semester, fy))

    if academic_year is None:
        votes = Counter(
            fy if sem is Semester.FIRST else fy - 1 for _, _, sem, fy in placed if fy is not None and sem
        )
        if not votes:
            year_texts = [g.rows[0][0] for g in summaries.values() if g.rows and g.rows[0]]
            for text in year_texts:
                hit = _YEAR_LABEL.search(norm(text))
                if hit:
                    votes[int(hit.group(1))] += 1
        if not votes:
            raise UnreadableWorkbook("無法判定學年度（找不到「N會計年度概算表」標示），請以 --year 指定")
        academic_year = votes.most_common(1)[0][0]

    if programme is None:
        latin = sum(1 for _, code, _, _ in placed if code[:1].isascii() and code[:1].isalpha())
        programme = "senior-high" if latin or not placed else "vocational"
        if any("高職" in b.preamble.title for b, *_ in placed):
            programme = "vocational"

    standard = (programme, academic_year)
    prog = forms.programme(programme, academic_year)
    budget = Budget(programme=programme, academic_year=academic_year, path=grids.path)
    seen: set[tuple[str, Semester]] = set()
    for block, code, semester, fy in placed:
        sheet = block.grid.name
        anchor = block.preamble.fiscal_cell or _ref(1, block.header_row)
        if not code:
            reading.problem(sheet, anchor, "找不到子計畫代碼，此概算表未納入彙總", "error")
            continue
        if semester is None and fy is not None:
            semester = (
                Semester.FIRST
                if fy == academic_year
                else Semester.SECOND
                if fy == academic_year + 1
                else None
            )
        if semester is None:
            reading.problem(
                sheet, anchor, f"子計畫 {code} 無法判定學期（8-12月或1-7月），此概算表未納入彙總", "error"
            )
            continue
        expected = fiscal_year(academic_year, semester)
        if fy is not None and fy != expected:
            reading.problem(
                sheet,
                anchor,
                f"標示為 {fy} 會計年度，但 {academic_year} 學年度{semester.label}({semester.months})"
                f"應為 {expected} 會計年度，以 {expected} 計算",
            )
        if prog.subplan(code) is None:
            known = "、".join(sp.code for sp in prog.subplans)
            reading.problem(
                sheet,
                block.preamble.code_cell or anchor,
                f"子計畫代碼「{code}」不是本方案的子計畫（{known}）",
            )
        if (code, semester) in seen:
            reading.problem(sheet, anchor, f"子計畫 {code}（{semester.months}）出現不只一次，皆納入彙總")
        seen.add((code, semester))
        if block.grid.hidden:
            reading.problem(sheet, anchor, "此工作表已隱藏，其經費仍納入彙總", "info")
        layout = _layout(block)
        if layout.total_row is None:
            reading.problem(sheet, _ref(1, block.end_row), "找不到「會計年度合計」列", "info")
        sub = SubPlanSheet(sheet, code, semester, expected, layout=layout)
        for span, section in ((layout.operating, forms.OPERATING), (layout.grants, forms.GRANTS)):
            for r in span:
                line = _read_line(reading, block.grid, r, layout.columns, section, standard)
                if line is not None:
                    sub.lines.append(line)
        for r in layout.capital:
            line = _read_line(reading, block.grid, r, layout.columns, forms.CAPITAL, standard)
            if line is not None:
                sub.lines.append(line)
        budget.sheets.append(sub)

    if not budget.sheets:
        first_error = next((p for p in reading.problems if p.severity == "error"), None)
        reason = f"{first_error.sheet}!{first_error.cell} {first_error.message}" if first_error else ""
        raise UnreadableWorkbook(f"無法判定任何概算表的子計畫與學期：{reason}")

    # The school: fingerprint / 基本資料, else the y-1 title; options override.
    name = _text(facts.get("學校名稱")) or _school_from_title([b.preamble.title for b, *_ in placed])
    base = school_from_name(name) if name else School()
    if facts.get("主管機關"):
        base.authority = tiers.normalise_authority(_text(facts["主管機關"])) or base.authority
    if facts.get("所在縣市"):
        base.county = tiers.normalise_county(_text(facts["所在縣市"]))
    budget.school = _merge_school(base, school)

    if "y-2" in summaries:
        budget.applied, budget.approved = _requests(
            summaries["y-2"], reading, {b.code for b in budget.sheets}
        )
    _formula_cell_problems(grids, reading)
    for sheet, refs in getattr(grids, "far", {}).items():
        more = f"等 {len(refs)} 格" if len(refs) > 1 else ""
        reading.problem(
            sheet, refs[0], f"{refs[0]}{more}離表格太遠（讀取會耗費大量記憶體），未讀取；請刪除多餘的儲存格"
        )
    for sheet, refs in getattr(grids, "controls", {}).items():
        for ref in refs:
            reading.problem(sheet, ref, f"儲存格{CONTROL_NOTE}")
    budget.problems = reading.problems
    return budget
