"""Commands of USB-stick sync: tasks (and init --from-task, in foundation)."""
from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

from app.cli.common import add_db, add_json, database, emit_json, output_file
from app.domain.errors import InputError

PASSPHRASE_ENV = "QINGSHOU_PASSPHRASE"


def register(sub) -> None:
    p = sub.add_parser("tasks", help="（区县）为一个乡镇写出任务包")
    add_db(p)
    p.add_argument("--township", required=True, metavar="名称", help="乡镇名称")
    p.add_argument("--out", type=Path, required=True, metavar="文件", help="任务包文件（如 U 盘上的 柳林镇.qstask）")
    p.add_argument("--new-laptop", action="store_true",
                   help="给一台新电脑用：用口令保护（默认：该乡镇已登记电脑的任务包只有这些电脑能打开；还没有登记的电脑时总用口令）")
    add_json(p)
    p.set_defaults(handler=cmd_tasks)
    register_export(sub)
    register_merge(sub)
    register_status(sub)


def passphrase(*, confirm: bool, required: bool) -> str | None:
    """The passphrase: ``QINGSHOU_PASSPHRASE``, else asked for in a terminal; None when neither
    and not ``required``."""
    given = os.environ.get(PASSPHRASE_ENV)
    if given:
        return given
    if not sys.stdin.isatty():
        if required:
            raise InputError(f"需要口令：请设置环境变量 {PASSPHRASE_ENV}，或在终端中运行以输入口令")
        return None
    first = getpass.getpass("任务包口令：")
    if confirm and getpass.getpass("再输入一次：") != first:
        raise InputError("两次输入的口令不一致，任务包没有写出")
    if required and not first:
        raise InputError("口令不能为空")
    return first or None


def cmd_tasks(args: argparse.Namespace) -> int:
    from app.sync.tasks import check_task_request, enrolled_devices, write_task_package

    out = output_file(args.out, "任务包", refused="任务包没有写出")
    with database(args) as db:
        check_task_request(db, args.township)     # the database and the township before any passphrase
        secret = None
        if args.new_laptop or not enrolled_devices(db, args.township):
            secret = passphrase(confirm=True, required=True)
        result = write_task_package(db, args.township, out, passphrase=secret)
    if args.json:
        emit_json({"package_id": result.package_id, "township": result.township, "sequence": result.sequence,
                   "sha256": result.sha256, "file": result.path, "encryption": result.encryption,
                   "counts": result.counts})
    else:
        how = "口令保护" if result.encryption == "age-scrypt" else "只有本乡镇已登记的电脑能打开"
        print(f"已写出{result.township}的第 {result.sequence} 个任务包：{result.path}（{how}；"
              f"{result.counts.get('households', 0)} 户，{result.counts.get('loans', 0)} 笔贷款）")
    return 0


def register_export(sub) -> None:
    p = sub.add_parser("export", help="（乡镇）写出交给区县的数据包")
    add_db(p)
    p.add_argument("--out", type=Path, required=True, metavar="文件", help="数据包文件（如 U 盘上的 柳林镇-一号机-0003.qspkg）")
    add_json(p)
    p.set_defaults(handler=cmd_export)


def cmd_export(args: argparse.Namespace) -> int:
    from app.sync.export import write_work_package

    out = output_file(args.out, "数据包", refused="数据包没有写出")
    with database(args) as db:
        result = write_work_package(db, out)
    if args.json:
        emit_json({"package_id": result.package_id, "unit": result.unit, "sequence": result.sequence,
                   "sha256": result.sha256, "file": result.path, "counts": result.counts})
    else:
        print(f"已写出{result.unit}本机的第 {result.sequence} 个数据包：{result.path}"
              f"（{result.counts.get('visits', 0)} 条走访，{result.counts.get('repayments', 0)} 笔还款）")
    return 0


def register_merge(sub) -> None:
    p = sub.add_parser("merge", help="合并数据包（区县合并乡镇交回的；乡镇合并区里新下发的任务包）")
    add_db(p)
    p.add_argument("files", type=Path, nargs="+", metavar="文件", help="数据包文件，可以一次给多个")
    add_json(p)
    p.set_defaults(handler=cmd_merge)


def cmd_merge(args: argparse.Namespace) -> int:
    from app.cli.common import actor
    from app.sync.merge import merge_files

    with database(args) as db:
        report = merge_files(db, list(args.files), actor=actor(args, db),
                             passphrase=lambda: passphrase(confirm=False, required=True))
    if args.json:
        emit_json(report.to_json())
    else:
        words = {"merged": "已合并", "already_merged": "以前已合并过，未重复合并", "refused": "未合并"}
        for f in report.files:
            line = f"{f.file}：{words[f.status]}"
            if f.status == "merged":
                package = "任务包" if f.kind == "task" else "包"
                line += (f"（{f.unit or ''} {f.device or ''} 第 {f.sequence} 个{package}；新增 {sum(f.inserted.values())} 条，"
                         f"更新 {sum(f.updated.values())} 条，冲突 {f.conflicts} 处"
                         + (f"，规则问题 {f.rule_breaches} 处（见 qingshou conflicts）" if f.rule_breaches else "")
                         + (f"，{f.rule_breaches_fixed} 处规则问题已消除" if f.rule_breaches_fixed else "") + "）")
            elif f.reason:   # the reason names the file (a package error's ``where``): once is enough
                line += f"：{f.reason.removeprefix(f'{f.file}：')}"
            print(line)
            for refused in f.refused_changes:
                print(f"  {refused}")
    return 1 if report.refused else 0


