"""Agreement numbers are unique across laptops: each carries its laptop's device code
(柳林-2026-KMX-0001), so two copies of one database, each given its own device as a second
laptop is, never make the same number; numbers made before stay as they were."""
from __future__ import annotations

import re
import shutil
from datetime import date

from app.bootstrap import open_database
from app.services import agreements as svc
from app.services.foundation.setup import new_device
from tests.integration.agreements.agreement_helpers import execute, free_households

FIRST = date(2027, 1, 15)


def _plan(loan_nos):
    return svc.PlanRequest(loan_nos=loan_nos, as_of=date(2026, 11, 30), installments=3, first_due=FIRST)


def test_two_laptops_with_one_database_make_different_numbers(demo_path, tmp_path):
    copy = tmp_path / "laptop2.db"
    shutil.copyfile(demo_path, copy)
    laptops = [open_database(demo_path), open_database(copy)]
    try:
        code = new_device(laptops[1], "第二台")
        household = free_households(laptops[0], limit=1)[0]
        made = [svc.create(db, _plan(household)) for db in laptops]
        assert made[0].number != made[1].number
        for view in made:
            assert re.fullmatch(r"[\u4e00-\u9fff]+-2026-[A-Z]{3}-0001", view.number), view.number
        assert made[1].number.split("-")[2] == code
    finally:
        for db in laptops:
            db.dispose()


def test_a_new_device_never_takes_a_code_the_numbers_here_use(demo_db):
    household = free_households(demo_db, limit=1)[0]
    before = svc.create(demo_db, _plan(household)).number.split("-")[2]
    for _ in range(20):
        assert new_device(demo_db) != before


def test_numbers_made_before_stay_as_they_were(demo_db):
    a, b = free_households(demo_db, limit=2)[:2]
    old = svc.create(demo_db, _plan(a))
    before = f"{old.number.split('-')[0]}-2026-0001"   # as numbers were made before device codes
    execute(demo_db, "UPDATE agreements SET number = :n WHERE id = :i", n=before, i=old.id)
    new = svc.create(demo_db, _plan(b))
    assert new.number != before and len(new.number.split("-")) == 4
    assert svc.get(demo_db, old.id).number == before
