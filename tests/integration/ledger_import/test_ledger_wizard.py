"""The services the import wizard is built on: preview, fixing the column mapping (remembered
for the next file of the same layout), progress and cancel, the error report."""
from __future__ import annotations

import json
import threading
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from app.db.models import AuditEntry, Household, LedgerImport, Loan, Unit
from app.domain.errors import InputError
from app.services.ledger_import import (
    FIELD_CHOICES,
    Cancelled,
    MappingStore,
    import_ledger,
    preview,
    write_error_report,
)
from tests.integration.ledger_import.ledger_files import HEADER, loan_row

TODAY = date(2026, 11, 22)
ODD_HEADER = ["序号", "客户号", "姓名", "证件号码", "当前欠款", "杂项"]   # 客户号 holds the loan number


def _odd_rows(n: int) -> list[list]:
    return [[k, f"62019{k:07d}", f"张{k}", "", 1000 + k, "x"] for k in range(1, n + 1)]


def test_preview_shows_header_unit_mapping_township_samples_and_counts(sample_dir):
    p = preview(sample_dir / "ledger.xlsx")
    assert p.ready and p.loans == 223 and len(p.rejected) == 21
    sheets = {s.name: s for s in p.sheets}
    assert sheets["填表说明"].layout is None
    lay = sheets["马营镇"].layout
    assert (lay.header_first, lay.unit, lay.township, lay.township_source) == (3, "元", "马营镇", "sheet")
    assert {c.header: c.field for c in lay.columns}["证件号码"] == "id_number"
    assert len(sheets["马营镇"].samples) == 5
    data = json.loads(json.dumps(p.to_json(), ensure_ascii=False))
    first = data["sheets"][1]
    assert first["header_rows"] == [3, 3] and first["unit"] == "元" and first["as_of"] == "2026-10-31"
    assert {"column": "K", "header": "贷款余额(元)", "field": "balance", "field_label": "贷款余额",
            "unit": "元", "how": "auto"} in first["columns"]
    assert first["loans"] == 53 and first["rejected"] == 7
    assert dict(FIELD_CHOICES)["loan_no"] == "借据号"


def test_an_unrecognised_column_is_mapped_by_a_person_and_remembered(new_db, write_xlsx, data_home):
    store = MappingStore()
    path = write_xlsx({"柳林镇": [ODD_HEADER, *_odd_rows(3)]}, name="bank-a.xlsx")
    p = preview(path, store=store)
    cols = {c.header: c for c in p.sheets[0].layout.columns}
    assert cols["客户号"].field is None and cols["客户号"].how == "unknown"
    assert cols["当前欠款"].field == "balance"
    assert not p.ready and "借据号" in p.problems[0]
    with pytest.raises(InputError, match="借据号"):
        import_ledger(new_db, path, store=store, today=TODAY)

    fixed = preview(path, {"客户号": "loan_no", "杂项": None}, store=store)
    assert fixed.ready and fixed.loans == 3
    r = import_ledger(new_db, path, mapping_overrides={"客户号": "loan_no"}, store=store, today=TODAY)
    assert r.loans_imported == 3
    assert (data_home / "ledger_mappings.json").exists()

    # next month's file of the same layout: the choice is applied by itself
    nxt = write_xlsx({"柳林镇": [ODD_HEADER, *_odd_rows(4)]}, name="bank-b.xlsx")
    again = preview(nxt, store=store)
    assert again.ready
    assert {c.header: c.how for c in again.sheets[0].layout.columns}["客户号"] == "remembered"
    r2 = import_ledger(new_db, nxt, store=store, today=TODAY)
    assert (r2.loans_imported, r2.loans_unchanged) == (1, 3)


def test_a_column_can_be_chosen_by_its_letter(write_xlsx):
    path = write_xlsx({"柳林镇": [ODD_HEADER, *_odd_rows(2)]})
    p = preview(path, {"#B": "loan_no"}, store=MappingStore())
    assert p.ready and p.loans == 2


def test_progress_goes_up_to_100(new_db, sample_dir):
    seen: list[tuple[int, str]] = []
    import_ledger(new_db, sample_dir / "ledger.xlsx", progress=lambda pct, _total, msg: seen.append((pct, msg)), today=TODAY)
    percents = [p for p, _ in seen]
    assert percents == sorted(percents) and percents[0] == 0 and percents[-1] == 100
    assert all(isinstance(m, str) and m for _, m in seen)


@pytest.mark.parametrize("at", [10, 50, 97])
def test_cancel_rolls_everything_back(new_db, sample_dir, at):
    stop = threading.Event()

    def progress(pct: int, _total: int, _msg: str) -> None:
        if pct >= at:
            stop.set()

    with pytest.raises(Cancelled):
        import_ledger(new_db, sample_dir / "ledger.xlsx", progress=progress, cancel=stop, today=TODAY)
    with new_db.uow() as uow:
        s = uow.session
        for model in (Loan, Household, LedgerImport):
            assert s.scalar(select(func.count()).select_from(model)) == 0
        assert s.scalar(select(func.count()).select_from(Unit)) == 1   # the district's own unit only
        assert s.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.entity != "units")) == 0
    r = import_ledger(new_db, sample_dir / "ledger.xlsx", cancel=lambda: False, today=TODAY)
    assert r.loans_imported == 223


