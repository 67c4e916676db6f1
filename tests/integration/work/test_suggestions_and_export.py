"""Suggestions from the rules file for real households, and the Excel export."""
from __future__ import annotations

from datetime import date

import openpyxl
import pytest
from sqlalchemy import text

from app import config
from app.domain.errors import InputError
from app.services import households as H
from app.services.households import HouseholdChanges, HouseholdFilter, PersonChange
from app.services.households import detail as household_page
from app.services.households.export import export_xlsx
from app.services.work import suggestions


def first(db, where):
    with db.engine.connect() as conn:
        return conn.execute(text(f"SELECT h.id FROM households h WHERE {where} ORDER BY h.id LIMIT 1")).scalar_one()


def test_a_prisoner_gets_suspend_interest_and_the_release_date(demo_db):
    hid = first(demo_db, "EXISTS (SELECT 1 FROM persons p WHERE p.household_id = h.id AND p.is_imprisoned = 1)")
    with demo_db.engine.begin() as conn:   # make the case plain: interest not suspended yet
        conn.execute(text("UPDATE loans SET interest_suspended = 0 WHERE household_id = :h"), {"h": hid})
    d = household_page.detail(demo_db, hid)
    release = next(p.release_date for p in d.people if p.is_imprisoned)
    texts = [s.text for s in suggestions.for_detail(d)]
    assert any("停息挂账" in t and f"{release.year}年" in t for t in texts)


def test_marking_a_borrower_dead_suggests_finding_heirs(demo_db):
    hid = first(demo_db, "NOT EXISTS (SELECT 1 FROM persons p WHERE p.household_id = h.id AND p.role = 'heir') "
                         "AND NOT EXISTS (SELECT 1 FROM category_tags c WHERE c.household_id = h.id)")
    borrower = household_page.detail(demo_db, hid).people[0]
    d = H.update(demo_db, hid, HouseholdChanges(persons=[PersonChange(borrower.id, is_deceased=True)]), actor="李干部")
    tips = suggestions.for_detail(d)
    assert tips[0].rule_id in ("deceased_no_heir", "settled")
    assert "继承人" in " ".join(t.text for t in tips)


def test_the_district_can_override_the_rules(demo_db):
    override = config.data_dir() / "rules" / "suggestions.toml"
    override.parent.mkdir(parents=True, exist_ok=True)
    override.write_text('[[rule]]\nid = "all"\nsuggestion = "区里的统一要求：{head_name}"\n', encoding="utf-8")
    hid = first(demo_db, "1 = 1")
    tips = suggestions.for_household(demo_db, hid)
    assert [t.rule_id for t in tips] == ["all"] and tips[0].text.startswith("区里的统一要求：")
    override.write_text('[[rule]]\nid = "all"\n', encoding="utf-8")
    with pytest.raises(InputError, match="suggestion"):
        suggestions.for_household(demo_db, hid)


def test_every_household_gets_a_suggestion(demo_db):
    for hid in H.ids(demo_db, HouseholdFilter(), limit=60):
        assert suggestions.for_household(demo_db, hid), hid


def test_export_the_filtered_list(demo_db, tmp_path):
    f = HouseholdFilter(text="z", followup_due=True)
    n = H.count(demo_db, f)
    result = export_xlsx(demo_db, f, tmp_path / "借款户.xlsx", "outstanding", True)
    assert result.rows == n > 0
    ws = openpyxl.load_workbook(tmp_path / "借款户.xlsx").active
    header = [c.value for c in ws[2]]
    assert header[:4] == ["乡镇", "村（社区）", "组", "户主"] and "尚欠本金（元）" in header
    col = header.index("尚欠本金（元）") + 1
    cells = [ws.cell(row=r, column=col) for r in range(3, 3 + n)]
    assert all(c.number_format == "#,##0.00" for c in cells)
    values = [c.value for c in cells]
    assert values == sorted(values, reverse=True)
    first_row = H.rows(demo_db, H.ids(demo_db, f, "outstanding", True, limit=1))[0]
    assert round(values[0] * 100) == first_row.outstanding_fen
    assert ws.max_row == 2 + n
    assert isinstance(ws.cell(row=3, column=header.index("下次跟进") + 1).value, (date, __import__("datetime").datetime))


def test_export_refuses_a_wrong_file_name(demo_db, tmp_path):
    with pytest.raises(InputError):
        export_xlsx(demo_db, HouseholdFilter(), tmp_path / "list.csv")
    with pytest.raises(InputError):
        export_xlsx(demo_db, HouseholdFilter(), tmp_path / "no-such-folder" / "list.xlsx")
