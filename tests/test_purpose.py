"""說明用途 read as a sentence (youzhi/purpose.py): quantities, prices, negation, payee, venue, topics."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest

from youzhi import purpose, quantities

# (purpose, line unit, 數量, cap unit, expected (lo, hi) of cap units in the line)
COUNTS = [
    ("40人次×200元", "式", 1, "人次", (40, 40)),
    ("４０人次＊２００元", "式", 1, "人次", (40, 40)),  # full width, * for ×
    ("每人每次200元，共40人", "批", 1, "人次", (40, 40)),
    ("每場40人，3場", "式", 1, "人次", (120, 120)),
    ("每場2節", "場", 2, "節", (4, 4)),
    ("2場×2節", "場", 2, "節", (4, 4)),
    ("2場x2節", "式", 1, "節", (4, 4)),
    ("講座兩場（每場二節）", "式", 1, "節", (4, 4)),
    ("上午2節、下午2節", "日", 1, "節", (4, 4)),
    ("2節", "場", 2, "節", (2, 4)),  # 2 節 a 場 or in all: a range
    ("2輛1日", "式", 1, "車日", (2, 2)),
    ("遊覽車2輛×1日", "式", 1, "車日", (2, 2)),
    ("遊覽車兩臺，一日", "式", 1, "車日", (2, 2)),
    ("同日往返2趟，1輛1日", "趟", 2, "車日", (1, 1)),
    ("遊覽車2輛，半日", "式", 1, "車日", (2, 2)),  # a half day is one 日 of a per-day cap
    ("半日研習 40人次", "式", 1, "人次", (40, 40)),  # … and no count of anything else
    ("參訪接駁", "趟", 2, "車日", (1, 2)),  # two trips: one or two car-days
    ("3人×2小時", "式", 1, "小時", (6, 6)),
    ("活動工讀生", "人日", 3, "小時", (24, 24)),  # 8 小時 a day unless stated
    ("每日6小時", "人日", 3, "小時", (18, 18)),
    ("諮詢會議，每場2位委員", "場", 3, "人次", (6, 6)),
    ("筆電3臺", "組", 1, "件", (3, 3)),
    ("實作材料", "式", 1, "人次", (1, math.inf)),  # a lump holds at least one, maybe many
    ("外聘講師", "節", 3, "節", (3, 3)),  # priced in the cap's own unit
    ("12月2日校外教學 遊覽車2輛", "式", 1, "車日", (2, math.inf)),  # 12月2日 is a date, days unknown
    ("第2節起 講座2場", "式", 1, "節", (1, math.inf)),  # 第2節 is an ordinal
    ("外聘講師2至3節", "式", 1, "節", (1, math.inf)),  # 2至3節 is a range, no count (was read as 3)
    ("外聘講師2~3節", "式", 1, "節", (1, math.inf)),
    ("外聘講師2～3節", "式", 1, "節", (1, math.inf)),  # full-width tilde, folded
]


@pytest.mark.parametrize(("text", "unit", "qty", "cap", "expected"), COUNTS, ids=[c[0] for c in COUNTS])
def test_counts_read_from_the_purpose(text, unit, qty, cap, expected):
    count = quantities.count_range(text, unit, qty, cap)
    assert (count.lo, count.hi) == tuple(Fraction(v) if v != math.inf else v for v in expected)


def test_no_quantity_no_count():
    assert quantities.count_range("40人次", "式", None, "人次") is None


@pytest.mark.parametrize(
    ("text", "dim", "price"),
    [
        ("時薪235元，另含勞保、勞退雇主負擔", "hour", 235),
        ("每小時１９６元", "hour", 196),
        ("每人每次200元", "person", 200),
        ("材料 200元/人次", "person", 200),
        ("每節2,000元", "session", 2000),
        ("工讀生", "hour", None),
    ],
)
def test_stated_prices(text, dim, price):
    assert quantities.stated_price(text, dim) == (None if price is None else Fraction(price))


def test_loaded_pay():
    assert purpose.loaded_pay("時薪235元，另含勞保、勞退雇主負擔")
    assert not purpose.loaded_pay("工讀生時薪190元")
    assert not purpose.loaded_pay("時薪190元，不含勞保")


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("非編制人員", False),
        ("非本校編制人員之臨時人力", False),
        ("本校編制人員", True),
        ("不含冷氣", False),
        ("無冷氣", False),
        ("教室冷氣汰換", True),
    ],
)
def test_negation(text, said):
    assert purpose.mentions(text, ["編制", "冷氣"]) is said


def test_not_every_negation_character_negates():
    assert purpose.mentions("無線麥克風", ["麥克風"])
    assert purpose.mentions("不鏽鋼工作台", ["工作臺"])
    assert purpose.mentions("不定期辦理校慶活動", ["校慶"])
    assert purpose.mentions("不同年級學生參加校慶", ["校慶"])
    assert not purpose.mentions("不含教室冷氣", ["冷氣"])  # 不含 reaches further than 不


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("「冷凍空調科」冷氣實習課程材料", True),
        ("冷氣檢修證照輔導", True),
        ("《冷氣空調原理》教材", True),
        ("專科教室冷氣機", False),
    ],
)
def test_a_course_title_is_not_a_purchase(text, topic):
    assert purpose.mentions(text, ["冷氣"]) is True
    assert purpose.mentions(text, ["冷氣"], topics=True) is not topic


@pytest.mark.parametrize(
    ("text", "who"),
    [
        ("諮詢委員到校指導本校教師", None),  # the school is who is guided, not who is paid
        ("內聘本校教師，主題：大學選才", "internal"),  # explicit 內聘 wins over the topic 大學
        ("外聘大學教授專題講座", "external"),
        ("大學教授專題講座", "external"),  # only a topic hint: external
        ("本校教師經驗分享", "internal"),
        ("有從屬關係之單位外聘講師", "affiliated"),
        ("校內課程諮詢會議外聘專家", "external"),
        ("為本校學生授課", None),
        ("專題講座", None),
    ],
)
def test_payee(text, who):
    assert purpose.payee(text) == who


@pytest.mark.parametrize(
    ("text", "internal"),
    [
        ("借用本校禮堂", True),
        ("校內會議室", True),
        ("於本校活動中心辦理", True),
        ("本校教師研習租借○○大學會議廳", False),  # a hall rented for the school's teachers
        ("租借校外展演場地", False),
        ("非本校場地", False),
    ],
)
def test_internal_venue(text, internal):
    assert purpose.internal_venue(text) is internal


def test_fold():
    assert purpose.fold("２，０００元 × ３") == "2000元×3"
    assert purpose.fold("台北 兩場") == "臺北 2場"
