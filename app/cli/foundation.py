"""Commands of the foundation: gui, init, demo, summary, backup, restore."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from app.cli.common import add_db, add_json, database, emit_json, open_db, output_file, parse_date
from app.domain.errors import InputError


def register(sub) -> None:
    p = sub.add_parser("gui", help="打开程序窗口")
    add_db(p)
    p.set_defaults(handler=cmd_gui)

    p = sub.add_parser("init", help="新建数据库（区县或乡镇）")
    add_db(p)
    p.add_argument("--role", choices=["district", "township"], default=None, help="district：区县；township：乡镇")
    p.add_argument("--unit", default=None, metavar="名称", help="本单位名称")
    p.add_argument("--district", default=None, metavar="名称",
                   help="（乡镇）所属区县的名称：与区县数据库的编号一致")
    p.add_argument("--from-task", type=Path, default=None, metavar="文件", help="从区里下发的任务包建立乡镇数据库")
    p.add_argument("--device", default=None, metavar="名称", help="本机名称")
    add_json(p)
    p.set_defaults(handler=cmd_init)

    p = sub.add_parser("demo", help="生成演示数据库")
    add_db(p)
    p.add_argument("--unit", default="示范区", metavar="名称", help="区县名称（默认：示范区）")
    p.add_argument("--households", type=int, default=2000, metavar="N", help="借款户数（默认 2000）")
    p.add_argument("--seed", type=int, default=1, metavar="S", help="随机种子：同一种子生成同样的数据")
    add_json(p)
    p.set_defaults(handler=cmd_demo)

    p = sub.add_parser("summary", help="清收进度汇总")
    add_db(p)
    p.add_argument("--as-of", type=parse_date, default=None, metavar="日期", help="截至日期（默认今天）")
    add_json(p)
    p.set_defaults(handler=cmd_summary)

    p = sub.add_parser("backup", help="备份数据库")
    add_db(p)
    p.add_argument("--out", type=Path, required=True, metavar="文件")
    add_json(p)
    p.set_defaults(handler=cmd_backup)

    p = sub.add_parser("restore", help="从备份恢复数据库")
    add_db(p)
    p.add_argument("file", type=Path, metavar="备份文件")
    add_json(p)
    p.set_defaults(handler=cmd_restore)


def cmd_gui(args: argparse.Namespace) -> int:
    from app.cli.display import display_problem

    problem = display_problem()
    if problem:   # before Qt is loaded: Qt would abort the process (exit 134) with a wrong hint
        raise InputError(problem)
    from app.ui.app import run_gui  # the only place the command line touches Qt

    return run_gui(args.db)


def cmd_init(args: argparse.Namespace) -> int:
    from app.services.foundation import initialise

    if args.from_task is not None:
        return _init_from_task(args)
    if not args.role or not args.unit:
        print("qingshou init：用法错误：需要 --role 和 --unit（或 --from-task）", file=sys.stderr)
        return 2
    if args.db is not None and args.db.exists() and args.db.stat().st_size > 0:
        from app.bootstrap import open_database

        db = open_database(args.db)
        try:
            if db.is_initialised():
                raise InputError(f"数据库文件已存在且已初始化，不会覆盖：{args.db}")
            result = initialise(db, role=args.role, unit_name=args.unit, device_name=args.device,
                                district_name=args.district)
        finally:
            db.dispose()
    else:
        db = open_db(args, create=True)
        try:
            result = initialise(db, role=args.role, unit_name=args.unit, device_name=args.device,
                                district_name=args.district)
        except Exception:
            db.dispose()
            _remove_db_files(Path(db.path))
            raise
        db.dispose()
    if args.json:
        emit_json({"db": result.db_path, "role": result.role, "unit": result.unit_name,
                   "unit_id": result.unit_id, "device": result.device})
    else:
        print(f"已新建数据库：{result.db_path}（{result.unit_name}）")
    return 0


def _init_from_task(args: argparse.Namespace) -> int:
    from app.cli.sync import passphrase
    from app.sync.tasks import set_up_from_task

    if args.role or args.unit:
        raise InputError("从任务包建立时不需要 --role 和 --unit：乡镇和区县都由任务包决定")
    if args.db is None:
        raise InputError("请用 --db 指定要新建的数据库文件")
    if args.db.exists() and args.db.stat().st_size > 0:
        raise InputError(f"数据库文件已存在，不会覆盖：{args.db}")
    if not args.from_task.is_file():
        raise InputError(f"任务包文件不存在：{args.from_task}")
    secret = passphrase(confirm=False, required=False)
    db = open_db(args, create=True)
    try:
        result = set_up_from_task(db, args.from_task, passphrase=secret, device_name=args.device)
    except BaseException:
        db.dispose()
        _remove_db_files(Path(db.path))
        raise
    db.dispose()
    if args.json:
        emit_json({"db": result.db_path, "role": "township", "unit": result.township, "district": result.district,
                   "device": result.device, "counts": result.counts})
    else:
        print(f"已从任务包建立{result.township}的数据库：{result.db_path}（{result.district}；"
              f"{result.counts.get('households', 0)} 户，{result.counts.get('loans', 0)} 笔贷款）")
    return 0


def _remove_db_files(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        try:
            Path(str(path) + suffix).unlink(missing_ok=True)
        except OSError:  # nothing was made there (a read-only or missing folder)
            pass


def cmd_demo(args: argparse.Namespace) -> int:
    from app.services.foundation import DemoOptions, make_demo

    if args.households < 1:
        raise InputError("--households 必须是正整数")
    if args.db is None:
        raise InputError("请用 --db 指定演示数据库文件")
    if args.db.exists() and args.db.stat().st_size > 0:
        raise InputError(f"文件已存在，不会覆盖：{args.db}")
    try:
        result = make_demo(args.db, DemoOptions(unit=args.unit, households=args.households, seed=args.seed))
    except BaseException:
        _remove_db_files(args.db)
        raise
    if args.json:
        emit_json(result.to_json())
    else:
        print(f"已生成演示数据库：{args.db}（{result.townships} 个乡镇，{result.households} 户，"
              f"{result.loans} 笔贷款）")
    return 0


def cmd_summary(args: argparse.Namespace) -> int:
    from app.domain.money import yuan_str
    from app.services.reporting import compute

    with database(args) as db:
        s = compute(db, args.as_of)
    if args.json:
        emit_json(s.to_json())
        return 0
    t = s.totals
    print(f"截至 {s.as_of}：{t.loans} 笔，{t.households} 户，任务 {yuan_str(t.task_fen)} 元，"
          f"已清收 {yuan_str(t.recovered_fen)} 元，余 {yuan_str(t.outstanding_fen)} 元，清收率 {t.rate:.2%}")
    for tw in s.townships:
        print(f"  {tw.rank:>2}. {tw.name}  {tw.loans} 笔  清收 {yuan_str(tw.recovered_fen)} 元  清收率 {tw.rate:.2%}")
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    from app.services.foundation.backup import backup

    output_file(args.out, "备份", refused="没有备份")
    with database(args) as db:
        result = backup(db, args.out)
    if args.json:
        emit_json({"backup": result.path, "bytes": result.size})
    else:
        print(f"已备份到：{result.path}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from app import config
    from app.bootstrap import open_database
    from app.services.foundation import after_restore_note, restore

    target = args.db or config.default_db_path()
    result = restore(target, args.file)
    open_database(target).dispose()  # upgrade a backup from an older version now
    note = after_restore_note(Path(target))
    if args.json:
        emit_json({"restored": result.path, "from": str(args.file), "previous": result.kept, "sync_note": note})
    else:
        print(f"已从 {args.file} 恢复数据库：{result.path}")
        print(f"原来的数据库另存在：{result.kept}" if result.kept else "原来没有数据库，不需要另存")
        if note:
            print(note)
    return 0
