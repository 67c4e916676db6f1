"""What the new-agreement dialog shows for its fields (``picker.measure``): the plan's preview,
else why not and still what the loans owe."""
from __future__ import annotations

from datetime import date, timedelta

from app.services.agreements.agreements import PlanRequest, preview
from app.services.agreements.owed import quote
from app.services.agreements.picker import measure
from tests.integration.agreements.agreement_helpers import free_households


def test_a_plan_is_previewed_and_without_one_the_debt_is_still_measured(demo_db):
    loans = free_households(demo_db, min_loans=2, limit=1)[0]
    today = date.today()
    request = PlanRequest(loans, today, installments=3, first_due=today + timedelta(days=30))
    out = measure(demo_db, request, loans, today)
    assert out.error is None and out.preview == preview(demo_db, request)
    assert out.quote == out.preview.quote and len(out.preview.installments) == 3

    alone = measure(demo_db, None, loans, today, rate_ppm=200_000)      # a field is wrong: no plan
    assert alone.preview is None and alone.error is None
    assert alone.quote == quote(demo_db, loans, today, rate_ppm=200_000)

    too_much = PlanRequest(loans, today, installments=1, frequency="lump", first_due=today,
                           waive_interest_fen=alone.quote.interest_fen + 1)
    refused = measure(demo_db, too_much, loans, today)                    # the service says why
    assert refused.preview is None and refused.error and refused.quote is not None
