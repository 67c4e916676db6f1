"""Random histories on two laptops of one township and the district: whatever is lost,
duplicated or reordered on the way, every merge order gives the same data, merging again changes
nothing, every repayment is counted exactly once, the bank's ledgers read at the district count
each yuan once, a category removed on a laptop travels as a tombstone, and every value a change
overwrote without having seen it is in the district's conflict list, wherever it was found."""
from __future__ import annotations

import json
import random
import sqlite3
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from app.bootstrap import open_database
from app.services.foundation.demo import DemoOptions, make_demo
from app.services.households.changes import HouseholdChanges, NewPerson, PersonChange, update
from app.services.ledger_import import import_ledger
from app.services.recovery.repayments import record_repayment
from app.services.reporting.summary import compute
from app.services.work.corrections import void_repayment
from app.services.work.visits import record_visit
from app.sync.conflicts import resolve
from app.sync.export import write_work_package
from app.sync.merge import merge_files
from app.sync.tasks import set_up_from_task, write_task_package
from tests.integration.ledger_import.ledger_files import HEADER, loan_row
from tests.workbooks import write_workbook

EXAMPLES = 12
PASS = "属性测试口令"
DISTRICT = 2                                   # who: 0 and 1 are the laptops
ACTORS = ("张三", "李四", "区县王五")
CODES = ("low_income", "disabled")             # the categories a history adds and removes
PAID_ON = date(2026, 11, 20)                   # every repayment's date; the ledgers' dates are later
LEDGER_DAYS = (date(2026, 11, 25), date(2026, 11, 30))


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("sync-template")
    make_demo(folder / "district.db", DemoOptions(households=40, seed=11))
    db = open_database(folder / "district.db")
    with db.engine.connect() as c:
        township = c.execute(text("SELECT name FROM units WHERE kind = 'township' ORDER BY name LIMIT 1")).scalar()
    write_task_package(db, township, folder / "task.qstask", passphrase=PASS)
    db.dispose()
    for n in (0, 1):
        laptop = open_database(folder / f"laptop{n}.db")
        set_up_from_task(laptop, folder / "task.qstask", passphrase=PASS, device_name=f"{n + 1}号机")
        laptop.dispose()
    return folder


def _phone():
    return st.tuples(st.just("phone"), st.integers(0, 2), st.integers(0, 1), st.integers(0, 3))


def _tag():
    return st.tuples(st.just("tag"), st.integers(0, 1), st.integers(0, 1), st.integers(0, 1))


def _person():
    return st.tuples(st.just("person"), st.integers(0, 1), st.integers(0, 1), st.integers(0, 3))


# edits on two households only, and drawn more often, so the computers often change the same field
op = st.one_of(
    st.tuples(st.just("repay"), st.integers(0, 1), st.integers(0, 5), st.integers(1, 300)),
    st.tuples(st.just("visit"), st.integers(0, 1), st.integers(0, 5), st.just(0)),
    st.tuples(st.just("void"), st.integers(0, 1), st.just(0), st.just(0)),
    _phone(), _phone(), _phone(), _tag(), _tag(), _person(), _person(),
    st.tuples(st.just("ledger"), st.just(DISTRICT), st.integers(0, 5), st.integers(0, 7)),
    st.tuples(st.just("export"), st.integers(0, 1), st.just(0), st.just(0)),
    st.tuples(st.just("deliver"), st.just(DISTRICT), st.integers(0, 20), st.just(0)),
    st.tuples(st.just("task"), st.integers(0, 1), st.just(0), st.just(0)),
    # a conflict settled where it is listed (the district, or a laptop): kept, or (a phone) the other value taken
    st.tuples(st.just("resolve"), st.integers(0, 2), st.integers(0, 3), st.integers(0, 1)),
)
# Tried on every run besides the random ones: all three computers set one phone; a person made on one
# laptop is given a prison term on both (the merge once failed on it); the bank's ledger shows one
# laptop's payment the district has and the other's it has not yet; both laptops add one category,
# one removes it after the ledger came with a task package; the district's later number beats a
# laptop's there, which takes its own back; the other laptop, then the district, settle the category
# conflict (the district's decision is the later).
EVERY_RUN = [("phone", 0, 0, 1), ("phone", 1, 0, 2), ("person", 0, 1, 0), ("repay", 0, 1, 120), ("export", 0, 0, 0),
             ("deliver", DISTRICT, 0, 0), ("task", 1, 0, 0), ("repay", 1, 1, 80), ("person", 1, 1, 1),
             ("person", 0, 1, 2),
             ("tag", 0, 0, 0), ("tag", 1, 0, 0), ("ledger", DISTRICT, 1, 3), ("task", 0, 0, 0), ("tag", 0, 0, 0),
             ("phone", DISTRICT, 0, 3), ("task", 1, 0, 0), ("resolve", 1, 0, 1), ("resolve", 0, 0, 0),
             ("export", 1, 0, 0), ("deliver", DISTRICT, 1, 0), ("resolve", DISTRICT, 0, 0)]


