"""The printed forms: the text a person reads (extracted with pdftotext), the embedded font
(pdffonts), the district's own wording, and what printing does to an agreement."""
from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from app.domain.interest import format_rate
from app.domain.money import format_yuan, to_chinese_capital
from app.services import agreements as svc
from app.services.agreements.forms import sheet_form, write_pdf
from app.services.agreements.owed import quote
from app.services.recovery.agreement_payments import pay
from tests.integration.agreements.agreement_helpers import free_households


@pytest.fixture(autouse=True)
def _days_to_come_have_come(monkeypatch):
    """These tests sign and pay on the schedule's dates, months ahead: let those days have come."""
    from app.services.foundation import work_common

    monkeypatch.setattr(work_common, "current_day", lambda: date(2028, 12, 31))


pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None or shutil.which("pdffonts") is None,
                                reason="poppler-utils (pdftotext, pdffonts) not installed")

AS_OF = date(2026, 11, 22)


def pdf_text(path: Path) -> str:
    """The PDF's text with all white space removed (table cells and wrapped lines join up)."""
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True).stdout
    return re.sub(r"\s+", "", out.decode("utf-8"))


def fonts(path: Path) -> list[list[str]]:
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, check=True, text=True).stdout
    return [line.split() for line in out.splitlines()[2:] if line.strip()]


@pytest.fixture
def agreement(demo_db):
    loans = free_households(demo_db, min_loans=2, limit=1)[0]
    view = svc.create(demo_db, svc.PlanRequest(
        loan_nos=loans, as_of=AS_OF, installments=12, first_due=date(2027, 1, 15), waive_interest_fen=100_000,
        waive_all_penalty=True, approval_ref="减免审批〔2026〕12号"), actor="张三")
    return view


def test_the_agreement_states_names_loans_amounts_and_capitals(demo_db, agreement, tmp_path):
    out = write_pdf(demo_db, agreement.id, tmp_path / "协议.pdf").path
    text = pdf_text(Path(out))
    assert text.startswith(f"协议编号：{agreement.number}第1版还款协议书")      # the title, centred, spaced out
    for expected in [agreement.household, agreement.number, "减免审批〔2026〕12号",
                     format_yuan(agreement.owed_fen), to_chinese_capital(agreement.owed_fen),
                     format_yuan(agreement.total_fen), to_chinese_capital(agreement.total_fen),
                     format_yuan(agreement.waived_fen), to_chinese_capital(agreement.waived_fen),
                     "先本金、再利息、后罚息", "指印", "见证方", "签字", "日利率=年利率÷360"]:
        assert expected in text, expected
    for ln in agreement.loans:
        assert ln.loan_no in text and format_yuan(ln.principal_fen) in text
    for inst in agreement.installments:
        assert format_yuan(inst.amount_fen) in text and to_chinese_capital(inst.amount_fen) in text
    assert "第1页共" in text


def test_every_font_is_embedded(demo_db, agreement, tmp_path):
    for kind in ("agreement", "sheet"):
        rows = fonts(Path(write_pdf(demo_db, agreement.id, tmp_path / f"{kind}.pdf", kind).path))
        assert rows, "no fonts listed"
        assert all("WQYMicroHei" in row[0] or "MicroHei" in row[0] for row in rows), rows
        # columns: name type encoding emb sub uni object ID
        assert all(row[-5] == "yes" for row in rows), rows


def test_printing_a_draft_marks_it_printed_and_a_cancelled_one_prints_void(demo_db, agreement, tmp_path):
    write_pdf(demo_db, agreement.id, tmp_path / "a.pdf")
    assert svc.get(demo_db, agreement.id).status == "printed"
    svc.cancel(demo_db, agreement.id)
    text = pdf_text(Path(write_pdf(demo_db, agreement.id, tmp_path / "b.pdf").path))
    assert "已作废" in text
    assert svc.get(demo_db, agreement.id).status == "cancelled"


def test_a_new_version_says_which_one_it_replaces(demo_db, agreement, tmp_path):
    svc.sign(demo_db, agreement.id, date(2026, 11, 25))
    v2 = svc.revise(demo_db, agreement.id, svc.PlanRequest(
        loan_nos=[ln.loan_no for ln in agreement.loans], as_of=AS_OF, installments=6, first_due=date(2027, 2, 1)))
    text = pdf_text(Path(write_pdf(demo_db, v2.id, tmp_path / "v2.pdf").path))
    assert "第2版" in text and "替代双方于2026年11月25日签订的第1版" in text


def test_the_sheet_shows_the_debt_now_on_the_plan_and_in_6_and_12_months(demo_db, agreement, tmp_path):
    form = sheet_form(demo_db, agreement.id)
    now, on_plan, six, twelve = form.rows
    assert now.total_fen == agreement.owed_fen and on_plan.total_fen == agreement.total_fen
    assert now.total_fen < six.total_fen < twelve.total_fen          # the demo's loans keep accruing
    assert six.on == date(2027, 5, 22) and twelve.on == date(2027, 11, 22)
    text = pdf_text(Path(write_pdf(demo_db, agreement.id, tmp_path / "sheet.pdf", "sheet").path))
    for expected in ["减免明白纸", agreement.household, format_yuan(agreement.owed_fen),
                     format_yuan(agreement.total_fen), format_yuan(six.total_fen), format_yuan(twelve.total_fen),
                     format_yuan(twelve.total_fen - agreement.total_fen), "6个月后", "12个月后", "不计复利"]:
        assert expected in text, expected
    assert "第1页共1页" in text                                       # one page


