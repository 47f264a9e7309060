"""The roll-up against figures computed by hand (in the comments), not by our code."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from youzhi import rollup
from youzhi.calendar import Semester
from youzhi.model import Budget, Line, School, SubPlanSheet


def line(sheet, row, category, item, qty, price_yuan, source="", typed=None):
    from youzhi.items import source_of

    return Line(
        sheet=sheet,
        row=row,
        category=category,
        item=item,
        quantity=None if qty is None else Decimal(str(qty)),
        unit_price=price_yuan,
        typed_total=typed,
        purpose="說明",
        source=source_of(source)[0],
        raw_source=source,
    )


def budget(authority="縣市立", county="新北市") -> Budget:
    a1 = SubPlanSheet("A(8-12月)", "A", Semester.FIRST, 115)
    a1.lines = [
        line("A(8-12月)", 6, "業務費", "講座鐘點費", 8, 2000),  # 16,000 教育部
        line("A(8-12月)", 7, "業務費", "諮詢費、輔導費、指導費", 5, 2500, "配合款"),  # 12,500 配合款
        line("A(8-12月)", 30, "設備及投資", "筆記型電腦", 2, 30000, "教育部補助款"),  # 60,000 教育部
    ]
    a1_branch = SubPlanSheet("A-1(1-7月)", "A-1", Semester.SECOND, 116)
    a1_branch.lines = [
        line("A-1(1-7月)", 6, "業務費", "材料費", 30, 200, "自籌款"),  # 6,000 自籌
        line("A-1(1-7月)", 22, "獎補助費", "學生獎學(助)金", 4, 5000),  # 20,000 教育部 (blank source)
    ]
    b2 = SubPlanSheet("B(1-7月)", "B", Semester.SECOND, 116)
    b2.lines = [
        # typed 5,000 disagrees with 3 × 1,500 = 4,500: the roll-up takes 4,500
        line("B(1-7月)", 6, "業務費", "印刷費", 3, 1500, typed=5000),
        line("B(1-7月)", 7, "業務費", "出席費", None, None, "其他補助款", typed=1200),  # lump sum, 其他
    ]
    # Sheets deliberately out of programme order.
    return Budget("senior-high", 115, School("示範高中", authority, county), [b2, a1_branch, a1])


def test_codes_in_programme_order():
    assert rollup.codes(budget()) == ["A", "A-1", "B"]


def test_line_amounts():
    b2 = budget().sheets[0]
    assert b2.lines[0].amount == 4500 and b2.lines[0].total_mismatch
    assert b2.lines[1].amount == 1200 and not b2.lines[1].total_mismatch


def test_y2_by_hand():
    rows = {r.code: r for r in rollup.y2(budget())}
    a = rows["A"]
    assert a.by_source == {"教育部補助款": 76000, "配合款": 12500, "自籌款": 0, "其他補助款": 0}
    assert (a.recurrent, a.capital, a.total, a.source_total) == (28500, 60000, 88500, 88500)
    a_1 = rows["A-1"]
    assert a_1.by_source == {"教育部補助款": 20000, "配合款": 0, "自籌款": 6000, "其他補助款": 0}
    assert (a_1.recurrent, a_1.capital) == (26000, 0)
    b = rows["B"]
    assert b.by_source == {"教育部補助款": 4500, "配合款": 0, "自籌款": 0, "其他補助款": 1200}
    total = rows["小計"]
    # 76,000 + 20,000 + 4,500 = 100,500 教育部; 12,500 配合; 6,000 自籌; 1,200 其他 → 120,200
    assert total.by_source == {"教育部補助款": 100500, "配合款": 12500, "自籌款": 6000, "其他補助款": 1200}
    assert (total.recurrent, total.capital, total.total, total.source_total) == (60200, 60000, 120200, 120200)


def test_y3_by_hand():
    rows = {(r.fiscal_year, r.code, r.source): (r.recurrent, r.capital) for r in rollup.y3(budget())}
    assert len(rows) == 2 * 3 * 4  # every fiscal year × code × source, zeros included
    assert rows[(115, "A", "教育部補助款")] == (16000, 60000)
    assert rows[(115, "A", "配合款")] == (12500, 0)
    assert rows[(116, "A", "教育部補助款")] == (0, 0)
    assert rows[(116, "A-1", "自籌款")] == (6000, 0)
    assert rows[(116, "A-1", "教育部補助款")] == (20000, 0)
    assert rows[(116, "B", "其他補助款")] == (1200, 0)
    assert rollup.recurrent_total(budget(), 115) == 28500
    assert rollup.recurrent_total(budget(), 116) == 31700  # 6,000 + 20,000 + 4,500 + 1,200


def test_y4_by_hand():
    rows = {(r.fiscal_year, r.item): r for r in rollup.y4(budget())}
    assert rows[(115, "講座鐘點費")].amount == 16000
    assert rows[(115, "講座鐘點費")].ratio == Fraction(16000, 28500)
    assert rows[(116, "材料費")].amount == 6000
    assert rows[(None, "學生獎學(助)金")].amount == 20000
    assert rows[(None, "學生獎學(助)金")].ratio == Fraction(20000, 60200)
    assert rows[(116, rollup.OTHER_ITEMS)].amount == 1200  # 出席費 is an item of its own, not a y-4 row
    for fy in (115, 116, None):
        assert sum(r.amount for (f, _), r in rows.items() if f == fy) == rollup.recurrent_total(budget(), fy)


def test_y4_ratios_are_none_not_division_by_zero():
    empty = Budget("senior-high", 115)
    assert all(r.ratio is None and r.amount == 0 for r in rollup.y4(empty))
    assert rollup.capital_ratio(empty) == (None, None)


def test_capital_ratio_by_hand():
    assert rollup.capital_ratio(budget()) == (Fraction(60200, 120200), Fraction(60000, 120200))


def test_match_tier_2_senior_high_115():
    m = rollup.match(budget())
    # 新北市 tier 2, senior-high rate 85 %: 100,500 × 15/85 = 17,735.29 → 17,736
    assert (m.tier, m.max_rate, m.subsidy, m.required, m.budgeted) == (
        2,
        Fraction(85, 100),
        100500,
        17736,
        12500,
    )
    assert m.needed and m.shortfall == 5236


def test_match_tier_1_and_5():
    assert rollup.match(budget(county="台北市")).required == 25125  # 100,500 × 20/80 = 25,125
    assert rollup.match(budget(county="屏東縣")).required == 11167  # 100,500 / 9 = 11,166.67 → 11,167


def test_no_match_for_national_and_private_schools():
    for authority in ("國立", "私立"):
        m = rollup.match(budget(authority=authority))
        assert not m.needed and m.required == 0 and "免編配合款" in m.note


def test_county_school_without_county_gets_a_message_not_a_guess():
    m = rollup.match(budget(county=None))
    assert m.needed and m.tier is None and "未填縣市" in m.note


def test_summary_json_shape():
    s = rollup.summary(budget())
    assert s["match"]["max_rate"] == "0.85"
    assert {"fiscal_year": 116, "code": "A-1", "source": "自籌款", "recurrent": 6000, "capital": 0} in s["y3"]
    assert {"fiscal_year": 115, "item": "講座鐘點費", "amount": 16000} in s["y4"]
    assert len(s["lines"]) == 7


def test_computed_total_follows_changes_to_the_line():
    ln = line("A(8-12月)", 6, "業務費", "講座鐘點費", 8, 2000)
    assert ln.computed_total == 16000
    ln.quantity = Decimal(3)
    assert ln.computed_total == 6000
    ln.unit_price = 1500
    assert ln.amount == 4500
    ln.unit_price = None
    assert ln.computed_total is None
