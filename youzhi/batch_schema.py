"""The batch result's tables: statuses, the report's columns and a result's rows (總覽 row; every
report row rendered as XML, which the workers do when asked to).

Shared by the worker side (``youzhi.batch``) and the writers (``youzhi.batch_report``), which
therefore do not import each other's internals (no import cycle).
"""

from __future__ import annotations

from validators.finding import SEVERITY_LABELS  # one wording of severities everywhere
from youzhi.xlsx_stream import row_xml

STATUS_OK, STATUS_WARN, STATUS_ERROR, STATUS_UNREADABLE = "通過", "有警告", "有錯誤", "無法讀取"

# Columns of each table: (header, kind) with kind in text | int | money | ratio | number.
SUMMARY_COLUMNS = (
    ("檔案", "text"),
    ("學校", "text"),
    ("主管機關", "text"),
    ("縣市", "text"),
    ("方案", "text"),
    ("學年度", "int"),
    ("經常門(元)", "money"),
    ("資本門(元)", "money"),
    ("合計(元)", "money"),
    ("資本門比例", "ratio"),
    ("教育部補助款(元)", "money"),
    ("應編配合款(元)", "money"),
    ("已編配合款(元)", "money"),
    ("配合款不足(元)", "money"),
    ("配合款計算", "text"),
    ("錯誤", "int"),
    ("警告", "int"),
    ("提示", "int"),
    ("狀態", "text"),
    ("備註", "text"),
    ("處理秒數", "number"),
)
FINDING_COLUMNS = (
    ("檔案", "text"),
    ("學校", "text"),
    ("工作表", "text"),
    ("儲存格", "text"),
    ("規則", "text"),
    ("嚴重度", "text"),
    ("說明", "text"),
    ("數值", "any"),
    ("上限", "any"),
    ("依據", "text"),
)
LINE_COLUMNS = (
    ("檔案", "text"),
    ("學校", "text"),
    ("縣市", "text"),
    ("方案", "text"),
    ("學年度", "int"),
    ("工作表", "text"),
    ("列", "int"),
    ("子計畫", "text"),
    ("學期", "text"),
    ("會計年度", "int"),
    ("一級用途別", "text"),
    ("項目", "text"),
    ("單位", "text"),
    ("數量", "number"),
    ("單價(元)", "money"),
    ("總價(元)", "money"),
    ("填寫總價(元)", "money"),
    ("說明用途", "text"),
    ("經費來源", "text"),
)
RULE_COLUMNS = (
    ("規則", "text"),
    ("嚴重度", "text"),
    ("說明", "text"),
    ("學校數", "int"),
    ("筆數", "int"),
)
UNREADABLE_COLUMNS = (("檔案", "text"), ("原因", "text"), ("大小(位元組)", "int"))
SUMMARY_STATUS = [header for header, _ in SUMMARY_COLUMNS].index(
    "狀態"
) - 1  # in a record's summary (no 檔案)


def summary_row(record: dict) -> tuple:
    """One 總覽 row (SUMMARY_COLUMNS) for a result record, readable or not."""
    if "reason" in record:
        blanks = (None,) * 13
        row = (record["file"], "", "", "", "", *blanks, STATUS_UNREADABLE, record["reason"])
    else:
        row = (record["file"], *record["summary"])
    return (*row, round(record["seconds"], 3))


KINDS = {
    name: [kind for _, kind in columns]
    for name, columns in (
        ("總覽", SUMMARY_COLUMNS),
        ("檢核明細", FINDING_COLUMNS),
        ("明細資料", LINE_COLUMNS),
        ("規則統計", RULE_COLUMNS),
        ("無法讀取", UNREADABLE_COLUMNS),
    )
}
_UTF8 = ("utf-8", "replace")  # a stray surrogate in some text must not cost the whole row


def render(record: dict) -> dict:
    """A result's report rows as XML (``xlsx_stream.row_xml``); runs in the worker when asked to."""
    if "xml" in record:
        return record["xml"]
    xml = {"總覽": row_xml(summary_row(record), KINDS["總覽"]).encode(*_UTF8), "檢核明細": [], "明細資料": []}
    if "reason" in record:
        return xml
    school = record["summary"][0]
    for sheet, cell, rule, severity, message, value, limit, citation in record["findings"]:
        values = (record["file"], school, sheet, cell, rule, SEVERITY_LABELS.get(severity, severity),
                  message, value, limit, citation)  # fmt: skip
        xml["檢核明細"].append(row_xml(values, KINDS["檢核明細"]).encode(*_UTF8))
    kinds = KINDS["明細資料"]
    xml["明細資料"] = [row_xml((record["file"], *line), kinds).encode(*_UTF8) for line in record["lines"]]
    return xml
