"""Writers of a batch result: the Excel report, the JSON object and the 明細資料 export.

All three stream from ``BatchResult.results()`` (path order) so memory stays flat. Every text that
came out of a school's workbook is written with ``write_string``: ``=HYPERLINK(…)`` typed as 說明用途
stays text and never becomes a formula in the reviewer's report. Outputs are written atomically
(temporary file in the same folder, then ``os.replace``).
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import tempfile
from collections.abc import Iterator

import xlsxwriter

from youzhi.batch import (
    FINDING_COLUMNS,
    LINE_COLUMNS,
    RULE_COLUMNS,
    SEVERITY_LABELS,
    STATUS_ERROR,
    STATUS_UNREADABLE,
    STATUS_WARN,
    SUMMARY_COLUMNS,
    UNREADABLE_COLUMNS,
    BatchResult,
    rule_titles,
    summary_row,
)
from youzhi.errors import YouzhiError

EXCEL_MAX_ROWS = 1_048_576
FONT = {"font_name": "微軟正黑體", "font_size": 11}
WIDTHS = {"text": 16, "int": 8, "money": 14, "ratio": 10, "number": 10, "any": 12}
WIDE = {"檔案": 40, "說明": 60, "原因": 60, "說明用途": 40, "項目": 24, "備註": 40, "依據": 30}


@contextlib.contextmanager
def atomic_output(path: str, suffix: str) -> Iterator[str]:
    """A temporary path next to ``path``; renamed over it only when the block succeeds."""
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise YouzhiError(f"輸出資料夾不存在：{folder}")
    handle, temp = tempfile.mkstemp(prefix=".youzhi-", suffix=suffix, dir=folder)
    os.close(handle)
    try:
        yield temp
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.remove(temp)
        raise


# ------------------------------------------------------------------ Excel
class _Table:
    """One report sheet written row by row (constant memory), continued on a new sheet when full."""

    def __init__(self, book: xlsxwriter.Workbook, name: str, columns, formats: dict):
        self.book, self.name, self.columns, self.formats = book, name, columns, formats
        self.parts = 0
        self._open()

    def _open(self) -> None:
        self.parts += 1
        title = self.name if self.parts == 1 else f"{self.name}({self.parts})"
        self.sheet = self.book.add_worksheet(title)
        for col, (header, kind) in enumerate(self.columns):
            self.sheet.set_column(col, col, WIDE.get(header, WIDTHS[kind]))
        self.sheet.freeze_panes(1, 0)
        for col, (header, _) in enumerate(self.columns):
            self.sheet.write_string(0, col, header, self.formats["header"])
        self.row = 0

    def add(self, values) -> None:
        if self.row + 1 >= EXCEL_MAX_ROWS:
            self.close()
            self._open()
        self.row += 1
        for col, ((_, kind), value) in enumerate(zip(self.columns, values, strict=True)):
            self._cell(self.row, col, kind, value)

    def _cell(self, row: int, col: int, kind: str, value) -> None:
        if value is None or value == "":
            return
        if isinstance(value, str):
            self.sheet.write_string(row, col, value)
        elif isinstance(value, bool):
            self.sheet.write_boolean(row, col, value)
        else:
            self.sheet.write_number(row, col, value, self.formats.get(kind))

    def close(self) -> None:
        self.sheet.autofilter(0, 0, max(self.row, 1), len(self.columns) - 1)


def write_xlsx(result: BatchResult, path: str) -> None:
    """The reviewer's report: 總覽, 檢核明細, 規則統計, 明細資料, 無法讀取."""
    with atomic_output(path, ".xlsx") as temp:
        book = xlsxwriter.Workbook(
            temp,
            {
                "constant_memory": True,
                "strings_to_formulas": False,
                "strings_to_numbers": False,
                "strings_to_urls": False,
            },
        )
        formats = {
            "header": book.add_format({**FONT, "bold": True, "bg_color": "#DDEBF7", "border": 1}),
            "money": book.add_format({**FONT, "num_format": "#,##0"}),
            "int": book.add_format({**FONT, "num_format": "0"}),
            "ratio": book.add_format({**FONT, "num_format": "0.00%"}),
            "number": book.add_format({**FONT, "num_format": "0.###"}),
            "any": book.add_format({**FONT, "num_format": "#,##0.###"}),
        }
        book.formats[0].set_font_name(FONT["font_name"])
        overview = _Table(book, "總覽", SUMMARY_COLUMNS, formats)
        findings = _Table(book, "檢核明細", FINDING_COLUMNS, formats)
        rules = _Table(book, "規則統計", RULE_COLUMNS, formats)
        lines = _Table(book, "明細資料", LINE_COLUMNS, formats)
        unreadable = _Table(book, "無法讀取", UNREADABLE_COLUMNS, formats)
        _highlight_status(overview, book)
        for record in result.results():
            overview.add(summary_row(record))
            if "reason" in record:
                unreadable.add((record["path"], record["reason"], record.get("size")))
                continue
            school = record["summary"][0]
            for sheet, cell, rule, severity, message, value, limit, citation in record["findings"]:
                findings.add(
                    (record["path"], school, sheet, cell, rule, SEVERITY_LABELS.get(severity, severity),
                     message, value, limit, citation)
                )  # fmt: skip
            for line in record["lines"]:
                lines.add((record["path"], *line))
        for row in rule_rows(result):
            rules.add(row)
        for table in (overview, findings, rules, lines, unreadable):
            table.close()
        book.close()


def _highlight_status(table: _Table, book: xlsxwriter.Workbook) -> None:
    """Colour the 狀態 column (conditional formats cost nothing per row)."""
    col = [header for header, _ in SUMMARY_COLUMNS].index("狀態")
    colours = {STATUS_ERROR: "#F8CBAD", STATUS_WARN: "#FFE699", STATUS_UNREADABLE: "#D9D9D9"}
    for status, colour in colours.items():
        table.sheet.conditional_format(
            1, col, EXCEL_MAX_ROWS - 1, col,
            {"type": "cell", "criteria": "==", "value": f'"{status}"',
             "format": book.add_format({"bg_color": colour})},
        )  # fmt: skip


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
            dict(zip(FINDING_KEYS, (r["path"], r["summary"][0], *f), strict=True))
            for r in result.results()
            if "reason" not in r
            for f in r["findings"]
        ),
    )
    stream.write(', "rules": ')
    _array(stream, (dict(zip(RULE_KEYS, row, strict=True)) for row in rule_rows(result)))
    stream.write(', "unreadable": ')
    _array(stream, ({"file": r["path"], "reason": r["reason"]} for r in result.results() if "reason" in r))
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
                    writer.writerow(["" if v is None else v for v in (record["path"], *line)])
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
                batch.extend((record["path"], *line) for line in record.get("lines", ()))
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
