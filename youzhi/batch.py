"""Batch validation: many schools' workbooks → one result set, spooled to disk, sorted by path.

``collect(paths)`` finds the workbooks; ``check_one(path)`` (run in worker processes by
``youzhi.batch_pool``) reads and checks one file and returns a small picklable ``dict`` (rows as
tuples, never the ``Budget`` graph); ``run_batch`` gathers those into a ``BatchResult`` whose rows
live in a temporary spool file, so memory does not grow with the number of files. The writers
(``youzhi.batch_report``) stream from it in path order, so the report is deterministic.
"""

from __future__ import annotations

import contextlib
import functools
import os
import pickle
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from youzhi import batch_pool, forms
from youzhi.batch_schema import (
    STATUS_ERROR,
    STATUS_OK,
    STATUS_UNREADABLE,
    STATUS_WARN,
    SUMMARY_STATUS,
    render,
)
from youzhi.errors import UnreadableWorkbook, YouzhiError
from youzhi.output import is_ignored_name
from youzhi.text import display_path

EXTENSIONS = (".xlsx", ".xlsm")
DEFAULT_TIMEOUT = 30.0  # seconds per file
DEFAULT_MAX_MEMORY = 2 * 1024**3  # bytes per worker process


@dataclass(frozen=True)
class Options:
    """What every file is read with (an official workbook names neither programme nor year)."""

    programme: str | None = None
    academic_year: int | None = None
    timeout: float = DEFAULT_TIMEOUT
    max_memory: int | None = DEFAULT_MAX_MEMORY
    render: bool = False  # render the Excel report's rows in the worker (spreads that work over the CPUs)
    keep_lines: bool = True  # send line tuples back (for --export); rendered rows suffice for the report
    keep_findings: bool = True  # send finding tuples back (for --json); rendered rows suffice for the report


# ------------------------------------------------------------------ collecting inputs
def collect(paths: Iterable[str | os.PathLike], *, exclude: Iterable[str] = ()) -> list[str]:
    """Every .xlsx/.xlsm under the given files and folders (recursively), sorted, without duplicates.

    A file named explicitly is taken whatever its extension (its check says why it is unreadable);
    in folders only .xlsx/.xlsm count; Excel's lock files (``~$…``) and the tool's own temp files
    (``.youzhi-tmp-…``, left by a killed run) are skipped.
    """
    skip = {os.path.realpath(p) for p in exclude}
    found: dict[str, str] = {}
    for given in paths:
        given = os.fspath(given)
        if os.path.isdir(given):
            for folder, dirs, files in os.walk(given):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in files:
                    if name.lower().endswith(EXTENSIONS) and not is_ignored_name(name):
                        path = os.path.join(folder, name)
                        found.setdefault(os.path.realpath(path), path)
        elif os.path.exists(given):
            found.setdefault(os.path.realpath(given), given)
        else:
            raise YouzhiError(f"找不到檔案或資料夾：{given}")
    return sorted((path for real, path in found.items() if real not in skip), key=_path_key)


def _path_key(path: str) -> tuple:
    return tuple(os.path.normpath(path).split(os.sep))


# ------------------------------------------------------------------ one file (in a worker)
def check_one(path: str, options: Options = Options()) -> dict:
    """Read and check one workbook; a small dict of plain tuples (picklable, cheap to send)."""
    start = time.perf_counter()
    try:
        record = _check(path, options)
    except UnreadableWorkbook as exc:
        record = {"path": path, "reason": str(exc)}
    record["file"] = display_path(path)
    record["seconds"] = time.perf_counter() - start
    if "reason" in record:
        return record
    if options.render:
        record["xml"] = render(record)
    if not options.keep_lines:
        record["lines"] = ()
    if not options.keep_findings:  # their rows are in record["xml"]; the header needs only the tally
        record["rules"] = rule_tally(record["findings"])
        record["findings"] = ()
    return record


def _check(path: str, options: Options) -> dict:
    from youzhi import pipeline, rollup

    # The one check pipeline (as ``youzhi check`` and the add-in); values suffice here.
    checked = pipeline.check_file(
        path, engine="calamine", programme=options.programme, academic_year=options.academic_year
    )
    budget = checked.budget
    findings = [
        (f.sheet, f.cell, f.rule, f.severity, f.message, _plain(f.value), _plain(f.limit), f.citation)
        for f in checked.findings  # reader problems come back as rule YZ001
    ]
    counts = checked.counts()
    match = rollup.match(budget)
    recurrent, capital = rollup.recurrent_total(budget), rollup.capital_total(budget)
    total = recurrent + capital
    school = budget.school
    programme = forms.programme(budget.programme, budget.academic_year).short
    status = STATUS_ERROR if counts["error"] else STATUS_WARN if counts["warning"] else STATUS_OK
    summary = (
        school.name,
        school.authority or "",
        school.county or "",
        programme,
        budget.academic_year,
        recurrent,
        capital,
        total,
        capital / total if total else None,
        match.subsidy,
        match.required if match.needed else None,
        match.budgeted,
        match.shortfall if match.needed else None,
        rollup.match_basis(match),
        counts["error"],
        counts["warning"],
        counts["info"],
        status,
        match.note,
    )
    head = (school.name, school.county or "", programme, budget.academic_year)
    lines = [
        (
            *head,
            line.sheet,
            line.row,
            block.code,
            block.semester.label,
            block.fiscal_year,
            line.category,
            line.item,
            line.unit,
            None if line.quantity is None else float(line.quantity),
            line.unit_price,
            line.amount,
            line.typed_total,
            line.purpose,
            line.raw_source or line.source,
        )
        for block in budget.sheets
        for line in block.lines
    ]
    return {"path": path, "summary": summary, "findings": findings, "lines": lines}


