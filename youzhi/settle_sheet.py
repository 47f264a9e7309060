"""The 收支結算表 workbook (附件六), written with XlsxWriter: native formulas with cached values.

Columns B…H are A…G of the form: D = IF(A=0,0,ROUND(B/A,4)), F = A − E, and G (合計 row only) =
ROUND(F×D − (B − C), 0), the rounding ``youzhi.settle`` does exactly in ``Decimal`` (half up).
"""

from __future__ import annotations

import os
from pathlib import Path

from youzhi.cell_spec import SheetSpec
from youzhi.errors import YouzhiError
from youzhi.ledger import cell_spec as _styles  # noqa: F401  (registers the 元 styles)
from youzhi.settle import SETTLE_NAME, Settlement

HEADERS = (
    "補(捐)助項目",
    "教育部核定計畫金額(A)",
    "教育部核定補(捐)助金額(B)",
    "教育部撥付金額(C)",
    "教育部補(捐)助比率(D=B/A)",
    "實支總額(E)",
    "計畫結餘款(F=A-E)",
    "依公式應繳回教育部結餘款(G=F*D-(B-C))",
    "備註",
)
NOTES = (
    "備註：",
    "三、本表「教育部核定計畫金額」及「實支金額」請填寫該項目之總額(含自籌款、教育部及其他單位分攤款)。",
    "四、本表「依公式應繳回教育部結餘款」以全案合計數計算。",
    "五、若實際繳回金額與依本表公式計算之金額有差異時，請於備註說明。",
    "六、計畫執行率未達百分之八十者，請於備註敘明原因。",
)
FIRST = 7  # 業務費 row; 設備及投資 FIRST+1; 合計 FIRST+2


def _row(s: SheetSpec, r: int, label: str, a, b, c, d, e, f: int, *, total: bool = False) -> None:
    """One row of the table; a, b, e are numbers or (formula, cached) pairs."""
    money = "yuan_bold" if total else "yuan"
    s.add(r, 1, label, "cell_bold" if total else "cell")
    for col, value in ((2, a), (3, b), (6, e)):
        if isinstance(value, tuple):
            s.add(r, col, formula=value[0], cached=value[1], style=money)
        else:
            s.add(r, col, value, money)
    if total:
        s.add(r, 4, c, money)
    else:
        s.add(r, 4, None, "cell")
    s.add(
        r,
        5,
        formula=f"=IF(B{r}=0,0,ROUND(C{r}/B{r},4))",
        cached=float(d),
        style="ratio_bold" if total else "ratio",
    )
    s.add(r, 7, formula=f"=B{r}-F{r}", cached=f, style=money)


def settle_sheet(st: Settlement) -> SheetSpec:
    s = SheetSpec(SETTLE_NAME, column_widths={1: 14, **{c: 15 for c in range(2, 9)}, 9: 30}, protect=False)
    s.add(1, 1, "教育部補(捐)助經費收支結算表", "title")
    s.merges.append((1, 1, 1, 9))
    for r, text in (
        (2, f"執行單位名稱：{st.school}"),
        (3, f"計畫名稱：{st.plan}"),
        (4, f"計畫期程：{st.period}"),
    ):
        s.add(r, 1, text, "label")
        s.merges.append((r, 1, r, 9))
    s.add(5, 1, "單位：新臺幣元　百分比：取至小數點二位", "unit_note")
    s.merges.append((5, 1, 5, 9))
    for col, text in enumerate(HEADERS, start=1):
        s.add(6, col, text, "header")
    for i, row in enumerate(st.rows):
        _row(s, FIRST + i, row.label, row.a, row.b, None, row.d, row.e, row.f)
    t, tr = st.total, FIRST + 2
    sums = {col: f"=SUM({col}{FIRST}:{col}{FIRST + 1})" for col in "BCF"}
    _row(s, tr, "合計", (sums["B"], t.a), (sums["C"], t.b), st.paid, t.d, (sums["F"], t.e), t.f, total=True)
    s.add(tr, 8, formula=f"=ROUND(G{tr}*E{tr}-(C{tr}-D{tr}),0)", cached=st.g, style="yuan_bold")
    for r in range(FIRST, tr):
        s.add(r, 8, None, "cell")
    s.add(FIRST, 9, "業務費含獎補助費（經常門）", "cell")
    s.add(FIRST + 1, 9, None, "cell")
    s.add(tr, 9, f"請購未付 {st.requested:,} 元未列入實支" if st.requested else None, "cell")
    _reason(s, tr + 2, st)
    end = _shares(s, tr + 5, st)
    for i, text in enumerate(("業務單位：", "主(會)計單位：", "首長(或團體負責人)：")):
        s.add(end + 2, 1 + 3 * i, text, "label_bold")
    for i, text in enumerate(NOTES):
        s.add(end + 4 + i, 1, text, "note")
    return s