@dataclass(frozen=True)
class Write:
    """One value a person set on one field: what the test itself knows it wrote."""
    n: int                     # its place in the history (later ones carry later clocks)
    key: tuple[str, str, str]  # table, row id, field
    value: object
    who: int
    past: frozenset[int]       # the writes its computer had seen when it was made


def _copy(src: Path, dst: Path) -> None:
    """A whole copy of a database, what its write-ahead log holds too (a copy of the file alone
    could miss the last transactions while a connection is still open)."""
    with sqlite3.connect(src) as a, sqlite3.connect(dst) as b:
        a.backup(b)
    a.close()
    b.close()


def _loans(path: Path) -> list[tuple[str, str, str, int]]:
    with sqlite3.connect(path) as c:
        return c.execute("SELECT loan_no, id, household_id, task_amount_fen FROM loans WHERE balance_fen > 100000 "
                         "ORDER BY loan_no LIMIT 6").fetchall()


SNAPSHOT = ("repayments", "visits", "phones", "category tags", "persons", "conflicts", "balances", "bank's rows")


def _snapshot(db) -> tuple:
    with db.engine.connect() as c:
        return (
            frozenset(c.execute(text("SELECT id, deleted, amount_fen FROM repayments WHERE source <> 'bank'")).all()),
            frozenset(c.execute(text("SELECT id, deleted FROM visits")).all()),
            frozenset(c.execute(text("SELECT id, phone FROM households")).all()),
            frozenset(c.execute(text("SELECT id, household_id, code, deleted FROM category_tags")).all()),
            frozenset(c.execute(text("SELECT id, is_imprisoned, release_date, deleted FROM persons")).all()),
            # the list as it is read (a withdrawn conflict's tombstone is there in the orders that ever listed it)
            frozenset(c.execute(text("SELECT id, kept_value, lost_value, resolved FROM conflicts "
                                     "WHERE deleted = 0")).all()),
            frozenset(c.execute(text("SELECT id, balance_fen FROM loans")).all()),
            frozenset(c.execute(text("SELECT id, loan_id, paid_on, principal_fen FROM repayments "
                                     "WHERE source = 'bank' AND deleted = 0")).all()),
        )


def _tag(path: Path, household: str, code: str) -> tuple[str | None, bool | None]:
    """The household-level tag of ``code``: its id and whether it is removed (None: no row)."""
    with sqlite3.connect(path) as c:
        rows = c.execute("SELECT id, deleted FROM category_tags WHERE household_id = ? AND loan_id IS NULL AND code = ? "
                         "ORDER BY deleted, created_at DESC", (household, code)).fetchall()
    return (rows[0][0], bool(rows[0][1])) if rows else (None, None)


