"""Line rules on real workbooks (seed-002-style, written by tests/officialish.py, read by the reader).

One workbook holds a line that breaks each line rule; each finding must sit on that line's row, in
the cell the rule names. A clean, realistic workbook of the same programme — every figure at or
inside its limit, many exactly at it — must give no error and no warning at all.
"""

from __future__ import annotations

import pytest
from officialish import official_workbook

import validators
from youzhi.calendar import Semester
from youzhi.model import School
from youzhi.reader import read_grids
from youzhi.sheets import load_grids

OP, GR, CAP = "業務費", "獎補助費", "設備及投資"
NATIONAL = School("國立○○高級中學", "國立", "臺中市")


def L(item, unit, quantity, price, purpose="說明", cat=OP, **extra):
    return dict(
        category=cat,
        item=item,
        unit=unit,
        quantity=quantity,
        unit_price=price,
        purpose=purpose,
        source="",
        **extra,
    )


def run(path, school=NATIONAL, **options):
    grids = load_grids(path)
    budget = read_grids(grids, school=school, **options)
    return budget, validators.check(budget, grids=grids)


SUMMARY_SHEETS = ("y-2", "y-3", "y-4")


def substantive(findings):
    """All findings but the reader's note on the summaries' error values (the official file ships
    with #REF! / #DIV/0! in y-2 … y-4: one YZ001 warning per sheet, which youzhi repair fixes) and
    the YZ505 warnings on the 0.000 its broken y-2 row A / y-4 總計 formulas show (seed 002 表y-2)."""
    shipped = [f for f in findings if f.rule == "YZ001" and f.sheet in SUMMARY_SHEETS]
    assert all(f.severity == "warning" and "錯誤值" in f.message for f in shipped), shipped
    zeros = [f for f in findings if f.rule == "YZ505" and f.sheet in SUMMARY_SHEETS and f.value == 0]
    return [f for f in findings if f not in shipped and f not in zeros]


# (line, rule that must fire, column of the cell it must name)
SENIOR_BAD = [
    (L("講座鐘點費", "節", 2, 2.5, "外聘講師專題講座"), "YZ201", "unit_price"),
    (L("講座鐘點費", "節", 2, 1.2, "本校教師經驗分享"), "YZ201", "unit_price"),
    (L("講座鐘點費", "節", 2, 1.6, "有從屬關係之單位外聘講師"), "YZ201", "unit_price"),
    (L("講座鐘點費", "節", 1, 1.0, "專題演講"), "YZ202", "unit_price"),
    (L("授課鐘點費", "節", 10, 0.6, "暑假營隊授課"), "YZ203", "unit_price"),
    (L("授課鐘點費", "節", 10, 0.5, "彈性學習課程授課"), "YZ204", "unit_price"),
    (L("諮詢費、輔導費、指導費", "人次", 2, 3, "課程諮詢委員"), "YZ205", "unit_price"),
    (L("諮詢費、輔導費、指導費", "人次", 2, 0.8, "課程諮詢委員"), "YZ205", "unit_price"),
    (L("臨時工作人員/工讀費", "小時", 10, 0.25, "活動工讀生"), "YZ206", "unit_price"),
    (L("臨時工作人員/工讀費", "小時", 10, 0.15, "活動工讀生"), "YZ206", "unit_price"),
    (L("材料費", "人次", 30, 0.25, "實作課程材料"), "YZ207", "unit_price"),
    (L("租車費", "臺", 1, 13, "校外教學租車"), "YZ208", "unit_price"),
    (L("物品費", "個", 1, 12, "教學用教具"), "YZ209", "unit_price"),
    (L("軟體設計費、軟體授權費", "式", 1, 12, "教學軟體授權"), "YZ210", "unit_price"),
    (L("軟體設計費、軟體授權費", "乙式", 1, 5, "教學軟體授權"), "YZ105", "unit"),
    (L("膳宿費", "人次", 30, 0.15, "半日研習午餐"), "YZ213", "unit_price"),
    (L("活動布置費", "人次", 2, 0.5, "成果展布置"), "YZ102", "item"),
    (L("雜支", "式", 1, 2, ""), "YZ101", "purpose"),
    (L("印刷費", "份", 100, 0.05, "課程講義印刷", total=6), "YZ103", "total"),
    (L("講座鐘點費", "小時", 1, 1.0, "外聘講師"), "YZ104", "unit"),
    (L("場地使用費", "場", 1, 3, "借用本校禮堂"), "YZ402", "item"),
    (L("雜支", "式", 1, 1, "校刊印製"), "YZ403", "item"),
    (L("雜支", "式", 1, 1, "教師赴外縣市觀摩參訪"), "YZ404", "item"),
    (L("授課鐘點費", "節", 4, 0.4, "補救教學課程"), "YZ405", "item"),
    (L("雜支", "式", 1, 1, "教室窗簾更換"), "YZ406", "item"),
    (L("雜支", "式", 1, 1, "學生個人競賽門票"), "YZ407", "item"),
    (L("人事費", "月", 1, 30, "專任助理"), "YZ401", "item"),
    (L("單槍投影機", "臺", 1, 15, "教室教學使用"), "YZ107", "unit_price"),
    (L("講座鐘點費", "節", None, 1.0, "外聘講師"), "YZ108", "quantity"),
    (L("學生獎學(助)金", "人次", 1, 1, "技藝競賽得獎"), "YZ109", "item"),
    (L("學生入學獎學金", "人次", 2, 12, "入學成績優秀", cat=GR), "YZ211", "unit_price"),
    (L("學生獎學(助)金", "人次", 2, 6, "技藝競賽成績優異", cat=GR), "YZ212", "unit_price"),
    (L("學生獎學(助)金", "人次", 1, 12, "學期成績優異", cat=GR), "YZ212", "unit_price"),
    (L("個人電腦(含顯示器)", "組", 1, 32, "電腦教室更新", cat=CAP), "YZ221", "unit_price"),
    (L("個人電腦(不含顯示器)", "組", 1, 27, "專題研究用", cat=CAP), "YZ222", "unit_price"),
    (L("筆記型電腦", "臺", 1, 31, "行動教學", cat=CAP), "YZ223", "unit_price"),
    (L("平板電腦", "臺", 1, 16, "行動學習", cat=CAP), "YZ224", "unit_price"),
    (L("數位相機", "臺", 1, 11, "活動紀錄", cat=CAP), "YZ225", "unit_price"),
    (L("雷射印表機", "臺", 1, 21, "講義列印", cat=CAP), "YZ226", "unit_price"),
    (L("滑鼠", "個", 10, 0.5, "電腦教室", cat=CAP), "YZ106", "unit_price"),
    (L("教學設備", "式", 1, 50, "專科教室設備", cat=CAP), "YZ105", "unit"),
]

