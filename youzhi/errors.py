"""Errors users see: one zh-TW sentence, never a traceback."""

from __future__ import annotations


class YouzhiError(Exception):
    """A problem with the user's input or request; ``str(exc)`` is the zh-TW message."""

    exit_code = 2


class UnreadableWorkbook(YouzhiError):
    """The file is not a workbook we can open (corrupt, encrypted, .xls, not a budget form …)."""