def _codes(path: Path, household: str) -> list[str]:
    with sqlite3.connect(path) as c:
        return [r[0] for r in c.execute("SELECT code FROM category_tags WHERE household_id = ? AND loan_id IS NULL "
                                        "AND deleted = 0 ORDER BY code", (household,))]


# The fields a history changes: the columns of each, as a key's field names them.
COLUMNS = {"phone": ("phone",), "deleted": ("deleted",), "imprisoned": ("is_imprisoned", "release_date")}


def _value(path: Path, key: tuple[str, str, str]):
    table, row_id, field = key
    with sqlite3.connect(path) as c:
        row = c.execute(f"SELECT {', '.join(COLUMNS[field])} FROM {table} WHERE id = ?", (row_id,)).fetchone()
    if row is None:
        return None
    if field == "deleted":
        return bool(row[0])
    if field == "imprisoned":
        return bool(row[0]), str(row[1])[:10] if row[1] else None
    return row[0]


def _decoded(stored: str | None):
    """A conflict's value as the table holds it: the text itself, or a JSON list of the group's values."""
    try:
        value = json.loads(stored) if stored is not None else None
    except ValueError:
        return stored
    if isinstance(value, list):
        return value[0] if len(value) == 1 else tuple(str(v)[:10] if isinstance(v, str) else v for v in value)
    return stored


def _stored(value):
    """A value the test wrote, as the conflict list holds it (yes/no as 1/0)."""
    if isinstance(value, tuple):
        return tuple(int(v) if isinstance(v, bool) else v for v in value)
    return int(value) if isinstance(value, bool) else value


def _ledger(district: Path, path: Path, township: str, day: date, balances: dict[str, int]) -> Path:
    """The bank's ledger of the township on ``day`` for these loans (number → balance in fen)."""
    rows = []
    with sqlite3.connect(district) as conn:
        for n, (loan_no, balance) in enumerate(sorted(balances.items()), start=1):
            name, idno, village = conn.execute(
                "SELECT h.head_name, h.head_id_number, v.name FROM loans l JOIN households h ON h.id = l.household_id "
                "JOIN villages v ON v.id = h.village_id WHERE l.loan_no = ?", (loan_no,)).fetchone()
            rows.append(loan_row(n, name=name, idno=idno, loan_no=loan_no, village=village,
                                 balance=f"{balance // 100}.{balance % 100:02d}"))
    when = f"{day.year}年{day.month}月{day.day}日"
    return write_workbook(path, {township: [[f"清收任务清单（{township}）"], [f"单位：元  数据截至：{when}"], HEADER,
                                            *rows]})


def _township_principal(path: Path) -> dict[str, list[tuple[date, int]]]:
    """Each loan's township-recorded principal, not voided: loan id → [(paid on, fen)]."""
    out: dict[str, list[tuple[date, int]]] = {}
    with sqlite3.connect(path) as c:
        for loan, on, fen in c.execute("SELECT loan_id, paid_on, principal_fen FROM repayments "
                                       "WHERE source = 'township' AND deleted = 0"):
            out.setdefault(loan, []).append((date.fromisoformat(str(on)[:10]), fen))
    return out


def _hand_count(path: Path, township_id: str, readings: dict[str, dict[date, int]]) -> int:
    """Recovered in the township, counted by hand: for each loan every yuan the township recorded,
    plus the most any ledger showed gone beyond what the township had recorded by the ledger's
    date; no loan more than its task."""
    paid = _township_principal(path)
    with sqlite3.connect(path) as c:
        tasks = dict(c.execute("SELECT id, task_amount_fen FROM loans WHERE township_id = ? AND deleted = 0",
                               (township_id,)))
    total = 0
    for loan, task in tasks.items():
        township = sum(fen for _on, fen in paid.get(loan, []))
        bank = max([0] + [task - balance - sum(fen for on, fen in paid.get(loan, []) if on <= day)
                          for day, balance in readings.get(loan, {}).items()])
        total += min(task, township + bank)
    return total


