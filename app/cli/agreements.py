"""``qingshou agreement …``: repayment agreements on the command line (CLI.md).

    agreement quote   what loans owe on a date (nothing written)
    agreement create  a new agreement with its schedule (status draft)
    agreement revise  change one: a draft in place, a printed or signed one as a new version
    agreement show / list
    agreement sign / cancel
    agreement pay     money paid under an agreement (prints its receipt number)
    agreement pdf     the agreement, the reduction sheet or a receipt as PDF
"""
from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from app.cli.common import ChineseArgumentParser, actor, add_db, add_json, database, emit_json, output_file, parse_date
from app.domain.agreement_status import status_name
from app.domain.errors import InputError
from app.domain.interest import format_rate, parse_rate
from app.domain.money import format_yuan, parse_typed_yuan, to_chinese_capital, yuan_str


def register(sub) -> None:
    ag = sub.add_parser("agreement", help="还款协议：测算、生成、打印、签订、收款")
    cmds = ag.add_subparsers(dest="agreement_command", metavar="子命令", parser_class=ChineseArgumentParser)

    p = cmds.add_parser("quote", help="测算贷款在某日的欠款（不保存）")
    add_db(p)
    _loans_rates(p)
    add_json(p)
    p.set_defaults(handler=cmd_quote)

    p = cmds.add_parser("create", help="生成还款协议及还款计划")
    add_db(p)
    _plan_flags(p)
    p.add_argument("--dry-run", action="store_true", help="只测算并显示，不保存")
    add_json(p)
    p.set_defaults(handler=cmd_create)

    p = cmds.add_parser("revise", help="修改协议：草稿直接修改，已打印或已签订的生成新版本")
    add_db(p)
    p.add_argument("agreement", metavar="协议", help="协议 ID 或编号")
    _plan_flags(p)
    add_json(p)
    p.set_defaults(handler=cmd_revise)

    p = cmds.add_parser("show", help="查看一份协议")
    add_db(p)
    p.add_argument("agreement", metavar="协议", help="协议 ID 或编号")
    p.add_argument("--as-of", type=parse_date, default=None, metavar="日期", help="按此日期核对履行情况（默认今天）")
    add_json(p)
    p.set_defaults(handler=cmd_show)

    p = cmds.add_parser("list", help="协议列表；--broken 违约的，--due N 近 N 天到期的")
    add_db(p)
    p.add_argument("--status", default=None, metavar="状态",
                   choices=["draft", "printed", "signed", "fulfilled", "broken", "cancelled", "superseded"],
                   help="draft|printed|signed|fulfilled|broken|cancelled|superseded")
    p.add_argument("--all", action="store_true", help="包括已被新版本替代的旧版本")
    p.add_argument("--broken", action="store_true", help="截至 --as-of 已违约（逾期超过宽限期）的协议")
    p.add_argument("--due", type=int, default=None, metavar="天数", help="截至 --as-of 起若干天内到期或已逾期的协议")
    p.add_argument("--as-of", type=parse_date, default=None, metavar="日期", help="核对日期（默认今天）")
    add_json(p)
    p.set_defaults(handler=cmd_list)

    p = cmds.add_parser("sign", help="登记协议已签订")
    add_db(p)
    p.add_argument("agreement", metavar="协议", help="协议 ID 或编号")
    p.add_argument("--date", type=parse_date, required=True, metavar="日期", help="签订日期")
    _by(p)
    add_json(p)
    p.set_defaults(handler=cmd_sign)

    p = cmds.add_parser("cancel", help="作废协议")
    add_db(p)
    p.add_argument("agreement", metavar="协议", help="协议 ID 或编号")
    p.add_argument("--reason", default=None, metavar="原因")
    _by(p)
    add_json(p)
    p.set_defaults(handler=cmd_cancel)

    p = cmds.add_parser("pay", help="按协议收款（按协议的抵偿顺序分配，依次冲抵各期）")
    add_db(p)
    p.add_argument("agreement", metavar="协议", help="协议 ID 或编号")
    p.add_argument("--amount", required=True, metavar="元", help="还款金额（元）")
    p.add_argument("--date", type=parse_date, required=True, metavar="日期", help="还款日期")
    p.add_argument("--note", default=None, metavar="备注")
    _by(p)
    add_json(p)
    p.set_defaults(handler=cmd_pay)

    p = cmds.add_parser("pdf", help="打印成 PDF：协议书、减免明白纸或还款凭证")
    add_db(p)
    p.add_argument("agreement", metavar="协议", help="协议 ID 或编号")
    p.add_argument("--out", type=Path, required=True, metavar="文件.pdf")
    p.add_argument("--kind", choices=["agreement", "sheet", "receipt"], default="agreement",
                   help="agreement 还款协议书（默认）；sheet 减免明白纸；receipt 还款凭证")
    p.add_argument("--receipt", default=None, metavar="凭证号", help="还款凭证号（默认最近一笔）")
    _by(p)
    add_json(p)
    p.set_defaults(handler=cmd_pdf)


