"""Two versions of a budget side by side: ``diff(old, new)`` → a ``Diff`` (pure; money in integer 元).

Lines are matched across versions in two passes: first within the same sub-plan, semester and
standard item (closest written name and purpose first), then across sub-plans and semesters (a
line *moved*) or items (renamed, or moved between 經常門 and 資本門) when name and purpose stay
close. What is left was added or removed. Every score is symmetric and ties are broken by a
symmetric key, so ``diff(b, a)`` reports exactly the mirror of ``diff(a, b)``.
Aggregates per sub-plan × semester, source, 經常門/資本門, 一級用途別 and y-4 item; the findings
that appeared or disappeared; the county match before and after.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from dataclasses import dataclass, field

from validators.finding import Finding
from youzhi import forms, items, rollup
from youzhi.calendar import Semester
from youzhi.model import Budget, Line
from youzhi.text import name_key

ADDED, REMOVED, CHANGED, MOVED, SAME = "added", "removed", "changed", "moved", "same"
KIND_LABELS = {ADDED: "新增", REMOVED: "刪除", CHANGED: "修改", MOVED: "移動", SAME: "未變"}
RECURRENT_DOOR, CAPITAL_DOOR = "經常門", "資本門"
CROSS_THRESHOLD = 0.6  # how close name and purpose must stay for a line matched across places

# (label, Line attribute or derived key, column of the y-1 block to shade)
FIELDS = (
    ("名稱", "item", "item"),
    ("單位", "unit", "unit"),
    ("數量", "quantity", "quantity"),
    ("單價", "unit_price", "unit_price"),
    ("總價", "amount", "total"),
    ("經費來源", "source", "source"),
    ("說明用途", "purpose", "purpose"),
    ("一級用途別", "category", "category"),
    ("經常/資本", "door", "category"),
)


def standard_item(budget: Budget, line: Line) -> str:
    """A line's standard item (``youzhi.items``, as the roll-up and the rules read it), or its written
    name when it is not a standard one: the one place the diff decides this."""
    who = items.identify(budget.programme, budget.academic_year, line.category, line.item, line.purpose)
    return who.standard or line.item


def door(line: Line) -> str:
    return RECURRENT_DOOR if line.recurrent else CAPITAL_DOOR


@dataclass(frozen=True)
class Place:
    """Where a line sits: sub-plan code, semester, 會計年度, sheet and row."""

    code: str
    semester: Semester
    fiscal_year: int
    sheet: str
    row: int

    @property
    def block(self) -> tuple[str, int]:
        return (self.code, self.fiscal_year)

    @property
    def label(self) -> str:
        return f"{self.code} {self.semester.months}"


@dataclass(frozen=True)
class Entry:
    """One filled line of one version with its place and standard item."""

    line: Line
    place: Place
    item: str

    @property
    def key(self) -> tuple:
        return (self.place.code, self.place.fiscal_year, self.place.row, self.place.sheet)


@dataclass(frozen=True)
class FieldChange:
    label: str  # 數量, 單價 … (zh-TW)
    old: object
    new: object
    column: str  # the y-1 column (``Columns`` attribute) that holds it


@dataclass(frozen=True)
class LineChange:
    kind: str  # ADDED | REMOVED | CHANGED | MOVED | SAME
    old: Entry | None
    new: Entry | None
    fields: tuple[FieldChange, ...] = ()

    @property
    def item(self) -> str:
        return (self.new or self.old).item

    @property
    def old_amount(self) -> int:
        return self.old.line.amount if self.old else 0

    @property
    def new_amount(self) -> int:
        return self.new.line.amount if self.new else 0

    @property
    def difference(self) -> int:
        return self.new_amount - self.old_amount


@dataclass(frozen=True)
class Delta:
    label: str
    old: int
    new: int

    @property
    def difference(self) -> int:
        return self.new - self.old


@dataclass
class Diff:
    old: Budget
    new: Budget
    lines: list[LineChange]
    blocks: list[Delta] = field(default_factory=list)  # per sub-plan × semester
    sources: list[Delta] = field(default_factory=list)
    doors: list[Delta] = field(default_factory=list)  # 經常門 / 資本門
    categories: list[Delta] = field(default_factory=list)  # 一級用途別
    items: list[Delta] = field(default_factory=list)  # y-4 rows (whole 學年度)
    total: Delta = Delta("合計", 0, 0)
    appeared: list[Finding] = field(default_factory=list)
    disappeared: list[Finding] = field(default_factory=list)
    match_old: rollup.Match | None = None
    match_new: rollup.Match | None = None

    @property
    def changes(self) -> list[LineChange]:
        return [c for c in self.lines if c.kind != SAME]

    @property
    def unchanged(self) -> bool:
        return not self.changes and not self.appeared and not self.disappeared


# --- matching -----------------------------------------------------------------------------------


def entries(budget: Budget) -> list[Entry]:
    out = []
    for sheet in budget.sheets:
        for line in sheet.lines:
            if line.filled or line.purpose.strip():
                place = Place(sheet.code, sheet.semester, sheet.fiscal_year, line.sheet, line.row)
                out.append(Entry(line, place, standard_item(budget, line)))
    return out


def similarity(a: str, b: str) -> float:
    """Symmetric closeness of two texts (0…1), ignoring width and spaces."""
    a, b = name_key(a), name_key(b)
    if a == b:
        return 1.0
    if not a or not b:
        return 0.0
    return (difflib.SequenceMatcher(None, a, b).ratio() + difflib.SequenceMatcher(None, b, a).ratio()) / 2


def _score(a: Entry, b: Entry) -> float:
    """Name and purpose closeness (purpose weighs more), plus a hair for equal amounts."""
    text = 0.4 * similarity(a.line.item, b.line.item) + 0.6 * similarity(a.line.purpose, b.line.purpose)
    return text + (0.01 if a.line.amount == b.line.amount else 0.0)


def _greedy(pairs: list[tuple[float, Entry, Entry]], used_old: set, used_new: set) -> list[tuple]:
    pairs.sort(key=lambda p: (-p[0], sorted((p[1].key, p[2].key))))
    chosen = []
    for _, a, b in pairs:
        if id(a) in used_old or id(b) in used_new:
            continue
        used_old.add(id(a))
        used_new.add(id(b))
        chosen.append((a, b))
    return chosen


def match_lines(old: list[Entry], new: list[Entry]) -> list[tuple[Entry | None, Entry | None]]:
    used_old: set = set()
    used_new: set = set()
    same_place = [
        (_score(a, b), a, b) for a in old for b in new if a.place.block == b.place.block and a.item == b.item
    ]
    pairs = _greedy(same_place, used_old, used_new)
    cross = [
        (s, a, b)
        for a in old
        if id(a) not in used_old
        for b in new
        if id(b) not in used_new and (s := _score(a, b)) >= CROSS_THRESHOLD
    ]
    pairs += _greedy(cross, used_old, used_new)
    pairs += [(a, None) for a in old if id(a) not in used_old]
    pairs += [(None, b) for b in new if id(b) not in used_new]
    return pairs


def _value(line: Line, attr: str) -> object:
    if attr == "door":
        return door(line)
    if attr == "amount":
        return line.amount
    value = getattr(line, attr)
    return value.strip() if isinstance(value, str) else value


def field_changes(a: Line, b: Line) -> tuple[FieldChange, ...]:
    out = []
    for label, attr, column in FIELDS:
        before, after = _value(a, attr), _value(b, attr)
        if before != after:
            out.append(FieldChange(label, before, after, column))
    return tuple(out)


def line_change(a: Entry | None, b: Entry | None) -> LineChange:
    if b is None:
        return LineChange(REMOVED, a, None)
    if a is None:
        return LineChange(ADDED, None, b)
    fields = field_changes(a.line, b.line)
    if a.place.block != b.place.block:
        return LineChange(MOVED, a, b, fields)
    return LineChange(CHANGED if fields else SAME, a, b, fields)


# --- aggregates -----------------------------------------------------------------------------------


def _deltas(old: dict, new: dict, order: list) -> list[Delta]:
    return [Delta(label, old.get(label, 0), new.get(label, 0)) for label in order]


def _block_totals(budget: Budget) -> dict[str, int]:
    out: Counter = Counter()
    for sheet in budget.sheets:
        out[f"{sheet.code} {sheet.semester.months}"] += sheet.total()
    return dict(out)


def _block_order(old: Budget, new: Budget) -> list[str]:
    key = rollup.code_sort_key(new.programme, new.academic_year)
    seen = {(s.code, s.semester) for b in (old, new) for s in b.sheets}
    return [f"{c} {s.months}" for c, s in sorted(seen, key=lambda cs: (key(cs[0]), cs[1]))]


def totals_by(budget: Budget, key) -> dict[str, int]:
    out: Counter = Counter()
    for e in entries(budget):
        out[key(e)] += e.line.amount
    return dict(out)


def item_totals(budget: Budget) -> dict[str, int]:
    """y-4 rows of the whole 學年度 (as the workbook sums them)."""
    return {r.item: r.amount for r in rollup.y4(budget) if r.fiscal_year is None}


def aggregates(d: Diff) -> None:
    old, new = d.old, d.new
    blocks = _deltas(_block_totals(old), _block_totals(new), _block_order(old, new))
    d.blocks = [x for x in blocks if x.old or x.new]
    d.sources = _deltas(rollup_sources(old), rollup_sources(new), list(forms.SOURCES))
    doors = [RECURRENT_DOOR, CAPITAL_DOOR]
    d.doors = _deltas(totals_by(old, lambda e: door(e.line)), totals_by(new, lambda e: door(e.line)), doors)
    cats = list(forms.CATEGORIES)
    d.categories = _deltas(
        totals_by(old, lambda e: e.line.category), totals_by(new, lambda e: e.line.category), cats
    )
    old_items, new_items = item_totals(old), item_totals(new)
    order = list(new_items) + [k for k in old_items if k not in new_items]
    d.items = [x for x in _deltas(old_items, new_items, order) if x.old or x.new]
    d.total = Delta("合計", rollup.grand_total(old), rollup.grand_total(new))


def rollup_sources(budget: Budget) -> dict[str, int]:
    return {s: rollup.source_total(budget, s) for s in forms.SOURCES}


# --- findings ---------------------------------------------------------------------------------------


_FIGURES = re.compile(r"[\d][\d,.]*")


def _budget_rules(budget: Budget) -> frozenset[str]:
    """Codes of the workbook-wide rules (shares, totals …): they may point at a line's cell, but
    they are about the whole budget, so they are matched by rule and message, not by line."""
    from validators.engine import BUDGET_KINDS
    from validators.ruleset import rules_for

    return frozenset(
        r.code for r in rules_for(budget.programme, budget.academic_year) if r.kind in BUDGET_KINDS
    )


def _finding_keys(findings: list[Finding], where: dict[tuple[str, int], int], book: frozenset) -> list[tuple]:
    """A key per finding that survives inserted rows and renamed sheets: the matched line for line
    findings, the rule and message (figures left out) for workbook findings."""
    keys = []
    for f in findings:
        letters = f.cell.rstrip("0123456789")
        digits = f.cell[len(letters) :]
        pair = where.get((f.sheet, int(digits))) if digits and f.rule not in book else None
        whole = (f.rule, "book", _FIGURES.sub("#", f.message))  # the same finding with new figures stays
        keys.append((f.rule, "line", pair) if pair is not None else whole)
    return keys


def finding_changes(d: Diff, old_findings: list[Finding], new_findings: list[Finding]) -> None:
    where_old, where_new = {}, {}
    for i, change in enumerate(d.lines):
        if change.old:
            where_old[(change.old.place.sheet, change.old.place.row)] = i
        if change.new:
            where_new[(change.new.place.sheet, change.new.place.row)] = i
    book = _budget_rules(d.old) | _budget_rules(d.new)
    old_keys = _finding_keys(old_findings, where_old, book)
    new_keys = _finding_keys(new_findings, where_new, book)
    left, right = Counter(old_keys), Counter(new_keys)
    d.disappeared = _surplus(old_findings, old_keys, left - right)
    d.appeared = _surplus(new_findings, new_keys, right - left)


def _surplus(findings: list[Finding], keys: list[tuple], extra: Counter) -> list[Finding]:
    out = []
    for f, k in zip(findings, keys, strict=True):
        if extra[k] > 0:
            extra[k] -= 1
            out.append(f)
    return out


# --- the whole ----------------------------------------------------------------------------------


def diff(
    old: Budget,
    new: Budget,
    *,
    old_findings: list[Finding] | None = None,
    new_findings: list[Finding] | None = None,
) -> Diff:
    """Compare two versions; findings are run by the rule engine unless given."""
    pairs = match_lines(entries(old), entries(new))
    changes = [line_change(a, b) for a, b in pairs]
    changes.sort(key=_change_order(new, old))
    d = Diff(old, new, changes)
    aggregates(d)
    if old_findings is None or new_findings is None:
        import validators

        old_findings = validators.check(old)
        new_findings = validators.check(new)
    finding_changes(d, list(old_findings), list(new_findings))
    d.match_old, d.match_new = rollup.match(old), rollup.match(new)
    return d


def _change_order(new: Budget, old: Budget):
    key = rollup.code_sort_key(new.programme, new.academic_year)

    def order(c: LineChange):
        e = c.new or c.old
        return (key(e.place.code), e.place.semester, e.place.row, c.new is None)

    return order
