"""``qingshou operator``: who works at this laptop (the name on receipts and in the audit log).

    qingshou operator --db P            shows the operator stored in this database
    qingshou operator --db P 张三       stores 张三 as this laptop's operator
"""
from __future__ import annotations

import argparse

from app.cli.common import add_db, add_json, database, emit_json


def register(sub) -> None:
    p = sub.add_parser("operator", help="本机操作员（经办人）：查看或设置")
    add_db(p)
    p.add_argument("name", nargs="?", default=None, metavar="姓名", help="设为本机操作员的姓名（不写则只查看）")
    add_json(p)
    p.set_defaults(handler=cmd_operator)


def cmd_operator(args: argparse.Namespace) -> int:
    from app.services.foundation import operators

    with database(args) as db:
        op = operators.set_current(db, args.name) if args.name is not None else operators.current(db)
    if args.json:
        emit_json({"operator": op.to_json() if op else None})
    elif op is None:
        print("本机还没有设置操作员。用 qingshou operator 姓名 设置（窗口里：设置 → 操作员）。")
    else:
        print(f"本机操作员：{op.name}" + ("（已保存）" if args.name is not None else ""))
    return 0
