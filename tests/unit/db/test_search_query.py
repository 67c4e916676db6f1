"""How a typed query is answered: trigram index, name keys, or a scan."""
from datetime import date

from app.db.search_index import build_row, normalise_query, plan_query
from app.domain.followup import VisitFact


def test_empty_query_does_not_filter():
    assert plan_query("") is None and plan_query("   ") is None and plan_query(None) is None


def test_letters_are_initials_from_the_start_of_a_name():
    assert plan_query("zs").kind == "fts" and plan_query("zs").needle == "^zs"
    assert plan_query("Z").kind == "keys" and plan_query("Z").needle == "^z"


def test_short_chinese_uses_the_name_keys():
    m = plan_query("张")
    assert m.kind == "keys" and m.lo == "张" and m.hi.startswith("张")
    assert plan_query("张三").kind == "keys"
    assert plan_query("张三丰").kind == "fts"


def test_digits():
    assert plan_query("6224").kind == "fts"
    assert plan_query("62").kind == "scan"


def test_full_width_and_spaces_are_normalised():
    assert normalise_query("６２２４ ") == "6224"
    assert normalise_query("Z S") == "zs"
    assert normalise_query("a|b^c") == "abc"
    assert normalise_query("a\x01b\x02") == "ab"      # never the start of a head's own key


def test_quotes_cannot_break_the_match_expression():
    assert plan_query('ab"c').fts == '"ab""c"'


def test_row_text_holds_names_initials_ids_phones_and_loan_numbers():
    hh = {"id": "h1", "township_id": "t", "village_id": "v", "head_name": "曾国藩",
          "head_id_number": "62242119800101123X", "phone": "139-1234-5678", "capacity": "able"}
    persons = [{"name": "曾国藩", "id_number": "62242119800101123X", "phone": None},
               {"name": "欧阳红", "id_number": None, "phone": "13800001111"}]
    loans = [{"id": "l1", "loan_no": "6201001100033", "stage": "suit", "task_fen": 500, "recovered_fen": 200},
             {"id": "l2", "loan_no": "6201001100044", "stage": "settled", "task_fen": 300, "recovered_fen": 400}]
    row, keys, staff = build_row(hh, persons, loans, ["deceased", "unreachable"],
                                 [VisitFact(date(2026, 5, 1), "", "refused", None, None, None)], [],
                                 [("s1", None, "leader"), ("s2", "l2", "loan_officer"), ("s1", "l1", "loan_officer")])
    text = row["text"]
    for part in ("曾国藩", "^zgf", "^cgf", "欧阳红", "^oyh", "62242119800101123x", "13912345678",
                 "13800001111", "6201001100033", "6201001100044"):
        assert part in text.split("|")
    assert {"曾国藩", "国藩", "藩", "^zgf", "阳红"} <= set(keys)
    # the head's own short queries, with the sort name (欧阳红 is not the head: none of hers)
    own = {k.split("\x02")[0][1:] for k in keys if k.startswith("\x01")}
    assert own == {"^z", "^c", "曾", "国", "藩", "曾国", "国藩"}
    assert all(k.endswith("\x02" + row["sort_name"]) for k in keys if k.startswith("\x01"))
    # the household's own tokens (head of household, loans) before the other people's
    own_text, other_text = text.split("||")
    assert "曾国藩" in own_text.split("|") and "6201001100033" in own_text.split("|")
    assert "欧阳红" in other_text.split("|") and "13800001111" in other_text.split("|")
    assert row["categories"] == ",deceased,unreachable,"
    assert row["stage"] == "suit" and row["stages"] == ",suit,settled,"
    assert (row["task_fen"], row["recovered_fen"], row["outstanding_fen"]) == (800, 500, 300)
    assert row["loans_settled"] == 1
    shares = {s["staff_id"]: s for s in staff}
    assert shares["s1"] == {"staff_id": "s1", "duties": ",leader,loan_officer,", "loans": 2, "loans_settled": 1,
                            "task_fen": 800, "recovered_fen": 500}     # each loan once
    assert (shares["s2"]["loans"], shares["s2"]["task_fen"], shares["s2"]["recovered_fen"]) == (1, 300, 300)
    assert row["sort_name"].startswith("zeng guo fan")