def test_error_report_holds_the_rejected_rows_as_they_were(new_db, sample_dir, tmp_path):
    r = import_ledger(new_db, sample_dir / "ledger.xlsx", today=TODAY)
    out = write_error_report(r, tmp_path / "退回银行.xlsx")
    wb = load_workbook(out)
    ws = wb["未导入-柳林镇"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:3] == ("原表行号", "未导入原因", "说明")
    assert rows[0][3:3 + len(HEADER)] == tuple(HEADER)
    by_row = {row[0]: row for row in rows[1:]}
    assert set(by_row) == {6, 11, 12, 37, 39, 47, 51}
    assert by_row[12][1] == "贷款余额为空、不是数字或为负数" and by_row[12][2] == "贷款余额不是数字：待核实"
    assert by_row[12][3 + HEADER.index("贷款余额(元)")] == "待核实"   # the cell as the bank wrote it
    assert by_row[12][3 + HEADER.index("借据号")] == "620100100189"
    total = sum(ws.max_row - 1 for ws in wb.worksheets if ws.title.startswith("未导入"))
    assert total == 21
    warn = list(wb["需核对的行"].iter_rows(values_only=True))
    assert len(warn) == 1 + 6 and warn[1][0] == "柳林镇"


def test_error_report_from_the_preview_or_plain_rows(sample_dir, tmp_path):
    p = preview(sample_dir / "ledger.xlsx")
    out = write_error_report(p, tmp_path / "report")
    assert out.suffix == ".xlsx" and out.exists()
    plain = write_error_report(p.rejected[:2], tmp_path / "two.xlsx")
    assert sum(ws.max_row - 1 for ws in load_workbook(plain).worksheets) == 2


def test_an_unknown_field_in_the_mapping_is_refused_in_plain_words(write_xlsx):
    path = write_xlsx({"柳林镇": [ODD_HEADER, *_odd_rows(1)]})
    with pytest.raises(InputError, match="不认识的字段"):
        preview(path, {"客户号": "no_such_field"}, store=MappingStore())


def test_importing_right_after_the_preview_does_not_read_the_file_again(new_db, sample_dir, monkeypatch):
    import app.services.ledger_import.importer as service

    p = preview(sample_dir / "ledger.xlsx", db=new_db, today=TODAY)
    reads = []
    real = service.parse_ledger
    monkeypatch.setattr(service, "parse_ledger", lambda *a, **k: reads.append(a) or real(*a, **k))
    r = import_ledger(new_db, sample_dir / "ledger.xlsx", preview=p, today=TODAY)
    assert reads == [] and (r.loans_imported, len(r.rows_rejected)) == (223, 21)


def test_a_preview_that_no_longer_applies_is_not_used(new_db, write_xlsx, monkeypatch):
    import app.services.ledger_import.importer as service
    import app.services.ledger_import.previews as previews

    path = write_xlsx({"柳林镇": [HEADER, loan_row(1), loan_row(2)]})
    p = preview(path, db=new_db, today=TODAY)
    write_xlsx({"柳林镇": [HEADER, loan_row(1), loan_row(2), loan_row(3)]})   # the file changed since
    reads = []
    real = service.parse_ledger
    for reader in (service, previews):   # the import's reading, and the preview's
        monkeypatch.setattr(reader, "parse_ledger", lambda *a, **k: reads.append(a) or real(*a, **k))
    assert import_ledger(new_db, path, preview=p, today=TODAY).loans_imported == 3
    assert len(reads) == 1
    other = preview(path, db=new_db, township="别的镇", today=TODAY)   # other settings than the import's
    import_ledger(new_db, path, preview=other, today=TODAY)
    assert len(reads) == 3   # the preview's own reading, then the import's


def test_a_sheet_missing_a_required_column_still_shows_sample_values(write_xlsx):
    from app.services.ledger_import import column_samples

    path = write_xlsx({"柳林镇": [ODD_HEADER, [], *_odd_rows(4)]})
    p = preview(path, store=MappingStore())
    sheet = p.sheets[0]
    assert not p.ready and sheet.loans == 0
    assert column_samples(sheet, 1) == ["620190000001", "620190000002", "620190000003"]   # 客户号


def test_a_choice_carries_over_to_a_close_layout_by_header_text(new_db, write_xlsx, data_home):
    """Next month the bank drops a column: the 客户号 → 借据号 choice still applies; a choice
    made by column letter does not (the columns have moved)."""
    store = MappingStore()
    path = write_xlsx({"柳林镇": [ODD_HEADER, *_odd_rows(3)]}, name="bank-a.xlsx")
    import_ledger(new_db, path, mapping_overrides={"客户号": "loan_no", "#F": None}, store=store, today=TODAY)

    header = ["序号", "客户号", "姓名", "证件号码", "当前欠款"]   # 杂项 dropped
    nxt = write_xlsx({"柳林镇": [header, *[r[:5] for r in _odd_rows(4)]]}, name="bank-b.xlsx")
    again = preview(nxt, store=store)
    assert again.ready
    assert {c.header: (c.field, c.how) for c in again.sheets[0].layout.columns}["客户号"] == ("loan_no", "remembered")
    # a layout with little in common gets nothing
    far = write_xlsx({"柳林镇": [["客户号", "姓名", "证件号码", "当前欠款", "甲", "乙", "丙", "丁"],
                                 ["62019000001", "张1", "", 1000, 1, 2, 3, 4]]}, name="bank-c.xlsx")
    assert {c.header: c.how for c in preview(far, store=store).sheets[0].layout.columns}["客户号"] == "unknown"
