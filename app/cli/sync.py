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