def register_status(sub) -> None:
    p = sub.add_parser("conflicts", help="冲突清单：两台电脑改了同一处，保留的值和被覆盖的值；合并后规则检查发现的问题")
    add_db(p)
    p.add_argument("--all", action="store_true", help="也列出已处理的")
    add_json(p)
    p.set_defaults(handler=cmd_conflicts)
    inner = p.add_subparsers(dest="conflicts_command", metavar="命令")
    r = inner.add_parser("resolve", help="处理一个冲突：保留现在的值，或改回被覆盖的值（规则问题只能标记为已处理）")
    r.add_argument("conflict_id", metavar="冲突编号")
    r.add_argument("--take", required=True, choices=["kept", "lost"],
                   help="kept：保留现在的值（规则问题：标记为已处理）；lost：改回被覆盖的值")
    # --db and --json may stand before or after ``resolve`` (SUPPRESS: not given here, the other kept)
    r.add_argument("--db", type=Path, default=argparse.SUPPRESS, metavar="文件", help="数据库文件")
    r.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="以 JSON 输出结果")
    r.set_defaults(handler=cmd_conflicts_resolve)

    p = sub.add_parser("sync-status", help="各乡镇、各电脑交回数据包的情况：最后一个包、日期、缺号")
    add_db(p)
    add_json(p)
    p.set_defaults(handler=cmd_sync_status)


def cmd_conflicts(args: argparse.Namespace) -> int:
    from app.sync.conflicts import list_conflicts

    with database(args) as db:
        from app.sync.rules import recheck_listed

        recheck_listed(db)         # a breach put right here since the last merge is no longer listed
        found = list_conflicts(db, include_resolved=args.all)
    if args.json:
        emit_json({"conflicts": [c.to_json() for c in found]})
        return 0
    if not found:
        print("没有未处理的冲突" if not args.all else "没有冲突")
    for c in found:
        mark = "（已处理）" if c.resolved else ""
        if c.rule:
            print(f"{c.id}  {c.label}{mark}\n  一方：{c.kept.text}{_from(c.kept)}\n  另一方：{c.lost.text}{_from(c.lost)}"
                  + ("" if c.resolved else f"\n  处理：{c.advice}，再用 --take kept 标记为已处理"))
            continue
        print(f"{c.id}  {c.label}{mark}\n  保留：{c.kept.text}{_from(c.kept)}\n"
              f"  被覆盖：{c.lost.text}{_from(c.lost)}"
              + (f"\n  发现于：{c.found_where}" if c.found_on else "")
              + (f"\n  处理：{c.settled}" if c.resolution else ""))
    return 0


def _from(side) -> str:
    """（张三，柳林镇 二号机，2026-11-20 10:30:00）: who, on which computer, when."""
    computer = " ".join(x for x in (side.unit, side.device) if x)
    where = "，".join(x for x in (side.operator, computer, side.at) if x)
    return f"（{where}）" if where else ""


def cmd_conflicts_resolve(args: argparse.Namespace) -> int:
    from app.cli.common import actor
    from app.sync.conflicts import resolve

    with database(args) as db:
        done = resolve(db, args.conflict_id, args.take, actor(args, db))
    if args.json:
        emit_json(done.to_json() | {"took": args.take})
    elif done.rule:
        print(f"已标记为已处理：{done.label}")
    else:
        print(f"已处理：{done.entity}.{done.field} 取{'被覆盖的值' if args.take == 'lost' else '现在的值'}")
    return 0


def cmd_sync_status(args: argparse.Namespace) -> int:
    from app.sync.status import device_status, laptop_status, townships_waiting

    with database(args) as db:
        devices = device_status(db)
        mine = laptop_status(db)
        waiting = townships_waiting(db) if mine is None else []
    if args.json:
        emit_json({"devices": [d.to_json() for d in devices], "this_computer": mine.to_json() if mine else None,
                   "waiting_townships": [w.to_json() for w in waiting]})
        return 0
    if mine is not None:            # a township laptop: what it sent, and what the district confirmed
        print(mine.sentence())
    elif not devices and not waiting:
        print("还没有收到任何数据包")
    for d in devices:
        print(d.sentence())
    for w in waiting:
        print(w.sentence())
    return 0
