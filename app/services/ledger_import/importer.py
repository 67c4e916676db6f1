"""Importing a bank's task ledger: import and error report (the preview before it:
``app.services.ledger_import.previews``).

The window's import wizard and ``qingshou import-ledger`` both use these:

* :func:`import_ledger` reads and writes in one unit of work: all or nothing.  It reports
  progress as ``progress(percent, 100, message)`` (``app.domain.progress``) and stops, rolling
  everything back, as soon as ``cancel`` (a ``threading.Event`` or a callable) says so.  The column choices it used are
  remembered for the next file of the same layout (:class:`MappingStore`).
* :func:`write_error_report` writes the rejected rows back out for the bank.

Re-importing the same file (same SHA-256) changes nothing.  Money is integer fen.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Mapping, Sequence

from sqlalchemy import select, text

from app.db.journal import rollback_journal
from app.db.models import LedgerImport
from app.db.search_index import forget as forget_index_rows
from app.db.session import Database
from app.domain.errors import InputError
from app.domain.money import yuan_str
from app.domain.progress import CancelFn, Progress, Steps
from app.ledger.error_report import write_error_report as _write_report
from app.ledger.headers import clean_header
from app.ledger.mappings import MappingStore
from app.ledger.parse import ParsedLedger, SheetReport, parse_ledger
from app.ledger.rows import RejectedRow, RowWarning
from app.services.ledger_import import followup as import_followup
from app.services.ledger_import.previews import (
    LedgerPreview,
    balance_history,
    gc_paused,
    own_township,
    parsed_from,
    reading_settings,
    townships_context,
)
from app.services.ledger_import.updates import MissingLoan
from app.services.ledger_import.writer import LedgerWriter

# From this many rows, an import by the only user of the database writes through the
# rollback journal (app.db.journal: ~0.5 s less for 100,000 rows).
ROLLBACK_JOURNAL_MIN = 5_000

log = logging.getLogger(__name__)




@dataclass
class ImportResult:
    file: str
    sha256: str
    import_id: str | None          # None when the file had been imported already
    as_of: date
    already_imported: bool
    loans_imported: int
    loans_updated: int
    loans_unchanged: int
    households: int                # households the file's loans belong to
    households_new: int
    balance_fen: int               # the ledger's balance total over the imported rows
    bank_recovered_fen: int        # lower balances counted as recovered by this ledger
    loans_settled: int             # paid off according to this ledger
    loans_missing: list[MissingLoan]
    rows_rejected: list[RejectedRow]
    warnings: list[RowWarning]
    sheets: list[SheetReport] = field(default_factory=list)
    townships: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    followups: int = 0             # items left for a person to check (app.services.ledger_import.followup)

    def to_json(self, *, limit: int | None = None) -> dict:
        rejected = self.rows_rejected if limit is None else self.rows_rejected[:limit]
        warnings = self.warnings if limit is None else self.warnings[:limit]
        return {
            "file": self.file, "sha256": self.sha256, "import_id": self.import_id,
            "as_of": self.as_of.isoformat(), "already_imported": self.already_imported,
            "loans_imported": self.loans_imported, "loans_updated": self.loans_updated,
            "loans_unchanged": self.loans_unchanged, "households": self.households,
            "households_new": self.households_new, "balance_total": yuan_str(self.balance_fen),
            "bank_recovered": yuan_str(self.bank_recovered_fen), "loans_settled": self.loans_settled,
            "loans_missing": [m.to_json() for m in self.loans_missing],
            "rows_rejected": [r.to_json() for r in rejected],
            "warnings": [w.to_json() for w in warnings],
            "townships": self.townships, "notes": self.notes,
            "sheets": [s.to_json() for s in self.sheets], "followups": self.followups,
        }


# ---------------------------------------------------------------------------- import

def import_ledger(db: Database, path: Path | str, *, township: str | None = None,
                  mapping_overrides: Mapping[str, str | None] | None = None,
                  progress: Progress | None = None, cancel: CancelFn | None = None,
                  actor: str = "system", store: MappingStore | None = None,
                  today: date | None = None, preview: LedgerPreview | None = None,
                  sole_user: bool = False, units: Mapping[str, str] | None = None,
                  unit_must_be_stated: bool = False) -> ImportResult:
    """Read ``path`` and write its loans into ``db``: all or nothing.

    ``InputError`` (nothing written) for a file that cannot be read, has no table, misses a
    required column or a township; :class:`Cancelled` if ``cancel`` fired.  ``preview``: the
    file's :func:`preview`, used instead of reading the file again when it still applies.
    ``sole_user``: nothing else in this process uses ``db`` meanwhile (the command line); a
    large import then writes through the rollback journal when no other program has the
    file open either (see ``app.db.journal``).  ``units``: sheet name (or
    ``"*"``) → 元 / 万元, the money unit of sheets that state none (remembered for the layout).
    ``unit_must_be_stated``: refuse (``InputError``, nothing written) a sheet whose unit is
    stated nowhere while its balances look like 万元 — the command line, which cannot ask: a
    task amount is fixed at the first import, so a wrong unit could not be put right later.
    """
    with gc_paused():
        return _import(db, path, township=township, mapping_overrides=mapping_overrides, progress=progress,
                       cancel=cancel, actor=actor, store=store, today=today, earlier=preview,
                       sole_user=sole_user, units=units, unit_must_be_stated=unit_must_be_stated)


def _import(db: Database, path: Path | str, *, township, mapping_overrides, progress, cancel, actor, store,
            today, earlier, sole_user=False, units=None, unit_must_be_stated=False) -> ImportResult:
    today = today or date.today()
    steps = Steps(progress, cancel, cancelled="已取消导入，数据库没有任何改动")
    store = store or MappingStore()
    known, township = townships_context(db, township)
    own = own_township(db)
    parsed = parsed_from(earlier, path, reading_settings(path, township, known, mapping_overrides, store, today, own,
                                                    units))
    if parsed is None:
        parsed = parse_ledger(path, township=township, overrides=mapping_overrides, recall=store.get,
                              known_townships=known, steps=steps, share=(0, 45), today=today,
                              only_township=own, units=units, recall_unit=store.unit, history=balance_history(db))
    else:
        steps.report(45, "文件已读完")
    if parsed.problems:
        more = f"（另有 {len(parsed.problems) - 1} 个问题）" if len(parsed.problems) > 1 else ""
        raise InputError(parsed.problems[0] + more)
    asked = [sh for sh in parsed.sheets if sh.unit_question]
    if unit_must_be_stated and asked:
        names = "、".join(f"“{sh.name}”" for sh in asked)
        raise InputError(f"{Path(path).name} 的工作表{names}：{asked[0].unit_question}；"
                         "请用 --unit 万元 或 --unit 元 指明单位后再导入（任务金额以第一次导入为准，单位错了以后改不了）；"
                         "台账没有导入")
    as_of = parsed.as_of or today
    notes = list(parsed.notes)
    if not parsed.as_of:
        notes.append(f"台账没有写明数据日期，按导入日期 {today.isoformat()} 记")
    elif as_of > today:
        notes.append(f"台账的数据日期 {as_of.isoformat()} 晚于今天，银行报告的还款按今天记；请检查电脑日期")
    with rollback_journal(db.engine, wanted=sole_user and len(parsed.rows) >= ROLLBACK_JOURNAL_MIN), \
            db.uow(actor) as uow:
        if _imported_before(uow, parsed.sha256):
            return _unchanged(uow, parsed, as_of)
        writer = LedgerWriter(uow, parsed, as_of=as_of, today=today, steps=steps, share=(45, 98))
        counts = writer.run()
        result = ImportResult(
            file=parsed.file_name, sha256=parsed.sha256, import_id=writer.import_id, as_of=as_of,
            already_imported=False, loans_imported=counts.imported, loans_updated=counts.updated,
            loans_unchanged=counts.unchanged, households=len(counts.household_ids),
            households_new=counts.households_new, balance_fen=parsed.balance_fen,
            bank_recovered_fen=counts.bank_recovered_fen, loans_settled=counts.settled,
            loans_missing=counts.missing, rows_rejected=parsed.rejected,
            warnings=parsed.warnings + counts.warnings, sheets=parsed.sheets, townships=counts.townships,
            notes=notes)
        if counts.older:
            result.notes.append(
                f"本系统已有更新的台账（数据截至 {counts.newest_before.isoformat()}）：{counts.older} 笔贷款的余额"
                f"没有按这份台账较早的数据（{'、'.join(d.isoformat() for d in sorted(counts.older_dates))}）改动，只记入历史")
        if counts.interest_carried:
            result.notes.append(f"台账没有欠息一栏：{counts.interest_carried} 笔贷款的欠息沿用上次台账的数，减去其后已还的利息"
                                "（其间新增的利息待银行下次台账给出）")
        result.followups = import_followup.record(
            uow, writer.import_id, warnings=result.warnings, missing=counts.missing, sheet_dates=writer.sheet_dates,
            township_dates=writer.township_dates, as_of=as_of)
        writer.summary_json(result.to_json(limit=200))
        # The household list's index: rows of touched households are dropped here and built
        # again when the list is next read (households.prepare), so no figure is ever stale.
        # Households this import made have no row yet (looking for 60,000 of them: ~0.6 s).
        forget_index_rows(uow.session, counts.household_ids - counts.new_household_ids)
        uow.audit("import", "ledger_imports", writer.import_id, summary=_audit_sentence(result))
        steps.check()
        uow.commit()
    steps.report(100, "导入完成")
    if mapping_overrides or any(t.layout.unit_source == "chosen" for t in parsed.tables):
        _remember(store, parsed, mapping_overrides or {})
    return result


def _imported_before(uow, sha256: str) -> bool:
    return uow.session.scalars(
        select(LedgerImport.id).where(LedgerImport.sha256 == sha256, LedgerImport.deleted.is_(False))
    ).first() is not None


def _unchanged(uow, parsed: ParsedLedger, as_of: date) -> ImportResult:
    """The result of importing a file read before: nothing to write."""
    numbers = {r.loan_no for r in parsed.rows}
    households = {hid for no, hid in uow.session.execute(text("SELECT loan_no, household_id FROM loans"))
                  if no in numbers}
    return ImportResult(
        file=parsed.file_name, sha256=parsed.sha256, import_id=None, as_of=as_of, already_imported=True,
        loans_imported=0, loans_updated=0, loans_unchanged=len(parsed.rows), households=len(households),
        households_new=0, balance_fen=parsed.balance_fen, bank_recovered_fen=0, loans_settled=0,
        loans_missing=[], rows_rejected=parsed.rejected, warnings=parsed.warnings, sheets=parsed.sheets,
        townships=sorted({r.township for r in parsed.rows}),
        notes=["这个文件以前已经导入过，数据没有任何改动"])


def _remember(store: MappingStore, parsed: ParsedLedger, overrides: Mapping[str, str | None]) -> None:
    for sheet in parsed.tables:
        layout = sheet.layout
        keys = {c.key for c in layout.columns} | {f"#{c.letter}" for c in layout.columns}
        mine = {k: v for k, v in overrides.items() if (k if k.startswith("#") else clean_header(k)) in keys}
        unit = layout.unit if layout.unit_source == "chosen" else None
        if mine or unit:
            if not mine:   # a unit chosen for a layout whose columns were read as they were
                mine = store.get(layout.signature) or {}
            try:
                store.remember(layout.signature, mine, headers=[c.header for c in layout.columns], unit=unit)
            except OSError:  # remembering is a convenience; the import itself is done
                log.warning("could not save ledger column choices", exc_info=True)


def _audit_sentence(r: ImportResult) -> str:
    parts = [f"导入银行台账 {r.file}（数据截至 {r.as_of.isoformat()}）：新增 {r.loans_imported} 笔",
             f"更新 {r.loans_updated} 笔", f"未变 {r.loans_unchanged} 笔", f"未导入 {len(r.rows_rejected)} 行"]
    if r.bank_recovered_fen:
        parts.append(f"银行报告收回 {yuan_str(r.bank_recovered_fen)} 元")
    if r.loans_missing:
        parts.append(f"台账中缺少 {len(r.loans_missing)} 笔")
    if r.followups:
        parts.append(f"待核实 {r.followups} 条")
    return "，".join(parts)


# ---------------------------------------------------------------------------- error report

def write_error_report(result_or_rows: ImportResult | LedgerPreview | Sequence[RejectedRow],
                       out_path: Path | str) -> Path:
    """Write the rejected rows (as they were, with the reason) and the warnings to ``out_path``."""
    if isinstance(result_or_rows, (ImportResult, LedgerPreview)):
        rejected = result_or_rows.rows_rejected if isinstance(result_or_rows, ImportResult) \
            else result_or_rows.rejected
        warnings = result_or_rows.warnings
        headers = {s.name: s.layout.header_cells for s in result_or_rows.sheets if s.layout is not None}
    else:
        rejected, warnings, headers = list(result_or_rows), [], {}
    return _write_report(out_path, rejected, warnings, headers)
