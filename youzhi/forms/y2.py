"""表y-2 經費編列總表: one row per sub-plan code (and 小計) under a header naming the funding sources,
經常門 / 資本門, the two 合計數 (by source, by kind) and the 申請金額 / 核定金額 the school or the office
types. ``parse`` finds the header and the rows once; the reader takes 申請金額 / 核定金額 from it
(``Budget.applied`` / ``Budget.approved``) and ``validators.summaries`` the cells its rules point at."""

from __future__ import annotations

from dataclasses import dataclass, field

from youzhi.forms import summary
from youzhi.forms.cells import normalise_code, ref, text
from youzhi.forms.y1_blocks import label_kind

KEY = "y-2"
_HEADER_WORDS = ("核定金額", "申請金額", "合計數")
_COLUMN_WORDS = ("經常門", "資本門", "核定金額", "申請金額", "計畫代碼")
recognise = summary.recogniser(KEY)


@dataclass
class Y2Form:
    sheet: str
    header_row: int  # the last header row
    columns: dict[str, int] = field(default_factory=dict)  # 配合款, 資本門, 核定金額, 來源合計數 … → column
    rows: list[tuple[int, object]] = field(default_factory=list)  # (row, its label cell) until 說明


_last: list = [None, None]  # (grid, Y2Form) of the last parse: the reader, then the rules, ask


def parse(grid) -> Y2Form | None:
    """The header columns and the labelled rows of a y-2 (None when it has no 申請金額/核定金額/合計數);
    parsed once for the reader and the validators of the same grids."""
    if _last[0] is not grid:
        _last[:] = [grid, _parse(grid)]
    return _last[1]


def _parse(grid) -> Y2Form | None:
    labels = summary.labels(grid)
    header = max((r for r, _c, t in labels if t in _HEADER_WORDS), default=None)
    if header is None:
        return None
    form = Y2Form(grid.name, header)
    for _r, c, t in (x for x in labels if x[0] <= header):
        source = summary.source_of(t)
        if source:
            form.columns.setdefault(source, c)
        elif t in _COLUMN_WORDS:
            form.columns.setdefault(t, c)
    totals = sorted(c for r, c, t in labels if r <= header and t == "合計數")
    if len(totals) >= 2:
        form.columns["來源合計數"], form.columns["經資門合計數"] = totals[0], totals[1]
    code_col = form.columns.get("計畫代碼") or min(c for _r, c, _t in labels)
    for r in range(header + 1, len(grid.rows) + 1):
        value = grid.value(r, code_col)
        written = summary.label(value) if isinstance(value, str) else text(value)
        if not written:
            continue
        if written.startswith("說明"):
            break
        form.rows.append((r, value))
    return form


def requests(form: Y2Form, grid, reading) -> tuple[dict[str, int], dict[str, int], dict[str, str]]:
    """y-2 申請金額 / 核定金額 per code (typed by the school or the office), 元, and each code's cell."""
    applied: dict[str, int] = {}
    approved: dict[str, int] = {}
    where: dict[str, str] = {}
    targets = {"申請金額": applied, "核定金額": approved}
    wanted = [(targets[label], label, form.columns[label]) for label in targets if label in form.columns]
    for r, value in form.rows:
        code = normalise_code(text(value))
        if label_kind(code) or code.startswith("說明"):
            break
        for target, label, col in wanted:
            yuan = reading.money(grid.name, ref(col, r), grid.value(r, col), label)
            if yuan is not None:
                target[code] = yuan
                where.setdefault(code, ref(col, r))
    return applied, approved, where


def read(ctx) -> None:
    """``Budget.applied`` / ``Budget.approved`` from the y-2, with a problem for a code without y-1."""
    grid = ctx.first(KEY)
    form = parse(grid) if grid is not None else None
    if form is None:
        return
    applied, approved, where = requests(form, grid, ctx.reading)
    ctx.budget.applied, ctx.budget.approved = applied, approved
    codes = {b.code for b in ctx.budget.sheets}
    for code, cell in where.items():
        if code not in codes:
            ctx.reading.problem(
                grid.name, cell, f"y-2 的「{code}」列填有申請或核定金額，但找不到子計畫 {code} 的概算表"
            )
