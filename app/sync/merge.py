"""Merging packages: each file whole or not at all, in any order, as often as it comes.

``merge_files`` opens every file (``app.sync.receive``), refuses what it must with a reason, and
merges the rest, all in one transaction (one savepoint per file, one durable commit): facts by id (a void travels), editable rows field
group by field group by their clocks (``app.sync.fields_merge``), changes the sender does not
own refused and counted, derived figures recomputed, the rules one laptop enforces alone
rechecked (``app.sync.rules``), the package recorded (a second merge of it
changes nothing), the sender's sequence and its gaps kept, the laptop enrolled if this is its
first package.
"""
from __future__ import annotations

import json
import logging
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Callable

from sqlalchemy import text
from sqlalchemy.engine import Connection

from app.db.search_index import refresh_search
from app.db.session import Database
from app.domain.clock import MAX_DRIFT_MS, parse_stamp
from app.domain.errors import UserError
from app.domain.progress import CancelFn, Progress, Steps
from app.sync import conflict_merge, merge_after, rows, scope
from app.sync.errors import PackageError
from app.sync.fields_merge import FieldMerge
from app.sync.receive import Incoming, ReadAhead, open_package, own_decrypt, read_ahead

log = logging.getLogger(__name__)

# Tables a work package may add rows to: not the units of the district, not the bank's loans.
# A laptop may not add units, loans or bank ledgers (a ledger it read itself stays its own: the
# district reads the bank's ledgers, and the same file read there is the same import).
_WORK_MAY_INSERT = frozenset(scope.TOWNSHIP_ROWS) - {"units", "loans", "ledger_imports"}
_MMAP_BYTES = 256 * 1024 * 1024   # the resident pages of the map count in the merge's peak memory

DISTRICT_NAME = "区县"      # who writes task packages, as a merge names the sender


@dataclass
class FileResult:
    file: str
    package_id: str | None
    status: str                      # merged | already_merged | refused
    reason: str | None = None
    code: str | None = None
    unit: str | None = None
    device: str | None = None
    sequence: int | None = None
    kind: str | None = None          # work | task
    inserted: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    conflicts: int = 0
    rule_breaches: int = 0           # breaches of a rule this merge listed (app.sync.rules)
    rule_breaches_fixed: int = 0     # listed breaches it found gone (taken off the list)
    refused_changes: list[str] = field(default_factory=list)
    rules_fixed: list[str] = field(default_factory=list)   # what those were (in the audit log, not the JSON)
    conflict_rows: set[str] = field(default_factory=set)   # conflicts this merge listed or changed (they travel on)

    def to_json(self) -> dict:
        return {"file": self.file, "package_id": self.package_id, "status": self.status, "reason": self.reason,
                "code": self.code, "unit": self.unit, "device": self.device, "sequence": self.sequence,
                "kind": self.kind,
                "inserted": self.inserted, "updated": self.updated, "conflicts": self.conflicts,
                "rule_breaches": self.rule_breaches, "rule_breaches_fixed": self.rule_breaches_fixed,
                "refused_changes": self.refused_changes}


@dataclass
class MergeReport:
    files: list[FileResult]

    @property
    def conflicts(self) -> int:
        return sum(f.conflicts for f in self.files)

    @property
    def rule_breaches(self) -> int:
        return sum(f.rule_breaches for f in self.files)

    @property
    def refused(self) -> int:
        return sum(1 for f in self.files if f.status == "refused")

    def to_json(self) -> dict:
        return {"merged": [f.to_json() for f in self.files], "conflicts": self.conflicts,
                "rule_breaches": self.rule_breaches}


