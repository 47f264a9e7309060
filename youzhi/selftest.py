"""`youzhi addin selftest`: every door of the add-in, run in the user's Excel, compared with the CLI.

On Windows or macOS with Excel, through xlwings: a hidden Excel instance opens the add-in and
copies of the example workbook and of a fresh template (never the user's own workbooks), then
- 載入增益集: opens youzhi.xlam and runs its VBA (StartEvents creates the YouzhiEvents class, so
  a VBA project Excel cannot compile fails here);
- each ribbon macro through ``Application.Run`` of RunPython with the callback's own line
  (檢核, 清除標示, 彙總/修復, 新年度範本, 批次檢核); 檢核 and 彙總/修復 are compared with what the
  CLI finds / writes on the same file;
- a save, which fires BeforeSave: the warning it shows is compared with the CLI's findings;
- each ``YZ_*`` function as a worksheet formula, compared with the same function called in Python.
While it runs, message boxes are written to a log instead (``~/.youzhi/selftest.quiet``), so
nothing waits for a click. The zh-TW report lists 每一步 通過／失敗 with the reason, the time per
step, and the Excel, OS, Python and xlwings versions.

The comparison and the report are plain functions, tested on Linux (tests/test_selftest.py); the
Excel-driving part (``run_in_excel``) can only run where Excel is.
"""

from __future__ import annotations

import contextlib
import json
import platform
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from validators.finding import SEVERITY_LABELS
from youzhi import selftest_quiet

PASS, FAIL, SKIP = "通過", "失敗", "略過"
REPORT_NAME = "youzhi自我測試.txt"
ADDIN_BOOK = "youzhi.xlam"

# (function, formula arguments as Excel text, the same arguments in Python)
UDF_PROBES = [
    ("YZ_RATIO", "3,4", (3, 4)),
    ("YZ_TIER", '"臺北市",114', ("臺北市", 114)),
    ("YZ_MATCH", '1234,"新北市",115,"senior-high"', (1234, "新北市", 115, "senior-high")),
    ("YZ_CAP", '"講座鐘點費","外聘"', ("講座鐘點費", "外聘")),
    ("YZ_CHECK_LINE", '"講座鐘點費","節",2,3,""', ("講座鐘點費", "節", 2, 3, "")),
]


@dataclass
class Step:
    name: str
    status: str = FAIL
    reason: str = ""
    seconds: float = 0.0


@dataclass
class Report:
    versions: dict[str, str]
    steps: list[Step] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return all(s.status != FAIL for s in self.steps)


# --- comparisons (pure) ---------------------------------------------------------------------------


def _key(row) -> tuple:
    return tuple("" if v is None else str(v).strip() for v in row)


def compare_findings(sheet_rows: list[list], cli: Iterable) -> str:
    """ "" when the add-in's 檢核結果 rows list the same findings (規則, 工作表, 儲存格) as the CLI,
    else the reason. ``sheet_rows`` start with the header row as Excel shows it."""
    if not sheet_rows:
        return "找不到「檢核結果」工作表"
    header = [str(h) for h in sheet_rows[0]]
    try:
        cols = [header.index(h) for h in ("規則", "工作表", "儲存格")]
    except ValueError:
        return f"「檢核結果」的標題列不對：{header}"
    got = Counter(_key([row[c] for c in cols]) for row in sheet_rows[1:] if row and row[cols[0]])
    want = Counter(_key([f.rule, f.sheet, f.cell]) for f in cli)
    if got == want:
        return ""
    missing, extra = want - got, got - want
    parts = []
    if missing:
        parts.append("Excel 少了 " + "、".join("/".join(k) for k in sorted(missing)[:5]))
    if extra:
        parts.append("Excel 多了 " + "、".join("/".join(k) for k in sorted(extra)[:5]))
    return "；".join(parts) + f"（Excel {sum(got.values())} 項，CLI {sum(want.values())} 項）"


def _same(a, b) -> bool:
    if isinstance(a, int | float) and isinstance(b, int | float) and not isinstance(a, bool):
        return abs(a - b) < 1e-6 * max(1, abs(a), abs(b))  # cell values, not money arithmetic
    return ("" if a is None else a) == ("" if b is None else b)


