"""Commands of the daily work: visit, repay (and their ``void``: 冲正 / 作废), stage, households,
household, worklist, reindex."""
from __future__ import annotations

import argparse
from dataclasses import asdict, is_dataclass
from datetime import date
from pathlib import Path
from typing import Any

from app.cli.common import actor, add_db, add_json, database, emit_json, output_file, parse_date
from app.cli.corrections import add_void_repay, add_void_visit, fen_arg, outcome_arg, usage_error
from app.cli.household_edit import add_household_edit
from app.domain.errors import InputError
from app.domain.money import format_yuan, yuan_str
from app.domain.stages import OUTCOME_NAMES, STAGE_NAMES

_outcome_arg, _fen = outcome_arg, fen_arg


def _actor(args: argparse.Namespace, db) -> str:
    """Who the audit log names for a command-line change (``--operator``, else the stored operator)."""
    return actor(args, db)


def _stage_arg(text: str) -> str:
    from app.domain.stages import stage_from_text

    try:
        return stage_from_text(text).value
    except ValueError as exc:   # names the stages with their Chinese names
        raise argparse.ArgumentTypeError(str(exc)) from None


REPAY_USAGE = ("qingshou repay --loan 借据号 --amount 元 --date 日期 [--receipt 编号] [--note 文字] [--db 文件] [--json]\n"
               "       qingshou repay void 还款编号 --reason 原因 [--amount 元] [--date 日期] [--db 文件] [--json]")
HOUSEHOLD_USAGE = ("qingshou household (--id ID | --loan 借据号) [--as-of 日期] [--db 文件] [--json]\n"
                   "       qingshou household edit (--id ID | --loan 借据号) [--phone 电话] [--address 住址] "
                   "[--capacity 研判 [--reason 理由]] [--add-category 类别] [--remove-category 类别] [--note 文字] "
                   "[--db 文件] [--json]")
VISIT_USAGE = ("qingshou visit (--loan 借据号 | --household ID) --date 日期 --outcome 结果 [...] [--db 文件] [--json]\n"
               "       qingshou visit void 走访编号 --reason 原因 [--date 日期] [--outcome 结果] [...] [--db 文件] [--json]")


def _missing(args: argparse.Namespace, names: list[tuple[str, str]]) -> list[str]:
    return [flag for attr, flag in names if getattr(args, attr, None) is None]


