"""Shared pieces of the command line: parsing, output, errors, logging."""
from __future__ import annotations

import argparse
import errno
import json
import logging
import logging.handlers
import os
import re
import sys
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any, Callable, Iterator

from app import config
from app.cli.helpformat import ColumnHelpFormatter, columns
from app.domain.errors import InputError, UserError

log = logging.getLogger("app.cli")


# argparse's own messages, in the words of the rest of the command line.
_ARGPARSE_WORDS = (
    ("the following arguments are required", "缺少必需的参数"),
    ("unrecognized arguments", "无法识别的参数"),
    ("invalid choice", "无效的选项"),
    ("choose from", "可选"),
    ("expected one argument", "后面需要一个值"),
    ("invalid int value", "不是整数"),
    ("invalid parse_date value", "日期格式不对"),
    ("not allowed with argument", "不能与此参数同时使用"),
    ("one of the arguments", "以下参数必须给出一个"),
    ("is required", "是必需的"),
    ("argument ", "参数 "),
)


class ChineseHelpFormatter(ColumnHelpFormatter):
    """argparse's help, with its own words (usage, options, -h) in Chinese, lined up by columns."""

    def _format_usage(self, usage, actions, groups, prefix):
        prefix = "用法：" if prefix is None else prefix
        if usage is None or "\n" not in usage:
            return super()._format_usage(usage, actions, groups, prefix)
        # a command's own usage of several forms (repay, repay void): each form wrapped on its own
        form = super()._format_usage
        first, *more = usage.split("\n")
        lines = [form(first, actions, groups, prefix).rstrip("\n")]
        for other in more:
            lines.append(form(other.strip(), actions, groups, " " * columns(prefix)).rstrip("\n"))
        return "\n".join(lines) + "\n\n"


class ChineseArgumentParser(argparse.ArgumentParser):
    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("formatter_class", ChineseHelpFormatter)
        kwargs.setdefault("add_help", True)
        add_help = kwargs.pop("add_help")
        super().__init__(*args, add_help=False, **kwargs)
        self._positionals.title = "参数"
        self._optionals.title = "选项"
        if add_help:
            self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS, help="显示此帮助并退出")

    def error(self, message: str) -> None:  # exit 2 with a Chinese first line
        one_of = re.fullmatch(r"one of the arguments (.+) is required", message)
        if one_of:
            message = f"必须给出以下参数之一：{'、'.join(one_of.group(1).split())}"
        for english, chinese in _ARGPARSE_WORDS:
            message = message.replace(english, chinese)
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}：用法错误：{message}\n")


def setup_console() -> None:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(encoding="utf-8")
        except (AttributeError, ValueError):
            pass


def setup_logging() -> Path | None:
    """Details go to a rotating log file in the data folder; the console shows one line."""
    root = logging.getLogger()
    if any(getattr(h, "_qingshou", False) for h in root.handlers):
        return None
    try:
        path = config.log_dir() / "qingshou.log"
        handler = logging.handlers.RotatingFileHandler(path, maxBytes=2_000_000, backupCount=3,
                                                       encoding="utf-8")
    except OSError:
        return None
    handler._qingshou = True  # type: ignore[attr-defined]
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    return path


