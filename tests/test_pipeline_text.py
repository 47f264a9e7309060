"""The shared text keys (youzhi.text) and the county questions they answer (youzhi.tiers)."""

from __future__ import annotations

import pytest

from youzhi import tiers
from youzhi.reader import school_from_name
from youzhi.text import compact, name_key


def test_compact_and_name_key():
    assert compact(" 學 校\u3000名稱 ") == "學校名稱"
    assert compact("ＡＢ１２") == "AB12"  # full-width → ASCII
    assert compact(None) == compact("") == ""
    assert compact(114) == "114"
    assert name_key(" 台北 市 ") == "臺北市" and compact("台北市") == "台北市"


@pytest.mark.parametrize("name", ["臺北市", "台北市", "臺北市政府教育局", " 花蓮縣 ", "花蓮縣政府", "金門縣"])
def test_is_county_for_counties_of_the_tier_tables(name):
    assert tiers.is_county(name)


@pytest.mark.parametrize("name", ["", "北市", "示範市", "花蓮", "教育部"])
def test_is_county_is_quiet_for_other_text(name):
    assert not tiers.is_county(name)


def test_municipalities_are_the_six():
    assert [c for c in tiers.all_counties() if tiers.is_municipality(c)] == sorted(
        tiers.MUNICIPALITIES, key=tiers.all_counties().index
    )
    assert tiers.is_municipality("台中市") and tiers.is_municipality("臺南")
    assert not tiers.is_municipality("新竹市") and not tiers.is_municipality("")


@pytest.mark.parametrize(
    ("text", "authority"),
    [("臺北市立", "直轄市立"), ("台 中 市 立", "直轄市立"), ("新竹市立", "縣市立"), ("宜蘭縣立", "縣市立"),
     ("國立", "國立"), ("私立", "私立"), ("", None), ("教育部", None)],
)  # fmt: skip
def test_authorities_as_people_write_them(text, authority):
    assert tiers.normalise_authority(text) == authority


@pytest.mark.parametrize(
    ("name", "authority", "county"),
    [("臺北市立建國高級中學", "直轄市立", "臺北市"), ("台中市立 臺中第一高級中等學校", "直轄市立", "臺中市"),
     ("宜蘭縣立羅東高級中學", "縣市立", "宜蘭縣"), ("示範市立高中", None, None),
     ("國立花蓮高中", "國立", None)],
)  # fmt: skip
def test_school_names_name_their_county_only_when_it_is_one(name, authority, county):
    school = school_from_name(name)
    assert (school.authority, school.county) == (authority, county)


def test_display_path_reads_a_big5_name_as_big5():
    import os

    from youzhi.sheets import display_name
    from youzhi.text import display_path

    big5 = os.fsdecode(b"/share/" + "經費表.xlsx".encode("cp950"))  # undecodable as UTF-8: escapes
    assert display_path(big5) == "/share/經費表.xlsx" and display_name(big5) == "經費表.xlsx"
    assert display_path("/share/經費表.xlsx") == "/share/經費表.xlsx"  # a UTF-8 name as it is
    assert display_name(None) == display_name("") == ""
