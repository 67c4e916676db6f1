"""Pinyin initials for search-as-you-type: surnames read differently as surnames."""
import pytest

from app.domain.pinyin import full, initials, initials_variants


@pytest.mark.parametrize("name, expected", [
    ("张三", "zs"),
    ("单雄信", "sxx"),    # 单 as a surname is Shàn, not dān
    ("曾国藩", "zgf"),    # Zēng, not céng
    ("解缙", "xj"),       # Xiè, not jiě
    ("仇英", "qy"),       # Qiú, not chóu
    ("区志强", "ozq"),    # Ōu, not qū
    ("查良镛", "zly"),    # Zhā, not chá
    ("朴正", "pz"),       # Piáo
    ("翟伟", "zw"),       # Zhái
    ("阚泽", "kz"),       # Kàn
    ("召明", "sm"),       # Shào
    ("长孙无忌", "zswj"),  # the compound surname 长孙 is Zhǎngsūn
    ("单于大", "cyd"),    # 单于 is Chányú
    ("欧阳修", "oyx"),
    ("王长青", "wcq"),    # 长 in a given name keeps pypinyin's reading
])
def test_initials_use_the_surname_reading(name, expected):
    assert initials(name) == expected


def test_spaces_and_empty_names():
    assert initials("张 三") == "zs"
    assert initials("") == ""
    assert initials("   ") == ""


def test_letters_and_digits_are_kept():
    assert initials("李A2") == "la2"


def test_everyday_reading_also_finds_the_person():
    # Someone who reads 曾 as céng still finds 曾国藩 by typing cgf.
    assert initials_variants("曾国藩") == ("zgf", "cgf")
    assert initials_variants("单雄信")[0] == "sxx"
    assert "dxx" in initials_variants("单雄信")
    assert initials_variants("覃明")[:2] == ("qm", "tm")   # both readings of 覃 are in use
    assert initials_variants("张三") == ("zs",)


def test_full_pinyin_sorts_by_sound():
    assert full("曾国藩") == "zeng guo fan"
    assert full("区志强") == "ou zhi qiang"
    names = ["张三", "安红", "曾国藩", "李四"]
    assert sorted(names, key=full) == ["安红", "李四", "曾国藩", "张三"]


def test_spelling_by_cached_characters_agrees_with_pypinyin_whole():
    """The fast path (one cached character at a time) gives pypinyin's own answer, or steps
    aside when a phrase could change a reading."""
    from app.domain import pinyin
    from app.domain.names import GIVEN, SURNAMES

    for surname in SURNAMES:
        for given in GIVEN:
            name = surname + given
            fast = pinyin._by_character(name)
            assert fast is None or fast == pinyin._by_pypinyin(name), name
    assert pinyin._by_character("重庆") is None  # a phrase: read as a word, not per character
