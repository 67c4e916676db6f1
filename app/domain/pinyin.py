"""Pinyin initials for search-as-you-type (typing ``zs`` finds 张三).

pypinyin reads some common surnames with their everyday sound (单 dan, 曾 ceng, 解 jie …);
the first character of a name is looked up in a surname table first.
"""
from __future__ import annotations

from functools import lru_cache

# Surnames whose reading as a surname differs from the usual reading of the character.
SURNAME_INITIALS: dict[str, str] = {
    "单": "s", "曾": "z", "解": "x", "仇": "q", "区": "o", "查": "z", "朴": "p", "盖": "g",
    "尉": "y", "乐": "y", "缪": "m", "种": "c", "秘": "b", "冼": "x", "句": "g", "覃": "q",
    "繁": "p", "员": "y", "能": "n", "华": "h", "沈": "s", "翟": "z", "宿": "s", "长": "c",
}


@lru_cache(maxsize=65536)
def initials(name: str) -> str:
    """Lower-case initials of a Chinese name: ``张三`` → ``zs``, ``单雄信`` → ``sxx``.

    Non-Chinese characters are kept if they are letters or digits; spaces are dropped.
    """
    from pypinyin import Style, lazy_pinyin

    name = "".join(name.split())
    if not name:
        return ""
    out = []
    first = SURNAME_INITIALS.get(name[0])
    rest = name
    if first:
        out.append(first)
        rest = name[1:]
    for syl in lazy_pinyin(rest, style=Style.FIRST_LETTER, errors=lambda s: list(s)):
        if syl and syl[0].isalnum():
            out.append(syl[0].lower())
    return "".join(out)
