"""Shared pieces of the command line: parsing, output, errors, logging."""
from __future__ import annotations

import argparse
import errno
import json
import logging
import logging.handlers
import os
import sys
from datetime import date
from pathlib import Path
from contextlib import contextmanager
from typing import Any, Callable, Iterator

from app import config
from app.domain.errors import UserError

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


class ChineseHelpFormatter(argparse.HelpFormatter):
    """argparse's help, with its own words (usage, options, -h) in Chinese."""

    def _format_usage(self, usage, actions, groups, prefix):
        return super()._format_usage(usage, actions, groups, "用法：" if prefix is None else prefix)


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
    """Who a change made by this command is attributed to (``app.services.operators``)."""
    from app.services.operators import command_line_actor

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
        raise argparse.ArgumentTypeError(f"日期格式不对：{text}（应为 YYYY-MM-DD）") from exc


@contextmanager
def database(args: argparse.Namespace) -> Iterator:
    """The initialised database of ``--db`` for the length of a ``with`` block, then closed.
    A database that was never initialised is refused (exit 1)."""
    db = open_db(args)
    try:
        db.identity()
        yield db
    finally:
        db.dispose()


def open_db(args: argparse.Namespace, *, create: bool = False):
    """The database named by ``--db``; without ``--db``, the default one in the user's data
    folder, made on first use (CLI.md)."""
    from app.bootstrap import open_database

    return open_database(args.db, create=create or args.db is None)
