"""Core units: lenient money parsing, the calendar, fiscal tiers and the required match.

Expected figures are computed by hand in the comments, not by our code.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from youzhi import calendar, tables, tiers
from youzhi.calendar import Semester
from youzhi.money import format_kiloyuan, is_whole_yuan, parse_number, to_yuan


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (10, Decimal(10)),
        (2.5, Decimal("2.5")),
        (0.1, Decimal("0.1")),  # repr, not the binary expansion
        ("１０", Decimal(10)),
        ("1,000", Decimal(1000)),
        (" 2.500 ", Decimal("2.5")),
        ("１，２３４.５", Decimal("1234.5")),
    ],
)
def test_parse_number_reads_what_people_type(raw, expected):
    assert parse_number(raw).value == expected


@pytest.mark.parametrize(
    ("raw", "kilo"),
    [
        ("10千", Decimal(10)),
        ("10千元", Decimal(10)),
        ("2000元", Decimal(2)),
        ("1萬", Decimal(10)),
        ("３仟", Decimal(3)),
    ],
)
def test_parse_number_understands_units_in_kiloyuan_columns(raw, kilo):
    assert parse_number(raw, in_kiloyuan=True).value == kilo


@pytest.mark.parametrize("raw", ["十", "abc", "1.2.3", "#REF!", "5人"])
def test_parse_number_reports_what_it_cannot_read(raw):
    parsed = parse_number(raw)
    assert parsed.value is None
    assert parsed.problem


def test_blank_is_blank_not_a_problem():
    assert parse_number(None).blank
    assert parse_number("  ").blank


def test_kiloyuan_to_yuan_is_exact():
    assert to_yuan(Decimal("10.000")) == 10000
    assert to_yuan(Decimal("1234.567")) == 1234567
    assert to_yuan(parse_number(0.1 + 0.2).value) == 300  # 0.30000000000000004 千元 → 300 元
    assert is_whole_yuan(Decimal("0.001"))
    assert not is_whole_yuan(Decimal("0.0005"))
    assert to_yuan(Decimal("0.0005")) == 1  # half up
    assert format_kiloyuan(1234567) == "1,234.567"
    assert format_kiloyuan(10) == "0.010"
    assert format_kiloyuan(-2500) == "-2.500"


def test_calendar_labels_follow_seed_002():
    assert calendar.fiscal_label(109, Semester.FIRST) == "109會計年度概算表(8-12月)"
    assert calendar.fiscal_label(109, Semester.SECOND) == "110會計年度概算表(1-7月)"
    assert calendar.academic_label(109) == "【109學年度】"
    assert calendar.to_ad(114) == 2025
    assert calendar.semester_from_text("110會計年度概算表(1-7月)") is Semester.SECOND
    assert calendar.semester_from_text("表y-1-1 ○○高中優質化年度子計畫經費概算表(8－12月)") is Semester.FIRST
    assert calendar.fiscal_year_from_text("<b>109會計年度合計</b>") == 109
    assert calendar.execution_deadline(114, Semester.SECOND) == "115年7月31日"


@pytest.mark.parametrize(
    ("county", "tier"),
    [
        ("臺北市", 1),
        ("台北市", 1),
        ("新北市", 2),
        ("桃園市", 2),
        ("臺中市", 3),
        ("金門縣", 3),
        ("宜蘭縣", 4),
        ("基隆市", 4),
        ("苗栗縣", 5),
        ("連江縣", 5),
        ("台東縣", 5),
        (" 花蓮縣 ", 5),
    ],
)
def test_tier_table_of_seed_002(county, tier):
    assert tiers.tier_of(county, 110) == tier  # 110年度: the 109–111 table


def test_unknown_county_is_a_clear_message():
    with pytest.raises(tiers.TierError, match="找不到縣市"):
        tiers.tier_of("火星市", 115)


def test_rate_tables_are_chosen_by_programme_and_year():
    assert tiers.max_rate("vocational", 115, 1) == Fraction(1, 2)
    assert tiers.max_rate("vocational", 115, 2) == Fraction(7, 10)
    assert tiers.max_rate("vocational", 115, 5) == Fraction(9, 10)
    assert [tiers.max_rate("senior-high", 114, t) for t in range(1, 6)] == [
        Fraction(80, 100),
        Fraction(85, 100),
        Fraction(88, 100),
        Fraction(89, 100),
        Fraction(90, 100),
    ]


@pytest.mark.parametrize(
    ("subsidy", "rate", "required"),
    [
        (1_000_000, Fraction(1, 2), 1_000_000),  # tier 1 vocational: S
        (700_000, Fraction(7, 10), 300_000),  # 3S/7
        (1_000_000, Fraction(7, 10), 428_572),  # 3,000,000/7 = 428,571.43 → up
        (900_000, Fraction(9, 10), 100_000),  # S/9 exactly, no float noise
        (1_000_000, Fraction(9, 10), 111_112),  # 111,111.1 → up
        (1_234_000, Fraction(85, 100), 217_765),  # 1,234,000 × 15/85 = 217,764.7 → up
        (0, Fraction(1, 2), 0),
    ],
)
def test_required_match_rounds_up_to_the_yuan(subsidy, rate, required):
    assert tiers.required_match(subsidy, rate) == required


def test_authorities_as_people_write_them():
    assert tiers.normalise_authority("國立") == "國立"
    assert tiers.normalise_authority("臺北市立") == "直轄市立"
    assert tiers.normalise_authority("台中市立") == "直轄市立"
    assert tiers.normalise_authority("縣立") == "縣市立"
    assert tiers.normalise_authority("新竹市立") == "縣市立"
    assert tiers.normalise_authority("私立") == "私立"
    assert tiers.normalise_authority("") is None


def test_a_user_adds_a_rate_table_without_code(tmp_path, monkeypatch):
    extra = tmp_path / "rates.toml"
    extra.write_text(
        '[[rate_table]]\nprogramme = "senior-high"\nvalid_from = 116\nsource = "假設的新版要點"\n'
        'rates = { 1 = "0.75", 2 = "0.80", 3 = "0.85", 4 = "0.88", 5 = "0.90" }\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("YOUZHI_TABLES", str(extra))
    tables.clear_cache()
    try:
        assert tiers.max_rate("senior-high", 116, 1) == Fraction(3, 4)
        assert tiers.max_rate("senior-high", 115, 1) == Fraction(4, 5)  # older year keeps the 112 table
    finally:
        monkeypatch.delenv("YOUZHI_TABLES")
        tables.clear_cache()


def test_cli_survives_a_closed_pipe():
    """`youzhi rules | head -1`: the reader has gone; no traceback, no 'Exception ignored'."""
    import os
    import subprocess
    import sys

    read_end, write_end = os.pipe()
    os.close(read_end)  # every write now fails with EPIPE
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "youzhi.cli", "rules"],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
        )
    finally:
        os.close(write_end)
    assert proc.stderr == ""
    assert proc.returncode == 0
