"""The module xlwings imports for the add-in: the 優質化 ribbon's macros and the ``YZ_*`` worksheet functions.

The add-in (``addin/youzhi.xlam``) runs ``RunPython "import macros; macros.check()"`` … and calls
the worksheet functions through ``XLPy.CallUDF("macros", "YZ_…", …)`` (the VBA wrappers
``addin/build.py`` writes from the signatures below). Every entry here is thin: a macro hands
``xw.Book.caller()`` (the workbook in Excel or, in the tests, a book of xlwings' remote engine) to
``youzhi.addin_ribbon`` (檢核, 清除標示, 彙總/修復, before save), ``youzhi.addin_files`` (新年度範本,
批次檢核, 比較版本) or ``youzhi.addin_execution`` (執行進度, 結算表); a worksheet function hands
its cells to ``youzhi.addin_udfs``. xlwings itself is imported only here.

The worksheet functions stay declared in this module: on Windows ``xw.func`` / ``xw.arg`` store
``__xlfunc__`` on the function object, ``import_udfs`` lists ``dir(macros)`` for it and ``call_udf``
runs ``getattr(macros, name)`` with its ``__xlfunc__["args"]`` (``ndim=2`` ranges); elsewhere the
decorators return the function unchanged. The docstring is the description Excel shows.
"""

from __future__ import annotations

import xlwings as xw

from youzhi import addin_execution as execution
from youzhi import addin_files as files
from youzhi import addin_ribbon as ribbon
from youzhi import addin_udfs as udfs


def _book():
    return xw.Book.caller()


def from_hex(text: str) -> str:
    """Decode what the add-in's VBA ``PyText`` sends: UTF-16 code units as 4 hex digits each."""
    return bytes.fromhex(text).decode("utf-16-be")


# --------------------------------------------------------------------------- ribbon macros


def check() -> str:
    """檢核: mark every finding (fill + note) and list them on 檢核結果."""
    return ribbon.check(_book())


def clear_marks() -> str:
    """清除標示: remove the fills and notes the tool added, and the 檢核結果 sheet."""
    return ribbon.clear_marks(_book())


def repair() -> str:
    """彙總/修復, as ``youzhi repair`` does it, in the open workbook."""
    return ribbon.repair(_book())


def on_save() -> str:
    """Before every save of a budget form: warn, never write, never raise ("" when nothing shown)."""
    try:
        book = _book()
    except Exception:  # the save must go ahead whatever happens here
        return ""
    return ribbon.on_save(book)


def new_template(academic_year=None, programme=None) -> str:
    """新年度範本: write a clean template for the 學年度 and 方案 asked for, and open it."""
    return files.new_template(_book(), academic_year, programme)


def batch(folder=None) -> str:
    """批次檢核: check every workbook in the folder picked and write the batch report there."""
    return files.batch(_book(), folder)


def compare_versions(other=None) -> str:
    """比較版本: compare the open workbook with another version and write the reviewer's workbook."""
    return files.compare_versions(_book(), other)


def progress() -> str:
    """執行進度: the 執行進度報告表 figures as a message (or add 支用明細 and the 報告表)."""
    return execution.progress(_book())


def settle(paid=None, reason=None) -> str:
    """結算表: write the 收支結算表 (附件六) next to the workbook and open it."""
    return execution.settle(_book(), paid, reason)


# --------------------------------------------------------------------------- worksheet functions
# Money in 千元 as the sheets show it; a range argument gives an array of the same shape.


@xw.func
@xw.arg("part", ndim=2)
@xw.arg("whole", ndim=2)
def YZ_RATIO(part, whole):
    """part ÷ whole, 0 when whole is 0 or blank (the guarded ratio of y-3 and y-4)."""
    return udfs.ratio(part, whole)


@xw.func
@xw.arg("county", ndim=2)
def YZ_TIER(county, academic_year=None, fiscal_year=None):
    """財力級次 (1–5) of a county in a 學年度, or in one of its 會計年度 (臺/台 both accepted)."""
    return udfs.tier(county, academic_year, fiscal_year)


@xw.func
@xw.arg("subsidy", ndim=2)
def YZ_MATCH(subsidy, county, academic_year=None, programme=None, fiscal_year=None):
    """最低配合款 (千元) for a 教育部補助款 (千元): ⌈S(1−r)/r⌉ with the county's maximum rate r
    (per 會計年度 when the 學年度 straddles two tier tables: give ``fiscal_year``)."""
    return udfs.match(subsidy, county, academic_year, programme, fiscal_year)


@xw.func
def YZ_CAP(item, kind=None, programme=None, academic_year=None):
    """The standard's per-unit cap of an item in 千元 (``kind``: 內聘, 外聘 … where it has cases)."""
    return udfs.cap(item, kind, programme, academic_year)


@xw.func
@xw.arg("item", ndim=2)
@xw.arg("unit", ndim=2)
@xw.arg("quantity", ndim=2)
@xw.arg("unit_price", ndim=2)
@xw.arg("purpose", ndim=2)
def YZ_CHECK_LINE(item, unit, quantity, unit_price, purpose, programme=None, academic_year=None):
    """What is wrong with a y-1 line (zh-TW reasons joined by "；"), "" when nothing is; 單價 in 千元."""
    return udfs.check_line(item, unit, quantity, unit_price, purpose, programme, academic_year)