def merge_files(db: Database, files: list[Path], *, actor: str = "system",
                passphrase: Callable[[], str | None] | None = None, progress: Progress | None = None,
                cancel: CancelFn | None = None) -> MergeReport:
    """Merges ``files`` in the order given, all in one transaction with one durable commit at
    the end; each file inside its own savepoint, so a file refused (or found already merged)
    writes nothing while the others merge, and each file sees what the files before it wrote
    (the same package twice, two packages of one laptop, a laptop enrolled by its first).  The
    household list's index is refreshed once, for every household the merged files touched,
    before the commit.  Killed or failed at any moment (an error that is not a refusal), or
    cancelled (``cancel``, checked between files: raises ``Cancelled``), nothing is written.

    ``passphrase``: asked for (once) when a task package is protected by one.
    ``progress(done, total, text)``: after each file's turn comes."""
    asked: list[str | None] = []

    def once() -> str | None:
        if not asked:
            asked.append(passphrase() if passphrase else None)
        return asked[0]

    steps = Steps(cancel=cancel, cancelled="已取消合并，数据库没有任何改动（这次选的文件都没有合并）")
    files = [Path(f) for f in files]
    results: list[FileResult] = []
    households: set[str] = set()
    named: set[str] = set()          # of those, the ones whose search text may have changed
    ident = db.identity()
    with db.engine.connect() as conn:
        conn.exec_driver_sql("ATTACH DATABASE ':memory:' AS pkg")    # each file's payload, in turn
        # The district's file read through memory, not a system call a page: ~4 s less system time
        # for 36 first packages (bench/RESULTS.md, USB-stick sync).  Bounded: the mapped pages the
        # merge touches count in its resident memory.
        conn.exec_driver_sql(f"PRAGMA main.mmap_size = {_MMAP_BYTES}")
        _make_list_tables(conn)
        conn.commit()
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
            try:
                decrypt = own_decrypt(conn)
                with ThreadPoolExecutor(max_workers=1, thread_name_prefix="merge-read-ahead") as pool:
                    ahead = pool.submit(read_ahead, files[0], decrypt) if files else None
                    for n, file in enumerate(files):
                        steps.check()
                        if progress is not None:
                            progress(n, len(files), f"正在合并 {file.name}（{n + 1}/{len(files)}）")
                        this = ahead.result()
                        # the next file is read and decrypted while this one merges
                        ahead = pool.submit(read_ahead, files[n + 1], decrypt) if n + 1 < len(files) else None
                        results.append(_merge_file(conn, db, file, ident, actor, once, households, named, this))
                steps.check()
                if households:
                    if progress is not None:
                        progress(len(files), len(files), f"正在更新借款户列表（{len(households)} 户）")
                    refresh_search(conn, sorted(households), same_names=households - named)
                steps.check()
                conn.commit()
            except BaseException:
                conn.rollback()
                raise
        finally:
            db.forget_identity()     # the clock moved: the next unit of work resumes from meta
            conn.exec_driver_sql("DETACH DATABASE pkg")
            conn.exec_driver_sql("PRAGMA main.mmap_size = 0")     # the pool's connection as it was
            _drop_list_tables(conn)
            conn.commit()
    if progress is not None:
        progress(len(files), len(files), "合并完成")
    return MergeReport(results)


def merge_one(db: Database, file: Path, *, actor: str = "system",
              passphrase: Callable[[], str | None] | None = None) -> FileResult:
    """One file alone (``merge_files`` of one)."""
    return merge_files(db, [file], actor=actor, passphrase=passphrase).files[0]


def _merge_file(conn: Connection, db: Database, file: Path, ident, actor: str,
                passphrase: Callable[[], str | None], households: set[str], named: set[str],
                ahead: ReadAhead | None = None) -> FileResult:
    """One file inside ``conn``'s transaction, whole (its savepoint released) or not at all (rolled
    back to it); adds the households it touched to ``households``, those whose names, people or
    loans it wrote to ``named``."""
    try:
        incoming = open_package(db, file, conn, passphrase=passphrase, ahead=ahead)
    except UserError as exc:
        return FileResult(file.name, None, "refused", str(exc), getattr(exc, "code", None))
    header = incoming.header
    result = FileResult(incoming.file.name, incoming.package_id, "merged", unit=header.get("unit_name"),
                        device=header.get("device_name") or (DISTRICT_NAME if header.kind == "task" else header.get("device")),
                        sequence=header.get("seq"), kind=header.kind)
    conn.exec_driver_sql("SAVEPOINT merge_file")
    try:
        if conn.execute(text("SELECT 1 FROM sync_packages WHERE package_id = :p AND direction = 'in'"),
                        {"p": incoming.package_id}).first():
            result.status = "already_merged"
        else:
            newest = _check_clock(conn, incoming)
            left = merge_after.households_left(conn)      # (their search text changes too)
            touched, placed = _apply(conn, incoming, ident.role, result)
            _relay(conn, touched)
            mine, mine_named = _after(conn, incoming, touched, placed, result, actor, ident, newest)
            mine, mine_named = mine | left, mine_named | left
    except PackageError as exc:
        conn.exec_driver_sql("ROLLBACK TO merge_file")
        conn.exec_driver_sql("RELEASE merge_file")
        return FileResult(file.name, incoming.package_id, "refused", str(exc), exc.code)
    conn.exec_driver_sql("RELEASE merge_file")
    if result.status == "merged":
        households |= mine
        named |= mine_named
    return result