# Every figure at or inside its limit (many exactly at it), every purpose saying what it is.
SENIOR_CLEAN_FIRST = [
    L("講座鐘點費", "節", 6, 2, "外聘大學教授專題講座"),
    L("講座鐘點費", "節", 6, 1, "內聘本校教師經驗分享"),
    L("講座鐘點費", "節", 4, 1.5, "有從屬關係之單位外聘講師"),
    L("授課鐘點費", "節", 20, 0.4, "彈性學習課程協同教學"),
    L("授課鐘點費", "節", 8, 0.55, "暑假營隊課程授課"),
    L("諮詢費、輔導費、指導費", "人次", 4, 2.5, "課程諮詢委員"),
    L("諮詢費、輔導費、指導費", "位", 2, 1, "專家指導"),
    L("臨時工作人員/工讀費", "小時", 20, 0.189, "活動工讀生"),
    L("臨時工作人員/工讀費", "小時", 10, 0.158, "活動工讀生"),
    L("材料費", "人次", 40, 0.2, "實作課程材料"),
    L("租車費", "臺", 2, 12, "學生校外教學租車"),
    L("膳宿費", "人次", 40, 0.12, "半日研習午餐"),
    L("印刷費", "份", 100, 0.05, "課程講義印刷"),
    L("雜支", "式", 1, 5, "文具紙張"),
    L("物品費", "個", 2, 10, "教學用白板"),
    L("軟體設計費、軟體授權費", "套", 3, 10, "教學軟體授權"),
    L("資料蒐集費", "冊", 30, 1, "課程參考書"),
    L("國內旅費、短程車資、運費", "人次", 4, 0.5, "講師交通費"),
    L("全民健康保險補充保費", "式", 1, 0.5, "二代健保補充保費"),
    L("設備維護費", "式", 1, 5, "實習設備保養"),
    L("場地使用費", "場", 1, 3, "租借校外展演場地"),
    L("學生入學獎學金", "人次", 2, 10, "入學成績優秀", cat=GR),
    L("學生獎學(助)金", "人次", 1, 10, "學期成績優異", cat=GR),
    L("學生獎學(助)金", "人次", 2, 5, "技藝競賽得獎", cat=GR),
    L("個人電腦(含顯示器)", "組", 2, 30, "電腦教室更新", cat=CAP),
    L("個人電腦(不含顯示器)", "組", 2, 25, "專題研究用", cat=CAP),
    L("筆記型電腦", "臺", 2, 30, "行動教學", cat=CAP),
    L("平板電腦", "臺", 2, 15, "行動學習", cat=CAP),
    L("數位相機", "臺", 1, 10, "活動紀錄", cat=CAP),
    L("雷射印表機", "臺", 1, 20, "講義列印", cat=CAP),
    L("單槍投影機", "臺", 2, 25, "專科教室教學", cat=CAP),
    L("圖書", "冊", 60, 0.45, "課程用書大量購置，納入圖書館藏", cat=CAP),  # 設備費 三: books stay 資本門
]
# 下學期 (110 = January 2021): the minimum wage is 160 元, so 158 元 an hour would be too low.
SENIOR_CLEAN_SECOND = [
    line
    for line in SENIOR_CLEAN_FIRST
    if line["category"] == OP and line["item"] != "資料蒐集費" and line["unit_price"] != 0.158
] + [L("臨時工作人員/工讀費", "小時", 10, 0.16, "活動工讀生")]


