"""``qingshou household edit``: a household's editable fields from the command line
(``app.services.households.edit``, the household page's own change)."""
from __future__ import annotations

import argparse

from app.cli.common import ChineseArgumentParser, actor, add_db, add_json, database, emit_json

FIELD_NAMES = {"phone": "电话", "address": "住址", "capacity": "还款能力", "capacity_reason": "研判理由",
               "note": "备注", "categories": "类别"}


def add_household_edit(parent: argparse.ArgumentParser) -> None:
    cmds = parent.add_subparsers(dest="household_command", metavar="子命令", parser_class=ChineseArgumentParser)
    p = cmds.add_parser(
        "edit", help="修改借款户的电话、住址、还款能力、备注、类别", prog="qingshou household edit",
        description="修改一个借款户的可编辑资料，和一户一策页面的修改相同：记入操作日志，随下一个数据包交到区里。"
                    "只改给出的项；文字项给空字符串（\"\"）即清空。")
    add_db(p)
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--id", dest="edit_id", metavar="ID", help="借款户编号")
    which.add_argument("--loan", dest="edit_loan", metavar="借据号", help="借款户的任一借据号")
    p.add_argument("--phone", default=None, metavar="电话",
                   help="手机号（11 位）或座机（如 0931-8123456）；空字符串清空")
    p.add_argument("--address", default=None, metavar="住址")
    p.add_argument("--capacity", default=None, metavar="研判",
                   help="还款能力：unknown 未研判、able 有偿还能力、partial 部分能力、unable 无能力、evasive 恶意逃废债"
                        "（也可写中文；研判理由用 --reason）")
    p.add_argument("--reason", dest="capacity_reason", default=None, metavar="理由", help="还款能力研判的理由")
    p.add_argument("--add-category", action="append", default=[], metavar="类别",
                   help="加上一个特殊类别（summary 的类别代码或中文名，可写多次）")
    p.add_argument("--remove-category", action="append", default=[], metavar="类别", help="去掉一个特殊类别（可写多次）")
    p.add_argument("--note", dest="edit_note", default=None, metavar="文字", help="备注")
    add_json(p)
    p.set_defaults(handler=cmd_household_edit)


def cmd_household_edit(args: argparse.Namespace) -> int:
    from app.services.households import HouseholdEdit, edit_household

    edit = HouseholdEdit(phone=args.phone, address=args.address, capacity=args.capacity,
                         capacity_reason=args.capacity_reason, note=args.edit_note,
                         add_categories=args.add_category, remove_categories=args.remove_category)
    with database(args) as db:
        result = edit_household(db, edit, actor(args, db), household_id=args.edit_id, loan_no=args.edit_loan)
    if args.json:
        emit_json(result.to_json())
    elif result.changed:
        print(f"已修改借款户 {result.head_name}：{'、'.join(FIELD_NAMES[c] for c in result.changed)}")
    else:
        print(f"借款户 {result.head_name} 的资料没有变化")
    return 0