def _plain(value):
    """Finding values as JSON/Excel-friendly scalars."""
    if value is None or isinstance(value, (int, float, str)):
        return value
    return str(value)


# ------------------------------------------------------------------ the whole batch (in the parent)
@dataclass
class Entry:
    path: str
    offset: int  # where its pickled result starts in the spool
    status: str
    school: str = ""


@dataclass
class BatchResult:
    """All results, spooled to a temporary file; iterate in path order with ``results()``."""

    spool: object
    entries: list[Entry] = field(default_factory=list)
    rules: dict[str, list] = field(default_factory=dict)  # rule → [severity, files, findings]
    seconds: float = 0.0
    kept: bool = True  # False: the results went to a sink only (run_batch(keep=False))

    def results(self) -> Iterator[dict]:
        if not self.kept:
            raise RuntimeError("the results were not kept (run_batch(keep=False))")
        for entry in sorted(self.entries, key=lambda e: _path_key(e.path)):
            self.spool.seek(entry.offset)
            yield pickle.load(self.spool)

    def count(self, status: str) -> int:
        return sum(1 for e in self.entries if e.status == status)

    def close(self) -> None:
        self.spool.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def run_batch(
    files: list[str],
    *,
    jobs: int | None = None,
    options: Options = Options(),
    progress: Callable[[dict], None] | None = None,
    sink: Callable[[dict], None] | None = None,
    keep: bool = True,
) -> BatchResult:
    """Check ``files`` in worker processes; every file ends up in the result, readable or not.

    ``progress`` gets each file's small header (path, status, school) as it completes; ``sink`` gets
    every full result in path order as soon as all earlier paths are done (a report can be written
    while the workers still run). With ``keep=False`` (a sink and no later ``results()``), a result
    leaves the spool once the sink had it, so temporary disk stays flat however many files there are.
    """
    if not keep and sink is None:
        raise ValueError("keep=False needs a sink")
    started = time.perf_counter()
    files = sorted(files, key=_path_key)
    result = BatchResult(tempfile.TemporaryFile(prefix="youzhi-batch-"), kept=keep)  # noqa: SIM115 (closed by result)
    work = functools.partial(packed_check, options=options)
    outcomes = batch_pool.run(work, files, jobs=jobs, timeout=options.timeout, max_memory=options.max_memory)
    index = {path: i for i, path in enumerate(files)}
    done: dict[int, int] = {}  # file index → its offset in the spool, until the sink had it
    next_index = 0
    with contextlib.closing(outcomes):  # on any exception the workers stop at once
        for outcome in outcomes:
            if outcome.ok:
                header, blob = outcome.value
            else:
                record = {"path": outcome.item, "reason": outcome.reason, "seconds": outcome.seconds}
                header, blob = pack(record)
            offset = _add(result, header, blob)
            if progress:
                progress(header)
            if sink:
                done[index[header["path"]]] = offset
                while next_index in done:
                    result.spool.seek(done.pop(next_index))
                    sink(pickle.load(result.spool))
                    next_index += 1
                if not keep and not done:  # nothing waits in the spool: start it afresh
                    result.spool.seek(0)
                    result.spool.truncate()
    result.seconds = time.perf_counter() - started
    return result


def packed_check(path: str, options: Options = Options()) -> tuple[dict, bytes]:
    """``check_one`` packed in the worker: the parent reads the small header and spools the blob as is
    (the rows are unpickled once, when the report is written)."""
    return pack(check_one(path, options))


def pack(record: dict) -> tuple[dict, bytes]:
    record.setdefault("file", display_path(record["path"]))
    if "reason" in record:
        try:
            record["size"] = os.path.getsize(record["path"])
        except OSError:
            record["size"] = None
        header = {"path": record["path"], "status": STATUS_UNREADABLE, "school": "", "rules": {}}
    else:
        rules = record.pop("rules", None) or rule_tally(record["findings"])
        header = {
            "path": record["path"],
            "status": record["summary"][SUMMARY_STATUS],
            "school": record["summary"][0],
            "rules": rules,
        }
    return header, pickle.dumps(record, protocol=pickle.HIGHEST_PROTOCOL)


def rule_tally(findings) -> dict[str, list]:
    """rule → [severity, findings] of one file's finding tuples."""
    rules: dict[str, list] = {}
    for finding in findings:
        rules.setdefault(finding[2], [finding[3], 0])[1] += 1
    return rules


def _add(result: BatchResult, header: dict, blob: bytes) -> int:
    for rule, (severity, count) in header["rules"].items():
        stats = result.rules.setdefault(rule, [severity, 0, 0])
        stats[1] += 1
        stats[2] += count
    result.spool.seek(0, os.SEEK_END)
    offset = result.spool.tell()
    result.spool.write(blob)
    result.entries.append(Entry(header["path"], offset, header["status"], header["school"]))
    return offset