# The township's id lists (``scope.LISTS``) a merge makes once for a file, as TEMP tables, instead
# of every statement building them again from its ``IN (SELECT …)``: ≈2–3 ms a list of a
# township of 1,400 households, paid by each insert of a delta that brings a few rows
# (bench/RESULTS.md, USB-stick sync, 2026-12-04).  ``persons`` stays a subquery: only the audit
# log's condition reads it, and only for an entry the others do not take.
_MADE_LISTS = ("households", "loans", "agreements")


def _make_list_tables(conn: Connection) -> None:
    for name in _MADE_LISTS:
        conn.exec_driver_sql(f"CREATE TEMP TABLE IF NOT EXISTS merge_scope_{name} (id TEXT PRIMARY KEY) WITHOUT ROWID")


def _drop_list_tables(conn: Connection) -> None:
    for name in _MADE_LISTS:
        conn.exec_driver_sql(f"DROP TABLE IF EXISTS temp.merge_scope_{name}")


class _Lists:
    """One file's township id lists of the district (``scope.LISTS`` read on ``main``), each made
    when a statement first needs it and kept equal to what its subquery would read at that
    moment: when the file writes rows of a table a list is made of (``wrote``), those rows are
    taken out of the list and put back if they belong, and a list whose members changed makes
    the lists made from it stale (made again when next needed)."""

    def __init__(self, conn: Connection, township: str) -> None:
        self.conn, self.params = conn, {"township": township}
        self.stale = set(_MADE_LISTS)
        self.queries = scope.subqueries("main.")
        for name in _MADE_LISTS:
            self.queries[name] = f"SELECT id FROM temp.merge_scope_{name}"
        # (the lists made of the lists made: subqueries of the TEMP tables)
        for name, sql in scope.LISTS.items():
            if name not in _MADE_LISTS:
                self.queries[name] = sql.format(s="main.", **self.queries)

    def condition(self, table: str) -> str:
        """``scope.condition(table, "main.")``, reading the lists made for this file."""
        for name in _MADE_LISTS:
            if name in self.stale and name in scope.lists_in(table):
                self._make(name)
        return scope.condition(table, "main.", self.queries)

    def _source(self, name: str) -> str:
        return scope.LISTS[name].format(s="main.", **self.queries)

    def _make(self, name: str) -> None:
        for before in _MADE_LISTS[:_MADE_LISTS.index(name)]:     # the lists it reads, first
            if before in self.stale and "{" + before + "}" in scope.LISTS[name]:
                self._make(before)
        self.conn.exec_driver_sql(f"DELETE FROM temp.merge_scope_{name}")
        self.conn.execute(text(f"INSERT INTO temp.merge_scope_{name} {self._source(name)} ORDER BY 1"), self.params)
        self.stale.discard(name)

    def wrote(self, table: str, ids: set[str]) -> None:
        """Rows ``ids`` of ``table`` were inserted or changed."""
        if table not in _MADE_LISTS or not ids:
            if table in scope.LISTS and ids:
                self._stale_after(table)
            return
        if table in self.stale:
            return
        params = {**self.params, "ids": json.dumps(sorted(ids))}
        member = f"SELECT id FROM temp.merge_scope_{table} WHERE id IN (SELECT value FROM json_each(:ids)) ORDER BY 1"
        was = [r[0] for r in self.conn.execute(text(member), params)]
        self.conn.execute(text(f"DELETE FROM temp.merge_scope_{table} WHERE id IN (SELECT value FROM json_each(:ids))"),
                          params)
        self.conn.execute(text(f"INSERT INTO temp.merge_scope_{table} SELECT id FROM ({self._source(table)}) "
                               "WHERE id IN (SELECT value FROM json_each(:ids)) ORDER BY 1"), params)
        if [r[0] for r in self.conn.execute(text(member), params)] != was:
            self._stale_after(table)

    def _stale_after(self, name: str) -> None:
        """The lists made from list ``name`` (directly or not) are made again when next needed."""
        reads = {name}
        for other in scope.LISTS:
            if any("{" + r + "}" in scope.LISTS[other] for r in reads):
                reads.add(other)
                if other in _MADE_LISTS:
                    self.stale.add(other)


def _tables(conn: Connection) -> list[str]:
    present = {r[0] for r in conn.exec_driver_sql("SELECT name FROM pkg.sqlite_master WHERE type = 'table'")}
    return [t for t in scope.TOWNSHIP_ROWS if t in present]


def _columns(conn: Connection, schema: str, table: str) -> list[str]:
    return [r[1] for r in conn.exec_driver_sql(f"PRAGMA {schema}.table_info({table})")]


