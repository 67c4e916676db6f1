"""Rows of a ledger like the banks' (see conftest.py for the workbook writers)."""
from __future__ import annotations

from app.domain.idcard import check_digit

HEADER = ["序号", "村(社区)", "组", "借款人姓名", "身份证号码", "联系电话", "借据号", "发放日期", "到期日期",
          "贷款金额(元)", "贷款余额(元)", "欠息(元)", "五级分类", "担保方式", "管户信贷员", "备注"]


def make_id(body17: str) -> str:
    """A valid 18-digit ID number from its first 17 digits."""
    return body17 + check_digit(body17)


def loan_row(n: int, name: str = "张三", idno: str | None = None, loan_no: str | None = None,
             balance: object = 10000, village: str = "李家村", officer: str = "钱明", **extra) -> list:
    """A row in HEADER's order; ``extra`` overrides any column by its header text."""
    idno = idno if idno is not None else make_id(f"62242119601018{n % 1000:03d}")
    row = {"序号": n, "村(社区)": village, "组": "3组", "借款人姓名": name, "身份证号码": idno,
           "联系电话": "13913909960", "借据号": loan_no if loan_no is not None else f"62010010{n:04d}",
           "发放日期": "2015.03.05", "到期日期": "2017-3-5", "贷款金额(元)": 50000, "贷款余额(元)": balance,
           "欠息(元)": 815.15, "五级分类": "可疑", "担保方式": "信用", "管户信贷员": officer, "备注": ""}
    row.update(extra)
    return [row[h] for h in HEADER]