def _recovered(path: Path, township_id: str) -> int:
    db = open_database(path)
    try:
        return next(t.recovered_fen for t in compute(db).townships if t.unit_id == township_id)
    finally:
        db.dispose()


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@example(ops=EVERY_RUN, seed=7)
@given(ops=st.lists(op, min_size=4, max_size=14), seed=st.integers(0, 10_000))
def test_any_history_merges_to_one_result(template, tmp_path_factory, ops, seed):
    check_history(template, tmp_path_factory.mktemp("history"), ops, seed)


def check_history(template: Path, folder: Path, ops: list[tuple], seed: int) -> None:
    for name in ("district.db", "laptop0.db", "laptop1.db"):
        _copy(template / name, folder / name)
    paths = [folder / "laptop0.db", folder / "laptop1.db", folder / "district.db"]
    dbs = [open_database(p) for p in paths]
    laptops, district = dbs[:2], dbs[DISTRICT]
    start = int(time.time() * 1000)
    tick = [start]
    for db in dbs:               # one clock for all three, a second further at each step: later is later
        db.clocks.physical = lambda: tick[0]
    loans = _loans(paths[0])
    with district.engine.connect() as c:
        township, township_id = c.execute(text(
            "SELECT name, id FROM units WHERE kind = 'township' ORDER BY name LIMIT 1")).one()
    packages: list[Path] = []
    carried: list[frozenset[int]] = []           # the writes each package's laptop had seen
    seen: list[set[int]] = [set(), set(), set()]  # per computer: the writes it has seen
    writes: list[Write] = []
    original: dict[tuple, object] = {}
    made: list[list[str]] = [[], []]
    readings: dict[str, dict[date, int]] = {}    # the ledgers read at the district: loan id → day → balance
    readings_seen: list[dict[str, dict[date, int]]] = [{}, {}]   # what each laptop got with its last task

    def wrote(who: int, key: tuple, value, before) -> None:
        original.setdefault(key, before)
        w = Write(len(writes), key, value, who, frozenset(seen[who]))
        writes.append(w)
        seen[who].add(w.n)

    try:
        for n, (kind, who, k, value) in enumerate(ops):
            tick[0] += 1000
            db = dbs[who]
            loan_no, loan_id, household, task = loans[k % len(loans)]
            if kind == "repay":
                r = record_repayment(db, amount_fen=value * 100, loan_no=loan_no, paid_on=PAID_ON, actor=ACTORS[who])
                made[who].append(r.repayment_id)
            elif kind == "visit":
                record_visit(db, outcome="promised", loan_no=loan_no, visited_on=date(2026, 11, 21))
            elif kind == "void" and made[who]:
                void_repayment(db, made[who].pop(), reason="登记错了", actor=ACTORS[who])
            elif kind == "phone":       # the household page's save (the window's and `household edit`'s)
                key = ("households", household, "phone")
                before = _value(paths[who], key)
                phone = f"1390000{who}{value}{n:02d}"
                update(db, household, HouseholdChanges(phone=phone), ACTORS[who])
                wrote(who, key, phone, before)
            elif kind == "tag":         # a category added or removed on the household page
                code = CODES[value]
                have = _codes(paths[who], household)
                tag_id, removed = _tag(paths[who], household, code)
                wanted = [c for c in have if c != code] if code in have else [*have, code]
                update(db, household, HouseholdChanges(categories=wanted), ACTORS[who])
                now_id, now_removed = _tag(paths[who], household, code)
                assert now_removed is (code in have)
                key = ("category_tags", now_id, "deleted")
                wrote(who, key, now_removed, removed if tag_id == now_id else None)
            elif kind == "person":      # a person added on the household page, then a prison term recorded
                with sqlite3.connect(paths[who]) as c:
                    person = c.execute("SELECT id FROM persons WHERE household_id = ? AND name = '新增人员'",
                                       (household,)).fetchone()
                if person is None:      # the same name on both laptops: one person (ids from natural keys)
                    update(db, household, HouseholdChanges(new_persons=[NewPerson(name="新增人员")]), ACTORS[who])
                    with sqlite3.connect(paths[who]) as c:
                        (person,) = c.execute("SELECT id FROM persons WHERE household_id = ? AND name = '新增人员'",
                                              (household,)).fetchone()
                    wrote(who, ("persons", person, "imprisoned"), (False, None), None)
                else:
                    key = ("persons", person[0], "imprisoned")
                    before = _value(paths[who], key)
                    term = (True, date(2027, 1 + value, 1 + n).isoformat())
                    if term != before:
                        update(db, household, HouseholdChanges(persons=[PersonChange(
                            person[0], is_imprisoned=True, release_date=date.fromisoformat(term[1]))]), ACTORS[who])
                        assert _value(paths[who], key) == term
                        wrote(who, key, term, before)
            elif kind == "ledger":      # the bank's ledger read at the district: lower balances
                day = LEDGER_DAYS[value % 2]
                extra = (value // 2) * 5_000
                chosen = {loans[k % len(loans)], loans[(k + 3) % len(loans)]}
                balances = {}
                for no, lid, _h, t in chosen:
                    # the bank has the money both laptops recorded so far (delivered or not) and maybe more
                    laptops_paid = {}
                    for p in paths[:2]:
                        conn = sqlite3.connect(p)
                        paid = conn.execute("SELECT id, principal_fen, deleted FROM repayments WHERE loan_id = ? "
                                            "AND source = 'township'", (lid,)).fetchall()
                        conn.close()
                        for rid, fen, deleted in paid:
                            laptops_paid[rid] = (fen, max(deleted, laptops_paid.get(rid, (0, 0))[1]))
                    balance = max(0, t - sum(fen for fen, deleted in laptops_paid.values() if not deleted) - extra)
                    balances[no] = balance
                    readings.setdefault(lid, {})[day] = balance     # of one day, the later ledger's
                path = _ledger(paths[DISTRICT], folder / f"ledger{n}.xlsx", township, day, balances)
                import_ledger(district, path, township=township, actor=ACTORS[DISTRICT])
            elif kind == "export":
                out = folder / f"p{len(packages)}.qspkg"
                write_work_package(db, out)
                packages.append(out)
                carried.append(frozenset(seen[who]))
            elif kind == "deliver" and packages:
                merge_files(district, [packages[k % len(packages)]])
                seen[DISTRICT] |= carried[k % len(packages)]
            elif kind == "resolve":     # the 同步 page's button (and `conflicts resolve`)
                with sqlite3.connect(paths[who]) as c:
                    listed = c.execute("SELECT id, field, entity_id, lost_value FROM conflicts WHERE resolved = 0 "
                                       "AND deleted = 0 AND field NOT LIKE 'rule:%' ORDER BY id").fetchall()
                if listed:
                    conflict, field, row_id, lost_phone = listed[k % len(listed)]
                    take = "lost" if value and field == "phone" else "kept"
                    key = ("households", row_id, "phone")
                    before = _value(paths[who], key) if take == "lost" else None
                    resolve(db, conflict, take, ACTORS[who])
                    if take == "lost" and lost_phone != before:     # the overwritten number back: a change of its own
                        assert _value(paths[who], key) == lost_phone
                        wrote(who, key, lost_phone, before)
            elif kind == "task":
                out = folder / f"t{n}.qstask"
                write_task_package(district, township, out, passphrase=PASS)
                merge_files(db, [out], passphrase=lambda: PASS)
                seen[who] |= seen[DISTRICT]
                readings_seen[who] = {loan: dict(days) for loan, days in readings.items()}
        for n, laptop in enumerate(laptops):               # at the end, each laptop hands in what it has
            out = folder / f"final{n}.qspkg"
            write_work_package(laptop, out)
            packages.append(out)
        for n in (0, 1):                                   # a laptop's figure: its own records and the ledgers it got
            assert _recovered(paths[n], township_id) == _hand_count(paths[n], township_id, readings_seen[n])
        for db in dbs:
            db.dispose()
        results = []
        rng = random.Random(seed)
        for attempt in range(2):
            copy = folder / f"merged{attempt}.db"
            _copy(paths[DISTRICT], copy)
            target = open_database(copy)
            order = packages[:] + rng.sample(packages, k=min(2, len(packages)))     # some twice
            rng.shuffle(order)
            merge_files(target, order)
            once = _snapshot(target)
            merge_files(target, packages)                       # merging everything again changes nothing
            for name, first, second in zip(SNAPSHOT, once, _snapshot(target)):
                assert first == second, ("merging again changed", name, first ^ second)
            results.append(once)
            target.dispose()
        for name, first, second in zip(SNAPSHOT, *results):
            assert first == second, (name, first ^ second)
        merged = folder / "merged0.db"
        repayments = {row_id: (deleted, amount) for row_id, deleted, amount in results[0][0]}
        for laptop in laptops:                                   # every fact of every laptop is there, once,
            for row_id, deleted, amount in _snapshot(laptop)[0]:   # and a void anywhere is a void in the end
                assert row_id in repayments and repayments[row_id][1] == amount
                assert repayments[row_id][0] >= deleted, "a void was undone"
        conn = sqlite3.connect(merged)     # the balances are what the facts say
        wrong = conn.execute(
            "SELECT l.loan_no FROM loans l WHERE l.balance_fen != max(0, l.task_amount_fen - (SELECT "
            "coalesce(sum(r.principal_fen), 0) FROM repayments r WHERE r.loan_id = l.id AND r.deleted = 0))").fetchall()
        assert wrong == []
        # each yuan once: the township's records and the ledgers' drops they do not explain
        assert _recovered(merged, township_id) == _hand_count(merged, township_id, readings)
        conn.close()
        # Every overwritten value is in the DISTRICT's list once everything has reached it: the ones a
        # laptop's merge found (its unseen change that a task package's newer value beat) come with its
        # work packages (app/sync/conflict_merge.py).
        with sqlite3.connect(merged) as c:
            lost = {(e, i, f, _decoded(v)) for e, i, f, v in c.execute(
                "SELECT entity, entity_id, field, lost_value FROM conflicts WHERE field NOT LIKE 'rule:%' "
                "AND deleted = 0")}
        for where in paths[:DISTRICT]:          # and nothing a laptop lists is missing there
            with sqlite3.connect(where) as c:
                mine = {r[0] for r in c.execute("SELECT id FROM conflicts WHERE field NOT LIKE 'rule:%' "
                                                "AND deleted = 0")}
            with sqlite3.connect(merged) as c:
                there = {r[0] for r in c.execute("SELECT id FROM conflicts WHERE field NOT LIKE 'rule:%'")}
            assert mine <= there, ("a laptop's conflict is not at the district", mine - there)
        for key in {w.key for w in writes}:
            mine = [w for w in writes if w.key == key]
            winner = mine[-1]                                  # the latest change of the field is kept
            assert _value(merged, key) == winner.value, (key, mine)
            known = {w.value for w in mine if w.n in winner.past} | {original[key]}
            for w in mine[:-1]:
                overwritten = not any(w.n in other.past for other in mine)   # no one changed it knowingly
                if overwritten and w.value != winner.value and w.value not in known:
                    assert (*key, _stored(w.value)) in lost, (f"the overwritten {w} is not in the conflict list", mine, lost)
    finally:
        for db in dbs:
            db.dispose()


# long: started first, so the run does not end waiting for it (tests/conftest.py)
pytestmark = pytest.mark.slow
