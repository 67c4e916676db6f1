"""``qingshou reconcile``: loan by loan, the principal townships recorded against the drops of the
bank's balance between its ledgers (对账), as a workbook with what to check for each difference.

How each kind is decided is app/domain/reconcile.py; the workbook app/reports/reconcile_xlsx.py."""
from __future__ import annotations

import argparse
from pathlib import Path

from app.cli.common import add_db, add_json, database, emit_json, output_file
from app.domain.errors import InputError

REFUSED = "没有生成对账表"


def register(sub) -> None:
    p = sub.add_parser("reconcile", help="对账：乡镇登记的还款与银行台账逐笔核对（Excel）")
    add_db(p)
    p.add_argument("--out", type=Path, required=True, metavar="文件", help="保存为 .xlsx")
    p.add_argument("--township", default=None, metavar="名称", help="只核对这个乡镇（默认：数据库里的全部乡镇）")
    add_json(p)
    p.set_defaults(handler=cmd_reconcile)


def cmd_reconcile(args: argparse.Namespace) -> int:
    from app.reports.reconcile_xlsx import write_reconciliation_xlsx
    from app.services.reporting import reconcile

    if Path(args.out).suffix.lower() != ".xlsx":
        raise InputError(f"对账表只能保存为 .xlsx 文件：{args.out}；{REFUSED}")
    out = output_file(args.out, "对账表", refused=REFUSED)
    with database(args) as db:
        r = reconcile.prepare(db, args.township)
    tmp = out.with_name(out.name + ".part")
    try:
        write_reconciliation_xlsx(r, tmp)
        tmp.replace(out)
    finally:
        tmp.unlink(missing_ok=True)
    if args.json:
        emit_json({"out": str(out), **r.to_json()})
    else:
        print(f"已生成{r.scope}对账表：{out}")
        print(r.sentence())
    return 0