def _by(p: argparse.ArgumentParser) -> None:
    p.add_argument("--by", default=None, metavar="姓名", help="经办人（同 --operator；默认本机设置的操作员）")


def _loans_rates(p: argparse.ArgumentParser) -> None:
    p.add_argument("--loan", action="append", required=True, metavar="借据号", help="贷款借据号（可重复，须同一户）")
    p.add_argument("--as-of", type=parse_date, default=None, metavar="日期", help="计算欠款的日期（默认今天）")
    p.add_argument("--rate", default=None, metavar="利率", help="年利率，如 0.0864 或 8.64%%（默认合同利率）")
    p.add_argument("--penalty-rate", default=None, metavar="利率", help="罚息年利率（默认合同利率上浮50%%）")


def _plan_flags(p: argparse.ArgumentParser) -> None:
    _loans_rates(p)
    p.add_argument("--installments", type=int, default=None, metavar="N", help="期数")
    p.add_argument("--first-due", type=parse_date, default=None, metavar="日期", help="第一期还款日期")
    p.add_argument("--frequency", choices=["lump", "monthly", "quarterly"], default="monthly",
                   help="lump 一次还清；monthly 按月（默认）；quarterly 按季")
    p.add_argument("--dates", default=None, metavar="日期,日期,…", help="自定各期日期（如秋收后），逗号分隔")
    p.add_argument("--amounts", default=None, metavar="元,元,…",
                   help="自定各期金额，逗号分隔，合计须等于应还合计；可有一期写 rest 取余额")
    p.add_argument("--waive-interest", default=None, metavar="元|all", help="减免利息金额，all 为全部")
    p.add_argument("--waive-penalty", default=None, metavar="元|all", help="减免罚息金额，all 为全部")
    p.add_argument("--approval", default=None, metavar="文号", help="减免审批文号")
    p.add_argument("--condition", default=None, metavar="文字", help="减免条件（默认用区县模板）")
    p.add_argument("--order", default=None, metavar="顺序", help="抵偿顺序，如 penalty,interest,principal")
    p.add_argument("--grace-days", type=int, default=None, metavar="天", help="逾期宽限天数（默认30）")
    p.add_argument("--void-after", type=int, default=None, metavar="期", help="累计违约几期减免失效（默认2）")
    p.add_argument("--round", choices=["yuan", "fen"], default=None, help="分期金额取整到元（默认）或分")
    p.add_argument("--note", default=None, metavar="备注")
    _by(p)


def _actor(args: argparse.Namespace, db) -> str:
    return actor(args, db)


def _rate(text: str | None, what: str) -> int | None:
    return None if text is None else parse_rate(text, what=what)


def _waive(text: str | None, what: str) -> tuple[int, bool]:
    if text is None:
        return 0, False
    if text.strip().lower() in ("all", "全部"):
        return 0, True
    return _yuan(text, what), False


def _yuan(text: str, what: str) -> int:
    return parse_typed_yuan(text, what)


def _usage_ok(args: argparse.Namespace) -> bool:
    """The plan needs a first due date or a list of dates; without, it is bad usage (exit 2)."""
    if args.first_due is None and not args.dates:
        print("qingshou agreement：用法错误：需要 --first-due（或 --dates）", file=sys.stderr)
        return False
    return True


