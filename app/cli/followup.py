"""``qingshou followup …``: what bank ledger imports left for a person to check (台账核实).

    followup list   the items (open ones by default), newest import first
    followup check  mark items as checked (核实), or take the mark back (--undo)
"""
from __future__ import annotations

import argparse

from app.cli.common import ChineseArgumentParser, add_db, add_json, database, emit_json
from app.cli.work import _actor
from app.domain.errors import InputError


def register(sub) -> None:
    fu = sub.add_parser("followup", help="台账核实：银行台账导入后待核实的提示（缺少的贷款、姓名或村不符、身份证号、银行报告的还款）")
    cmds = fu.add_subparsers(dest="followup_command", metavar="子命令", parser_class=ChineseArgumentParser)

    p = cmds.add_parser("list", help="列出待核实的提示（--all 包括已核实的）")
    add_db(p)
    _which(p)
    seen = p.add_mutually_exclusive_group()
    seen.add_argument("--checked", action="store_true", help="只列出已核实的")
    seen.add_argument("--all", action="store_true", help="已核实的和待核实的都列出")
    p.add_argument("--township", default=None, metavar="名称")
    p.add_argument("--limit", type=int, default=None, metavar="N", help="最多列出几条")
    add_json(p)
    p.set_defaults(handler=cmd_list)

    p = cmds.add_parser("check", help="标记为已核实（记入操作日志）；--undo 撤销")
    add_db(p)
    p.add_argument("ids", nargs="*", metavar="编号", help="提示的编号（followup list 列出的 id）")
    _which(p)
    p.add_argument("--note", default=None, metavar="文字", help="核实情况")
    p.add_argument("--undo", action="store_true", help="撤销核实标记")
    add_json(p)
    p.set_defaults(handler=cmd_check)
    fu.set_defaults(handler=lambda args: _usage(fu))


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def _which(p) -> None:
    who = p.add_mutually_exclusive_group()
    who.add_argument("--household", default=None, metavar="ID", help="一个借款户的")
    who.add_argument("--loan", default=None, metavar="借据号", help="一笔贷款的")
    p.add_argument("--kind", default=None, metavar="种类", help="一种提示，如 name_differs、missing_from_ledger")


def cmd_list(args: argparse.Namespace) -> int:
    from app.services import households
    from app.services.ledger_import import followup as import_followup

    with database(args) as db:
        township_id = households.filter_from_labels(db, township=args.township).township_id if args.township else None
        checked = None if args.all else bool(args.checked)
        found = import_followup.items(db, household_id=args.household, loan_no=args.loan, kind=args.kind,
                                      township_id=township_id, checked=checked, limit=args.limit)
        households.prepare(db)
        kinds = import_followup.open_kinds(db)
    if args.json:
        emit_json({"total": len(found), "items": [x.to_json() for x in found],
                   "kinds": [{"kind": k, "name": import_followup.kind_name(k), "households": n} for k, n in kinds]})
        return 0
    print(f"共 {len(found)} 条" + ("" if args.all or args.checked else "待核实"))
    for x in found:
        mark = f"  已核实（{x.checked_by} {x.checked_at:%Y-%m-%d}）" if x.checked else ""
        print(f"  {x.id}  {x.head_name or '—'}  {x.kind_name}：{x.message}  {x.source}{mark}")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from app.services.ledger_import import followup as import_followup

    with database(args) as db:
        ids = list(args.ids)
        if args.household or args.loan or args.kind:
            ids += [x.id for x in import_followup.items(db, household_id=args.household, loan_no=args.loan,
                                                        kind=args.kind, checked=bool(args.undo))]
        elif not ids:
            raise InputError("请给出提示的编号，或用 --household / --loan / --kind 指明要核实哪些提示")
        if not ids:
            raise InputError("没有符合条件的" + ("已核实" if args.undo else "待核实") + "提示")
        done = import_followup.mark_checked(db, ids, _actor(args, db), note=args.note, undo=args.undo)
    if args.json:
        emit_json({"checked": [] if args.undo else [x.id for x in done],
                   "unchecked": [x.id for x in done] if args.undo else [], "items": [x.to_json() for x in done]})
        return 0
    print(("已撤销核实" if args.undo else "已核实") + f" {len(done)} 条台账提示")
    return 0
