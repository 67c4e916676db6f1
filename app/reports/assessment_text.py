"""The monthly assessment's words and number formats, shared by its PDF, its workbook and the
window: amounts in 万元 with two decimals (rounded half up from fen), yuan to the fen in the
detail sheets, rates with one decimal; the table columns."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from app.domain.assessment import Assessment, Line
from app.domain.money import fen_to_wan, format_yuan


def wan(fen: int) -> str:
    return f"{fen_to_wan(fen):,.2f}"


def pct(rate: Decimal) -> str:
    return f"{rate:.1f}%"


def rate_fraction(line: Line) -> Decimal:
    """The rate as Excel keeps a percentage (0.168 shown as 16.8%): exact, one decimal of a percent."""
    return line.rate / 100


def cn_date(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def period(a: Assessment) -> str:
    return f"（{a.year}年{a.month}月1日至{a.month}月{a.last.day}日）"


def whole(a: Assessment) -> str:
    """How the text names the whole: 全区, or the township (全镇 / 全乡 / 全街道)."""
    if not a.one_township or a.scope != a.townships[0].name:
        return "全区"
    return "全" + next((s for s in ("街道", "镇", "乡") if a.scope.endswith(s)), "镇")


def opening(a: Assessment) -> str:
    who = "各乡镇" if whole(a) == "全区" else "各村（社区）"
    return (f"按照每月对{who}进行一次考核评比的要求，现将{a.year}年{a.month}月{whole(a)}不良贷款清收工作"
            f"考核情况通报如下：")


def summary(a: Assessment) -> list[str]:
    t = a.totals
    out = [f"{a.month}月，{whole(a)}共收回不良贷款{wan(t.month_fen)}万元（含银行台账报告的收回）；截至{cn_date(a.last)}，"
           f"累计收回{wan(t.recovered_fen)}万元，占清收任务{wan(t.task_fen)}万元的{pct(t.rate)}，"
           f"尚有{wan(t.outstanding_fen)}万元未收回。",
           f"本月走访借款户{t.visits}户次；尚欠款的借款户中，截至月底从未走访的有{t.never_visited}户。"
           f"本月到期的还款承诺{t.promises}个，按期兑现{t.kept}个，未兑现{t.broken}个。"]
    if len(a.townships) > 1:
        top, bottom = a.townships[0], a.townships[-1]
        out.append(f"按累计清收率排名，{top.name}居首（{pct(top.rate)}，本月收回{wan(top.month_fen)}万元），"
                   f"{bottom.name}居末（{pct(bottom.rate)}，本月收回{wan(bottom.month_fen)}万元）。")
    return out


NOTE = ("说明：本月清收为月末与上月末累计清收之差（乡镇登记的还款和银行台账报告的收回，每一元只算一次）；"
        "清收率为月末累计清收占任务的比例；走访为本月内的走访次数（作废的不计）；从未走访为月末仍欠款、"
        "截至月末没有任何走访记录的户；到期承诺为承诺还款日期（未写则为下次跟进日期）在本月的承诺，"
        "自承诺当日至承诺日期有还款为兑现，否则为未兑现。一笔贷款有几位责任人的，在每人名下各计一次。")

# The columns after the name (and a person's duties): (header, width weight).
FIGURE_COLUMNS = [("笔数", 5), ("户数", 5), ("任务", 10), ("本月清收", 9.5), ("累计清收", 10), ("清收率", 7),
                  ("本月走访\n（户次）", 7), ("从未走访\n（户）", 7), ("承诺\n兑现", 5), ("承诺\n未兑现", 5.5)]


def figure_cells(x: Line, money=wan) -> list:
    return [x.loans, x.households, money(x.task_fen), money(x.month_fen), money(x.recovered_fen), pct(x.rate),
            x.visits, x.never_visited, x.kept, x.broken]


def yuan(fen: int) -> str:
    return format_yuan(fen)


def footer(a: Assessment) -> str:
    return f"{a.scope}{a.year}年{a.month}月考核"