def _request(args: argparse.Namespace):
    from app.services.agreements import PlanRequest

    dates = None
    if args.dates:
        dates = []
        for t in args.dates.replace("，", ",").split(","):
            if t.strip():
                try:
                    dates.append(parse_date(t.strip()))
                except argparse.ArgumentTypeError as exc:
                    raise InputError(f"--dates：{exc}") from None
    amounts = None
    if args.amounts:
        amounts = [None if t.strip().lower() in ("rest", "余额") else _yuan(t, f"--amounts 第{i + 1}期")
                   for i, t in enumerate(args.amounts.replace("，", ",").split(","))]
    w_int, all_int = _waive(args.waive_interest, "--waive-interest")
    w_pen, all_pen = _waive(args.waive_penalty, "--waive-penalty")
    return PlanRequest(
        loan_nos=args.loan, as_of=args.as_of or date.today(), installments=args.installments,
        first_due=args.first_due, frequency=args.frequency, dates=dates, amounts_fen=amounts,
        waive_interest_fen=w_int, waive_penalty_fen=w_pen, waive_all_interest=all_int, waive_all_penalty=all_pen,
        approval_ref=args.approval, condition=args.condition, rate_ppm=_rate(args.rate, "--rate"),
        penalty_rate_ppm=_rate(args.penalty_rate, "--penalty-rate"), allocation_order=args.order,
        grace_days=args.grace_days, void_after_missed=args.void_after,
        round_to={"yuan": 100, "fen": 1}.get(args.round), note=args.note)


# --------------------------------------------------------------------------- handlers

def _on_db(args: argparse.Namespace, action):
    """Open the database, run ``action(db)``, close it; refused if it was never initialised."""
    with database(args) as db:
        return action(db)


def cmd_quote(args: argparse.Namespace) -> int:
    from app.services.agreements import quote

    q = _on_db(args, lambda db: quote(db, args.loan, args.as_of or date.today(), rate_ppm=_rate(args.rate, "--rate"),
                                      penalty_rate_ppm=_rate(args.penalty_rate, "--penalty-rate")))
    _warn(q.warnings)
    if args.json:
        emit_json({"as_of": q.as_of.isoformat(), "household": q.household, "loans": [ln.to_json() for ln in q.loans],
                   "principal": yuan_str(q.principal_fen), "interest": yuan_str(q.interest_fen),
                   "penalty": yuan_str(q.penalty_fen), "owed": yuan_str(q.owed_fen), "warnings": q.warnings})
        return 0
    print(f"{q.household} 户，截至 {q.as_of}（{q.basis_text}）：")
    for ln in q.loans:
        print(f"  {ln.loan_no}  本金 {format_yuan(ln.principal_fen)}  台账欠息 {format_yuan(ln.ledger_interest_fen)}"
              f"（截至 {ln.accrued_from}）  新增利息 {format_yuan(ln.accrued_interest_fen)}  "
              f"罚息 {format_yuan(ln.accrued_penalty_fen)}  利率 {format_rate(ln.rate_ppm)} / "
              f"罚息利率 {format_rate(ln.penalty_rate_ppm)}" + ("  停息挂账" if ln.suspended else ""))
    print(f"合计：本金 {format_yuan(q.principal_fen)}，利息 {format_yuan(q.interest_fen)}，"
          f"罚息 {format_yuan(q.penalty_fen)}，共 {format_yuan(q.owed_fen)} 元")
    return 0


def cmd_create(args: argparse.Namespace) -> int:
    from app.services import agreements

    if not _usage_ok(args):
        return 2
    request = _request(args)
    if not args.dry_run:
        _print_view(_on_db(args, lambda db: agreements.create(db, request, _actor(args, db))), args.json)
        return 0
    pv = _on_db(args, lambda db: agreements.preview(db, request))
    _warn(pv.quote.warnings)
    if args.json:
        emit_json({"agreement_id": None, "loans": [ln.loan_no for ln in pv.quote.loans], "warnings": pv.quote.warnings,
                   "owed": yuan_str(pv.owed_fen), "waived": yuan_str(pv.waived_fen), "total": yuan_str(pv.total_fen),
                   "installments": [{"no": i.no, "due": i.due.isoformat(), "amount": yuan_str(i.amount_fen)}
                                    for i in pv.installments]})
    else:
        print(f"（未保存）应还 {format_yuan(pv.owed_fen)}，减免 {format_yuan(pv.waived_fen)}，"
              f"合计 {format_yuan(pv.total_fen)} 元，共 {len(pv.installments)} 期")
    return 0


def cmd_revise(args: argparse.Namespace) -> int:
    from app.services import agreements

    if not _usage_ok(args):
        return 2
    request = _request(args)
    _print_view(_on_db(args, lambda db: agreements.revise(db, args.agreement, request, _actor(args, db))), args.json)
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    from app.services import agreements

    _print_view(_on_db(args, lambda db: agreements.get(db, args.agreement, args.as_of)), args.json)
    return 0


