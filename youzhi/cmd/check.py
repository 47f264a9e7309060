"""`youzhi check` (not implemented yet)."""

from __future__ import annotations

import argparse

from youzhi.errors import YouzhiError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    pass


def run(args: argparse.Namespace) -> int:
    raise YouzhiError("此功能尚未完成")
