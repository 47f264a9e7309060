"""Writers of a batch result: the Excel report, the JSON object and the 明細資料 export.

All three stream from ``BatchResult.results()`` (path order) so memory stays flat. Every text that
came out of a school's workbook is written with ``write_string``: ``=HYPERLINK(…)`` typed as 說明用途
stays text and never becomes a formula in the reviewer's report. Outputs are written atomically
(temporary file in the same folder, then ``os.replace``).
"""

from __future__ import annotations

import csv
import json
import sys
import zipfile
from typing import TYPE_CHECKING

from validators.finding import SEVERITY_LABELS  # one wording of severities everywhere
from youzhi import xlsx_stream
from youzhi.batch_schema import (
    FINDING_COLUMNS,
    KINDS,
    LINE_COLUMNS,
    RULE_COLUMNS,
    STATUS_ERROR,
    STATUS_UNREADABLE,
    STATUS_WARN,
    SUMMARY_COLUMNS,
    UNREADABLE_COLUMNS,
    render,
    summary_row,
)
from youzhi.errors import YouzhiError
from youzhi.output import atomic_path
from youzhi.safety import csv_field
from youzhi.xlsx_stream import row_xml

if TYPE_CHECKING:
    from youzhi.batch import BatchResult

FONT = {"font_name": "微軟正黑體", "font_size": 11}
WIDTHS = {"text": 16, "int": 8, "money": 14, "ratio": 10, "number": 10, "any": 12}
WIDE = {"檔案": 40, "說明": 60, "原因": 60, "說明用途": 40, "項目": 24, "備註": 40, "依據": 30}


def atomic_output(path: str, suffix: str):
    """A temporary path next to ``path``; renamed over it only when the block succeeds."""
    return atomic_path(path, suffix)


def is_own_report(path: str) -> bool:
    """An .xlsx this module wrote (its sheets 總覽 … 無法讀取), not a school's workbook."""
    try:
        with zipfile.ZipFile(path) as archive:
            workbook = archive.read("xl/workbook.xml")
    except (OSError, KeyError, ValueError, zipfile.BadZipFile):
        return False
    return all(f'name="{name}"'.encode() in workbook for name in ("總覽", "檢核明細", "無法讀取"))


# ------------------------------------------------------------------ Excel
STATUS_FILLS = {STATUS_ERROR: "F8CBAD", STATUS_WARN: "FFE699", STATUS_UNREADABLE: "D9D9D9"}


class _Table:
    """One report table; continued on a new sheet (``明細資料(2)`` …) past Excel's row limit."""

    def __init__(self, book: xlsx_stream.Book, name: str, columns):
        self.book, self.name, self.columns = book, name, columns
        self.parts: list[xlsx_stream.Sheet] = []
        self._open()

    def _open(self) -> None:
        title = self.name if not self.parts else f"{self.name}({len(self.parts) + 1})"
        headers = [header for header, _ in self.columns]
        widths = [WIDE.get(header, WIDTHS[kind]) for header, kind in self.columns]
        self.parts.append(self.book.sheet(title, headers, widths))

    def add(self, rendered: str) -> None:
        if self.parts[-1].full:
            self._open()
        self.parts[-1].add(rendered)


class XlsxReport:
    """The reviewer's report (總覽, 檢核明細, 規則統計, 明細資料, 無法讀取), written while the batch runs.

    ``add(record)`` takes results in path order (``run_batch(sink=…)`` delivers them so); ``finish``
    adds 規則統計 and moves the file into place. Used as a context manager, a failed batch leaves no
    file behind (and an earlier report at that path untouched).
    """

    def __init__(self, path: str):
        self.path = path
        self._output = atomic_output(path, ".xlsx")
        self._temp = None

    def __enter__(self) -> XlsxReport:
        self._temp = self._output.__enter__()
        self.book = xlsx_stream.Book(font=FONT["font_name"])
        self.overview = _Table(self.book, "總覽", SUMMARY_COLUMNS)
        self.findings = _Table(self.book, "檢核明細", FINDING_COLUMNS)
        self.rules = _Table(self.book, "規則統計", RULE_COLUMNS)
        self.lines = _Table(self.book, "明細資料", LINE_COLUMNS)
        self.unreadable = _Table(self.book, "無法讀取", UNREADABLE_COLUMNS)
        status = [header for header, _ in SUMMARY_COLUMNS].index("狀態")
        for text, rgb in STATUS_FILLS.items():
            self.overview.parts[0].highlight(status, text, rgb)
        return self

    def add(self, record: dict) -> None:
        xml = render(record)
        self.overview.add(xml["總覽"])
        if "reason" in record:
            values = (record["file"], record["reason"], record.get("size"))
            self.unreadable.add(row_xml(values, KINDS["無法讀取"]))
        for row in xml["檢核明細"]:
            self.findings.add(row)
        for row in xml["明細資料"]:
            self.lines.add(row)

    def finish(self, result: BatchResult) -> None:
        for row in rule_rows(result):
            self.rules.add(row_xml(row, KINDS["規則統計"]))
        self.book.close(self._temp)

    def __exit__(self, kind, value, traceback) -> bool:
        if kind is not None:
            self.book.discard()
        return bool(self._output.__exit__(kind, value, traceback))