def register(sub) -> None:
    p = sub.add_parser("visit", help="登记走访；visit void 作废登记错的走访", usage=VISIT_USAGE)
    add_db(p)
    who = p.add_mutually_exclusive_group()
    who.add_argument("--loan", metavar="借据号", help="借款户的任一借据号（必需，或用 --household）")
    who.add_argument("--household", metavar="ID", help="借款户编号（代替 --loan）")
    p.add_argument("--date", type=parse_date, default=None, metavar="日期", help="走访日期 YYYY-MM-DD（必需）")
    p.add_argument("--outcome", type=_outcome_arg, default=None, metavar="结果",
                   help="promised 承诺还款、paid 当场还款、partial 部分还款、refused 拒绝、unreachable 失联、"
                        "unable 无还款能力、other 其他")
    p.add_argument("--method", default="home", metavar="方式", help="home 上门、phone 电话、proxy 委托、village 村委协助、other")
    p.add_argument("--visitors", default=None, metavar="姓名", help="走访人")
    p.add_argument("--promised-amount", default=None, metavar="元", help="承诺还款金额")
    p.add_argument("--promised-date", type=parse_date, default=None, metavar="日期", help="承诺还款日期")
    p.add_argument("--next", type=parse_date, default=None, metavar="日期", help="下次跟进日期")
    p.add_argument("--note", default=None, metavar="文字", help="备注")
    add_json(p)
    p.set_defaults(handler=cmd_visit, usage_of=p)
    add_void_visit(p)

    p = sub.add_parser("repay", help="登记还款；repay void 冲正登记错的还款", usage=REPAY_USAGE)
    add_db(p)
    p.add_argument("--loan", default=None, metavar="借据号", help="借据号（必需）")
    p.add_argument("--amount", default=None, metavar="元", help="还款金额（元，必需）")
    p.add_argument("--date", type=parse_date, default=None, metavar="日期", help="还款日期 YYYY-MM-DD（必需）")
    p.add_argument("--receipt", default=None, metavar="编号", help="收据编号")
    p.add_argument("--note", default=None, metavar="文字", help="备注")
    add_json(p)
    p.set_defaults(handler=cmd_repay, usage_of=p)
    add_void_repay(p)

    p = sub.add_parser("stage", help="转清收阶段（催收、诉讼、立案、执行、结清、核销）")
    add_db(p)
    p.add_argument("--loan", required=True, metavar="借据号")
    p.add_argument("--to", type=_stage_arg, required=True, metavar="阶段",
                   help="collection 催收、suit 诉讼、filed 立案、enforcement 执行、settled 结清、written_off 核销")
    p.add_argument("--date", type=parse_date, default=None, metavar="日期", help="日期（默认今天）")
    p.add_argument("--note", default=None, metavar="文字", help="备注")
    add_json(p)
    p.set_defaults(handler=cmd_stage)

    p = sub.add_parser("households", help="借款户列表：搜索、筛选、导出 Excel")
    add_db(p)
    p.add_argument("--search", default="", metavar="文字", help="姓名、拼音首字母、身份证号、借据号或电话的一部分")
    p.add_argument("--township", default=None, metavar="名称")
    p.add_argument("--village", default=None, metavar="名称")
    p.add_argument("--staff", default=None, metavar="姓名", help="责任人")
    p.add_argument("--category", default=None, metavar="代码", help="特殊类别代码，如 deceased")
    p.add_argument("--stage", default=None, type=_stage_arg, metavar="阶段")
    p.add_argument("--capacity", default=None, metavar="研判",
                   help="还款能力研判：代码或名称，如 able（有偿还能力）、unable（无能力）")
    p.add_argument("--followup-due", action="store_true", help="跟进日期已到")
    p.add_argument("--promise-broken", action="store_true", help="承诺还款未兑现")
    p.add_argument("--never-visited", action="store_true", help="从未走访")
    p.add_argument("--followup", nargs="?", const="any", default=None, metavar="种类",
                   help="银行台账导入后留下待核实提示的借款户；可写提示的种类（如 name_differs、missing_from_ledger、"
                        "bank_settled，见 qingshou followup list）")
    p.add_argument("--sort", default="name", metavar="列",
                   help="name、township、village、group、loans、task、recovered、outstanding、stage、capacity、"
                        "last_visit、next_date")
    p.add_argument("--desc", action="store_true", help="倒序")
    p.add_argument("--limit", type=int, default=50, metavar="N")
    p.add_argument("--offset", type=int, default=0, metavar="N")
    p.add_argument("--as-of", type=parse_date, default=None, metavar="日期")
    p.add_argument("--out", type=Path, default=None, metavar="文件.xlsx", help="把筛选结果导出到 Excel")
    add_json(p)
    p.set_defaults(handler=cmd_households)

    p = sub.add_parser("household", help="一个借款户的详细情况和清收建议；household edit 修改它的资料",
                       usage=HOUSEHOLD_USAGE)
    add_db(p)
    which = p.add_mutually_exclusive_group()
    which.add_argument("--id", metavar="ID", help="借款户编号（或用 --loan）")
    which.add_argument("--loan", metavar="借据号", help="借款户的任一借据号")
    p.add_argument("--as-of", type=parse_date, default=None, metavar="日期")
    add_json(p)
    p.set_defaults(handler=cmd_household, usage_of=p)
    add_household_edit(p)

    p = sub.add_parser("worklist", help="工作台：今日跟进、承诺未兑现、未走访、进度")
    add_db(p)
    p.add_argument("--as-of", type=parse_date, default=None, metavar="日期")
    p.add_argument("--township", default=None, metavar="名称")
    p.add_argument("--staff", default=None, metavar="姓名", help="只看这位责任人的")
    p.add_argument("--limit", type=int, default=20, metavar="N", help="每张清单最多列出几户")
    p.add_argument("--sort", default=None, metavar="列",
                   help="各张清单按此列排序后再取前 N 户：name、township、village、outstanding、last_visit、"
                        "next_date、days_overdue、promise_date、stage（默认各清单自己的顺序）")
    p.add_argument("--desc", action="store_true", help="倒序（与 --sort 一起用）")
    add_json(p)
    p.set_defaults(handler=cmd_worklist)

    p = sub.add_parser("reindex", help="重建借款户列表的搜索索引")
    add_db(p)
    add_json(p)
    p.set_defaults(handler=cmd_reindex)


