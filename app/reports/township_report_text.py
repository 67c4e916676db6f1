"""The township report's words, tables and number formats, shared by its Word document, its PDF
and its workbook: the sentences of a township's 情况汇报 (“我镇目前有清收任务…笔、…万元。截止目前，
我镇已清收…笔（含部分还款）…”), the nine kinds of special loans as the township reports lay them
out, and the rows of the tables.  Amounts in the text and the tables are 万元 with two decimals
(rounded half up from fen, no thousands separators, as the reports write them); rates are
percentages with two decimals."""
from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from app.domain.township_report import CategoryLine, Line, TownshipReport

# The nine kinds in the words of the township reports (their order: BULLETIN_GROUPS), and the
# sub-kinds each sentence names.
GROUP_TITLES = {
    "public_servant": "公职人员贷款",
    "impersonated_staff": "冒名及农合行职工借名贷款",
    "special_household": "特殊户（低保户、残疾人、脱贫人口、借款人已移民）贷款",
    "deceased": "借款人已死亡贷款",
    "imprisoned": "借款人在服刑贷款",
    "unreachable": "借款人无法联系贷款",
    "absent": "空挂户贷款",
    "litigation": "涉诉贷款",
    "large_mortgage": "大额抵押贷款",
}
KINDS_LIST = ("“公职人员贷款”“冒名及农合行职工贷款”“特殊户（低保户、残疾人、脱贫人口、借款人已移民）贷款”"
              "“借款人已死亡贷款”“借款人在服刑贷款”“借款人无法联系贷款”“空挂户贷款”“涉诉贷款”“大额抵押贷款”")
# (code, the table's label, the sentence's words)
SUB_KINDS = {"impersonated_staff": (("impersonated", "冒名贷款", "冒名顶替贷款"),
                                    ("bank_staff", "农合行职工贷款", "农合行职工贷款")),
             "special_household": (("low_income", "低保户贷款", "低保户贷款"), ("disabled", "残疾人贷款", "属残疾人贷款"),
                                   ("ex_poverty", "脱贫人口贷款", "属脱贫人口贷款"),
                                   ("emigrated", "借款人已移民贷款", "借款人已移民"))}
NUMERALS = "一二三四五六七八九十"

# The tables' headers (their amounts are in 万元, said above each table: UNIT_NOTE).
CATEGORY_COLUMNS = ("类别", "笔数", "户数", "任务金额", "已清收", "清收率")
VILLAGE_COLUMNS = ("序号", "村（社区）", "笔数", "户数", "任务金额", "已清收", "清收率", "已结清笔数", "已走访户数")
STAFF_COLUMNS = ("序号", "责任人", "职务、职责", "笔数", "户数", "任务金额", "已清收", "清收率", "已结清笔数", "已走访户数")
# Column widths (mm) of the tables in the Word document, whose text block is 156 mm wide (the PDF
# keeps their proportions).
CATEGORY_WIDTHS = (62, 14, 14, 22, 22, 20)
VILLAGE_WIDTHS = (10, 27, 14, 14, 20, 20, 19, 16, 16)
STAFF_WIDTHS = (9, 17, 22, 12, 12, 19, 19, 18, 14, 14)
VILLAGE_TITLE = "附表1　各村（社区）清收情况"
STAFF_TITLE = "附表2　各责任人清收情况"
UNIT_NOTE = "金额单位：万元"
VISIT_NOTE = "已走访户数：截至日期以前有走访记录（上门、电话、委托等）的借款户数。"
STAFF_NOTE = ("一笔贷款有几位责任人的（包片领导、驻村干部、村社干部、信贷员），在每位责任人名下各计一次，"
              "各行相加多于全镇合计。")
CATEGORY_NOTE = "一笔贷款同时属于几类的，在各类中分别计算。"


def wan(fen: int) -> str:
    """万元, two decimals, half up: 11_791_400_00 fen → "1179.14" (no thousands separators)."""
    value = (Decimal(fen) / Decimal(1_000_000)).quantize(Decimal("0.01"), ROUND_HALF_UP)
    return f"{value:.2f}"


