"""Pinyin initials for search-as-you-type (typing ``zs`` finds 张三).

pypinyin reads some common surnames with their everyday sound (单 dan, 曾 ceng, 解 jie …);
the first character of a name is looked up in a surname table first.

pypinyin's per-call overhead is most of its cost (a ledger brings tens of thousands of
distinct names), so a name whose characters all have a reading and that holds no word of
pypinyin's phrase dictionary is spelled one cached character at a time: that is exactly
what pypinyin does for such a name.  Any other name goes through pypinyin whole.
"""
from __future__ import annotations

from functools import lru_cache

# Surnames whose reading as a surname differs from the usual reading of the character.
SURNAME_INITIALS: dict[str, str] = {
    "单": "s", "曾": "z", "解": "x", "仇": "q", "区": "o", "查": "z", "朴": "p", "盖": "g",
    "尉": "y", "乐": "y", "缪": "m", "种": "c", "秘": "b", "冼": "x", "句": "g", "覃": "q",
    "繁": "p", "员": "y", "能": "n", "华": "h", "沈": "s", "翟": "z", "宿": "s", "长": "c",
}

_CHAR_INITIALS: dict[str, str] = {}


@lru_cache(maxsize=65536)
def initials(name: str) -> str:
    """Lower-case initials of a Chinese name: ``张三`` → ``zs``, ``单雄信`` → ``sxx``.

    Non-Chinese characters are kept if they are letters or digits; spaces are dropped.
    """
    name = "".join(name.split())
    if not name:
        return ""
    first = SURNAME_INITIALS.get(name[0])
    rest = name[1:] if first else name
    spelled = _by_character(rest)
    if spelled is None:
        spelled = _by_pypinyin(rest)
    return (first or "") + spelled


def _by_pypinyin(text: str) -> str:
    from pypinyin import Style, lazy_pinyin

    out = []
    for syl in lazy_pinyin(text, style=Style.FIRST_LETTER, errors=lambda s: list(s)):
        if syl and syl[0].isalnum():
            out.append(syl[0].lower())
    return "".join(out)


def _by_character(text: str) -> str | None:
    """``text`` spelled from cached single characters, or None when pypinyin would read it
    differently as a whole (a character without a reading, a word of its phrase list)."""
    from pypinyin.constants import PHRASES_DICT, PINYIN_DICT

    cache = _CHAR_INITIALS
    out = []
    for ch in text:
        got = cache.get(ch)
        if got is None:
            if ord(ch) not in PINYIN_DICT:
                return None
            got = cache[ch] = _by_pypinyin(ch)
        out.append(got)
    n = len(text)
    for size in range(2, n + 1):
        for start in range(n - size + 1):
            if text[start:start + size] in PHRASES_DICT:
                return None
    return "".join(out)
