"""Pinyin for search-as-you-type (typing ``zs`` finds 张三) and for sorting names.

pypinyin reads some surnames with their everyday sound (单 dan, 曾 ceng, 解 jie, 颉 jie,
仇 chou, 区 qu …), so the start of a name is looked up in surname tables first: compound
surnames (长孙, 单于, 万俟 …), then single ones.  People type either reading, so
``initials_variants`` gives every plausible set of initials: the surname reading, the
everyday reading of the same characters (曾 ceng, 尉迟 wei chi, 长孙 chang sun), a second
surname reading in real use (覃 qin / tan), and, for a name that starts with a compound
surname whose first character is a surname of its own, both splits (单于海: 单于 + 海, or
单 + 于海).
"""
from __future__ import annotations

from functools import lru_cache

# Single-character surnames whose reading as a surname differs from pypinyin's everyday
# reading of the character (checked against pypinyin 0.5x: only entries that differ matter,
# a few that agree are kept so the table documents itself).
SURNAME_PINYIN: dict[str, str] = {
    "单": "shan", "曾": "zeng", "解": "xie", "仇": "qiu", "区": "ou", "查": "zha", "朴": "piao",
    "盖": "ge", "尉": "wei", "乐": "yue", "缪": "miao", "种": "chong", "秘": "bi", "冼": "xian",
    "句": "gou", "覃": "qin", "繁": "po", "员": "yun", "能": "nai", "华": "hua", "沈": "shen",
    "翟": "zhai", "宿": "su", "长": "chang", "阚": "kan", "隗": "wei", "祭": "zhai", "召": "shao",
    "折": "she", "蕃": "pi", "粘": "nian", "佴": "nai", "么": "yao", "藏": "zang", "省": "xing",
    "缴": "zhuo", "薄": "bo", "柏": "bai", "卜": "bu", "郇": "huan", "谌": "chen", "莘": "shen",
    "贲": "ben", "啜": "chuai", "亓": "qi", "仉": "zhang", "燕": "yan", "都": "du", "黑": "he",
    "那": "na", "车": "che", "盛": "sheng", "宁": "ning", "任": "ren", "纪": "ji", "过": "guo",
    "牟": "mou", "逄": "pang", "眭": "sui", "朝": "chao",
    # Gansu and the north-west, where many of these ledgers come from: 颉 Xié, 乜 Niè, 重 Chóng.
    "颉": "xie", "乜": "nie", "重": "chong", "郗": "xi", "宓": "mi",
}

# Other readings in real use for the same surname.  For search, pypinyin's everyday reading
# is added as well (someone who reads 曾 as ceng still finds 曾国藩 with ``cgf``).
SURNAME_ALTERNATIVES: dict[str, tuple[str, ...]] = {
    "覃": ("tan",), "隗": ("kui",), "郇": ("xun",), "谌": ("shen",), "郗": ("chi",), "宓": ("fu",),
}

# Two-character surnames; checked before the single-character table (长孙 is zhang sun,
# not chang sun; 单于 is chan yu, not shan yu).  For search each syllable also takes the
# everyday reading of its character (尉迟: wei chi as well as yu chi) and those below.
COMPOUND_SURNAMES: dict[str, tuple[str, str]] = {
    "长孙": ("zhang", "sun"), "单于": ("chan", "yu"), "万俟": ("mo", "qi"), "尉迟": ("yu", "chi"),
    "乐正": ("yue", "zheng"), "澹台": ("tan", "tai"), "欧阳": ("ou", "yang"), "上官": ("shang", "guan"),
    "司马": ("si", "ma"), "诸葛": ("zhu", "ge"), "令狐": ("ling", "hu"), "皇甫": ("huang", "fu"),
    "东方": ("dong", "fang"), "夏侯": ("xia", "hou"), "公孙": ("gong", "sun"), "慕容": ("mu", "rong"),
    "宇文": ("yu", "wen"), "轩辕": ("xuan", "yuan"), "呼延": ("hu", "yan"), "端木": ("duan", "mu"),
    "南宫": ("nan", "gong"), "西门": ("xi", "men"), "司徒": ("si", "tu"), "申屠": ("shen", "tu"),
    "钟离": ("zhong", "li"), "闻人": ("wen", "ren"), "濮阳": ("pu", "yang"), "太叔": ("tai", "shu"),
}

COMPOUND_ALTERNATIVES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "万俟": (("wan",), ("si",)),
}

