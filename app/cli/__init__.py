"""The command line (../shared/CLI.md is the contract): ``qingshou`` / ``python -m app``.

Each command group lives in its own module with a ``register(subparsers)`` function; the
handlers call the same service functions as the window.
"""
from __future__ import annotations

import argparse
import logging
import sys

from app.cli import agreements, common, foundation, ledger, operator, work

COMMAND_MODULES = [foundation, ledger, work, agreements, operator]


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
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    return common.run(args.handler, args)
