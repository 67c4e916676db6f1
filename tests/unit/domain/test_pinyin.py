"""Pinyin initials for search-as-you-type: surnames read differently as surnames."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.names import GIVEN
from app.domain.pinyin import COMPOUND_SURNAMES, SURNAME_PINYIN, full, initials, initials_variants


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
        for given_name in GIVEN:
            name = surname + given_name
            fast = pinyin._by_character(name)
            assert fast is None or fast == pinyin._by_pypinyin(name), name
    assert pinyin._by_character("重庆") is None  # a phrase: read as a word, not per character


# Names whose surname people type two ways, and what they type: every entry must find the name.
# (name, queries typed for it) — the surname reading, the everyday reading, both splits of an
# ambiguous compound.
TYPED_READINGS = [
    ("颉明", ["xm", "jm", "x"]),           # Xié (Gansu), pypinyin reads jié
    ("乜小红", ["nxh", "mxh"]),            # Niè, pypinyin reads miē
    ("重阳", ["cy", "zy"]),                # Chóng as a surname
    ("尉明", ["wm"]),                      # a single 尉 is Wèi (Yù only in 尉迟)
    ("尉迟恭", ["ycg", "wcg", "yc", "wc"]),  # Yùchí, typed wei chi as well
    ("长孙无忌", ["zswj", "cswj", "cs"]),   # Zhǎngsūn, typed chang sun as well
    ("单于海", ["cyh", "syh", "dyh"]),      # 单于 + 海, or 单 (Shàn / dān) + 于海
    ("单雄信", ["sxx", "dxx"]),
    ("曾国藩", ["zgf", "cgf"]),
    ("解缙", ["xj", "jj"]),
    ("仇英", ["qy", "cy"]),
    ("区志强", ["ozq", "qzq"]),
    ("查良镛", ["zly", "cly"]),
    ("翟伟", ["zw", "dw"]),
    ("覃明", ["qm", "tm"]),
    ("万俟卨", ["mqx", "wqx", "wsx"]),
    ("澹台灭明", ["ttmm", "dtmm"]),
    ("乐正明", ["yzm", "lzm"]),
    ("欧阳修", ["oyx"]),
]


@pytest.mark.parametrize("name, typed", TYPED_READINGS, ids=[n for n, _ in TYPED_READINGS])
def test_every_reading_people_type_finds_the_name(name, typed):
    variants = initials_variants(name)
    for q in typed:
        assert any(v.startswith(q) for v in variants), (name, q, variants)


def test_a_single_wei_is_wei_and_the_surname_reading_comes_first():
    assert initials("尉明") == "wm" and full("尉明") == "wei ming"
    assert initials("颉明") == "xm" and full("颉明") == "xie ming"
    assert initials("尉迟恭") == "ycg" and initials("单于大") == "cyd"


_SINGLE = sorted(SURNAME_PINYIN)
_COMPOUND = sorted(COMPOUND_SURNAMES)


@given(surname=st.sampled_from(_SINGLE), given_name=st.sampled_from(GIVEN))
def test_a_table_surname_is_found_by_its_surname_and_its_everyday_reading(surname, given_name):
    from app.domain.pinyin import _by_pypinyin

    name = surname + given_name
    tail = "".join(s[0] for s in _by_pypinyin(given_name))
    variants = initials_variants(name)
    assert variants[0] == SURNAME_PINYIN[surname][0] + tail
    assert _by_pypinyin(surname)[0][0] + tail in variants


@given(surname=st.sampled_from(_COMPOUND), given_name=st.sampled_from(GIVEN))
def test_a_compound_surname_is_found_by_its_reading_its_characters_and_as_a_single_surname(surname, given_name):
    from app.domain.pinyin import _by_pypinyin

    name = surname + given_name
    tail = "".join(s[0] for s in _by_pypinyin(given_name))
    variants = initials_variants(name)
    first, second = COMPOUND_SURNAMES[surname]
    assert variants[0] == first[0] + second[0] + tail
    everyday = "".join(_by_pypinyin(ch)[0][0] for ch in surname)
    assert everyday + tail in variants                         # 尉迟 as wei chi, 长孙 as chang sun
    if surname[0] in SURNAME_PINYIN:                            # 单于海 may be 单 + 于海
        rest = "".join(s[0] for s in _by_pypinyin(surname[1] + given_name))
        assert SURNAME_PINYIN[surname[0]][0] + rest in variants