def _reason(s: SheetSpec, r: int, st: Settlement) -> None:
    s.add(r, 1, "執行率(E/A)", "cell_bold")
    rate = float(st.rate) if st.rate is not None else 0.0
    s.add(r, 2, formula=f"=IF(B{FIRST + 2}=0,0,F{FIRST + 2}/B{FIRST + 2})", cached=rate, style="ratio_bold")
    s.add(r + 1, 1, "*執行率未達80%之原因說明", "cell_bold")
    s.merges.append((r + 1, 1, r + 1, 2))
    s.add(r + 1, 3, st.reason or ("（執行率達80%，免填）" if not st.needs_reason else None), "input_wrap")
    s.merges.append((r + 1, 3, r + 1, 9))


def _shares(s: SheetSpec, r: int, st: Settlement) -> int:
    """支出機關分攤表 from row ``r``; returns its last row."""
    s.add(r, 1, "支出機關分攤表：", "label_bold")
    if not st.shares:
        s.add(r, 3, "全額補(捐)助計畫，免填", "note")
        return r
    s.add(r + 1, 1, "分攤機關名稱", "header")
    s.merges.append((r + 1, 1, r + 1, 3))
    s.add(r + 1, 4, "分攤金額(元)", "header")
    for i, (name, amount) in enumerate(st.shares):
        s.add(r + 2 + i, 1, name, "cell")
        s.merges.append((r + 2 + i, 1, r + 2 + i, 3))
        s.add(r + 2 + i, 4, amount, "yuan")
    last = r + 2 + len(st.shares)
    s.add(last, 1, "合計", "cell_bold")
    s.merges.append((last, 1, last, 3))
    s.add(last, 4, formula=f"=SUM(D{r + 2}:D{last - 1})", cached=st.total.e, style="yuan_bold")
    check = f'=IF(D{last}=F{FIRST + 2},"合計等於實支總額","合計不等於實支總額，請核對")'
    s.add(last, 5, formula=check, cached="合計等於實支總額", style="note")
    s.add(r + 1, 5, "*部分補(捐)助計畫請查填左列支出機關分攤表，其金額合計應等於實支總額", "note")
    return last


def write_settlement(st: Settlement, dest: str | os.PathLike) -> Path:
    """Write the 收支結算表 workbook atomically (temp file in the target folder, then rename)."""
    import xlsxwriter

    from youzhi.output import atomic_path
    from youzhi.template import FIXED_TIME, write_sheet

    dest = Path(dest)
    if not dest.parent.is_dir():
        raise YouzhiError(f"輸出資料夾不存在：{dest.parent}")
    with atomic_path(dest, ".xlsx") as tmp:
        workbook = xlsxwriter.Workbook(tmp, {"strings_to_numbers": False, "strings_to_formulas": False})
        workbook.set_properties(
            {"title": "教育部補(捐)助經費收支結算表", "author": "youzhi", "created": FIXED_TIME}
        )
        write_sheet(workbook, settle_sheet(st), {})
        workbook.close()
    return dest
