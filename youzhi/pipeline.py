"""The one check pipeline: a workbook → its ``Budget`` and every finding.

Every door goes through here: ``youzhi check`` (``check_file``), the batch worker (``check_file``,
in a worker process) and the add-in's 檢核 / before-save check (``check_grids`` over the grids of a
live book, ``youzhi.xlwings_adapter.grids_from_book``). The steps are always the same:

1. sniff and load (``youzhi.sheets.load_grids``: ``youzhi.safety.check_file`` first, then every
   sheet as values, the error-cell / uncached-formula scan, hidden rows and far cells);
2. read the budget (``youzhi.reader.read_grids``; its problems become rule YZ001 findings);
3. run every rule in force (``validators.check``), the grids given so that workbook rules can
   point at y-2 / y-3 / y-4 cells and the error-cell rule sees the scan.

So the three doors cannot drift apart: they differ only in where the grids come from and in how
the findings are shown.
"""

from __future__ import annotations

from dataclasses import dataclass

from validators.finding import SEVERITY_LABELS
from youzhi.errors import YouzhiError

SEVERITIES = tuple(SEVERITY_LABELS)  # error, warning, info: the order findings are counted and listed in


@dataclass(frozen=True)
class Checked:
    """One checked workbook: what was read, and what the rules found (in sheet and row order)."""

    budget: object  # youzhi.model.Budget
    grids: object  # youzhi.sheets.WorkbookGrids
    findings: list

    def counts(self) -> dict[str, int]:
        """Findings per severity, every severity present (0 when none)."""
        return severity_counts(self.findings)

    @property
    def has_errors(self) -> bool:
        return any(f.severity == "error" for f in self.findings)

    def worst_first(self) -> list:
        """The findings errors first, then warnings, then notes (sheet order kept within each)."""
        rank = {s: i for i, s in enumerate(SEVERITIES)}
        return sorted(self.findings, key=lambda f: rank.get(f.severity, len(rank)))


def check_grids(grids, *, school=None, programme=None, academic_year=None) -> Checked:
    """Read the budget from ``grids`` and run every rule; ``UnreadableWorkbook`` when it is no
    budget form, ``YouzhiError`` when a rule table is broken."""
    import validators
    from youzhi.reader import read_grids

    budget = read_grids(grids, school=school, programme=programme, academic_year=academic_year)
    try:
        findings = validators.check(budget, grids=grids)
    except validators.RuleTableError as exc:
        raise YouzhiError(str(exc)) from exc
    return Checked(budget, grids, list(findings))


def check_file(path, *, engine: str = "calamine", school=None, programme=None, academic_year=None) -> Checked:
    """Sniff, load and check one workbook file (``UnreadableWorkbook`` with a zh-TW reason when it
    cannot be read)."""
    from youzhi.forms.registry import TABLE_SHEETS
    from youzhi.sheets import load_grids

    grids = load_grids(path, engine, unread=TABLE_SHEETS)  # no check reads the tool's tables
    return check_grids(grids, school=school, programme=programme, academic_year=academic_year)


def severity_counts(findings) -> dict[str, int]:
    counts = dict.fromkeys(SEVERITIES, 0)
    for f in findings:
        counts[f.severity] = counts.get(f.severity, 0) + 1
    return counts


def counts_text(findings) -> str:
    """「錯誤 2 項、警告 1 項、提示 0 項」: how every door sums findings up."""
    counts = severity_counts(findings)
    return "、".join(f"{SEVERITY_LABELS[s]} {counts[s]} 項" for s in SEVERITIES)
