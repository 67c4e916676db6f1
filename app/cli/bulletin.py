"""``qingshou bulletin``: the district's ten-day bulletin (十天一通报) to PDF or Excel.

Writing a bulletin for a new date issues it (the next 第N期 of that year, kept so the next
issue compares with it); a date already issued prints that issue again as it was first
issued; ``--preview`` writes the file without issuing.  A township's database (a laptop) may
only preview: the bulletin ranks the townships and is the district's to issue.
"""
from __future__ import annotations

import argparse
from datetime import datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

from app.cli.common import actor, add_db, add_json, database, emit_json, output_file, parse_date
from app.domain.bulletin import HIGH_RATE, LOW_RATE, STALE_DAYS
from app.domain.errors import InputError

KINDS = {".pdf": "PDF", ".xlsx": "Excel"}


def register(sub) -> None:
    p = sub.add_parser("bulletin", help="全区清收工作进展通报（十天一通报），PDF 或 Excel")
    add_db(p)
    p.add_argument("--out", type=Path, required=True, metavar="文件", help="保存为 .pdf 或 .xlsx")
    p.add_argument("--as-of", type=parse_date, default=None, metavar="日期", help="截至日期（默认今天）")
    p.add_argument("--high", type=_percent, default=HIGH_RATE, metavar="百分比",
                   help=f"清收率超过多少算靠前（默认 {HIGH_RATE * 100:.0f}）")
    p.add_argument("--low", type=_percent, default=LOW_RATE, metavar="百分比",
                   help=f"清收率不足多少算靠后（默认 {LOW_RATE * 100:.0f}）")
    p.add_argument("--stale-days", type=int, default=STALE_DAYS, metavar="天",
                   help=f"乡镇数据超过几天未更新算过期（默认 {STALE_DAYS}）")
    p.add_argument("--preview", action="store_true", help="只生成文件，不发布（不占期次）")
    add_json(p)
    p.set_defaults(handler=cmd_bulletin)


def _percent(text: str) -> Decimal:
    try:
        value = Decimal(text.strip().rstrip("%"))
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"不是百分比：{text}（如 60 表示 60%）") from None
    if not Decimal(0) <= value <= Decimal(100):
        raise argparse.ArgumentTypeError(f"百分比应在 0 到 100 之间：{text}")
    return (value / 100).quantize(Decimal("0.0001"))


def cmd_bulletin(args: argparse.Namespace) -> int:
    from app.reports.bulletin_pdf import write_bulletin_pdf
    from app.reports.bulletin_xlsx import write_bulletin_xlsx
    from app.services.reporting import bulletin

    suffix = Path(args.out).suffix.lower()
    if suffix not in KINDS:
        raise InputError(f"通报只能保存为 .pdf 或 .xlsx 文件：{args.out}；没有生成通报")
    out = output_file(args.out, f"通报{KINDS[suffix]}文件", refused="没有生成通报")
    with database(args) as db:
        if not args.preview:
            reason = bulletin.issue_refusal(db)
            if reason is not None:
                raise InputError(f"{reason}；乡镇只能预览（加 --preview）；没有生成通报")
        b = bulletin.prepare(db, args.as_of, high=args.high, low=args.low, stale_days=args.stale_days)
        issued_now = not b.reprint and not args.preview
        if issued_now:
            b.issued_at = datetime.now().replace(microsecond=0)   # printed as issued; kept once written
        tmp = out.with_name(out.name + ".part")
        try:
            (write_bulletin_pdf if suffix == ".pdf" else write_bulletin_xlsx)(b, tmp)
            tmp.replace(out)
        finally:
            tmp.unlink(missing_ok=True)
        if issued_now:
            bulletin.keep(db, b, actor(args, db))
    status = "reprint" if b.reprint else ("preview" if args.preview else "issued")
    if args.json:
        emit_json({"out": str(out), "issue": b.issue_no, "year": b.year, "as_of": b.as_of.isoformat(),
                   "status": status, "previous_as_of": b.prev_as_of.isoformat() if b.prev_as_of else None})
    else:
        what = {"issued": "已发布", "reprint": "已重印", "preview": "预览（未发布）"}[status]
        print(f"{what}第{b.issue_no}期通报（截至 {b.as_of}）：{out}")
    return 0
