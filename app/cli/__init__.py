"""The command line (docs/CLI.md is the contract): ``qingshou`` / ``python -m app``.

Each command group lives in its own module with a ``register(subparsers)`` function; the
handlers call the same service functions as the window.
"""
from __future__ import annotations

import argparse
import sys

from app.cli import (
    agreements,
    assess,
    bulletin,
    common,
    followup,
    foundation,
    ledger,
    operator,
    reconcile,
    report,
    sync,
    work,
)

COMMAND_MODULES = [foundation, ledger, work, agreements, followup, operator, sync, bulletin, report, reconcile, assess]


def build_parser() -> argparse.ArgumentParser:
    parser = common.ChineseArgumentParser(
        prog="qingshou", description="清收工作台：不良贷款清收的离线工作程序")
    common.add_operator(parser, root=True)
    sub = parser.add_subparsers(dest="command", metavar="命令", parser_class=common.ChineseArgumentParser)
    for module in COMMAND_MODULES:
        module.register(sub)
    common.add_operator_everywhere(parser)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    common.setup_console()
    common.setup_logging()
    if not argv:
        argv = ["gui"]
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: bad usage
        return int(exc.code or 0) if exc.code in (0, None) else 2
    if not getattr(args, "handler", None):   # a command group alone (``qingshou agreement``)
        return _missing_subcommand(parser, args)
    return common.run(args.handler, args)


def _missing_subcommand(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    """A group named without one of its commands is bad usage (exit 2, like any command line
    that does not say what to do), shown with the group's own commands rather than the top list."""
    while True:
        group = next((a for a in parser._actions if isinstance(a, argparse._SubParsersAction)), None)
        chosen = getattr(args, group.dest, None) if group is not None else None
        if chosen not in (group.choices if group is not None else {}):
            break
        parser = group.choices[chosen]
    parser.print_help(sys.stderr)
    names = "、".join(group.choices) if group is not None else ""
    print(f"{parser.prog}：用法错误：缺少子命令" + (f"（可用：{names}）" if names else ""), file=sys.stderr)
    return 2
