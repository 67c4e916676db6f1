"""Phone numbers (电话号码) typed for a household or a person: one rule, for the window and the
command line alike.

After spaces and hyphens are taken out (full-width digits and hyphens count as ordinary ones) a
phone number is digits only, with one leading ``+`` allowed (``+86`` is the country code and is
not counted): an 11-digit mobile number starting with 1 (13800001111), or a landline of 7 to 12
digits, optionally with its area code (8123456, 0931-8123456).  The number is kept as it was
typed (trimmed); "" clears it.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Final

from app.domain.errors import InputError

HINT: Final = "手机号是 11 位数字，座机如 0931-8123456"
_SEPARATORS: Final = re.compile(r"[\s\-]+")


def is_phone(text: str) -> bool:
    """Whether ``text`` is a phone number (an empty one counts: it clears the field)."""
    digits = _SEPARATORS.sub("", unicodedata.normalize("NFKC", text))
    if not digits:
        return True
    if digits.startswith("+"):
        digits = digits[1:].removeprefix("86")
    if not digits.isascii() or not digits.isdigit():
        return False
    if digits.startswith("1"):
        return len(digits) == 11          # a mobile number
    return 7 <= len(digits) <= 12         # a landline, with or without its area code


def check_phone(text: str | None, whose: str = "") -> str | None:
    """``text`` trimmed if it is a phone number; None if it is None or empty (clears the field).
    Otherwise ``InputError`` naming the field (``whose``: e.g. "张三的") and the value."""
    if text is None:
        return None
    value = text.strip()
    if not value:
        return None
    if not is_phone(value):
        raise InputError(f"{whose}电话号码不对：{value}（{HINT}）")
    return value
