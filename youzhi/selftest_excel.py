"""The Excel-driving half of ``youzhi addin selftest`` (Windows/macOS with Excel, through xlwings).

Nothing here can run on Linux: it is kept apart from youzhi/selftest.py, whose comparisons and
report are tested. It works in a temporary folder on copies only and quits its own hidden Excel.
"""

from __future__ import annotations

import contextlib
import shutil
import sys
import tempfile
from pathlib import Path

from youzhi import selftest_quiet
from youzhi.selftest import (
    ADDIN_BOOK,
    PASS,
    SKIP,
    UDF_PROBES,
    Report,
    compare_cells,
    compare_findings,
    compare_save_message,
    compare_udf,
    default_report_path,
    read_alerts,
    report_text,
    timed,
    versions,
    write_report,
)

# The RunPython line of each ribbon callback in addin/vba/YouzhiRibbon.bas (tests keep them equal).
CALLBACKS = {
    "檢核": "import macros; macros.check()",
    "清除標示": "import macros; macros.clear_marks()",
    "彙總/修復": "import macros; macros.repair()",
}
EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "示範高中_114.xlsx"


def _hex(text: str) -> str:
    """What the VBA PyText sends: UTF-16 code units in hex, read back by macros.from_hex."""
    data = text.encode("utf-16-be")
    units = "".join(f"{int.from_bytes(data[i : i + 2], 'big'):04X}" for i in range(0, len(data), 2))
    return f"macros.from_hex('{units}')"


def _cli_findings(path: Path) -> list:
    from youzhi import pipeline

    return pipeline.check_file(path).findings  # what ``youzhi check`` finds


def _addin_path() -> Path:
    from youzhi import addin_install

    t = addin_install.target()
    if t is not None and t.addin.is_file():
        return t.addin
    return addin_install.shipped_addin()


def run_in_excel() -> Report:  # pragma: no cover - needs Excel
    import xlwings as xw

    work = Path(tempfile.mkdtemp(prefix="youzhi-selftest-"))
    example = shutil.copyfile(EXAMPLE, work / "示範高中_114.xlsx")
    pristine = shutil.copyfile(EXAMPLE, work / "原檔.xlsx")
    selftest_quiet.QUIET.parent.mkdir(parents=True, exist_ok=True)
    selftest_quiet.QUIET.touch()
    selftest_quiet.ALERT_LOG.unlink(missing_ok=True)
    app = xw.App(visible=False, add_book=False)
    app.display_alerts = False
    report = Report(versions(app))
    try:
        _steps(app, report, Path(example), Path(pristine), work)
    finally:
        for book in list(app.books):
            with contextlib.suppress(Exception):
                book.close()
        with contextlib.suppress(Exception):
            app.quit()
        selftest_quiet.QUIET.unlink(missing_ok=True)
        shutil.rmtree(work, ignore_errors=True)
    return report


def _steps(app, report: Report, example: Path, pristine: Path, work: Path) -> None:  # pragma: no cover
    state = {}

    def load():
        state["addin"] = app.books.open(str(_addin_path()))
        app.macro(f"'{ADDIN_BOOK}'!YouzhiRibbon.StartEvents")()  # compiles the project, creates the class

    def rebuild():
        """The fallback that does not depend on our VBA writer: Excel imports the sources itself."""
        import importlib.util

        script = Path(__file__).resolve().parents[1] / "addin" / "build_in_excel.py"
        spec = importlib.util.spec_from_file_location("youzhi_build_in_excel", script)
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module
        spec.loader.exec_module(module)
        with contextlib.suppress(Exception):
            state["addin"].close()
        state["addin"] = app.books.open(str(module.build_in_excel(work)))
        app.macro(f"'{ADDIN_BOOK}'!YouzhiRibbon.StartEvents")()

    def run(name: str):
        state["book"].activate()
        app.macro(f"'{ADDIN_BOOK}'!RunPython")(CALLBACKS[name])

    def check():
        state["book"] = app.books.open(str(example))
        run("檢核")
        sheet = state["book"].sheets["檢核結果"]
        rows = sheet.used_range.value
        return compare_findings(rows, _cli_findings(pristine))

    def clear():
        run("清除標示")
        return "" if "檢核結果" not in [s.name for s in state["book"].sheets] else "「檢核結果」工作表仍在"

    def save():
        before = len(read_alerts())
        state["book"].save()
        return compare_save_message(read_alerts()[before:], _cli_findings(pristine))

    def repair():
        from youzhi.repair import repair_workbook

        cli = repair_workbook(pristine, work / "cli修復.xlsx")
        run("彙總/修復")
        book = state["book"]
        app.calculate()
        got = {(s, a): book.sheets[s][a].value for s, a in cli.cached}
        return compare_cells(got, cli.cached)

    def udf(name: str, excel_args: str, python_args: tuple):
        import macros

        sheet = state["book"].sheets.add("selftest")
        try:
            sheet["A1"].formula = f"={name}({excel_args})"
            app.calculate()
            return compare_udf(name, sheet["A1"].value, getattr(macros, name)(*python_args))
        finally:
            sheet.delete()

    def template():
        before = {b.name for b in app.books}
        state["book"].activate()
        app.macro(f"'{ADDIN_BOOK}'!RunPython")("import macros; macros.new_template('114', '1')")
        opened = [b for b in app.books if b.name not in before]
        if not opened:
            return "沒有開啟新的範本"
        path = Path(opened[0].fullname)
        opened[0].close()
        path.unlink(missing_ok=True)  # written into 文件 by the macro: removed again
        return ""

    def batch():
        folder = work / "批次"
        folder.mkdir()
        shutil.copyfile(pristine, folder / "示範高中_114.xlsx")
        state["book"].activate()
        app.macro(f"'{ADDIN_BOOK}'!RunPython")(f"import macros; macros.batch({_hex(str(folder))})")
        return "" if any(folder.glob("優質化批次檢核結果*.xlsx")) else "批次報告沒有產生"

    loaded = timed(report, "載入增益集", load).status == PASS
    if not loaded and sys.platform.startswith("win"):
        loaded = timed(report, "以 Excel 重建並載入", rebuild).status == PASS
    if not loaded:
        timed(report, "其餘步驟", lambda: f"{SKIP}：增益集無法載入，未執行")
        return
    timed(report, "檢核（Application.Run）", check)
    timed(report, "清除標示", clear)
    timed(report, "存檔（BeforeSave）", save)
    timed(report, "彙總/修復", repair)
    for name, excel_args, python_args in UDF_PROBES:
        timed(report, f"函數 {name}", lambda n=name, e=excel_args, p=python_args: udf(n, e, p))
    timed(report, "新年度範本", template)
    timed(report, "批次檢核", batch)


def main(report_path: Path | None = None) -> int:
    if not (sys.platform.startswith("win") or sys.platform == "darwin"):
        print("自我測試需要 Windows 或 macOS 上的 Excel；這台電腦無法執行。", file=sys.stderr)
        return 2
    report = run_in_excel()  # pragma: no cover
    path = write_report(report, report_path or default_report_path())  # pragma: no cover
    print(report_text(report))  # pragma: no cover
    print(f"報告已寫入 {path}")  # pragma: no cover
    return 0 if report.passed else 1  # pragma: no cover