def _check_clock(conn: Connection, incoming: Incoming) -> str:
    """Refuses a package whose stamps lie more than 7 days ahead of this computer's clock;
    returns its newest stamp ("" when none)."""
    newest = ""
    for table in _tables(conn):
        if "hlc" in _columns(conn, "pkg", table):
            newest = max(newest, conn.exec_driver_sql(f"SELECT max(hlc) FROM pkg.{table}").scalar() or "")
    if newest:
        ahead = parse_stamp(newest)[0] - int(time.time() * 1000)
        if ahead > MAX_DRIFT_MS:
            days = -(-ahead // 86_400_000)       # (rounded up: 8 days and some hours are "9 天")
            raise PackageError(f"数据包里的修改时间比本机时钟晚约 {days} 天：写出它的电脑（或本机）的日期不对。"
                               "请先核对两台电脑的日期；那台电脑在日期错误时记下的修改带着以后的时间，改正日期后"
                               "重新导出也会被拒绝，要到那个时间以后才能合并——数据仍在那台电脑上，不会丢，"
                               "请不要删除它的数据库，并联系技术支持", code="clock_drift",
                               where=incoming.file.name)
    return newest


# A household's columns the rules read of it (``rules.touched_persons``): its persons' ID numbers
# count in its township while it is live.
_PLACE = frozenset({"township_id", "deleted"})


def _apply(conn: Connection, incoming: Incoming, role: str,
           result: FileResult) -> tuple[dict[str, set[str]], set[str]]:
    """Writes the package's rows; returns the ids it inserted or changed, per table, and the
    households it made or whose township or ``deleted`` it wrote."""
    township = incoming.header["unit_id"]
    from_township = role == "district"          # a work package: its sender owns township fields only
    touched: dict[str, set[str]] = {}
    placed: set[str] = set()
    lists = _Lists(conn, township)
    for table in _tables(conn):
        sent = set(_columns(conn, "pkg", table))
        cols = [c for c in _columns(conn, "main", table) if c in sent]
        if "id" not in cols:       # ledger_balances: keyed by (import, loan)
            # (the loans given new readings, under the table's name: no row ids of its own)
            touched.setdefault(table, set()).update(_insert_keyed(conn, table, cols, township, result))
            continue
        params = {"township": township}
        may_insert = (table in _WORK_MAY_INSERT) if from_township else True
        new_ids = [r[0] for r in conn.execute(text(
            f"SELECT id FROM pkg.{table} WHERE id NOT IN (SELECT id FROM main.{table})"), params)]
        if new_ids and not may_insert:
            result.refused_changes.append(f"{table}：{len(new_ids)} 行新记录只能由区县建立，未合并")
        elif new_ids:
            # (a new ledger is the township's by its readings, which come after it: read in the package)
            in_scope = scope.condition(table, "pkg.") if table == "ledger_imports" else lists.condition(table)
            names = ", ".join(cols)
            # the new rows by their ids (found just above, in this transaction), not the package's
            # every row looked up again: a first package's 5,600 visits bring ~300 new ones
            ids = json.dumps(new_ids)
            cur = conn.execute(text(
                f"INSERT OR IGNORE INTO main.{table} ({names}) SELECT {names} FROM pkg.{table} "
                f"WHERE id IN (SELECT value FROM json_each(:ids)) AND ({in_scope})"), {**params, "ids": ids})
            if cur.rowcount:
                result.inserted[table] = cur.rowcount
                touched.setdefault(table, set()).update(r[0] for r in conn.execute(text(
                    f"SELECT id FROM main.{table} WHERE id IN (SELECT value FROM json_each(:ids))"), {"ids": ids}))
                if table == "households":
                    placed |= touched[table]
            if cur.rowcount < len(new_ids):
                result.refused_changes.append(
                    f"{table}：{len(new_ids) - cur.rowcount} 行新记录不属于本乡镇，或与已有记录重复，未合并")
        if rows.is_fact(table):
            changed = _voids(conn, table, cols)
        elif table == "conflicts":        # by their own clocks, then as the fields they are about stand here
            changed = conflict_merge.merge(conn, cols, touched.get(table, set()), township=township,
                                           from_township=from_township, result=result,
                                           in_scope=lambda: lists.condition("conflicts"))
        else:
            fields = FieldMerge(conn, table, cols, township=township, from_township=from_township, result=result)
            changed = fields.run()
            if table == "households":
                placed |= {row_id for row_id, written in fields.written.items() if written & _PLACE}
        if changed:
            result.updated[table] = result.updated.get(table, 0) + len(changed)
            touched.setdefault(table, set()).update(changed)
        lists.wrote(table, touched.get(table, set()))
    if result.conflict_rows:
        touched.setdefault("conflicts", set()).update(result.conflict_rows)
    return touched, placed


def _insert_keyed(conn: Connection, table: str, cols: list[str], township: str, result: FileResult) -> set[str]:
    """Ledger history rows (no id of their own): new ones for loans this database has.  Returns
    the loans that got a new reading (their bank recovery is derived again)."""
    names = ", ".join(cols)
    where = (f"p.loan_id IN (SELECT id FROM main.loans WHERE township_id = :township) "
             f"AND p.import_id IN (SELECT id FROM main.ledger_imports) AND NOT EXISTS (SELECT 1 FROM main.{table} m "
             f"WHERE m.import_id = p.import_id AND m.loan_id = p.loan_id)")
    loans = {r[0] for r in conn.execute(text(f"SELECT DISTINCT p.loan_id FROM pkg.{table} p WHERE {where}"),
                                        {"township": township})}
    if loans:
        cur = conn.execute(text(f"INSERT OR IGNORE INTO main.{table} ({names}) SELECT {names} FROM pkg.{table} p "
                                f"WHERE {where}"), {"township": township})
        result.inserted[table] = cur.rowcount
    return loans


def _voids(conn: Connection, table: str, cols: list[str]) -> set[str]:
    """A fact voided elsewhere is voided here (never the other way round)."""
    if "deleted" not in cols:
        return set()
    ids = {r[0] for r in conn.exec_driver_sql(
        f"SELECT p.id FROM pkg.{table} p JOIN main.{table} m ON m.id = p.id WHERE p.deleted = 1 AND m.deleted = 0")}
    if ids:
        reason = "void_reason" in cols
        conn.exec_driver_sql(
            f"UPDATE main.{table} SET deleted = 1"
            + (", void_reason = (SELECT p.void_reason FROM pkg.{t} p WHERE p.id = main.{t}.id)".format(t=table)
               if reason else "")
            + f" WHERE id IN (SELECT p.id FROM pkg.{table} p WHERE p.deleted = 1) AND deleted = 0")
    return ids


def _relay(conn: Connection, touched: dict[str, set[str]]) -> None:
    """Rows this merge wrote get a new local change sequence, so they travel on from here."""
    tables = [t for t, ids in touched.items() if ids and "seq" in _columns(conn, "main", t)]
    if not tables:
        return
    seq = _new_seq(conn)
    for table in tables:
        conn.execute(text(f"UPDATE main.{table} SET seq = :s WHERE id IN (SELECT value FROM json_each(:ids))"),
                     {"s": seq, "ids": json.dumps(sorted(touched[table]))})


def _after(conn: Connection, incoming: Incoming, touched: dict[str, set[str]], placed: set[str],
           result: FileResult, actor: str, ident, newest: str) -> tuple[set[str], set[str]]:
    """Returns the households whose list row the file changed (refreshed once for the whole
    merge), and those of them whose search text it may have changed."""
    merge_after.fold_clock(conn, newest)
    households, named = merge_after.refresh_derived(conn, touched)
    merge_after.check_rules(conn, touched, result, placed)
    merge_after.record(conn, incoming, result, actor, ident)
    _sequence_audit(conn)
    return households, named


def _sequence_audit(conn: Connection) -> None:
    """The audit entries this merge wrote itself (the fields it merged, the package received) get
    a new local change sequence, so they travel on once, like the rows (``_relay``)."""
    if conn.execute(text("SELECT 1 FROM main.audit_log WHERE seq IS NULL LIMIT 1")).first() is None:
        return
    conn.execute(text("UPDATE main.audit_log SET seq = :s WHERE seq IS NULL"), {"s": _new_seq(conn)})


def _new_seq(conn: Connection) -> int:
    """A new local change sequence, taken inside the merge's transaction (``meta.seq_last``)."""
    last = conn.execute(text("SELECT value FROM meta WHERE key = 'seq_last'")).scalar()
    seq = int(last or 0) + 1
    conn.execute(text("INSERT OR REPLACE INTO meta (key, value) VALUES ('seq_last', :v)"), {"v": str(seq)})
    return seq


def conflict_id(entity: str, entity_id: str, group: str, lost_stamp: str) -> str:
    """The same conflict has the same id whichever order the packages were merged in."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"qingshou:conflict:{entity}:{entity_id}:{group}:{lost_stamp}"))


def stamp_time(stamp: str | None) -> str | None:
    if not stamp:
        return None
    return datetime.fromtimestamp(parse_stamp(stamp)[0] / 1000).replace(microsecond=0).isoformat(sep=" ")