def run(handler: Callable[[argparse.Namespace], int | None], args: argparse.Namespace) -> int:
    try:
        code = handler(args) or 0
        sys.stdout.flush()
        return code
    except BrokenPipeError:  # the reader of the output went away (``| head``); the work is done
        _discard_stdout()
        return 0
    except UserError as exc:
        log.info("refused: %s", exc)
        print(str(exc).replace("\n", " "), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("已取消", file=sys.stderr)
        return 1
    except OSError as exc:  # a file or folder the user named cannot be read or written
        log.info("file problem in %s", getattr(args, "command", "?"), exc_info=True)
        print(os_problem(exc), file=sys.stderr)
        return 1
    except Exception:  # a bug: full details to the log, one line to the user
        log.exception("unexpected error in %s", getattr(args, "command", "?"))
        print(f"程序内部错误，操作未完成，数据未改动。详情见日志：{config.log_dir() / 'qingshou.log'}",
              file=sys.stderr)
        return 1


def _discard_stdout() -> None:
    """Send what is left of the output nowhere, so that exiting does not complain about the pipe."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # not a real file (tests capture the output)
        pass


_ERRNO_WORDS = {
    errno.EACCES: "没有权限", errno.EPERM: "没有权限", errno.EROFS: "磁盘或文件夹是只读的",
    errno.ENOSPC: "磁盘空间不足", errno.ENOENT: "文件或文件夹不存在", errno.ENOTDIR: "路径中有一段不是文件夹",
    errno.EISDIR: "这是一个文件夹，不是文件", errno.EEXIST: "已有同名的文件", errno.EBUSY: "文件正被使用",
    errno.EIO: "读写磁盘出错（U盘是否已拔出？）",
}


def os_problem(exc: OSError) -> str:
    """One Chinese line for a file that cannot be read or written."""
    where = str(exc.filename or "")
    if where.endswith((".part", ".restoring")):   # our temporary file: name the folder the user chose
        where = str(Path(where).parent)
    words = _ERRNO_WORDS.get(exc.errno or 0, "无法读写文件")
    return f"无法读写 {where}：{words}，操作未完成" if where else f"{words}，操作未完成"


def emit_json(obj: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")
    sys.stdout.flush()


OPERATOR_HELP = "经办人姓名（记入操作日志、印在凭证上；默认：环境变量 QINGSHOU_OPERATOR，或本机设置的操作员）"


def add_operator(parser: argparse.ArgumentParser, *, root: bool = False) -> None:
    """``--operator NAME``: before the command (``qingshou --operator 张三 repay …``) or after it;
    the one after the command wins."""
    parser.add_argument("--operator", metavar="姓名", help=OPERATOR_HELP,
                        default=None if root else argparse.SUPPRESS)


def add_operator_everywhere(parser: argparse.ArgumentParser) -> None:
    """Give every command and sub-command the ``--operator`` option."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in dict.fromkeys(action.choices.values()):
                if not any("--operator" in a.option_strings for a in child._actions):
                    add_operator(child)
                add_operator_everywhere(child)


def actor(args: argparse.Namespace, db) -> str:
    """Who a change made by this command is attributed to (``app.services.foundation.operators``)."""
    from app.services.foundation import command_line_actor

    named = getattr(args, "by", None) or getattr(args, "operator", None)
    return command_line_actor(db, named)


def add_db(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", type=Path, default=None, metavar="文件",
                   help="数据库文件（默认：用户数据文件夹中的 qingshou.db）")


def add_json(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="以 JSON 输出结果")


def parse_date(text: str) -> date:
    from app.domain.dates import parse_date_text

    try:
        return parse_date_text(text)
    except ValueError as exc:
        if str(exc).startswith("不存在的日期"):   # well written, but no such day (2026-02-30)
            raise argparse.ArgumentTypeError(f"没有这一天：{text}{_why_no_such_day(text)}") from exc
        raise argparse.ArgumentTypeError(f"日期格式不对：{text}（应为 YYYY-MM-DD）") from exc


def _why_no_such_day(text: str) -> str:
    import calendar
    import re

    numbers = re.findall(r"\d+", text)
    if len(numbers) == 1 and len(numbers[0]) == 8:
        numbers = [numbers[0][:4], numbers[0][4:6], numbers[0][6:]]
    if len(numbers) < 3:
        return ""
    year, month = int(numbers[0]), int(numbers[1])
    if not 1 <= month <= 12:
        return "（月份应为 1 到 12）"
    if not 1 <= year <= 9999:
        return ""
    return f"（{year} 年 {month} 月只有 {calendar.monthrange(year, month)[1]} 天）"


def output_file(path: Path, what: str = "文件", *, refused: str = "操作未完成") -> Path:
    """The one rule for every file a command writes (``--out``, ``--error-report`` …), checked
    before any work so that a refused command leaves the disk as it was: the folder must exist
    (none is made), and a file already there is never replaced.  ``refused`` says what did not
    happen (“台账没有导入”)."""
    path = Path(path)
    if path.is_dir():
        raise InputError(f"{what}应是一个文件，不是文件夹：{path}；{refused}")
    if not path.parent.is_dir():
        raise InputError(f"保存{what}的文件夹不存在：{path.parent}（不会新建文件夹）；{refused}")
    if path.exists() or path.is_symlink():
        raise InputError(f"文件已存在，{what}不会覆盖它：{path}；请换一个文件名，或先删除它；{refused}")
    if not os.access(path.parent, os.W_OK):
        raise InputError(f"无法在这个文件夹里保存{what}（只读或没有权限）：{path.parent}；{refused}")
    return path


@contextmanager
def database(args: argparse.Namespace) -> Iterator:
    """The initialised database of ``--db`` for the length of a ``with`` block, then closed.
    A database that is missing or was never initialised is refused (exit 1) before anything is
    written: no empty database is left behind (the default one is made by ``init``)."""
    path = Path(args.db) if args.db is not None else config.default_db_path()
    if args.db is None and not path.exists():
        raise InputError(f"还没有数据库：{path}；请先用 qingshou init 新建，或用 --db 指定数据库文件")
    if path.is_file() and path.stat().st_size == 0:
        raise InputError(f"数据库尚未初始化（是一个空文件）：{path}；请先运行 init 或 demo")
    db = open_db(args)
    try:
        db.identity()
        yield db
    finally:
        db.dispose()


def open_db(args: argparse.Namespace, *, create: bool = False):
    """The database named by ``--db``; without ``--db``, the default one in the user's data
    folder.  Only ``create=True`` (``init``) makes a new file."""
    from app.bootstrap import open_database

    return open_database(args.db, create=create)
