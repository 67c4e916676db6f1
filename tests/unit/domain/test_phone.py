"""Phone numbers: one rule for the window and the command line (``app.domain.phone``)."""
from __future__ import annotations

import pytest

from app.domain.errors import InputError
from app.domain.phone import check_phone, is_phone


@pytest.mark.parametrize("text", ["", "13812345678", "138 1234 5678", "138-1234-5678", "+8613812345678",
                                  "+86 138-1234-5678", "0931-8123456", "09318123456", "8123456", "81234567",
                                  "0931 81234567", "１３８１２３４５６７８", "0931－8123456"])
def test_phone_numbers(text):
    assert is_phone(text)


@pytest.mark.parametrize("text", ["abc", "123", "123456", "1381234567", "138123456789", "1234567890123",
                                  "+", "++8613812345678", "138.1234.5678", "138/1234/5678", "13812345678#",
                                  "一三八"])
def test_not_phone_numbers(text):
    assert not is_phone(text)


def test_check_phone_names_the_field_and_the_value():
    assert check_phone(None) is None and check_phone("  ") is None
    assert check_phone(" 0931-8123456 ") == "0931-8123456"
    with pytest.raises(InputError) as e:
        check_phone("abc")
    assert str(e.value) == "电话号码不对：abc（手机号是 11 位数字，座机如 0931-8123456）"
    with pytest.raises(InputError, match="^张三的电话号码不对：123（"):
        check_phone("123", "张三的")
