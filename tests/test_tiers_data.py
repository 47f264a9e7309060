"""The shipped tier and rate tables (data tests: the only tests, with test_tiers_match, that know them).

The tier lists are those of 行政院主計總處「各直轄市及縣(市)政府財力級次表」 as given in issue 10
(109–111 as in the 109學年度 手冊; 112–114 reconstructed; 115–117 published January 2026).
"""

from __future__ import annotations

from fractions import Fraction

import pytest

from youzhi import tiers

TABLES = {
    (109, 111): {
        1: "臺北市",
        2: "新北市 桃園市",
        3: "臺中市 臺南市 高雄市 新竹縣 新竹市 嘉義市 金門縣",
        4: "宜蘭縣 彰化縣 南投縣 雲林縣 基隆市",
        5: "苗栗縣 嘉義縣 屏東縣 臺東縣 花蓮縣 澎湖縣 連江縣",
    },
    (112, 114): {
        1: "臺北市",
        2: "新北市 臺中市",
        3: "桃園市 新竹縣 新竹市 金門縣 高雄市 基隆市 臺南市",
        4: "南投縣 宜蘭縣 嘉義市 彰化縣",
        5: "臺東縣 花蓮縣 苗栗縣 嘉義縣 雲林縣 澎湖縣 屏東縣 連江縣",
    },
    (115, 117): {
        1: "臺北市 新竹市 新竹縣 臺東縣",
        2: "新北市 金門縣 花蓮縣",
        3: "桃園市 南投縣 宜蘭縣 臺中市",
        4: "苗栗縣 嘉義市 高雄市 基隆市 嘉義縣 雲林縣",
        5: "臺南市 彰化縣 澎湖縣 屏東縣 連江縣",
    },
}


@pytest.mark.parametrize("years", list(TABLES))
def test_each_table_as_published(years):
    first, last = years
    expected = {county: tier for tier, names in TABLES[years].items() for county in names.split()}
    assert len(expected) == 22
    for year in range(first, last + 1):
        table = tiers.tier_table(year)
        assert (table.first, table.last) == years
        assert table.counties == expected


def test_sources_name_the_documents_never_a_seed_file():
    sources = [t.source for t in tiers.tier_tables()]
    sources += [tiers.rate_table(p, 115).source for p in ("senior-high", "vocational")]
    assert all("主計總處" in s for s in sources[:3])
    assert "回推重建" in sources[1]  # 112–114 is reconstructed and says so
    assert "國教署補助高職優質化輔助方案要點 四(一)2" in sources[-1]
    assert "112年3月2日修正" in sources[-2]
    assert not any("seed" in s.lower() for s in sources)


def test_the_years_straddling_a_new_table():
    assert [len(tiers.fiscal_parts(y)) for y in range(109, 118)] == [1, 1, 2, 1, 1, 2, 1, 1, 1]
    # 111學年度 (111|112), 114 (114|115), 117 (117|118: after the last table, which it keeps using).


def test_rates():
    assert [tiers.max_rate("vocational", 115, t) for t in range(1, 6)] == [
        Fraction(1, 2), Fraction(7, 10), Fraction(9, 10), Fraction(9, 10), Fraction(9, 10),
    ]  # fmt: skip
    assert [tiers.max_rate("senior-high", 116, t) for t in range(1, 6)] == [
        Fraction(80, 100), Fraction(85, 100), Fraction(88, 100), Fraction(89, 100), Fraction(90, 100),
    ]  # fmt: skip
