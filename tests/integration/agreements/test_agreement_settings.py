"""The district's agreement settings: defaults, an override file in the data folder, and a
broken override refused in plain words."""
from __future__ import annotations

import pytest

from app.district.agreement_settings import load
from app.domain.errors import InputError


def test_the_defaults_are_the_districts_usual_terms():
    s = load()
    assert (s.default_rate_ppm, s.penalty_markup_ppm, s.grace_days, s.void_after_missed) == (86_400, 500_000, 30, 2)
    assert s.allocation_order == ("principal", "interest", "penalty") and s.round_to == 100


def test_an_override_changes_only_the_keys_it_names(data_home):
    (data_home / "templates").mkdir()
    # Notepad saves UTF-8 with a byte-order mark
    (data_home / "templates" / "agreement.toml").write_text(
        '\ufeffdefault_rate = "7.2%"\nallocation_order = "罚息,利息,本金"\n', encoding="utf-8")
    s = load()
    assert s.default_rate_ppm == 72_000 and s.allocation_order == ("penalty", "interest", "principal")
    assert s.grace_days == 30


@pytest.mark.parametrize(("text", "words"), [("grace_days = -1\n", "grace_days"), ("grace_days = \n", "格式有误"),
                                             ('default_rate = "8.64"\n', "默认年利率")])
def test_a_broken_override_is_refused_saying_which_file(data_home, text, words):
    (data_home / "templates").mkdir()
    (data_home / "templates" / "agreement.toml").write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as err:
        load()
    assert words in str(err.value) and "agreement.toml" in str(err.value)
