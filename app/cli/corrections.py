"""``repay void`` and ``visit void``: 冲正 a repayment, 作废 a visit recorded wrong, and record the
corrected one in its place (``app.services.work.corrections``).  Sub-commands of ``repay`` and
``visit`` (app/cli/work.py); --db and --json may stand before or after ``void``."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from app.cli.common import ChineseArgumentParser, actor, database, emit_json, parse_date
from app.domain.errors import InputError
from app.domain.money import format_yuan


def fen_arg(text: str, what: str) -> int:
    from app.domain.money import parse_typed_yuan

    return parse_typed_yuan(text, what)


def outcome_arg(text: str) -> str:
    from app.services.foundation import outcome_code

    try:
        return outcome_code(text)
    except InputError as exc:   # names the outcomes with their Chinese names
        raise argparse.ArgumentTypeError(str(exc)) from None


def _void_common(p: argparse.ArgumentParser, what: str) -> None:
    """--db and --json may stand before or after ``void`` (SUPPRESS: not given here, the other kept)."""
    p.add_argument("--reason", required=True, metavar="原因", help=f"{what}原因（必填，记入审计日志）")
    p.add_argument("--db", type=Path, default=argparse.SUPPRESS, metavar="文件", help="数据库文件")
    p.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="以 JSON 输出结果")


def add_void_repay(parent: argparse.ArgumentParser) -> None:
    cmds = parent.add_subparsers(dest="repay_command", metavar="子命令", parser_class=ChineseArgumentParser)
    p = cmds.add_parser("void", help="冲正一笔登记错的还款，可同时登记更正后的还款", prog="qingshou repay void",
                        description="冲正（作废）一笔乡镇登记的还款：它不再计入任何数字；给出 --amount 或 --date "
                                    "时，同时在同一笔贷款上登记更正后的还款（未给的按原还款）。按协议的收款整笔冲正。")
    p.add_argument("repayment", nargs="?", metavar="还款编号",
                   help="repay --json 的 repayment_id，或 household --json 中还款的 id")
    p.add_argument("--loan", dest="void_loan", default=None, metavar="借据号",
                   help="不写编号时：冲正这笔贷款最近登记的一笔还款")
    p.add_argument("--amount", dest="fix_amount", default=None, metavar="元", help="更正后的还款金额（元）")
    p.add_argument("--date", dest="fix_date", type=parse_date, default=None, metavar="日期", help="更正后的还款日期")
    p.add_argument("--receipt", dest="fix_receipt", default=None, metavar="编号", help="更正后的收据编号")
    p.add_argument("--note", dest="fix_note", default=None, metavar="文字", help="更正后的备注")
    _void_common(p, "冲正")
    p.set_defaults(handler=cmd_repay_void)


def add_void_visit(parent: argparse.ArgumentParser) -> None:
    cmds = parent.add_subparsers(dest="visit_command", metavar="子命令", parser_class=ChineseArgumentParser)
    p = cmds.add_parser("void", help="作废一次登记错的走访，可同时记录更正后的走访", prog="qingshou visit void",
                        description="作废一次走访：它不再计入跟进、承诺等；给出任一更正内容时，同时记录更正后的走访"
                                    "（未给的内容按原走访）。")
    p.add_argument("visit", nargs="?", metavar="走访编号", help="visit --json 的 visit_id，或 household --json 中走访的 id")
    p.add_argument("--loan", dest="void_loan", default=None, metavar="借据号",
                   help="不写编号时：作废这笔贷款最近记录的一次走访")
    p.add_argument("--date", dest="fix_visited_on", type=parse_date, default=None, metavar="日期", help="更正后的走访日期")
    p.add_argument("--outcome", dest="fix_outcome", type=outcome_arg, default=None, metavar="结果", help="更正后的走访结果")
    p.add_argument("--method", dest="fix_method", default=None, metavar="方式", help="更正后的走访方式")
    p.add_argument("--visitors", dest="fix_visitors", default=None, metavar="姓名", help="更正后的走访人")
    p.add_argument("--promised-amount", dest="fix_promised_fen", default=None, metavar="元", help="更正后的承诺金额")
    p.add_argument("--promised-date", dest="fix_promised_date", type=parse_date, default=None, metavar="日期",
                   help="更正后的承诺还款日期")
    p.add_argument("--next", dest="fix_next_date", type=parse_date, default=None, metavar="日期", help="更正后的下次跟进日期")
    p.add_argument("--note", dest="fix_note", default=None, metavar="文字", help="更正后的备注")
    _void_common(p, "作废")
    p.set_defaults(handler=cmd_visit_void)


def _which(args: argparse.Namespace, given: str | None, what: str) -> int | None:
    """Exactly one of the positional id and --loan names the fact to void."""
    if bool(given) == bool(args.void_loan):
        return usage_error(args, f"请写{what}编号，或用 --loan 借据号 指最近的一条（二者只写一个）")
    return None


def usage_error(args: argparse.Namespace, message: str) -> int:
    """Exit 2 the way argparse does (usage, then one Chinese line), before touching the database."""
    parser = args.usage_of
    parser.print_usage(sys.stderr)
    print(f"{parser.prog}：用法错误：{message}", file=sys.stderr)
    return 2


def _before_void(args: argparse.Namespace, fields: list[str]) -> int | None:
    """Flags of the recording command given before ``void`` would be silently lost: refused."""
    given = [f"--{name.replace('_', '-')}" for name in fields if getattr(args, name, None) not in (None, False)]
    if given:
        return usage_error(args, f"{'、'.join(given)} 写在了 void 前面；更正的内容请写在 void 和编号之后")
    return None


def cmd_repay_void(args: argparse.Namespace) -> int:
    from app.services.work import latest_fact, void_repayment

    refused = _before_void(args, ["loan", "amount", "date", "receipt", "note"])
    if refused:
        return refused
    refused = _which(args, args.repayment, "还款")
    if refused:
        return refused
    amount = fen_arg(args.fix_amount, "更正后的还款金额") if args.fix_amount else None
    with database(args) as db:
        rid = args.repayment or latest_fact(db, "repayment", args.void_loan)
        c = void_repayment(db, rid, reason=args.reason, amount_fen=amount, paid_on=args.fix_date,
                           receipt_no=args.fix_receipt, note=args.fix_note, actor=actor(args, db))
    if args.json:
        emit_json(c.to_json())
    else:
        print(f"{c.sentence()}；借据号 {c.loan_nos[0]} 尚欠本金 {format_yuan(c.outstanding_fen or 0)} 元"
              + (f"（更正后的还款编号 {c.corrected_id}）" if c.corrected_id else ""))
    return 0


def cmd_visit_void(args: argparse.Namespace) -> int:
    from app.services.work import VISIT_FIELDS, latest_fact, void_visit

    refused = _before_void(args, ["loan", "household", "date", "outcome", "visitors", "promised_amount",
                                  "promised_date", "next", "note"])
    if refused:
        return refused
    if args.method != "home":
        return usage_error(args, "--method 写在了 void 前面；更正的内容请写在 void 和编号之后")
    fix = {f: getattr(args, f"fix_{f}") for f in VISIT_FIELDS if getattr(args, f"fix_{f}", None) is not None}
    if "promised_fen" in fix:
        fix["promised_fen"] = fen_arg(fix["promised_fen"], "更正后的承诺还款金额")
    refused = _which(args, args.visit, "走访")
    if refused:
        return refused
    with database(args) as db:
        vid = args.visit or latest_fact(db, "visit", args.void_loan)
        c = void_visit(db, vid, reason=args.reason, correction=fix or None, actor=actor(args, db))
    if args.json:
        emit_json(c.to_json())
    else:
        print(c.sentence() + (f"（更正后的走访编号 {c.corrected_id}）" if c.corrected_id else ""))
    return 0
