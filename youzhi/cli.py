"""``youzhi`` command line: thin over the library. Each sub-command lives in ``youzhi/cmd/NAME.py``
with ``add_arguments(parser)`` and ``run(args) -> int``."""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from youzhi import __version__
from youzhi.errors import YouzhiError

COMMANDS = {
    "template": "產生新學年度的空白經費表範本",
    "rollup": "讀取經費表，彙總 y-2、y-3、y-4 與配合款",
    "repair": "修復經費表的計算儲存格（公式、小計、彙總表）",
    "check": "依經費編列基準檢核每一筆經費",
    "batch": "批次檢核多校經費表，產生一份 Excel 報表",
    "rules": "列出所有檢核規則",
    "progress": "執行進度報告表：依支用明細計算各子計畫執行率、撥款與提醒",
    "settle": "產生教育部補(捐)助經費收支結算表（附件六）",
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="youzhi", description="優質化輔助方案經費表工具")
    parser.add_argument("--version", action="version", version=f"youzhi {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, help_text in COMMANDS.items():
        module = importlib.import_module(f"youzhi.cmd.{name}")
        command = sub.add_parser(name, help=help_text, description=help_text)
        module.add_arguments(command)
        command.set_defaults(_run=module.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8")
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "_run", None):
        parser.print_help()
        return 2
    try:
        return int(args._run(args) or 0)
    except YouzhiError as exc:
        print(f"錯誤：{exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("已中斷", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `youzhi rules | head`: the reader went away, not an error of ours
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
