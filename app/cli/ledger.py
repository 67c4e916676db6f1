"""``qingshou import-ledger FILE --db P [--township NAME] [--unit 元|万元] [--json] [--error-report FILE]``."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from app.cli.common import actor, add_db, add_json, database, emit_json, os_problem, output_file
from app.domain.errors import InputError
from app.domain.money import yuan_str

SHOWN_ROWS = 20


def register(sub) -> None:
    p = sub.add_parser("import-ledger", help="导入银行的不良贷款任务台账（Excel）")
    p.add_argument("file", type=Path, metavar="台账文件", help=".xlsx 或 .xls 文件")
    add_db(p)
    p.add_argument("--township", default=None, metavar="乡镇",
                   help="台账看不出乡镇时（没有乡镇列、工作表名也不是乡镇名）按这个乡镇导入")
    p.add_argument("--unit", choices=("元", "万元"), default=None, metavar="元|万元",
                   help="台账没有注明金额单位（表头、标题都没写）的工作表按这个单位读；不写时按元读，"
                        "但余额看起来像万元时拒绝导入，请写明单位")
    p.add_argument("--error-report", type=Path, default=None, metavar="文件",
                   help="把未导入的行（原样，附原因）写到这个 .xlsx 文件，可退回银行核实")
    add_json(p)
    p.set_defaults(handler=cmd_import_ledger)


def cmd_import_ledger(args: argparse.Namespace) -> int:
    from app.services.ledger_import import import_ledger, write_error_report

    if args.error_report is not None:
        _check_report_place(args.error_report, args.file)
    with database(args) as db:  # never creates a database; the import reads the whole file first
        result = import_ledger(db, args.file, township=args.township, actor=actor(args, db), sole_user=True,
                               units={"*": args.unit} if args.unit else None, unit_must_be_stated=True)
    report = None
    if args.error_report is not None:
        try:
            report = write_error_report(result, args.error_report)
        except (InputError, OSError) as exc:  # the import itself is done: say so, do not fail it
            problem = os_problem(exc) if isinstance(exc, OSError) else str(exc)
            print(f"台账已导入，但错误报告没有保存：{problem}", file=sys.stderr)
    if args.json:
        out = result.to_json()
        if args.error_report is not None:
            out["error_report"] = str(report) if report is not None else None
        emit_json(out)
        return 0
    _print(result, report)
    return 0


def _check_report_place(path: Path, ledger: Path) -> None:
    """Refuse, before importing anything, an error report that could not be saved, or that
    would be saved over the bank's ledger itself (the report is always an .xlsx file)."""
    final = path if path.suffix.lower() == ".xlsx" else path.with_suffix(".xlsx")
    try:
        same = final.exists() and ledger.exists() and os.path.samefile(final, ledger)
    except OSError:
        same = False
    if same:
        raise InputError(f"错误报告会覆盖台账文件本身：{final}，请换一个文件名；台账没有导入")
    if path.is_dir():
        raise InputError(f"错误报告应是一个 .xlsx 文件，不是文件夹：{path}；台账没有导入")
    output_file(final, "错误报告", refused="台账没有导入")


def _print(r, report: Path | None) -> None:
    if r.already_imported:
        print(f"{r.file} 以前已经导入过，数据没有改动（{r.loans_unchanged} 笔贷款）。")
    else:
        print(f"已导入 {r.file}（数据截至 {r.as_of.isoformat()}）：新增 {r.loans_imported} 笔，"
              f"更新 {r.loans_updated} 笔，未变 {r.loans_unchanged} 笔；{r.households} 户；"
              f"台账余额合计 {yuan_str(r.balance_fen)} 元。")
    if r.bank_recovered_fen:
        print(f"银行台账报告收回 {yuan_str(r.bank_recovered_fen)} 元，结清 {r.loans_settled} 笔。")
    if not r.already_imported:
        for note in r.notes:
            print(f"注意：{note}")
    if r.followups:
        print(f"{r.followups} 条提示已记入待核实清单（qingshou followup list；窗口：借款户 → 台账核实）。")
    _rows(f"未导入 {len(r.rows_rejected)} 行：", r.rows_rejected, "（用 --error-report 导出全部）")
    left_out = sum(not w.imported for w in r.warnings)
    _rows(f"需核对 {len(r.warnings)} 行（{f'其中 {left_out} 行未导入' if left_out else '已导入'}）：", r.warnings, "")
    if r.loans_missing:
        print(f"这份台账里没有、本系统中还有余额的贷款 {len(r.loans_missing)} 笔（已标记，请核实）：")
        for m in r.loans_missing[:SHOWN_ROWS]:
            print(f"  {m.township} {m.loan_no} {m.name} 余额 {yuan_str(m.balance_fen)} 元")
    if report is not None:
        print(f"错误报告已保存：{report}")


def _rows(title: str, rows, more_hint: str) -> None:
    """A few of the rows a person should look at, each with its sheet and Excel row."""
    if not rows:
        return
    print(title)
    for x in rows[:SHOWN_ROWS]:
        print(f"  {x.sheet} 第 {x.row} 行：{x.message}")
    if len(rows) > SHOWN_ROWS:
        print(f"  ……另有 {len(rows) - SHOWN_ROWS} 行{more_hint}")
