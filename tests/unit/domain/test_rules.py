"""The suggestion rules: the file format, its checks, and the engine."""
from pathlib import Path

import pytest

from app.domain.errors import InputError
from app.domain.rules import PLACEHOLDER_NAMES, PLACEHOLDERS, CaseFacts, evaluate, fill, parse_rules

SHIPPED = Path(__file__).resolve().parents[3] / "resources" / "rules" / "suggestions.toml"


@pytest.fixture(scope="module")
def rules():
    return parse_rules(SHIPPED.read_text(encoding="utf-8"), str(SHIPPED))


def ids(rules, **facts):
    return [s.rule_id for s in evaluate(rules, CaseFacts(**facts))]


def test_shipped_file_is_valid_and_documents_itself(rules):
    assert len(rules) >= 15
    text = SHIPPED.read_text(encoding="utf-8")
    for word in ("categories_any", "promise_broken", "days_since_last_visit_min", "never_visited", "priority"):
        assert word in text


def test_in_prison_suspend_interest_and_collect_after_release(rules):
    out = evaluate(rules, CaseFacts(categories=frozenset({"imprisoned"}), never_visited=False,
                                    values={"release_date": "2028年5月1日"}))
    assert out[0].rule_id == "imprisoned"
    assert "停息挂账" in out[0].text and "2028年5月1日" in out[0].text
    suspended = ids(rules, categories=frozenset({"imprisoned"}), interest_suspended=True, never_visited=False)
    assert "imprisoned" not in suspended and "imprisoned_suspended" in suspended


def test_dead_borrower_heirs_and_reduction(rules):
    got = ids(rules, categories=frozenset({"deceased"}), flags=frozenset({"deceased"}),
              roles=frozenset({"borrower"}), never_visited=False)
    assert got[:2] == ["deceased_no_heir", "deceased"]
    with_heir = ids(rules, categories=frozenset({"deceased"}), flags=frozenset({"deceased"}),
                    roles=frozenset({"borrower", "heir"}), never_visited=False)
    assert "deceased_no_heir" not in with_heir and "deceased" in with_heir


def test_unreachable_asks_the_police(rules):
    out = evaluate(rules, CaseFacts(categories=frozenset({"unreachable"}), never_visited=False))
    assert out[0].rule_id == "unreachable" and "派出所" in out[0].text


def test_public_servant_discipline_office_and_payroll(rules):
    out = evaluate(rules, CaseFacts(categories=frozenset({"public_servant"}), never_visited=False))
    assert "纪检" in out[0].text and "工资" in out[0].text


def test_able_but_refusing_goes_to_court(rules):
    got = ids(rules, capacity="able", last_outcome="refused", stages=frozenset({"collection"}), never_visited=False)
    assert "able_refusing" in got
    assert "able_refusing" not in ids(rules, capacity="able", last_outcome="refused",
                                      stages=frozenset({"suit"}), never_visited=False)


def test_broken_promise_comes_first(rules):
    out = evaluate(rules, CaseFacts(promise_broken=True, followup_due=True, never_visited=False, capacity="able",
                                    values={"promise_date": "2026年6月1日", "promised_amount": "1,000.00"}))
    assert out[0].rule_id == "promise_broken"
    assert "2026年6月1日" in out[0].text and "1,000.00" in out[0].text
    assert "followup_due" not in [s.rule_id for s in out]


def test_never_visited_and_long_without_visit(rules):
    assert "never_visited" in ids(rules)
    assert "long_no_visit" in ids(rules, never_visited=False, days_since_last_visit=90)
    assert "long_no_visit" not in ids(rules, never_visited=False, days_since_last_visit=10)


def test_stop_hides_lower_rules(rules):
    assert ids(rules, all_settled=True, categories=frozenset({"deceased"})) == ["settled"]


def test_missing_placeholder_value_reads_unknown():
    rules = parse_rules('[[rule]]\nid = "a"\nsuggestion = "释放日期：{release_date}"\n')
    assert evaluate(rules, CaseFacts())[0].text == "释放日期：（未知）"


