"""``qingshou assess``: the monthly assessment (月考核) of townships, villages and responsible
people for a month that has ended, to PDF or Excel (default: the last month that has ended)."""
from __future__ import annotations

import argparse
from pathlib import Path

from app.cli.common import add_db, add_json, database, emit_json, output_file
from app.domain.errors import InputError
from app.domain.money import yuan_str

REFUSED = "没有生成月考核"


def register(sub) -> None:
    p = sub.add_parser("assess", help="月考核：各乡镇、村社、责任人一个月的清收、走访和承诺兑现排名，PDF 或 Excel")
    add_db(p)
    p.add_argument("--month", type=_month, default=None, metavar="YYYY-MM", help="考核的月份（默认：上个月）")
    p.add_argument("--out", type=Path, required=True, metavar="文件", help="保存为 .pdf 或 .xlsx")
    p.add_argument("--township", default=None, metavar="名称", help="只考核这个乡镇（它的各村和责任人）")
    add_json(p)
    p.set_defaults(handler=cmd_assess)


def _month(text: str) -> tuple[int, int]:
    from app.domain.dates import parse_month_text

    try:
        return parse_month_text(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def cmd_assess(args: argparse.Namespace) -> int:
    from app.reports.assessment import KINDS, write
    from app.services.reporting import assessment

    suffix = Path(args.out).suffix.lower()
    if suffix not in KINDS:
        raise InputError(f"月考核只能保存为 .pdf 或 .xlsx 文件：{args.out}；{REFUSED}")
    out = output_file(args.out, f"月考核{KINDS[suffix]}文件", refused=REFUSED)
    year, month = args.month or (None, None)
    with database(args) as db:
        a = assessment.prepare(db, year, month, township=args.township)
    tmp = out.with_name(out.name + ".part")
    try:
        write(a, tmp, suffix)
        tmp.replace(out)
    finally:
        tmp.unlink(missing_ok=True)
    if args.json:
        emit_json({"out": str(out), "month": f"{a.year}-{a.month:02d}", "first": a.first.isoformat(),
                   "last": a.last.isoformat(), "unit": a.unit_name, "scope": a.scope, "totals": _json(a.totals),
                   "townships": [_json(t) for t in a.townships],
                   "villages": [_json(v, township=v.township) for v in a.villages],
                   "people": [_json(x, township=x.township, detail=x.detail) for x in a.people]})
    else:
        print(f"已生成{a.title}：{out}")
    return 0


def _json(x, **extra) -> dict:
    from app.services.reporting import rate, rate_number

    return {"name": x.name, **extra, "rank": x.rank or None, "loans": x.loans, "households": x.households,
            "task_amount": yuan_str(x.task_fen), "recovered_in_month": yuan_str(x.month_fen),
            "recovered": yuan_str(x.recovered_fen), "outstanding": yuan_str(x.outstanding_fen),
            "recovery_rate": rate_number(rate(x.recovered_fen, x.task_fen)), "rate_shown": f"{x.rate}%",
            "loans_settled": x.settled, "visits": x.visits, "never_visited": x.never_visited,
            "promises_due": x.promises, "promises_kept": x.kept, "promises_broken": x.broken}
