"""``qingshou report``: a township's own progress report (情况汇报) as Word, PDF or Excel.

The figures are the township's line of ``summary --as-of`` for the same date; the Word document
is the form a township edits before it goes out."""
from __future__ import annotations

import argparse
from pathlib import Path

from app.cli.common import add_db, add_json, database, emit_json, output_file, parse_date
from app.domain.errors import InputError
from app.domain.money import yuan_str

REFUSED = "没有生成情况汇报"


def register(sub) -> None:
    p = sub.add_parser("report", help="乡镇清收工作情况汇报：Word、PDF 或 Excel")
    add_db(p)
    p.add_argument("--township", required=True, metavar="名称", help="乡镇名称（如 柳林镇）")
    p.add_argument("--out", type=Path, required=True, metavar="文件", help="保存为 .docx、.pdf 或 .xlsx")
    p.add_argument("--as-of", type=parse_date, default=None, metavar="日期", help="截至日期（默认今天）")
    add_json(p)
    p.set_defaults(handler=cmd_report)


def cmd_report(args: argparse.Namespace) -> int:
    from app.reports.township_report import KINDS, write
    from app.services.reporting import rate_number, township_report

    suffix = Path(args.out).suffix.lower()
    if suffix not in KINDS:
        raise InputError(f"情况汇报只能保存为 .docx、.pdf 或 .xlsx 文件：{args.out}；{REFUSED}")
    out = output_file(args.out, f"情况汇报{KINDS[suffix]}文件", refused=REFUSED)
    with database(args) as db:
        r = township_report.prepare(db, args.township, args.as_of)
    tmp = out.with_name(out.name + ".part")
    try:
        write(r, tmp, suffix)
        tmp.replace(out)
    finally:
        tmp.unlink(missing_ok=True)
    if args.json:
        t = r.totals
        emit_json({"out": str(out), "township": r.township, "as_of": r.as_of.isoformat(), "loans": t.loans,
                   "task_amount": yuan_str(t.task_fen), "recovered": yuan_str(t.recovered_fen),
                   "outstanding": yuan_str(t.outstanding_fen), "recovery_rate": rate_number(t.rate),
                   "loans_settled": t.settled})
    else:
        print(f"已生成{r.township}情况汇报（截至 {r.as_of}）：{out}")
    return 0