def test_the_sheet_for_a_suspended_loan_shows_no_growth(demo_db, tmp_path):
    from tests.integration.agreements.agreement_helpers import execute

    loans = free_households(demo_db, min_loans=1, limit=3)[2][:1]
    execute(demo_db, "UPDATE loans SET interest_suspended = 1 WHERE loan_no = :n", n=loans[0])
    view = svc.create(demo_db, svc.PlanRequest(loan_nos=loans, as_of=AS_OF, installments=1, first_due=date(2027, 1, 1),
                                               frequency="lump"))
    rows = sheet_form(demo_db, view.id).rows
    assert rows[0].total_fen == rows[2].total_fen == rows[3].total_fen == quote(demo_db, loans, AS_OF).owed_fen
    assert "停息挂账" in pdf_text(Path(write_pdf(demo_db, view.id, tmp_path / "s.pdf", "sheet").path))


def test_the_receipt_shows_the_amount_in_figures_and_capitals(demo_db, agreement, tmp_path):
    svc.sign(demo_db, agreement.id, date(2026, 11, 25))
    result = pay(demo_db, agreement.id, 612_345, date(2027, 1, 10), actor="李四")
    out = write_pdf(demo_db, agreement.id, tmp_path / "r.pdf", "receipt")
    assert out.receipt_no == result.receipt_no
    text = pdf_text(Path(out.path))
    for expected in ["还款凭证", result.receipt_no, "¥6,123.45", "陆仟壹佰贰拾叁元肆角伍分", agreement.household,
                     "第一联", "第二联", "李四", format_yuan(result.allocation.remaining_fen)]:
        assert expected in text, expected


def test_the_district_edits_the_terms_without_touching_code(demo_db, data_home, tmp_path):
    (data_home / "templates").mkdir()
    (data_home / "templates" / "agreement_terms.txt").write_text(
        "# 本区条款\n乙方应于每月${grace_days}日前到${witness}还款。\n本协议一式${copies}份。\n", encoding="utf-8")
    (data_home / "templates" / "agreement.toml").write_text('grace_days = 10\ncopies = 4\n', encoding="utf-8")
    loans = free_households(demo_db, min_loans=1, limit=2)[1]
    view = svc.create(demo_db, svc.PlanRequest(loan_nos=loans, as_of=AS_OF, installments=2, first_due=date(2027, 1, 1)))
    assert view.grace_days == 10
    text = pdf_text(Path(write_pdf(demo_db, view.id, tmp_path / "t.pdf").path))
    assert "乙方应于每月10日前到" in text and "本协议一式4份" in text
    assert "先本金、再利息、后罚息" in text       # the order is stated even when the template leaves it out


def test_a_long_plan_breaks_pages_with_the_table_header_repeated(demo_db, tmp_path):
    loans = free_households(demo_db, min_loans=1, limit=4)[3]
    view = svc.create(demo_db, svc.PlanRequest(loan_nos=loans, as_of=AS_OF, installments=60,
                                               first_due=date(2027, 1, 1), round_to=1))
    out = Path(write_pdf(demo_db, view.id, tmp_path / "long.pdf").path)
    text = pdf_text(out)
    pages = int(re.search(r"第1页共(\d+)页", text).group(1))
    assert pages >= 3 and f"第{pages}页共{pages}页" in text
    assert text.count("应还日期") >= 2 and "第60期" in text          # the header row repeats on the next page


def test_an_agreement_made_before_the_breakdown_was_kept_still_prints(demo_db, tmp_path):
    """The demo's signed agreements have no stored breakdown or rates (rows older than 0002a)."""
    old = [r for r in svc.list_agreements(demo_db) if r.number.startswith("XY-") and r.status == "signed"
           and r.state != "fulfilled" and not svc.get(demo_db, r.id).reduction_lapsed][0]
    view = svc.get(demo_db, old.id)
    assert view.loans[0].rate_ppm is None
    text = pdf_text(Path(write_pdf(demo_db, old.id, tmp_path / "old.pdf").path))
    assert view.household in text and format_yuan(view.total_fen) in text
    contract = quote(demo_db, [view.loans[0].loan_no], AS_OF).loans[0]   # the loan's own rates
    assert f"{format_rate(contract.rate_ppm)}{format_rate(contract.penalty_rate_ppm)}" in text
    rows = sheet_form(demo_db, old.id).rows
    assert rows[3].total_fen > rows[0].total_fen              # accrues at the loan's contract rate
    assert svc.get(demo_db, old.id).status == "signed"        # printing a signed one changes nothing
