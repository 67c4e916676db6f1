"""What an agreement may promise on paper: a reduction without its 审批文号 is a 草稿 on every page
(and cannot be signed), a lapsed reduction no longer gets a 减免明白纸, an unknown contract rate
is said to be the default one, and a receipt that cannot be printed says why."""
from __future__ import annotations

import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from app.domain.errors import InputError, UserError
from app.services import agreements as svc
from app.services.agreements.forms import no_receipt_reason, write_pdf
from app.services.agreements.owed import quote
from app.services.foundation import work_common
from tests.integration.agreements.agreement_helpers import execute, free_households
from tests.integration.agreements.test_agreement_pdfs import AS_OF, pdf_text

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")


@pytest.fixture(autouse=True)
def _days_to_come_have_come(monkeypatch):
    from app.services.foundation import work_common

    monkeypatch.setattr(work_common, "current_day", lambda: date(2028, 12, 31))


def page_texts(path: Path) -> list[str]:
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True).stdout
    return ["".join(page.split()) for page in out.decode("utf-8").split("\f") if page.strip()]


def reduced(db, approval: str | None = None, **more):
    loans = free_households(db, min_loans=2, limit=1)[0]
    return svc.create(db, svc.PlanRequest(loan_nos=loans, as_of=AS_OF, installments=12, first_due=date(2027, 1, 15),
                                          waive_all_penalty=True, approval_ref=approval, **more), actor="张三")


def test_an_unapproved_reduction_prints_as_a_draft_on_every_page_and_stays_a_draft(demo_db, tmp_path):
    view = reduced(demo_db)
    assert view.needs_approval
    for kind in ("agreement", "sheet"):
        pages = page_texts(Path(write_pdf(demo_db, view.id, tmp_path / f"{kind}.pdf", kind).path))
        assert pages and all("草稿" in page and "减免尚未审批" in page for page in pages), kind
    agreement = "".join(page_texts(tmp_path / "agreement.pdf"))
    assert "经甲方审批" not in agreement and "本减免尚待甲方审批，审批前不生效" in agreement
    assert svc.get(demo_db, view.id).status == "draft"           # a draft paper is not the paper to sign


def test_signing_needs_the_approval_reference_and_then_the_paper_is_clean(demo_db, tmp_path):
    view = reduced(demo_db)
    with pytest.raises(InputError, match="还没有审批文号，不能签订"):
        svc.sign(demo_db, view.id, date(2026, 11, 25))
    assert svc.get(demo_db, view.id).status == "draft"
    request = svc.PlanRequest(loan_nos=[ln.loan_no for ln in view.loans], as_of=AS_OF, installments=12,
                              first_due=date(2027, 1, 15), waive_all_penalty=True, approval_ref="减免审批〔2026〕7号")
    approved = svc.revise(demo_db, view.id, request)
    pages = page_texts(Path(write_pdf(demo_db, approved.id, tmp_path / "a.pdf").path))
    assert not any("草稿" in page for page in pages) and "经甲方审批（审批文号：减免审批〔2026〕7号）" in "".join(pages)
    assert svc.get(demo_db, approved.id).status == "printed"
    assert svc.sign(demo_db, approved.id, date(2026, 11, 25)).status == "signed"


def test_the_district_may_refuse_unapproved_reductions_even_as_drafts(demo_db, data_home):
    (data_home / "templates").mkdir()
    (data_home / "templates" / "agreement.toml").write_text("drafts_without_approval = false\n", encoding="utf-8")
    before = len(svc.list_agreements(demo_db))
    with pytest.raises(InputError, match="须填写审批文号"):
        reduced(demo_db)
    assert len(svc.list_agreements(demo_db)) == before
    assert reduced(demo_db, approval="减免审批〔2026〕8号").status == "draft"


def test_a_lapsed_reduction_gets_no_sheet(demo_db, tmp_path, monkeypatch):
    view = reduced(demo_db, approval="减免审批〔2026〕9号")
    svc.sign(demo_db, view.id, date(2026, 11, 25))
    later = date(2027, 4, 1)                                      # three installments missed
    lapsed = svc.get(demo_db, view.id, later)
    assert lapsed.standing.state == "broken" and lapsed.reduction_lapsed
    assert svc.get(demo_db, view.id, date(2027, 1, 20)).reduction_lapsed is False
    monkeypatch.setattr(work_common, "current_day", lambda: later)            # today is later
    with pytest.raises(UserError, match="减免.*已失效：减免明白纸不再适用"):
        write_pdf(demo_db, view.id, tmp_path / "sheet.pdf", "sheet")
    assert not (tmp_path / "sheet.pdf").exists()
    assert svc.get(demo_db, view.id, later).to_json()["reduction_lapsed"] is True


def test_an_unknown_contract_rate_is_said_and_printed_as_the_default(demo_db, tmp_path):
    loans = free_households(demo_db, min_loans=2, max_loans=2, limit=1)[0]
    execute(demo_db, "UPDATE loans SET rate_ppm = NULL WHERE loan_no = :n", n=loans[0])
    q = quote(demo_db, loans, AS_OF)
    assert [ln.rate_source for ln in q.loans] == ["default", "contract"]
    assert len(q.warnings) == 1 and loans[0] in q.warnings[0] and "默认年利率 8.64%" in q.warnings[0]
    assert loans[1] not in q.warnings[0]
    view = svc.create(demo_db, svc.PlanRequest(loan_nos=loans, as_of=AS_OF, installments=2,
                                               first_due=date(2027, 1, 15)))
    assert view.warnings == q.warnings and view.to_json()["warnings"] == q.warnings
    agreement = pdf_text(Path(write_pdf(demo_db, view.id, tmp_path / "a.pdf").path))
    assert f"*借据号{loans[0]}无合同利率记录，按默认利率（年利率8.64%）测算" in agreement
    sheet = pdf_text(Path(write_pdf(demo_db, view.id, tmp_path / "s.pdf", "sheet").path))
    assert f"借据{loans[0]}年利率8.64%、罚息利率12.96%（无合同利率记录，按默认利率测算）" in sheet
    assert sheet.count("按默认利率测算") == 1


def test_an_agreement_saved_before_the_rate_source_was_kept_still_says_so(demo_db):
    loans = free_households(demo_db)[0][:1]
    execute(demo_db, "UPDATE loans SET rate_ppm = NULL WHERE loan_no = :n", n=loans[0])
    view = svc.create(demo_db, svc.PlanRequest(loan_nos=loans, as_of=AS_OF, installments=1, frequency="lump",
                                               first_due=date(2027, 1, 15)))
    execute(demo_db, "UPDATE agreement_loans SET rate_source = NULL WHERE agreement_id = :a", a=view.id)
    assert svc.get(demo_db, view.id).loans[0].rate_source == "default" and svc.get(demo_db, view.id).warnings


def test_payments_without_a_receipt_number_say_why_no_receipt_prints(demo_db):
    fulfilled = next(r for r in svc.list_agreements(demo_db, status="fulfilled"))
    view = svc.get(demo_db, fulfilled.id)                         # the demo's payments carry no receipt number
    assert view.paid_fen == view.total_fen and view.receipts == 0 and view.unreceipted_fen == view.paid_fen
    with pytest.raises(UserError) as refused:
        write_pdf(demo_db, view.id, "unused.pdf", "receipt")
    assert "没有凭证号" in str(refused.value) and "还没有还款记录" not in str(refused.value)
    assert str(refused.value) == no_receipt_reason(view)
