"""An agreement's status is its life cycle — drafted, printed, signed, cancelled — and travels like
any township field: a laptop that signs an agreement after its draft reached the district brings
the signature to the district with its next package, and two laptops that settle one agreement
two ways leave one value and one conflict, whatever order their packages come in.  How a signed
one stands (running, broken, fulfilled) is measured from the payments wherever it is read."""
from __future__ import annotations

import json
import sqlite3

import pytest

from tests.scenarios.sync_helpers import PASSPHRASE, District
from tests.scenarios.test_sync_rules import _fresh_loan, _listed


@pytest.fixture
def district(cli, demo_path, tmp_path, monkeypatch):
    monkeypatch.setenv("QINGSHOU_PASSPHRASE", PASSPHRASE)
    return District(cli, demo_path, tmp_path)


def _draft(district, laptop, loan: str) -> tuple[str, str]:
    made = json.loads(district.run("agreement", "create", "--db", laptop.db, "--loan", loan, "--installments", "2",
                                   "--first-due", "2027-01-15", "--as-of", "2026-11-22", "--json").out)
    number = sqlite3.connect(laptop.db).execute("SELECT number FROM agreements WHERE id = ?",
                                                (made["agreement_id"],)).fetchone()[0]
    return made["agreement_id"], number


def _shown(district, db, number: str) -> dict:
    return json.loads(district.run("agreement", "show", "--db", db, number, "--json").out)


def test_an_agreement_signed_after_its_draft_travelled_is_signed_at_the_district(district):
    laptop = district.laptop("柳林镇", "一号机")
    loan, _ = _fresh_loan(laptop.db)
    agreement, number = _draft(district, laptop, loan)
    district.merge(district.export(laptop))
    assert _shown(district, district.db, number)["status"] == "draft"

    district.run("agreement", "sign", "--db", laptop.db, agreement, "--date", "2026-11-25")
    merged = district.merge(district.export(laptop))["merged"][0]
    assert merged["status"] == "merged" and merged["refused_changes"] == []
    there = _shown(district, district.db, number)
    assert (there["status"], there["signed_on"]) == ("signed", "2026-11-25")
    assert there["state"] == _shown(district, laptop.db, number)["state"] == "signed"
    assert _listed(district) == []                     # one laptop's change: nothing to settle

    first = there["installments"][0]["amount"]          # paid on the laptop: fulfilled is measured
    total = there["total"]
    district.run("agreement", "pay", "--db", laptop.db, number, "--amount", total, "--date", "2026-12-01")
    district.merge(district.export(laptop))
    for db in (laptop.db, district.db):
        shown = _shown(district, db, number)
        assert (shown["status"], shown["state"], shown["paid"]) == ("signed", "fulfilled", total), db
        assert shown["installments"][0]["paid"] == first
    assert sqlite3.connect(district.db).execute(
        "SELECT status FROM agreements WHERE number = ?", (number,)).fetchone() == ("signed",)


def test_a_signature_and_a_cancellation_of_one_draft_leave_one_value_and_one_conflict(district, tmp_path):
    one, two = district.laptop("柳林镇", "一号机"), district.laptop("柳林镇", "二号机")
    loan, _ = _fresh_loan(one.db)
    agreement, number = _draft(district, one, loan)
    district.merge(district.export(one), district.export(two))     # the district learns both laptops
    task = tmp_path / "柳林镇-2.qstask"                   # the district's next task package carries the draft
    district.run("tasks", "--db", district.db, "--township", "柳林镇", "--out", task)
    district.merge(task, into=two.db)
    assert _shown(district, two.db, number)["status"] == "draft"

    district.run("agreement", "sign", "--db", one.db, agreement, "--date", "2026-11-25")
    district.run("agreement", "cancel", "--db", two.db, agreement, "--reason", "户主不同意")
    p1, p2 = district.export(one), district.export(two)
    outcomes = []
    for order in ((p1, p2), (p2, p1)):
        target = tmp_path / f"d-{order[0].stem}.db"
        target.write_bytes(district.db.read_bytes())
        district.merge(*order, into=target)
        shown = _shown(district, target, number)
        conflicts = [c for c in _listed(district, target) if c["entity"] == "agreements"]
        assert len(conflicts) == 1, conflicts
        c = conflicts[0]
        assert c["field"] == "lifecycle"                # status and signed_on move together
        outcomes.append((shown["status"], shown["signed_on"], json.loads(c["kept"]["value"]),
                         json.loads(c["lost"]["value"])))
    assert outcomes[0] == outcomes[1]                   # the same, whichever package came first
    # the later change (laptop two's) wins; the signature is kept in the list, to take back
    assert outcomes[0] == ("cancelled", None, ["cancelled", None], ["signed", "2026-11-25"])


pytestmark = pytest.mark.slow