def write_xlsx(result: BatchResult, path: str) -> None:
    """The report of a finished batch (``XlsxReport`` fed from the spool, in path order)."""
    with XlsxReport(path) as report:
        for record in result.results():
            report.add(record)
        report.finish(result)


def rule_titles() -> dict[str, str]:
    """Rule code → zh-TW title from the validators' catalogue (empty when it cannot be loaded)."""
    titles = {}
    try:
        import validators

        titles.update({rule.code: rule.title for rule in validators.catalogue()})
    except Exception as exc:  # the report must still be written; say why titles are missing
        print(f"警告：無法載入規則清單（{type(exc).__name__}），規則統計不含說明", file=sys.stderr)
    return titles


def rule_rows(result: BatchResult) -> list[tuple]:
    """規則統計: per rule, its severity, title, schools and findings; most schools first."""
    titles = rule_titles() if result.rules else {}
    rows = [
        (rule, SEVERITY_LABELS.get(severity, severity), titles.get(rule, ""), files, count)
        for rule, (severity, files, count) in result.rules.items()
    ]
    return sorted(rows, key=lambda r: (-r[3], -r[4], r[0]))


# ------------------------------------------------------------------ JSON
FINDING_KEYS = (
    "file",
    "school",
    "sheet",
    "cell",
    "rule",
    "severity",
    "message",
    "value",
    "limit",
    "citation",
)
RULE_KEYS = ("rule", "severity", "title", "files", "findings")


def write_json(result: BatchResult, stream) -> None:
    """One JSON object: ``files`` (總覽 rows), ``findings``, ``rules``, ``unreadable``, streamed."""
    summary_keys = [header for header, _ in SUMMARY_COLUMNS]
    stream.write('{"files": ')
    _array(stream, (dict(zip(summary_keys, summary_row(r), strict=True)) for r in result.results()))
    stream.write(', "findings": ')
    _array(
        stream,
        (
            dict(zip(FINDING_KEYS, (r["file"], r["summary"][0], *f), strict=True))
            for r in result.results()
            if "reason" not in r
            for f in r["findings"]
        ),
    )
    stream.write(', "rules": ')
    _array(stream, (dict(zip(RULE_KEYS, row, strict=True)) for row in rule_rows(result)))
    stream.write(', "unreadable": ')
    _array(stream, ({"file": r["file"], "reason": r["reason"]} for r in result.results() if "reason" in r))
    counts = {
        "files": len(result.entries),
        "unreadable": result.count(STATUS_UNREADABLE),
        "with_errors": result.count(STATUS_ERROR),
        "with_warnings": result.count(STATUS_WARN),
        "seconds": round(result.seconds, 3),
    }
    stream.write(', "counts": ' + _dumps(counts) + "}\n")


def _array(stream, items) -> None:
    stream.write("[")
    for i, item in enumerate(items):
        stream.write(("," if i else "") + "\n" + _dumps(item))
    stream.write("\n]")


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False)


# ------------------------------------------------------------------ 明細資料 export
def export_lines(result: BatchResult, path: str) -> None:
    """明細資料 as ``.parquet`` (pyarrow, in row groups) or ``.csv`` (UTF-8 with BOM, for Excel)."""
    headers = ["檔案", *[header for header, _ in LINE_COLUMNS[1:]]]
    lower = path.lower()
    if lower.endswith(".csv"):
        with atomic_output(path, ".csv") as temp, open(temp, "w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(headers)
            for record in result.results():
                for line in record.get("lines", ()):
                    writer.writerow(["" if v is None else csv_field(v) for v in (record["file"], *line)])
    elif lower.endswith(".parquet"):
        _export_parquet(result, path, headers)
    else:
        raise YouzhiError("--export 只接受 .parquet 或 .csv 檔名")


def _export_parquet(result: BatchResult, path: str, headers: list[str]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    types = {"text": pa.string(), "int": pa.int64(), "money": pa.int64(), "number": pa.float64()}
    schema = pa.schema([(h, types[kind]) for h, (_, kind) in zip(headers, LINE_COLUMNS, strict=True)])
    with atomic_output(path, ".parquet") as temp:
        writer = pq.ParquetWriter(temp, schema)
        try:
            batch: list[tuple] = []
            for record in result.results():
                batch.extend((record["file"], *line) for line in record.get("lines", ()))
                if len(batch) >= 50_000:
                    writer.write_table(_table(pa, schema, batch))
                    batch = []
            writer.write_table(_table(pa, schema, batch))
        finally:
            writer.close()


def _table(pa, schema, rows: list[tuple]):
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in schema]
    return pa.Table.from_arrays(
        [pa.array(col, type=f.type) for col, f in zip(columns, schema, strict=True)], schema=schema
    )
