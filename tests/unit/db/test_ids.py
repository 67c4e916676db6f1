"""Deterministic ids: one key, one id, however it is spelled."""
from __future__ import annotations

import uuid

from hypothesis import given
from hypothesis import strategies as st

from app.db import ids
from app.domain.idcard import check_digit

NS = ids.district_namespace("示范区")
I = ids.Ids(NS)


@given(st.text(max_size=40))
def test_uuid5_is_the_standard_one(name):
    assert ids.uuid5(NS, name) == str(uuid.uuid5(uuid.UUID(NS), name))
    assert uuid.UUID(ids.uuid5(NS, name)).version == 5


def _full_width(s: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in s)


_spaces = st.sampled_from(["", " ", "\u3000", "\t", "\u200b"])


@given(st.integers(0, 10**17 - 1), _spaces, _spaces, st.booleans(), st.booleans())
def test_an_id_number_spelled_any_way_gives_one_household_and_person(n, before, after, wide, lower):
    first17 = f"{n:017d}"
    id_number = first17 + check_digit(first17)
    spelled = id_number.lower() if lower else id_number
    spelled = _full_width(spelled) if wide else spelled
    spelled = before + spelled[:6] + after + spelled[6:] + before
    assert I.household("T", id_number=spelled) == I.household("T", id_number=id_number)
    assert I.person("H", id_number=spelled) == I.person("H", id_number=id_number)


def test_an_x_id_number_and_a_15_digit_one():
    assert I.person("H", id_number="11010519491231002x") == I.person("H", id_number="11010519491231002X")
    assert I.person("H", id_number="110105491231002") == I.person("H", id_number="11010519491231002X")


@given(st.text("0123456789ABCDEFGHabcdefgh-", min_size=1, max_size=20), _spaces, st.booleans())
def test_a_loan_number_spelled_any_way_gives_one_loan(loan_no, space, wide):
    spelled = _full_width(loan_no) if wide else loan_no
    assert I.loan(space + spelled.lower() + space) == I.loan(loan_no.upper())
    assert I.loan("'" + loan_no) == I.loan(loan_no)


@given(st.sampled_from(["石门镇", "柳林镇", "阿依古丽·买买提", "Zhang San"]), _spaces)
def test_names_with_spaces_or_full_width_are_one_key(name, space):
    wide = _full_width(name)
    assert I.township(space + wide + space) == I.township(name)
    assert I.village("T", name[:1] + space + name[1:]) == I.village("T", name)
    assert I.staff(None, " " + name, "信贷员") == I.staff(None, name, "信贷员")


def test_different_keys_differ():
    assert I.township("石门镇") != I.township("柳林镇")
    assert I.village("T1", "石门村") != I.village("T2", "石门村")
    assert I.household("T", village="石门村", name="张三") != I.household("T", village="石门", name="村张三")
    assert I.tag("H", "deceased") != I.tag("H", "deceased", "L")
    assert I.staff("T", "王伟", "驻村干部") != I.staff("T", "王伟", "村社干部")
    assert ids.Ids(ids.district_namespace("另一区")).loan("1") != I.loan("1")


def test_a_key_that_comes_again_takes_the_next_id_the_same_everywhere():
    first = I.staff("T", "王伟", "驻村干部")
    second = I.unused(first, {first})
    assert second != first and second == ids.Ids(NS).unused(first, {first})
    assert I.unused(first, {first, second}) not in {first, second}
    assert I.unused(first, set()) == first


def test_device_codes_are_three_plain_letters():
    code = ids.code_from_device("a1b2c3d4e5f6")
    assert len(code) == 3 and set(code) <= set(ids.CODE_LETTERS)
    assert code == ids.code_from_device("a1b2c3d4e5f6")
    taken = {ids.choose_device_code(set()) for _ in range(50)}
    assert ids.choose_device_code(taken) not in taken