# Kept for callers written against the first version of this module.
SURNAME_INITIALS: dict[str, str] = {ch: py[0] for ch, py in SURNAME_PINYIN.items()}


def _clean(name: str) -> str:
    return "".join((name or "").split())


def _syllables(alternatives: list[str]) -> list[str]:
    return list(dict.fromkeys(a for a in alternatives if a))


def _surname_splits(name: str) -> list[tuple[list[list[str]], str]]:
    """The ways to read the start of ``name`` as a surname, the usual one first: for each,
    the readings of the surname (a list of alternatives per syllable) and the rest of the name.

    A compound surname comes first; when its first character is a surname of its own
    (单于海 may be 单 + 于海), that split follows.  A name with no known surname is one split
    with no surname syllables (the whole name read by pypinyin).
    """
    splits: list[tuple[list[list[str]], str]] = []
    compound = COMPOUND_SURNAMES.get(name[:2]) if len(name) > 2 else None
    if compound:
        extra = COMPOUND_ALTERNATIVES.get(name[:2], ((), ()))
        splits.append(([_syllables([compound[i], *_rest(name[i]), *extra[i]]) for i in (0, 1)], name[2:]))
    reading = SURNAME_PINYIN.get(name[0])
    if reading:
        splits.append(([_syllables([reading, *SURNAME_ALTERNATIVES.get(name[0], ()), *_rest(name[0])])],
                       name[1:]))
    elif compound:
        splits.append(([_syllables(_rest(name[0]))], name[1:]))
    return splits or [([], name)]


def _rest(text: str) -> list[str]:
    """pypinyin's reading of ``text``: one syllable per Chinese character, other letters and
    digits one per character, everything else dropped."""
    if not text:
        return []
    fast = _by_character(text)
    return fast if fast is not None else _by_pypinyin(text)


def _by_pypinyin(text: str) -> list[str]:
    from pypinyin import Style, lazy_pinyin

    out = []
    for syl in lazy_pinyin(text, style=Style.NORMAL, errors=lambda s: list(s)):
        syl = "".join(c for c in syl.lower() if c.isalnum())
        if syl:
            out.append(syl)
    return out


# pypinyin's per-call overhead is most of its cost (a ledger brings tens of thousands of
# distinct names), so a name whose characters all have a reading and that holds no word of
# pypinyin's phrase dictionary is spelled one cached character at a time: exactly what
# pypinyin does for such a name.  Any other name goes through pypinyin whole.
_CHAR_READING: dict[str, list[str]] = {}


def _by_character(text: str) -> list[str] | None:
    from pypinyin.constants import PHRASES_DICT, PINYIN_DICT

    out: list[str] = []
    for ch in text:
        got = _CHAR_READING.get(ch)
        if got is None:
            if ord(ch) not in PINYIN_DICT:
                return None
            got = _CHAR_READING[ch] = _by_pypinyin(ch)
        out += got
    n = len(text)
    for size in range(2, n + 1):
        for start in range(n - size + 1):
            if text[start:start + size] in PHRASES_DICT:
                return None
    return out


@lru_cache(maxsize=65536)
def full(name: str) -> str:
    """The full pinyin of a name, syllables joined by spaces: ``曾国藩`` → ``zeng guo fan``.

    Sorts Chinese names the way people expect (by sound) when used as a sort key.
    """
    name = _clean(name)
    if not name:
        return ""
    surname, rest = _surname_splits(name)[0]
    return " ".join([alts[0] for alts in surname] + _rest(rest))


@lru_cache(maxsize=65536)
def initials(name: str) -> str:
    """Lower-case initials of a Chinese name: ``张三`` → ``zs``, ``单雄信`` → ``sxx``.

    Non-Chinese characters are kept if they are letters or digits; spaces are dropped.
    """
    return initials_variants(name)[0] if _clean(name) else ""


@lru_cache(maxsize=65536)
def initials_variants(name: str) -> tuple[str, ...]:
    """Every plausible set of initials, the usual one first: ``覃明`` → ``("qm", "tm")``."""
    name = _clean(name)
    if not name:
        return ("",)
    out: list[str] = []
    for surname, rest in _surname_splits(name):
        tail = "".join(s[0] for s in _rest(rest))
        heads = [""]
        for alts in surname:
            heads = [h + a[0] for h in heads for a in alts]
        out += [h + tail for h in heads]
    return tuple(dict.fromkeys(out))