def cmd_sign(args: argparse.Namespace) -> int:
    from app.services import agreements

    _print_view(_on_db(args, lambda db: agreements.sign(db, args.agreement, args.date, _actor(args, db))), args.json)
    return 0


def cmd_cancel(args: argparse.Namespace) -> int:
    from app.services import agreements

    _print_view(_on_db(args, lambda db: agreements.cancel(db, args.agreement, args.reason, _actor(args, db))), args.json)
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from app.services import agreements

    as_of = args.as_of or date.today()
    if args.broken or args.due is not None:
        def worklist(db):
            items = agreements.broken_agreements(db, as_of) if args.broken else []
            return items + (agreements.agreements_due(db, as_of, args.due) if args.due is not None else [])

        items = _on_db(args, worklist)
        if args.json:
            emit_json({"as_of": as_of.isoformat(), "agreements": [d.to_json() for d in items]})
            return 0
        for d in items:
            state = status_name("broken") if d.state == "broken" else "待还"
            print(f"{d.number}  {d.household}  {d.township}{d.village}  {state}  第{d.installment_no}期 "
                  f"{d.due}  尚欠该期 {format_yuan(d.left_fen)}  逾期 {d.days_overdue} 天")
        return 0
    rows = _on_db(args, lambda db: agreements.list_agreements(db, status=args.status, include_history=args.all))
    if args.json:
        emit_json({"agreements": [r.to_json() for r in rows]})
        return 0
    for r in rows:
        print(f"{r.number}（第{r.version}版）  {r.household}  {r.township}  "
              f"{r.state_name}  应还 {format_yuan(r.total_fen)}  {r.installments} 期")
    return 0


def cmd_pay(args: argparse.Namespace) -> int:
    from app.services.recovery import pay

    amount = _yuan(args.amount, "--amount")
    result = _on_db(args, lambda db: pay(db, args.agreement, amount, args.date, _actor(args, db), note=args.note))
    if args.json:
        emit_json(result.to_json())
    else:
        a = result.allocation
        print(f"已按协议 {a.number} 收款 {format_yuan(a.amount_fen)} 元，凭证号 {result.receipt_no}，"
              f"协议尚欠 {format_yuan(a.remaining_fen)} 元")
    return 0


def cmd_pdf(args: argparse.Namespace) -> int:
    from app.services.agreements import KINDS, write_pdf

    output_file(args.out, "PDF", refused="没有生成")
    result = _on_db(args, lambda db: write_pdf(db, args.agreement, args.out, args.kind, receipt_no=args.receipt,
                                               actor=_actor(args, db)))
    if args.json:
        emit_json(result.to_json())
    else:
        print(f"已生成{KINDS[result.kind]}：{result.path}")
    return 0


def _warn(warnings: list[str]) -> None:
    """What the user must know about the figures: on stderr, so ``--json`` output stays one object."""
    for text in warnings:
        print(f"注意：{text}", file=sys.stderr)


def _print_view(view, as_json: bool) -> None:
    _warn(view.warnings)
    if view.needs_approval:
        _warn([f"减免 {yuan_str(view.waived_fen)} 元还没有审批文号：打印件标为草稿，签订前须用 --approval 填写审批文号"])
    if view.reduction_lapsed:
        _warn([f"已违约，减免 {yuan_str(view.waived_fen)} 元已失效"])
    if as_json:
        emit_json(view.to_json())
        return
    print(f"还款协议 {view.number}（第{view.version}版，{view.state_name}）  {view.household}  ID：{view.id}")
    print(f"  应还 {format_yuan(view.owed_fen)} 元（本金 {format_yuan(view.principal_fen)}，利息 "
          f"{format_yuan(view.interest_fen)}，罚息 {format_yuan(view.penalty_fen)}），减免 {format_yuan(view.waived_fen)} 元")
    print(f"  合计 {format_yuan(view.total_fen)} 元（{to_chinese_capital(view.total_fen)}），"
          f"已还 {format_yuan(view.paid_fen)} 元")
    for i in view.installments:
        print(f"  第{i.no:>2}期  {i.due}  {format_yuan(i.amount_fen):>12}  已还 {format_yuan(i.paid_fen)}")
