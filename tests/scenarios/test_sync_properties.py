"""Random histories on two laptops of one township and the district: whatever is lost,
duplicated or reordered on the way, every merge order gives the same data, merging again changes
nothing, and every repayment is counted exactly once."""
from __future__ import annotations

import random
import shutil
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from app.bootstrap import open_database
from app.db.models import Household, Loan
from app.services.work.corrections import void_repayment
from app.services.foundation.demo import DemoOptions, make_demo
from app.services.recovery.repayments import record_repayment
from app.services.work.visits import record_visit
from app.sync.export import write_work_package
from app.sync.merge import merge_files
from app.sync.tasks import set_up_from_task, write_task_package

EXAMPLES = 12
PASS = "属性测试口令"


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("sync-template")
    make_demo(folder / "district.db", DemoOptions(households=60, seed=11))
    db = open_database(folder / "district.db")
    township = db.engine.connect().execute(text(
        "SELECT name FROM units WHERE kind = 'township' ORDER BY name LIMIT 1")).scalar()
    write_task_package(db, township, folder / "task.qstask", passphrase=PASS)
    db.dispose()
    for n in (0, 1):
        laptop = open_database(folder / f"laptop{n}.db")
        set_up_from_task(laptop, folder / "task.qstask", passphrase=PASS, device_name=f"{n + 1}号机")
        laptop.dispose()
    return folder


op = st.one_of(
    st.tuples(st.just("repay"), st.integers(0, 1), st.integers(0, 5), st.integers(1, 300)),
    st.tuples(st.just("visit"), st.integers(0, 1), st.integers(0, 5), st.just(0)),
    st.tuples(st.just("void"), st.integers(0, 1), st.just(0), st.just(0)),
    st.tuples(st.just("phone"), st.integers(0, 1), st.integers(0, 5), st.integers(0, 3)),
    st.tuples(st.just("export"), st.integers(0, 1), st.just(0), st.just(0)),
    st.tuples(st.just("deliver"), st.just(0), st.integers(0, 20), st.just(0)),
    st.tuples(st.just("task"), st.integers(0, 1), st.just(0), st.just(0)),
)


def _loans(db) -> list[tuple[str, str]]:
    with Session(db.engine) as s:
        rows = s.execute(select(Loan.loan_no, Loan.household_id).where(Loan.balance_fen > 100_000)
                         .order_by(Loan.loan_no).limit(6)).all()
    return [tuple(r) for r in rows]


def _snapshot(db) -> tuple:
    with db.engine.connect() as c:
        return (
            frozenset(c.execute(text("SELECT id, deleted, amount_fen FROM repayments")).all()),
            frozenset(c.execute(text("SELECT id, deleted FROM visits")).all()),
            frozenset(c.execute(text("SELECT id, phone FROM households")).all()),
            frozenset(c.execute(text("SELECT id, kept_value, lost_value FROM conflicts")).all()),
            frozenset(c.execute(text("SELECT id, balance_fen FROM loans")).all()),
        )


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=st.lists(op, min_size=4, max_size=14), seed=st.integers(0, 10_000))
def test_any_history_merges_to_one_result(template, tmp_path_factory, ops, seed):
    folder = tmp_path_factory.mktemp("history")
    for name in ("district.db", "laptop0.db", "laptop1.db"):
        shutil.copy(template / name, folder / name)
    district = open_database(folder / "district.db")
    laptops = [open_database(folder / f"laptop{n}.db") for n in (0, 1)]
    loans = _loans(laptops[0])
    township = district.engine.connect().execute(text(
        "SELECT name FROM units WHERE kind = 'township' ORDER BY name LIMIT 1")).scalar()
    packages: list[Path] = []
    made: list[list[str]] = [[], []]
    try:
        for n, (kind, who, k, value) in enumerate(ops):
            laptop = laptops[who]
            loan_no, household = loans[k % len(loans)]
            if kind == "repay":
                r = record_repayment(laptop, amount_fen=value * 100, loan_no=loan_no, paid_on=date(2026, 11, 20))
                made[who].append(r.repayment_id)
            elif kind == "visit":
                record_visit(laptop, outcome="promised", loan_no=loan_no, visited_on=date(2026, 11, 21))
            elif kind == "void" and made[who]:
                void_repayment(laptop, made[who].pop(), reason="登记错了")
            elif kind == "phone":
                with laptop.uow("测试") as uow:
                    uow.session.get(Household, household).phone = f"1390000{who}{value}{n:02d}"
                    uow.commit()
            elif kind == "export":
                out = folder / f"p{len(packages)}.qspkg"
                write_work_package(laptop, out)
                packages.append(out)
            elif kind == "deliver" and packages:
                merge_files(district, [packages[k % len(packages)]])
            elif kind == "task":
                out = folder / f"t{n}.qstask"
                write_task_package(district, township, out, passphrase=PASS)
                merge_files(laptop, [out], passphrase=lambda: PASS)
        for n, laptop in enumerate(laptops):               # at the end, each laptop hands in what it has
            out = folder / f"final{n}.qspkg"
            write_work_package(laptop, out)
            packages.append(out)
        district.dispose()
        results = []
        rng = random.Random(seed)
        for attempt in range(2):
            copy = folder / f"merged{attempt}.db"
            shutil.copy(folder / "district.db", copy)
            target = open_database(copy)
            order = packages[:] + rng.sample(packages, k=min(2, len(packages)))     # some twice
            rng.shuffle(order)
            merge_files(target, order)
            once = _snapshot(target)
            merge_files(target, packages)                       # merging everything again changes nothing
            assert _snapshot(target) == once
            results.append(once)
            target.dispose()
        assert results[0] == results[1]
        repayments = {row_id: (deleted, amount) for row_id, deleted, amount in results[0][0]}
        for laptop in laptops:                                   # every fact of every laptop is there, once,
            for row_id, deleted, amount in _snapshot(laptop)[0]:   # and a void anywhere is a void in the end
                assert row_id in repayments and repayments[row_id][1] == amount
                assert repayments[row_id][0] >= deleted, "a void was undone"
        import sqlite3

        conn = sqlite3.connect(folder / "merged0.db")     # the balances are what the facts say
        wrong = conn.execute(
            "SELECT l.loan_no FROM loans l WHERE l.balance_fen != max(0, l.task_amount_fen - (SELECT "
            "coalesce(sum(r.principal_fen), 0) FROM repayments r WHERE r.loan_id = l.id AND r.deleted = 0))").fetchall()
        conn.close()
        assert wrong == []
    finally:
        for laptop in laptops:
            laptop.dispose()
        district.dispose()



# long: started first, so the run does not end waiting for it (tests/conftest.py)
pytestmark = pytest.mark.slow
