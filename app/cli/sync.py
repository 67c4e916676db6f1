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
    add_json(p)
    p.set_defaults(handler=cmd_tasks)
    register_export(sub)
    register_merge(sub)


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
    from app.sync.tasks import write_task_package

    out = output_file(args.out, "任务包", refused="任务包没有写出")
    with database(args) as db:
        result = write_task_package(db, args.township, out, passphrase=passphrase(confirm=True, required=False))
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
        report = merge_files(db, list(args.files), actor=actor(args, db))
    if args.json:
        emit_json(report.to_json())
    else:
        words = {"merged": "已合并", "already_merged": "以前已合并过，未重复合并", "refused": "未合并"}
        for f in report.files:
            line = f"{f.file}：{words[f.status]}"
            if f.status == "merged":
                line += (f"（{f.unit or ''} {f.device or ''} 第 {f.sequence} 个包；新增 {sum(f.inserted.values())} 条，"
                         f"更新 {sum(f.updated.values())} 条，冲突 {f.conflicts} 处）")
            elif f.reason:
                line += f"：{f.reason}"
            print(line)
            for refused in f.refused_changes:
                print(f"  {refused}")
    return 1 if report.refused else 0
