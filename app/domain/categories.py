"""The special categories (特殊类别) a household or a loan can carry.

The nine kinds of special bad loans township reports use; the "special household" kind is
split into its four sub-kinds because the bank treats them differently.  More than one may
apply to one loan.  ``group`` is the kind of the nine the district bulletin breaks out.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Category:
    code: str
    name: str
    short: str
    group: str  # one of BULLETIN_GROUPS' codes


CATEGORIES: tuple[Category, ...] = (
    Category("public_servant", "公职人员贷款", "公职人员", "public_servant"),
    Category("impersonated", "冒名贷款", "冒名", "impersonated_staff"),
    Category("bank_staff", "农合行职工贷款", "职工贷款", "impersonated_staff"),
    Category("low_income", "低保户贷款", "低保户", "special_household"),
    Category("disabled", "残疾人贷款", "残疾人", "special_household"),
    Category("ex_poverty", "脱贫人口贷款", "脱贫人口", "special_household"),
    Category("emigrated", "借款人已移民贷款", "已移民", "special_household"),
    Category("deceased", "借款人已死亡", "已死亡", "deceased"),
    Category("imprisoned", "借款人在服刑", "服刑", "imprisoned"),
    Category("unreachable", "借款人无法联系", "失联", "unreachable"),
    Category("absent", "空挂户贷款", "空挂户", "absent"),
    Category("litigation", "涉诉贷款", "涉诉", "litigation"),
    Category("large_mortgage", "大额抵押贷款（100万元以上）", "大额抵押", "large_mortgage"),
)

# The nine kinds a township report and the district bulletin break out, in their usual order.
BULLETIN_GROUPS: tuple[tuple[str, str], ...] = (
    ("public_servant", "公职人员贷款"),
    ("impersonated_staff", "冒名及农合行职工贷款"),
    ("special_household", "特殊户贷款（低保、残疾、脱贫、移民）"),
    ("deceased", "借款人已死亡贷款"),
    ("imprisoned", "借款人在服刑贷款"),
    ("unreachable", "借款人无法联系贷款"),
    ("absent", "空挂户贷款"),
    ("litigation", "涉诉贷款"),
    ("large_mortgage", "大额抵押贷款"),
)

BY_CODE: dict[str, Category] = {c.code: c for c in CATEGORIES}

# A mortgage loan at or above this principal balance (fen) is a "large mortgage loan".
LARGE_MORTGAGE_FEN = 1_000_000 * 100


def category(code: str) -> Category:
    try:
        return BY_CODE[code]
    except KeyError:
        raise KeyError(f"未知的特殊类别代码：{code}") from None


def category_name(code: str) -> str:
    return category(code).name
