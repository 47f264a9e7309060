"""`youzhi addin install | uninstall | status | build | selftest`: the Excel add-in on this PC."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

NO_EXCEL = 2  # exit code when Excel (Windows or macOS) is not there


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    for name, text in (
        ("install", "把增益集安裝到 Excel 的啟動資料夾，並設定 Python 路徑"),
        ("uninstall", "移除增益集，還原設定"),
        ("status", "顯示增益集與 Python 設定的狀態"),
    ):
        command = sub.add_parser(name, help=text, description=text)
        command.add_argument("--file", type=Path, help="要安裝的 youzhi.xlam（預設：隨附的增益集）")
        # for tests and unusual set-ups: another home folder / platform than this machine's
        command.add_argument("--home", type=Path, help=argparse.SUPPRESS)
        command.add_argument("--platform", choices=("win", "mac"), help=argparse.SUPPRESS)
    build = sub.add_parser("build", help="重新建置 youzhi.xlam", description="重新建置 youzhi.xlam")
    build.add_argument("--in-excel", action="store_true", help="由 Excel 匯入 VBA 原始碼建置（Windows）")
    build.add_argument("--out", type=Path, help="輸出資料夾（預設：addin/）")
    selftest = sub.add_parser("selftest", help="在 Excel 中逐項自我測試（Windows／macOS）")
    selftest.add_argument("--report", type=Path, help="報告檔（預設：桌面或目前資料夾的 youzhi自我測試.txt）")


def run(args: argparse.Namespace) -> int:
    if args.action == "build":
        return _build(args)
    if args.action == "selftest":
        from youzhi import selftest_excel

        return selftest_excel.main(args.report)
    from youzhi import addin_install as ai

    env = None if args.home is None else {}
    t = ai.target(args.platform, args.home, env)
    if t is None:
        print("這台電腦不是 Windows 或 macOS，沒有 Excel，未做任何變更。", file=sys.stderr)
        if args.action == "install":
            example = ai.target("win", args.home, env)
            print("在 Windows 上安裝時會：", file=sys.stderr)
            for step in ai.plan(example, args.file or ai.shipped_addin(), "…\\python.exe"):
                print(f"・{step}", file=sys.stderr)
        return NO_EXCEL
    if args.action == "status":
        for item, state in ai.status(t, args.file or _shipped_or_none()):
            print(f"{item}：{state}")
        return 0 if t.excel_found else NO_EXCEL
    if args.action == "uninstall":
        done = ai.uninstall(t)
        print("\n".join(done) if done else "增益集未安裝，沒有需要移除的項目。")
        return 0
    source = args.file or ai.shipped_addin()
    python = ai.interpreter(t.platform)
    if not t.excel_found:
        print("找不到 Excel，未做任何變更。安裝時會：", file=sys.stderr)
        for step in ai.plan(t, source, python):
            print(f"・{step}", file=sys.stderr)
        return NO_EXCEL
    done = ai.install(t, source, python)
    print("\n".join(done) if done else "增益集已安裝，設定也已是最新，沒有變更。")
    if done:
        print("請重新啟動 Excel；第一次使用請執行 youzhi addin selftest。")
    return 0


def _shipped_or_none():
    from youzhi import addin_install as ai
    from youzhi.errors import YouzhiError

    try:
        return ai.shipped_addin()
    except YouzhiError:
        return None


def _build(args: argparse.Namespace) -> int:
    import importlib.util

    from youzhi.errors import YouzhiError

    folder = Path(__file__).resolve().parents[2] / "addin"
    script = folder / ("build_in_excel.py" if args.in_excel else "build.py")
    if not script.is_file():
        raise YouzhiError(f"找不到 {script}：建置增益集需要 youzhi 的原始碼資料夾")
    if args.in_excel and not sys.platform.startswith("win"):
        print("--in-excel 需要 Windows 版 Excel（並開啟「信任存取 VBA 專案物件模型」）。", file=sys.stderr)
        return NO_EXCEL
    spec = importlib.util.spec_from_file_location("youzhi_addin_builder", script)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module.main(["--out", str(args.out)] if args.out else [])