def senior_clean_blocks():
    return {
        ("A", Semester.FIRST): SENIOR_CLEAN_FIRST,
        ("A", Semester.SECOND): SENIOR_CLEAN_SECOND,
        ("B", Semester.FIRST): [L("講座鐘點費", "節", 3, 2, "外聘講師教師增能研習")],
        ("C", Semester.SECOND): [L("雜支", "式", 1, 2, "課程發展會議文具")],
    }


@pytest.fixture(scope="module")
def senior_bad(tmp_path_factory):
    path = tmp_path_factory.mktemp("rules") / "senior-bad.xlsx"
    official_workbook(path, blocks={("A", Semester.FIRST): [line for line, _, _ in SENIOR_BAD]})
    return run(path)


def line_cell(budget, sheet_index: int, index: int, column: str) -> tuple[str, str]:
    line = budget.sheets[sheet_index].lines[index]
    return line.sheet, line.cell(column)


@pytest.mark.parametrize(
    "index", range(len(SENIOR_BAD)), ids=[f"{r}-{i}" for i, (_, r, _) in enumerate(SENIOR_BAD)]
)
def test_senior_line_rule_fires_at_its_cell(senior_bad, index):
    budget, findings = senior_bad
    line, rule, column = SENIOR_BAD[index]
    assert budget.sheets[0].lines[index].item == line["item"]
    sheet, cell = line_cell(budget, 0, index, column)
    hits = [f for f in findings if f.rule == rule and f.sheet == sheet and f.cell == cell]
    assert hits, f"{rule} did not fire at {sheet}!{cell}: {[(f.rule, f.cell) for f in findings]}"
    assert all(f.message and f.citation.startswith(("《", "國教署")) for f in hits)


def test_line_findings_stay_on_their_rows(senior_bad):
    budget, findings = senior_bad
    rows = {line.row for line in budget.sheets[0].lines}
    for f in findings:
        if f.sheet == budget.sheets[0].sheet:
            assert int(f.cell.lstrip("ABCDEFGHIJ")) in rows, f


def test_lecture_fee_cases_are_inferred_from_purpose(senior_bad):
    _, findings = senior_bad
    limits = sorted(f.limit for f in findings if f.rule == "YZ201")
    assert limits == [1000, 1500, 2000]  # 內聘, 從屬關係, 外聘


@pytest.fixture(scope="module")
def senior_clean(tmp_path_factory):
    path = tmp_path_factory.mktemp("rules") / "senior-clean.xlsx"
    official_workbook(path, blocks=senior_clean_blocks())
    return run(path)


def test_clean_senior_workbook_is_quiet(senior_clean):
    budget, findings = senior_clean
    assert len(budget.lines) == len(SENIOR_CLEAN_FIRST) + len(SENIOR_CLEAN_SECOND) + 2
    assert [(f.rule, f.sheet, f.cell, f.message) for f in substantive(findings)] == []


def test_total_mismatch_is_reported_once(senior_bad):
    budget, findings = senior_bad
    line = next(ln for ln in budget.sheets[0].lines if ln.total_mismatch)
    assert [f.rule for f in findings if (f.sheet, f.cell) == (line.sheet, line.cell("total"))] == ["YZ103"]


@pytest.mark.parametrize(
    ("unit", "quantity", "purpose", "fires"),
    [
        ("場", 1, "外聘講師專題演講", True),  # nothing says how many 節: the 節 cap cannot be read
        ("式", 1, "外聘講師專題演講，2節×2,000元", False),  # the purpose counts it in 節
        ("場", 2, "外聘講師，每場2節", False),
        ("式", 1, "外聘講師2至3節", True),  # a range is no count
        ("節", 2, "外聘講師", False),
    ],
)
def test_yz104_is_quiet_when_the_purpose_counts_the_line_in_the_standards_unit(
    unit, quantity, purpose, fires
):
    from validators.engine import check_line

    found = check_line("senior-high", 114, "講座鐘點費", unit, quantity, 4000 // quantity, purpose)
    assert ("YZ104" in {f.rule for f in found}) is fires, found
