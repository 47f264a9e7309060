"""Errors users see: one zh-TW sentence, never a traceback."""

from __future__ import annotations


class YouzhiError(Exception):
    """A problem with the user's input or request; ``str(exc)`` is the zh-TW message."""

    exit_code = 2


class UnreadableWorkbook(YouzhiError):
    """The file is not a workbook we can open (corrupt, encrypted, .xls, not a budget form …)."""


def reason_of(exc: BaseException) -> str:
    """One zh-TW sentence for an exception a library raised on a damaged or hostile file (no English
    class names or parser messages such as "CalamineError" or "undefined entity … line 2")."""
    import decimal
    import zipfile
    import zlib

    text = f"{type(exc).__name__} {exc}".lower()
    if isinstance(exc, MemoryError):
        return "檔案內容過大，無法讀取（記憶體不足）"
    if isinstance(exc, RecursionError):
        return "檔案結構異常（巢狀過深），無法讀取"
    if isinstance(exc, decimal.DecimalException | OverflowError):
        return "儲存格的數字超出可計算的範圍，無法計算"
    if isinstance(exc, zipfile.BadZipFile | zlib.error | EOFError):
        return "檔案已損毀（壓縮內容無法解開）"
    if any(word in text for word in ("xml", "entity", "parse", "syntax", "token", "tag")):
        return "活頁簿內容無法解析（工作表的 XML 有誤，檔案可能已損毀），請用 Excel 開啟後另存新檔再送"
    if isinstance(exc, KeyError):
        return "活頁簿缺少必要的組成部分（檔案可能已損毀）"
    if isinstance(exc, UnicodeError):
        return "活頁簿含有無法解讀的文字編碼（檔案可能已損毀）"
    return "無法開啟活頁簿（檔案可能已損毀）"