@pytest.mark.parametrize("suspended", [False, True])
def test_a_prisoner_without_a_release_date_reads_naturally(rules, suspended):
    facts = dict(categories=frozenset({"imprisoned"}), never_visited=False, interest_suspended=suspended)
    text = evaluate(rules, CaseFacts(**facts))[0].text
    assert "（（" not in text and "（未知）" not in text and "刑满释放（" not in text
    assert "刑满释放后" in text and "（刑满日期未知，请核实）" in text
    dated = evaluate(rules, CaseFacts(**facts, values={"release_date": "2027年5月1日"}))[0].text
    assert "刑满释放（2027年5月1日）后" in dated and "未知" not in dated


def test_the_shipped_prisoner_suggestions_read_as_chinese(rules):
    by_id = {r.id: r.suggestion for r in rules}
    assert fill(by_id["imprisoned"], {}) == ("借款人正在服刑：向银行申请停息挂账，刑满释放后再行清收（刑满日期未知，请核实）；"
                                             "可先联系家属了解还款意愿。")
    assert fill(by_id["imprisoned_suspended"], {}) == "已停息挂账：刑满释放后及时上门清收（刑满日期未知，请核实）。"
    assert fill(by_id["imprisoned_suspended"], {"release_date": "2027年5月1日"}) == \
        "已停息挂账：刑满释放（2027年5月1日）后及时上门清收。"


def test_no_shipped_suggestion_reads_double_brackets(rules):
    for r in rules:
        text = fill(r.suggestion, {})
        assert "（（" not in text and "））" not in text, (r.id, text)


def test_a_bracketed_placeholder_without_a_value_ends_its_clause_with_a_note():
    assert fill("约定的跟进日期（{next_date}）已到：按计划回访。", {}) == "约定的跟进日期已到（下次跟进日期未知，请核实）：按计划回访。"
    assert fill("刑满释放（{release_date}）后再行清收", {"release_date": ""}) == "刑满释放后再行清收（刑满日期未知，请核实）"
    assert fill("{head_name}（{release_date}）", {"head_name": "张三"}) == "张三（刑满日期未知，请核实）"
    assert set(PLACEHOLDER_NAMES) == set(PLACEHOLDERS)


def test_conditions_all_must_hold_and_money_is_in_yuan():
    rules = parse_rules('''
[[rule]]
id = "big"
suggestion = "大额"
when = { outstanding_min = 10000, capacity = ["able", "partial"] }
''')
    assert evaluate(rules, CaseFacts(outstanding_fen=1_000_000, capacity="able"))
    assert not evaluate(rules, CaseFacts(outstanding_fen=999_999, capacity="able"))
    assert not evaluate(rules, CaseFacts(outstanding_fen=1_000_000, capacity="unable"))


@pytest.mark.parametrize("text, words", [
    ('[[rule]]\nid = "a"\nsuggestion = "x"\n[rule.when]\ncategory_any = ["deceased"]\n', ["规则 a", "category_any"]),
    ('[[rule]]\nid = "a"\nsuggestion = "x"\n[rule.when]\ncategories_any = ["dead"]\n', ["dead"]),
    ('[[rule]]\nid = "a"\nsuggestion = "x {nobody}"\n', ["nobody"]),
    ('[[rule]]\nid = "a"\n', ["suggestion"]),
    ('[[rule]]\nid = "a"\nsuggestion = "x"\n[[rule]]\nid = "a"\nsuggestion = "y"\n', ["重复"]),
    ('[[rule]]\nid = "a"\nsuggestion = "x"\npriority = "high"\n', ["priority"]),
    ('[[rule]]\nid = "a"\nsuggestion = "x"\n[rule.when]\npromise_broken = "yes"\n', ["promise_broken"]),
    ('[[rule]\n', ["格式"]),
])
def test_mistakes_in_the_file_are_explained(text, words):
    with pytest.raises(InputError) as err:
        parse_rules(text, "我的规则.toml")
    message = str(err.value)
    assert "我的规则.toml" in message
    for w in words:
        assert w in message