def wan_number(fen: int) -> Decimal:
    return (Decimal(fen) / Decimal(1_000_000)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def pct(rate: Decimal) -> str:
    return f"{rate * 100:.2f}%"


def cn_date(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def we(r: TownshipReport) -> str:
    """How the township names itself: 我镇, 我乡, 我街道."""
    for suffix in ("街道", "镇", "乡"):
        if r.township.endswith(suffix):
            return "我" + suffix
    return "我镇"


def subtitle(r: TownshipReport) -> str:
    return f"（截至{cn_date(r.as_of)}）"


def opening(r: TownshipReport) -> str:
    return f"按照会议安排，现将{r.township}不良贷款清收工作情况作以简要汇报，不妥之处敬请批评指正。"


def since(r: TownshipReport, today: date | None = None) -> str:
    """截止目前 for a report of today, else the date it is as of."""
    return "截止目前" if r.as_of == (today or date.today()) else f"截至{cn_date(r.as_of)}"


def progress(r: TownshipReport, today: date | None = None) -> list[str]:
    """一、完成情况 in the reports' sentences."""
    t, me = r.totals, we(r)
    return [f"{me}目前有清收任务{t.loans}笔、{wan(t.task_fen)}万元。{since(r, today)}，{me}已清收{t.repaid}笔"
            f"（含部分还款）、{wan(t.recovered_fen)}万元，剩余清收金额{wan(t.outstanding_fen)}万元，清收率{pct(t.rate)}。",
            f"其中已结清{t.settled}笔。{me}共有借款户{t.households}户，已走访{t.visited}户。"
            f"各村（社区）和各责任人的清收情况见附表1、附表2。"]


def categories_intro(r: TownshipReport) -> str:
    return f"{we(r)}将特殊不良贷款按照清收对象划分为九类，分别为{KINDS_LIST}。{CATEGORY_NOTE}"


def _amount(n: int, fen: int) -> str:
    return f"{n}笔、{wan(fen)}万元"


def category_items(r: TownshipReport) -> list[tuple[str, str]]:
    """(lead, sentence) for each of the nine kinds: (“（一）“公职人员贷款”。”, “我镇现有…”)."""
    return [(f"（{NUMERALS[i]}）“{GROUP_TITLES.get(g.code, g.name)}”。", _sentence(r, g, we(r)))
            for i, g in enumerate(r.groups)]


def _sentence(r: TownshipReport, g: CategoryLine, me: str) -> str:
    if g.loans == 0:
        return f"{me}目前没有此类贷款。"
    a = _amount(g.loans, g.task_fen)
    if g.code in SUB_KINDS:
        parts = [(words, r.category(code)) for code, _label, words in SUB_KINDS[g.code]]
        parts = [f"{words}{_amount(c.loans, c.task_fen)}" for words, c in parts if c.loans]
        if g.code == "impersonated_staff":
            return f"{me}现有{'，'.join(parts)}。"
        return f"现有{'；'.join(parts)}" + (f"（共{a}）。" if len(parts) > 1 else "。")
    return {
        "public_servant": f"{me}现有公职人员不良贷款清收任务{a}。",
        "deceased": f"借款人已死亡{a}。",
        "imprisoned": f"借款人正在服刑的{a}。",
        "unreachable": f"{me}仍有{a}借款人经多方联系失联。",
        "absent": f"{me}空挂户贷款现有{a}。",
        "litigation": f"涉及法院起诉{a}。",
        "large_mortgage": f"大额贷款（100万元）以上的抵押贷款涉及{a}。",
    }.get(g.code, f"{me}现有{g.name}{a}。")


def category_rows(r: TownshipReport) -> list[tuple[str, CategoryLine, bool]]:
    """(label, figures, is a sub-kind) for the category table: each kind, and under the two
    kinds that have them, their sub-kinds (其中：…)."""
    out = []
    for g in r.groups:
        out.append((GROUP_TITLES.get(g.code, g.name), g, False))
        for code, label, _words in SUB_KINDS.get(g.code, ()):
            out.append((f"其中：{label}", r.category(code), True))
    return out


def category_cells(label: str, c: CategoryLine) -> list[str]:
    return [label, str(c.loans), str(c.households), wan(c.task_fen), wan(c.recovered_fen), pct(c.rate)]


def village_cells(i: int | None, v: Line) -> list[str]:
    return ["" if i is None else str(i), v.name, str(v.loans), str(v.households), wan(v.task_fen),
            wan(v.recovered_fen), pct(v.rate), str(v.settled), str(v.visited)]


def staff_cells(i: int | None, s: Line) -> list[str]:
    return ["" if i is None else str(i), s.name, s.detail, str(s.loans), str(s.households), wan(s.task_fen),
            wan(s.recovered_fen), pct(s.rate), str(s.settled), str(s.visited)]


def village_table(r: TownshipReport) -> list[list[str]]:
    """The rows of 附表1 under its header: the villages, then the township's totals (合计)."""
    rows = [village_cells(i, v) for i, v in enumerate(r.villages, start=1)]
    total = village_cells(None, r.totals)
    total[1] = "合计"
    return rows + [total]


def staff_table(r: TownshipReport) -> list[list[str]]:
    return [staff_cells(i, s) for i, s in enumerate(r.staff, start=1)]


def footer(r: TownshipReport) -> str:
    return f"{r.township}不良贷款清收工作情况汇报（截至{cn_date(r.as_of)}）"
