"""The bulletin's words and number formats, shared by its PDF, its workbook and the window:
amounts in 万元 with two decimals (rounded half up from fen), rates as percentages with two
decimals, changes since the last issue (较上期) with their sign, rank moves as ↑ / ↓."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from app.domain.bulletin import Bulletin, Standing


def wan(fen: int) -> str:
    """万元, two decimals: 11_791_400_00 fen → "1179.14"."""
    value = (Decimal(fen) / Decimal(1_000_000)).quantize(Decimal("0.01"), ROUND_HALF_UP)
    return f"{value:,.2f}"


def pct(rate: Decimal) -> str:
    return f"{rate * 100:.2f}%"


def signed_wan(fen: int | None) -> str:
    if fen is None:
        return "—"
    return ("+" if fen > 0 else "") + wan(fen)


def points(delta: Decimal | None) -> str:
    """A rate change in percentage points: "+1.25", "-0.40", "0.00"."""
    if delta is None:
        return "—"
    return ("+" if delta > 0 else "") + f"{delta:.2f}"


def move(change: int | None) -> str:
    if change is None:
        return "—"
    if change > 0:
        return f"↑{change}"
    if change < 0:
        return f"↓{-change}"
    return "持平"


def cn_date(d) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def issuer(b: Bulletin) -> str:
    return f"{b.unit_name}不良贷款清收工作领导小组办公室"


def _names(ts: list[Standing]) -> str:
    return "、".join(t.name for t in ts)


def _list(values: list[str]) -> str:
    if len(values) <= 1:
        return "".join(values)
    return "、".join(values[:-1]) + "和" + values[-1]


def summary_paragraphs(b: Bulletin) -> list[str]:
    """The progress in the speech's sentences (截止目前，全区共收回不良贷款总额为…)."""
    t = b.totals
    n = len(b.townships)
    out = [f"截至{cn_date(b.as_of)}，全区共有清收任务{t.loans}笔、{wan(t.task_fen)}万元，"
           f"共收回不良贷款总额为{wan(t.recovered_fen)}万元，占任务的{pct(t.rate)}，已结清{t.settled}笔，"
           f"尚有{wan(t.outstanding_fen)}万元贷款未收回。"]
    if t.prev_recovered_fen is not None:
        d = t.delta_recovered_fen
        out[0] += (f"较上期（第{b.prev_issue_no}期，截至{cn_date(b.prev_as_of)}）"
                   f"{'增加' if d >= 0 else '减少'}{wan(abs(d))}万元，清收率"
                   f"{'提高' if t.delta_rate_points >= 0 else '下降'}{abs(t.delta_rate_points):.2f}个百分点。")
    if n:
        top, most = b.top(), b.top_amount()
        k = len(top)
        out.append(f"在{n}个乡镇中，清收任务完成比例最高的前{k}个乡镇{_names(top)}分别达到了"
                   f"{_list([pct(x.rate) for x in top])}；清收任务额完成最多的前{k}个乡镇{_names(most)}分别达到了"
                   f"{_list([wan(x.recovered_fen) + '万元' for x in most])}。")
        if b.bottom():
            out[-1] += (f"清收任务完成比例最低的{len(b.bottom())}个乡镇{_names(b.bottom())}分别只有"
                        f"{_list([pct(x.rate) for x in b.bottom()])}。")
        out.append(f"目前有{len(b.above)}个乡镇清收率超过了{pct(b.high).replace('.00', '')}，"
                   f"有{len(b.below)}个乡镇清收率不足{pct(b.low).replace('.00', '')}。")
    return out


def watch_paragraphs(b: Bulletin) -> list[str]:
    """Items to watch (需要关注的问题), one sentence each."""
    out = []
    if b.prev_issue_no is None:
        out.append("本期为首期通报，下期起列出较上期无进展的乡镇。")
    elif b.no_progress:
        out.append(f"较上期无进展的乡镇（{len(b.no_progress)}个）：{_names(b.no_progress)}，已清收金额与上期持平。")
    else:
        out.append("各乡镇较上期均有新的清收进展。")
    big = sum(x.task_fen for x in b.large_loans)
    if b.large_loans:
        out.append(f"100万元以上的大额贷款中，尚无还款、也未走访的有{len(b.large_loans)}笔、{wan(big)}万元，见附表。")
    else:
        out.append("100万元以上的大额贷款均已有还款或走访记录。")
    broken = [t for t in b.townships if t.broken_promises]
    if broken:
        detail = "、".join(f"{t.name}{t.broken_promises}户" for t in sorted(broken, key=lambda t: -t.broken_promises))
        out.append(f"承诺还款到期未还的共{b.broken_promises}户：{detail}。")
    else:
        out.append("没有承诺还款到期未还的借款户。")
    if b.stale:
        out.append(f"数据超过{b.stale_days}天未更新的乡镇（{len(b.stale)}个）：{_names(b.stale)}，"
                   f"其排名所依据的数据可能不是最新的，请及时报送。")
    else:
        out.append(f"各乡镇数据均在{b.stale_days}天内更新。")
    return out


def closing(b: Bulletin) -> str:
    if not b.bottom():
        return ""
    return (f"对清收率排名靠前的{_names(b.top())}提出表扬；对排名靠后的{_names(b.bottom())}提出批评，"
            f"请相关乡镇认真分析原因，细化措施，加快清收进度。")
