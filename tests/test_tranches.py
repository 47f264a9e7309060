"""Payment tranches (《教育部補(捐)助及委辦經費核撥結報作業要點》五(二)): hand-computed schedules."""

from fractions import Fraction

import pytest

from youzhi.tranches import LOCAL_GOVERNMENT, next_tranche, schedule


def test_up_to_four_million_is_paid_once():
    plan = schedule(3_999_999)
    assert plan.amounts == (3_999_999,)
    assert schedule(4_000_000).amounts == (4_000_000,)  # 四百萬元以下: once
    # paid in full: nothing left to request
    assert next_tranche(plan, 3_999_999, 3_999_999).number is None


def test_six_million_in_two_tranches_at_seventy_percent():
    plan = schedule(6_000_000)
    assert plan.amounts == (3_600_000, 2_400_000)  # 6,000,000 × 60 % / × 40 %
    # exactly 70 %: 3,600,000 × 0.7 = 2,520,000 spent → allowed
    at_70 = next_tranche(plan, 3_600_000, 2_520_000)
    assert (at_70.number, at_70.amount, at_70.allowed) == (2, 2_400_000, True)
    assert at_70.rate == Fraction(7, 10)
    # 69.99 %: 3,600,000 × 0.6999 = 2,519,640 → not yet
    below = next_tranche(plan, 3_600_000, 2_519_640)
    assert below.allowed is False
    assert "尚不可請撥第 2 期款" in below.message()
    assert "69.99%" in below.message()


def test_above_ten_million_three_tranches_adding_up():
    plan = schedule(10_000_001)
    # 10,000,001 × 40 % = 4,000,000.4 → 4,000,000; × 30 % = 3,000,000.3 → 3,000,000; rest 3,000,001
    assert plan.amounts == (4_000_000, 3_000_000, 3_000_001)
    assert sum(plan.amounts) == 10_000_001
    assert next_tranche(plan, 7_000_000, 4_900_000).number == 3  # 4.9 M / 7 M = 70 %


def test_nothing_paid_yet_first_tranche_is_requested():
    first = next_tranche(schedule(6_000_000), 0, 0)
    assert (first.number, first.amount, first.allowed) == (1, 3_600_000, True)


def test_local_government_tranches_and_thresholds():
    assert schedule(1_000_000, LOCAL_GOVERNMENT).amounts == (1_000_000,)
    plan = schedule(2_000_000, LOCAL_GOVERNMENT)
    assert plan.amounts == (600_000, 800_000, 600_000)  # 30 / 40 / 30 %
    # second tranche at 30 % progress: 600,000 × 0.3 = 180,000
    assert next_tranche(plan, 600_000, 180_000).allowed is True
    assert next_tranche(plan, 600_000, 179_999).allowed is False
    # third at 70 %: 1,400,000 × 0.7 = 980,000
    assert next_tranche(plan, 1_400_000, 980_000).allowed is True
    assert next_tranche(plan, 1_400_000, 979_999).allowed is False


def test_bad_recipient_is_refused():
    with pytest.raises(ValueError):
        schedule(1, "nobody")


def test_partly_paid_tranche_shows_what_is_left():
    plan = schedule(2_000_000)
    # 1,800,000 of the single 2,000,000 tranche paid: 200,000 left, nothing to wait for
    rest = next_tranche(plan, 1_800_000, 1_000_000)
    assert (rest.number, rest.amount) == (1, 200_000)
    assert rest.message() == "第 1 期款尚未撥足，尚餘 200,000 元"
    six = schedule(6_000_000)
    # 4,000,000 paid (first tranche 3,600,000 + 400,000 of the second): 2,000,000 of the 2nd left
    assert next_tranche(six, 4_000_000, 2_800_000).amount == 2_000_000
