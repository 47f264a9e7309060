"""`youzhi batch PATH… -o report.xlsx [--jobs N] [--json] [--export lines.parquet|lines.csv]`.

Exit status: 0 every file read and no error finding; 1 the outputs were written but some file has
error findings or could not be read; 2 nothing was checked (bad options, no workbooks, broken rules).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import time

from youzhi import batch, batch_report, forms
from youzhi.errors import YouzhiError
from youzhi.output import check_output


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths", nargs="+", metavar="PATH", help="經費表檔案或資料夾（資料夾會往下找 .xlsx/.xlsm）"
    )
    parser.add_argument("-o", "--output", metavar="REPORT.xlsx", help="彙整報表（Excel）的檔名")
    parser.add_argument("--jobs", "-j", type=int, default=None, help="同時處理的程序數（預設為 CPU 核心數）")
    parser.add_argument("--json", action="store_true", help="在標準輸出印出 JSON（總覽、檢核明細、無法讀取）")
    parser.add_argument("--export", metavar="LINES.parquet|LINES.csv", help="另存每一筆經費明細（明細資料）")
    parser.add_argument("--programme", choices=forms.PROGRAMMES, help="方案（檔案內無法判斷時使用）")
    parser.add_argument("--year", type=int, dest="academic_year", help="學年度（檔案內無法判斷時使用）")
    parser.add_argument(
        "--timeout",
        type=float,
        default=batch.DEFAULT_TIMEOUT,
        help=f"每個檔案的處理時間上限（秒，預設 {batch.DEFAULT_TIMEOUT:g}）",
    )
    parser.add_argument("--no-progress", action="store_true", help="不顯示進度列")
    parser.add_argument("--force", action="store_true", help="報表或明細檔已存在時覆寫（不可覆寫輸入檔）")


def run(args: argparse.Namespace) -> int:
    if not (args.output or args.json or args.export):
        raise YouzhiError("請指定輸出：-o 報表.xlsx、--json 或 --export 明細.parquet")
    if args.jobs is not None and args.jobs < 1:
        raise YouzhiError("--jobs 必須是正整數")
    if args.timeout <= 0:
        raise YouzhiError("--timeout 必須大於 0")
    outputs = [p for p in (args.output, args.export) if p]
    if args.output and not args.output.lower().endswith(".xlsx"):
        raise YouzhiError("報表檔名必須以 .xlsx 結尾")
    if args.export and not args.export.lower().endswith((".parquet", ".csv")):
        raise YouzhiError("--export 只接受 .parquet 或 .csv 檔名")
    files = _inputs_without_outputs(batch.collect(args.paths), outputs)
    for output in outputs:
        check_output(output, force=args.force)
    _check_rule_tables()
    if not files:
        raise YouzhiError("找不到任何 .xlsx 或 .xlsm 檔案")
    options = batch.Options(
        args.programme,
        args.academic_year,
        timeout=args.timeout,
        render=bool(args.output),
        keep_lines=bool(args.export),
        keep_findings=bool(args.json or not args.output),
    )
    show = not (args.json or args.no_progress) and sys.stderr.isatty()
    started = time.perf_counter()
    bar = _progress_bar(len(files), show)
    report = batch_report.XlsxReport(args.output) if args.output else contextlib.nullcontext()
    with report:  # in place (atomically) when this block ends; nothing on disk if it fails
        try:
            result = batch.run_batch(
                files,
                jobs=args.jobs,
                options=options,
                progress=bar.update_record,
                sink=report.add if args.output else None,  # the report is written while workers run
                keep=bool(args.json or args.export or not args.output),  # else the spool stays flat
            )
        finally:
            bar.close()
        if args.output:
            report.finish(result)
    with result:
        if args.export:
            batch_report.export_lines(result, args.export)
        if args.json:
            _print_json(result)
    seconds = time.perf_counter() - started
    unreadable, errors = result.count(batch.STATUS_UNREADABLE), result.count(batch.STATUS_ERROR)
    print(
        f"已檢核 {len(files)} 個檔案（{seconds:.1f} 秒，每秒 {len(files) / seconds:.0f} 個）："
        f"有錯誤 {errors}、有警告 {result.count(batch.STATUS_WARN)}、"
        f"通過 {result.count(batch.STATUS_OK)}、無法讀取 {unreadable}"
        + (f"；報表：{os.path.abspath(args.output)}" if args.output else ""),
        file=sys.stderr,
    )
    return 1 if unreadable or errors else 0


def _print_json(result) -> None:
    """JSON on stdout; a reader that stops early (``| head``) ends the output quietly."""
    try:
        batch_report.write_json(result, sys.stdout)
        sys.stdout.flush()
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _check_rule_tables() -> None:
    """A broken rule table (e.g. a user file named in YOUZHI_TABLES) stops the batch once, up front."""
    import validators

    try:
        validators.catalogue()
    except validators.RuleTableError as exc:
        raise YouzhiError(str(exc)) from None


def _inputs_without_outputs(files: list[str], outputs: list[str]) -> list[str]:
    """Refuse an output that is one of the inputs (after resolving links, files found in a folder
    included); an earlier report of ours lying in an input folder is the one exception: it is no
    submission, so it is left out of the inputs (and replaced only with --force)."""
    targets = {os.path.realpath(o): o for o in outputs}
    kept = []
    for path in files:
        output = targets.get(os.path.realpath(path))
        if output is None:
            kept.append(path)
        elif not batch_report.is_own_report(path):
            raise YouzhiError(f"輸出檔不可覆寫輸入檔：{output}（請另取檔名）")
    return kept


class _Bar:
    """tqdm on stderr (with ETA), or nothing when stderr is not a terminal."""

    def __init__(self, total: int, show: bool):
        self.tqdm = None
        if show:
            from tqdm import tqdm

            tqdm.monitor_interval = 0  # no monitor thread: workers may be forked while it runs
            self.tqdm = tqdm(total=total, unit="檔", desc="檢核", file=sys.stderr, dynamic_ncols=True)

    def update_record(self, record: dict) -> None:
        if self.tqdm is not None:
            self.tqdm.update(1)

    def close(self) -> None:
        if self.tqdm is not None:
            self.tqdm.close()


def _progress_bar(total: int, show: bool) -> _Bar:
    return _Bar(total, show)