# -- handlers -----------------------------------------------------------------------------
def cmd_visit(args: argparse.Namespace) -> int:
    from app.services.work import record_visit

    missing = _missing(args, [("date", "--date"), ("outcome", "--outcome")])
    if args.loan is None and args.household is None:
        missing.insert(0, "--loan 或 --household")
    if missing:
        return usage_error(args, f"缺少必需的参数：{'、'.join(missing)}")
    promised = _fen(args.promised_amount, "承诺还款金额") if args.promised_amount else None
    with database(args) as db:
        r = record_visit(db, loan_no=args.loan, household_id=args.household, visited_on=args.date,
                         outcome=args.outcome, method=args.method, visitors=args.visitors,
                         promised_fen=promised, promised_date=args.promised_date, next_date=args.next,
                         note=args.note, actor=_actor(args, db))
    if args.json:
        emit_json(r.to_json())
    else:
        print(f"已登记走访：{r.head_name}，{r.visited_on}，{OUTCOME_NAMES.get(args.outcome, args.outcome)}"
              f"（走访编号 {r.visit_id}）")
    return 0


def cmd_repay(args: argparse.Namespace) -> int:
    from app.services.recovery import record_repayment

    missing = _missing(args, [("loan", "--loan"), ("amount", "--amount"), ("date", "--date")])
    if missing:
        return usage_error(args, f"缺少必需的参数：{'、'.join(missing)}")
    amount = _fen(args.amount, "还款金额")
    with database(args) as db:
        r = record_repayment(db, loan_no=args.loan, amount_fen=amount, paid_on=args.date, note=args.note,
                             receipt_no=args.receipt, actor=_actor(args, db))
    if args.json:
        emit_json(r.to_json())
    else:
        print(f"已登记还款：借据号 {r.loan_no}，{format_yuan(r.amount_fen)} 元，尚欠本金 {format_yuan(r.outstanding_fen)} 元"
              + ("，已结清" if r.settled else "") + f"（还款编号 {r.repayment_id}）")
    return 0


def cmd_stage(args: argparse.Namespace) -> int:
    from app.services.work import move_stage

    with database(args) as db:
        r = move_stage(db, loan_no=args.loan, to_stage=args.to, on_date=args.date, note=args.note, actor=_actor(args, db))
    if args.json:
        emit_json(r.to_json())
    else:
        print(f"借据号 {r.loan_no}：{STAGE_NAMES.get(r.from_stage, r.from_stage)} → "
              f"{STAGE_NAMES.get(r.to_stage, r.to_stage)}（{r.on_date}）")
    return 0


def cmd_households(args: argparse.Namespace) -> int:
    from app.services import households
    from app.services.households import export_xlsx
    from app.services.households.search import summary

    if args.sort not in households.SORT_KEYS:
        raise InputError(f"不能按“{args.sort}”排序（可用：{'、'.join(households.SORT_KEYS)}）")
    if args.capacity is not None:       # a code or its name; an unknown one names the choices
        from app.services.households.edit import capacity_code

        args.capacity = capacity_code(args.capacity)
    if args.out is not None:
        output_file(args.out, "导出的 Excel 文件", refused="没有导出")
    with database(args) as db:
        households.prepare(db)
        f = households.filter_from_labels(
            db, text=args.search, township=args.township, village=args.village, staff=args.staff,
            category=args.category, stage=args.stage, capacity=args.capacity, followup_due=args.followup_due,
            promise_broken=args.promise_broken, never_visited=args.never_visited, as_of=args.as_of,
            import_followup=args.followup)
        if args.out is not None:
            result = export_xlsx(db, f, args.out, args.sort, args.desc)
            if args.json:
                emit_json({"out": result.path, "rows": result.rows})
            else:
                print(f"已导出 {result.rows} 户到 {result.path}")
            return 0
        pg = households.page(db, f, args.sort, args.desc, limit=max(0, args.limit), offset=args.offset)
        rows = households.rows(db, pg.ids, f.day(), text=f.text)
        district = db.identity().role == "district"
    if args.json:
        emit_json({"total": pg.total, "households": [_row_json(r) for r in rows]})
    else:
        print(f"共 {pg.total} 户" + (f"（显示 {len(rows)} 户）" if len(rows) < pg.total else ""))
        for r in rows:
            flags = ("  跟进到期" if r.followup_due else "") + ("  承诺未兑现" if r.promise_broken else "") \
                + (f"  台账待核实 {r.followups} 条" if r.followups else "")
            why = f"  匹配：{summary(r.matched)}" if r.matched else ""
            print(f"  {r.head_name}  {r.township + ' ' if district else ''}{r.village}{r.group_name}  贷款 {r.loans} 笔"
                  f"  尚欠 {format_yuan(r.outstanding_fen)} 元  {r.stage_names}  {r.capacity_name}{flags}{why}")
    return 0


