"""What a sheet's name and the rows above its header say besides the columns: the township
(柳林镇, 1.柳林镇台账, 10月柳林镇（修改后）; …清单（柳林镇） in a title), how a 乡镇 column's
cell names one of the townships known, and the data date (数据截至：2026年10月31日, 2026年10月末,
填报日期 …).  Used by ``app.ledger.layout`` and the rows' reading (``app.ledger.rows``).
"""
from __future__ import annotations

import re
import unicodedata
from datetime import date, timedelta

from app.ledger.values import cell_date

_TOWNSHIP_NAME = re.compile(r"^[\u4e00-\u9fa5]{1,12}?(?:街道办事处|街道办|街道|办事处|镇|乡|苏木)$")
_NOT_TOWNSHIP = ("说明", "汇总", "合计", "目录", "附表", "封面", "统计", "全区", "全县", "各乡镇", "乡镇")
# Around a township's name in a sheet name: numbering before it (1. / 一、 / （一）), a copy
# mark after it ((2) / （2）) and words saying what the sheet holds (台账 / 清单 / …).
_LEADING_NUMBER = re.compile(r"^(?:[(\[]\s*(?:\d+|[一二三四五六七八九十]+)\s*[)\]]|\d+\s*[.、,)\-_]?"
                             r"|[一二三四五六七八九十]+\s*[、.,)\-_])\s*")
_TRAILING_COPY = re.compile(r"[(\[]\s*(?:\d+|[一二三四五六七八九十]+)\s*[)\]]$|[-_]\d+$")
# A month or a version said before or after it (10月柳林镇, 柳林镇（2026年10月）, 柳林镇最终版).
_LEADING_DATE = re.compile(r"^(?:\d{2,4}\s*[年.\-/_]?\s*)?\d{1,2}\s*月份?\s*[-_、]?\s*|^\d{4}\s*[.\-/_]\s*\d{1,2}\s*[-_]?\s*")
_TRAILING_DATE = re.compile(r"[-_]?\s*[(\[]?\s*(?:\d{2,4}\s*[年.\-/_]?\s*)?\d{1,2}\s*月份?(?:末|底)?\s*[)\]]?$"
                            r"|[(\[]?\s*\d{4}\s*年?\s*[)\]]?$"
                            r"|[(\[]?\s*(?:新|最新|修改后|修改|修订版?|最终版|终版|定稿|核对后|已核对|更新)\s*[)\]]?$")
_TRAILING_WORDS = re.compile(r"(?:台账|台帐|清单|明细表?|名单|不良贷款|不良|贷款|清收任务|清收|任务|数据|表)$")
_TITLE_TOWNSHIP = (re.compile(r"[（(]([\u4e00-\u9fa5]{1,12}?(?:街道办事处|街道|镇|乡))[）)]"),
                   re.compile(r"^([\u4e00-\u9fa5]{1,8}?(?:街道办事处|街道|镇|乡))(?:不良|清收|贷款|任务|台账|清单)"))
_AS_OF = re.compile(
    r"(?:数据截至|数据截止|截至日期|截止日期|截至|截止|数据日期|统计日期|统计时点|数据时点|基准日)\s*(?:日期)?\s*"
    r"(?:到|至)?\s*[:：]?\s*(\d{4}\s*[年./-]\s*\d{1,2}\s*[月./-]\s*\d{1,2}\s*日?|\d{8})")
# The day a township filled in the table (填报单位：… 填报日期：2026年11月20日): its data date
# when the title gives no other.
_FILLED_ON = re.compile(r"(?:填报日期|填表日期|制表日期|报送日期|报表日期)\s*[:：]?\s*"
                        r"(\d{4}\s*[年./-]\s*\d{1,2}\s*[月./-]\s*\d{1,2}\s*日?|\d{8})")
# 2026年10月末 / 截至2026年10月底: the month's last day.
_MONTH_END = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(?:末|底)")


def township_from_sheet_name(name: str, known: frozenset[str] = frozenset()) -> str | None:
    """The sheet name if it names a township (柳林镇, 东关街道, or a township already known)."""
    s = "".join(unicodedata.normalize("NFKC", name).split())
    if s in known:
        return s
    if any(word in s for word in _NOT_TOWNSHIP) or s.startswith(("各", "全")):
        return None
    core = _core_name(s)
    if core in known:
        return core
    if core and _TOWNSHIP_NAME.match(core):
        return core
    return _full_name(core, known) if core else None


_TOWNSHIP_SUFFIXES = ("镇", "乡", "街道", "街道办事处", "街道办", "办事处")
_GOVERNMENT = re.compile(r"(?:党委政府|人民政府|政府|党委)$")


def _full_name(short: str, names) -> str | None:
    """The one township in ``names`` that is ``short`` with 镇 / 乡 / 街道 after it, or None."""
    full = [n for n in names if n.startswith(short) and n[len(short):] in _TOWNSHIP_SUFFIXES]
    return full[0] if len(full) == 1 else None


def township_cell(value: str, names) -> str:
    """A township as a 乡镇 column writes it, named as ``names`` (the townships known and
    the others of the file) name it: 柳林 and 柳林镇人民政府 are 柳林镇 when 柳林镇 is one of
    them; a name that is none of them stays as it is."""
    s = value.replace(" ", "")
    if not s or s in names:
        return s
    plain = _GOVERNMENT.sub("", s) or s
    if plain in names or _TOWNSHIP_NAME.match(plain) and plain != s:
        return plain
    return _full_name(plain, names) or s


def _core_name(s: str) -> str:
    """A sheet name without its numbering, copy mark and words such as 台账 / 清单."""
    s = _LEADING_NUMBER.sub("", _LEADING_DATE.sub("", s, count=1), count=1)
    while True:
        shorter = _TRAILING_WORDS.sub("", _TRAILING_COPY.sub("", _TRAILING_DATE.sub("", s)))
        if shorter == s or not shorter:
            return shorter
        s = shorter


def township_from_title(title: str) -> str | None:
    s = "".join(unicodedata.normalize("NFKC", title).split())
    for pattern in _TITLE_TOWNSHIP:
        m = pattern.search(s)
        if m and township_from_sheet_name(m.group(1)):
            return m.group(1)
    return None


def as_of_from_title(title: str) -> date | None:
    title = unicodedata.normalize("NFKC", title)
    m = _AS_OF.search(title)
    if not m:
        end = _MONTH_END.search(title)
        if end and 1 <= int(end.group(2)) <= 12:
            year, month = int(end.group(1)), int(end.group(2))
            return date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
        m = _FILLED_ON.search(title)
        if not m:
            return None
    try:
        return cell_date("".join(m.group(1).split()))
    except ValueError:
        return None
