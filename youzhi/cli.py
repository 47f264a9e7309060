"""``youzhi`` command line: thin over the library. Each sub-command lives in ``youzhi/cmd/NAME.py``
with ``add_arguments(parser)`` and ``run(args) -> int``."""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from youzhi import __version__
from youzhi.errors import YouzhiError, reason_of
from youzhi.output import install_signal_cleanup, os_reason
from youzhi.safety import terminal_text

COMMANDS = {
    "template": "產生新學年度的空白經費表範本",
    "rollup": "讀取經費表，彙總 y-2、y-3、y-4 與配合款",
    "repair": "修復經費表的計算儲存格（公式、小計、彙總表）",
    "check": "依經費編列基準檢核每一筆經費",
    "batch": "批次檢核多校經費表，產生一份 Excel 報表",
    "rules": "列出所有檢核規則",
    "diff": "比較兩個版本的經費表，產生差異報告與經費調整對照表",
    "addin": "安裝、移除、檢查或自我測試 Excel 增益集",
    "progress": "執行進度報告表：依支用明細計算各子計畫執行率、撥款與提醒",
    "settle": "產生教育部補(捐)助經費收支結算表（附件六）",
}


# argparse's own messages, in zh-TW (its usage line and errors are otherwise English).
_ARGPARSE_ZH = (
    ("usage: ", "用法："),
    ("positional arguments:", "位置參數："),
    ("options:", "選項："),
    ("optional arguments:", "選項："),
    ("show this help message and exit", "顯示此說明後結束"),
    ("show program's version number and exit", "顯示版本後結束"),
    ("the following arguments are required: ", "缺少必要參數："),
    ("unrecognized arguments: ", "無法辨識的參數："),
    ("expected one argument", "需要一個值"),
    ("invalid choice: ", "不是可用的選項："),
    ("(choose from ", "（可用："),
    ("invalid int value: ", "不是整數："),
    ("invalid float value: ", "不是數字："),
    ("not allowed with argument ", "不可與此參數同時使用："),
    ("one of the arguments ", "下列參數須擇一："),
    ("ambiguous option: ", "選項不明確："),
    (" could match ", " 可能是 "),
    ("argument ", "參數 "),
    (" is required", "（必填）"),
)


def _zh(text: str) -> str:
    for english, chinese in _ARGPARSE_ZH:
        text = text.replace(english, chinese)
    return text


class Parser(argparse.ArgumentParser):
    """argparse with zh-TW usage, help headings and errors (one line and the usage, exit 2)."""

    def format_usage(self) -> str:
        return _zh(super().format_usage())

    def format_help(self) -> str:
        return _zh(super().format_help())

    def error(self, message: str):
        self.print_usage(sys.stderr)
        self.exit(
            2,
            f"錯誤：{_zh(message)}\n（檔名以 - 開頭時，請寫成 ./-檔名.xlsx 或放在 -- 之後）\n"
            if message.startswith("unrecognized") or "expected one argument" in message
            else f"錯誤：{_zh(message)}\n",
        )


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="youzhi", description="優質化輔助方案經費表工具")
    parser.add_argument("--version", action="version", version=f"youzhi {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    for name, help_text in COMMANDS.items():
        module = importlib.import_module(f"youzhi.cmd.{name}")
        command = sub.add_parser(name, help=help_text, description=help_text)
        module.add_arguments(command)
        command.set_defaults(_run=module.run)
    return parser


def protect_file_names(argv: list[str]) -> list[str]:
    """A file name starting with ``-`` (``-o.xlsx`` from ``*.xlsx``) that names an existing file is
    passed as ``./-o.xlsx`` so that argparse cannot take it for an option; after ``--`` nothing is
    touched (argparse's own way: ``youzhi batch -- -o.xlsx``)."""
    out = []
    for index, arg in enumerate(argv):
        if arg == "--":
            return out + argv[index:]
        previous = argv[index - 1] if index else ""
        takes_value = previous.startswith("-") and "=" not in previous and previous not in _FLAGS
        path_like = os.path.exists(arg) or (takes_value and arg.lower().endswith(_OUTPUT_SUFFIXES))
        if arg.startswith("-") and len(arg) > 1 and path_like:
            arg = os.path.join(".", arg)
        out.append(arg)
    return out


_OUTPUT_SUFFIXES = (".xlsx", ".xlsm", ".csv", ".parquet")
_FLAGS = {"--json", "--force", "--in-place", "--no-progress", "--markdown", "--version", "-h", "--help"}


def main(argv: list[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8")
    install_signal_cleanup()
    argv = protect_file_names(list(sys.argv[1:] if argv is None else argv))
    streams = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = TerminalSafe(sys.stdout), TerminalSafe(sys.stderr, keep_cr=True)
    try:
        return _main(argv)
    finally:
        sys.stdout, sys.stderr = streams


def _main(argv: list[str]) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version, usage errors: argparse has printed them
        return int(exc.code or 0)
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
    except OSError as exc:  # a file that vanished or could not be read mid-run
        print(f"錯誤：無法存取 {exc.filename or '檔案'}：{os_reason(exc)}", file=sys.stderr)
        return 2
    except Exception as exc:  # never a traceback for the user; YOUZHI_DEBUG=1 shows it
        if os.environ.get("YOUZHI_DEBUG"):
            raise
        print(
            f"錯誤：{reason_of(exc)}（設定環境變數 YOUZHI_DEBUG=1 可看詳細資訊）",
            file=sys.stderr,
        )
        return 3


class TerminalSafe:
    """A text stream that shows control characters from cells (ESC of ANSI sequences, bidi
    overrides …) as visible escapes instead of letting the terminal obey them. JSON is unaffected:
    ``json.dump`` escapes them itself."""

    def __init__(self, stream, *, keep_cr: bool = False):
        self._stream = stream
        self._keep_cr = keep_cr

    def write(self, text: str) -> int:
        self._stream.write(terminal_text(text, keep_cr=self._keep_cr))
        return len(text)

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