def _row_json(r) -> dict:
    """One household of ``households --json``; ``matched``: what ``--search`` found in it, the
    household's own head of household and loans first (empty without a search)."""
    return {"id": r.id, "name": r.head_name, "township": r.township, "village": r.village, "group": r.group_name,
            "borrowers": r.borrowers, "phone": r.phone, "id_number": r.id_number, "loans": r.loans,
            "task_amount": yuan_str(r.task_fen), "recovered": yuan_str(r.recovered_fen),
            "outstanding": yuan_str(r.outstanding_fen), "categories": list(r.categories), "stage": r.stage,
            "stages": list(r.stages), "capacity": r.capacity, "responsible": r.responsible,
            "last_visit": _iso(r.last_visit_on), "last_outcome": r.last_outcome, "next_date": _iso(r.next_date),
            "followup_due": r.followup_due, "promise_broken": r.promise_broken, "followups": r.followups,
            "matched": [m.to_json() for m in r.matched]}


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def _jsonable(value: Any) -> Any:
    """Dataclasses as JSON: ``*_fen`` become yuan strings without the suffix, dates ISO text."""
    if is_dataclass(value):
        value = asdict(value)
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if k.endswith("_fen"):
                out[k[:-4] or k] = yuan_str(v) if isinstance(v, int) else None
            else:
                out[k] = _jsonable(v)
        return out
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def cmd_household(args: argparse.Namespace) -> int:
    from sqlalchemy.orm import Session

    from app.services.foundation import find_loan
    from app.services.households import detail as household_page
    from app.services.work import suggestions

    if not (args.id or args.loan):
        return usage_error(args, "请用 --id 或 --loan 指明借款户")
    with database(args) as db:
        hid = args.id
        if args.loan:
            with Session(db.engine) as s:
                hid = find_loan(s, loan_no=args.loan).household_id
        d = household_page.detail(db, hid, args.as_of)
        tips = suggestions.for_detail(d)
    if args.json:
        emit_json({**_jsonable(d), "suggestions": [{"rule": t.rule_id, "text": t.text, "priority": t.priority}
                                                   for t in tips]})
        return 0
    print(f"{d.head_name}（{d.township}{d.village}{d.group_name or ''}）  还款能力：{d.capacity_name}"
          + (f"（{d.capacity_reason}）" if d.capacity_reason else ""))
    for p in d.people:
        print(f"  {p.role_name} {p.name} {p.id_number or ''} {p.phone or ''} {p.flags}")
    for ln in d.loans:
        print(f"  借据 {ln.loan_no}  任务 {format_yuan(ln.task_fen)}  尚欠 {format_yuan(ln.outstanding_fen)}  {ln.stage_name}")
    if d.categories:
        print("  类别：" + "、".join(dict.fromkeys(c.name for c in d.categories)))
    for a in d.assignments:
        print(f"  {a.duty_name}：{a.staff_name}" + (f"（借据 {a.loan_no}）" if a.loan_no else ""))
    for t in d.timeline[:10]:
        print(f"  {t.on}  {t.title}  {t.detail}")
    for x in d.open_followups:
        print(f"  台账待核实：{x.kind_name}：{x.message}（{x.source}；编号 {x.id}）")
    for t in tips:
        print(f"  建议：{t.text}")
    return 0


def cmd_worklist(args: argparse.Namespace) -> int:
    from app.services import households
    from app.services.work import worklist

    with database(args) as db:
        households.prepare(db)
        f = households.filter_from_labels(db, township=args.township, staff=args.staff)
        sorts = {key: (args.sort, args.desc) for key in ("due_today", "overdue", "broken_promises",
                                                         "never_visited")} if args.sort else None
        w = worklist.compute(db, args.as_of, township_id=f.township_id, staff_id=f.staff_id,
                             limit=max(0, args.limit), sorts=sorts)
    if args.json:
        emit_json(w.to_json())
        return 0
    print(f"工作台（{w.as_of}）")
    for title, lst in (("今日跟进", w.due_today), ("跟进逾期", w.overdue), ("承诺未兑现", w.broken_promises),
                       ("从未走访", w.never_visited)):
        print(f"{title}：{lst.total} 户")
        for r in lst.items:
            print(f"  {r.head_name}  {r.village}{r.group_name}  尚欠 {format_yuan(r.outstanding_fen)} 元"
                  f"  跟进 {r.next_date or '—'}  {r.responsible}")
    print("各村进度：")
    for p in w.by_village:
        print(f"  {p.detail}{p.name}  {p.households} 户  清收 {format_yuan(p.recovered_fen)} 元  清收率 {p.rate:.2%}")
    return 0


def cmd_reindex(args: argparse.Namespace) -> int:
    from app.db.search_index import refresh_search

    with database(args) as db:
        with db.engine.begin() as conn:
            n = refresh_search(conn)
    if args.json:
        emit_json({"households": n})
    else:
        print(f"已重建搜索索引：{n} 户")
    return 0