def compare_cells(excel: dict, cli: dict, limit: int = 5) -> str:
    """ "" when every cell the CLI wrote (``{(sheet, A1): value}``) shows the same value in Excel."""
    diffs = [(k, v, excel.get(k)) for k, v in sorted(cli.items()) if not _same(excel.get(k), v)]
    if not diffs:
        return ""
    shown = "、".join(f"{s}!{a} Excel={e!r} CLI={c!r}" for (s, a), c, e in diffs[:limit])
    return f"{len(diffs)} 個儲存格不同：{shown}"


def compare_save_message(messages: list[str], cli: Iterable) -> str:
    """The BeforeSave warning must be there (when the CLI finds errors/warnings) and count the same."""
    serious = [f for f in cli if f.severity in ("error", "warning")]
    shown = [m for m in messages if m.startswith("存檔前檢核")]
    if not serious:
        return "" if not shown else f"CLI 沒有錯誤或警告，Excel 卻顯示：{shown[0].splitlines()[0]}"
    if not shown:
        return "存檔時沒有出現檢核訊息（BeforeSave 未觸發，或 Python 未執行）"
    counts = Counter(f.severity for f in serious)
    for severity in ("error", "warning"):
        label = SEVERITY_LABELS[severity]
        expected = f"{label} {counts.get(severity, 0)} 項"
        if expected not in shown[-1]:
            return f"存檔訊息的{label}數與 CLI（{expected}）不同：{shown[-1].splitlines()[0]}"
    return ""


def compare_udf(name: str, excel_value, python_value) -> str:
    if isinstance(excel_value, str) and excel_value.startswith("#"):
        return f"{name} 在 Excel 傳回 {excel_value}"
    if _same(excel_value, python_value):
        return ""
    return f"{name}：Excel={excel_value!r}，Python={python_value!r}"


# --- the report -----------------------------------------------------------------------------------


def timed(report: Report, name: str, fn: Callable[[], str | None]) -> Step:
    """Run one step: ``fn`` returns "" / None (通過), a reason (失敗), or raises (失敗, with the error)."""
    step = Step(name)
    start = time.perf_counter()
    try:
        reason = fn()
        step.status, step.reason = (PASS, "") if not reason else (FAIL, reason)
        if reason and reason.startswith(SKIP):
            step.status, step.reason = SKIP, reason[len(SKIP) :].lstrip("：")
    except Exception as exc:  # a selftest reports every failure, it never stops at one
        step.reason = f"{type(exc).__name__}: {exc}"
    step.seconds = time.perf_counter() - start
    report.steps.append(step)
    return step


def versions(app=None) -> dict[str, str]:
    import xlwings

    from youzhi import __version__

    out = {
        "作業系統": f"{platform.system()} {platform.release()} ({platform.machine()})",
        "Python": f"{platform.python_version()} ({sys.executable})",
        "xlwings": xlwings.__version__,
        "youzhi": __version__,
    }
    if app is not None:
        with contextlib.suppress(Exception):
            out["Excel"] = str(app.version)
    return out


def report_text(report: Report) -> str:
    lines = ["youzhi 增益集自我測試報告", ""]
    lines += [f"{k}：{v}" for k, v in report.versions.items()]
    lines.append("")
    width = max((len(s.name) for s in report.steps), default=0)
    for number, s in enumerate(report.steps, 1):
        line = f"{number:>2}. {s.name.ljust(width, '　')}　{s.status}　{s.seconds:6.2f} 秒"
        lines.append(line + (f"　{s.reason}" if s.reason else ""))
    failed = [s for s in report.steps if s.status == FAIL]
    lines += ["", f"結果：{len(report.steps) - len(failed)} 步通過或略過，{len(failed)} 步失敗。"]
    if failed:
        lines.append("請把這份報告寄給維護者；增益集無法載入時可改用 youzhi addin build --in-excel 重建。")
    return "\n".join(lines) + "\n"


def write_report(report: Report, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(report_text(report), encoding="utf-8-sig")  # BOM: Notepad shows the zh-TW text
    tmp.replace(path)
    return path


def default_report_path() -> Path:
    desktop = Path.home() / "Desktop"
    return (desktop if desktop.is_dir() else Path.cwd()) / REPORT_NAME


def read_alerts() -> list[str]:
    log = selftest_quiet.ALERT_LOG
    if not log.is_file():
        return []
    return [json.loads(line)["text"] for line in log.read_text(encoding="utf-8").splitlines() if line]
