"""A large, realistic bank ledger for the import benchmark.

One district-wide sheet with a 乡镇 column, title rows, the sample's header words, ~1.5
loans per household, IDs as text (a few cut by Excel), dates as Excel dates and as text in
the usual spellings, some rows to reject, subtotal rows per township.  The same arguments
give the same file; it is cached in the temp folder because writing it takes a while.
"""
from __future__ import annotations

import random
import tempfile
from datetime import date, timedelta
from pathlib import Path

from app.domain import names
from app.domain.idcard import check_digit

HEADER = ["序号", "乡镇", "村(社区)", "组", "借款人姓名", "身份证号码", "联系电话", "借据号", "发放日期",
          "到期日期", "贷款金额(元)", "贷款余额(元)", "欠息(元)", "五级分类", "担保方式", "管户信贷员", "备注"]
_GIVEN_CHARS = "建国秀英桂志强海燕明伟芳军丽勇娟杰涛超兰玉永红华文平刚辉玲霞斌庆梅春冬德振彩金福贵顺宝山长青丰满仓存良荣有才"


def _id(rng: random.Random) -> str:
    born = date(1950, 1, 1) + timedelta(days=rng.randint(0, 16000))
    body = f"{rng.choice(('622421', '622423', '622426', '620102', '610523'))}{born:%Y%m%d}{rng.randint(0, 999):03d}"
    return body + check_digit(body)


def _date_cell(rng: random.Random, d: date):
    k = rng.randrange(6)
    return (d, d.strftime("%Y.%m.%d"), f"{d.year}-{d.month}-{d.day}", d.strftime("%Y%m%d"),
            f"{d.year}年{d.month}月{d.day}日", d.strftime("%Y/%m/%d"))[k]


def ledger_rows(n_loans: int, seed: int = 1):
    rng = random.Random(seed)
    townships = names.TOWNSHIPS
    per_township = n_loans // len(townships) + 1
    officers = names.STAFF_NAMES
    seq = 0
    loan_no = 620100000000
    for township in townships:
        villages = [stem + rng.choice(("村", "社区")) for stem in rng.sample(names.VILLAGE_STEMS, 8)]
        made = 0
        total = 0
        while made < per_township and seq < n_loans:
            name = rng.choice(names.SURNAMES) + "".join(rng.choice(_GIVEN_CHARS) for _ in range(rng.randint(1, 2)))
            idno = _id(rng)
            village, group = rng.choice(villages), f"{rng.randint(1, 12)}组"
            phone = f"1{rng.choice('3578')}{rng.randint(0, 999999999):09d}"
            officer = rng.choice(officers)
            for _ in range(rng.choice((1, 1, 1, 2, 2, 3))):
                if made >= per_township or seq >= n_loans:
                    break
                seq += 1
                made += 1
                loan_no += rng.randint(1, 40)
                issued = date(2008, 1, 1) + timedelta(days=rng.randint(0, 4000))
                amount = rng.randint(5, 300) * 1000
                balance = amount * rng.randint(30, 100) // 100
                interest = round(balance * rng.uniform(0.01, 0.3), 2)
                id_cell = idno if rng.random() > 0.001 else int(idno[:17] + "0")  # a few cut by Excel
                row = [seq, township, village, group, name, id_cell, phone, str(loan_no), _date_cell(rng, issued),
                       _date_cell(rng, issued + timedelta(days=365 * rng.randint(1, 3))), amount, balance,
                       interest, rng.choice(("次级", "可疑", "损失")),
                       rng.choice(("信用", "保证", "抵押", "联保")), officer, ""]
                r = rng.random()
                if r < 0.003:
                    row[11] = "待核实"
                elif r < 0.006:
                    row[7] = ""
                total += balance
                yield row
        yield ["小计", township] + [""] * 9 + [total] + [""] * 5


def write_ledger(path: Path, n_loans: int, seed: int = 1) -> Path:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("全区")
    ws.append(["XX区农村商业银行不良贷款清收任务清单"])
    ws.append(["单位：元    数据截至：2026年10月31日"])
    ws.append(HEADER)
    for row in ledger_rows(n_loans, seed):
        ws.append(row)
    tmp = path.with_suffix(".part")
    wb.save(tmp)
    tmp.replace(path)
    return path


def cached_ledger(n_loans: int = 100_000, seed: int = 1) -> Path:
    folder = Path(tempfile.gettempdir()) / "qingshou-bench"
    folder.mkdir(exist_ok=True)
    path = folder / f"ledger-{n_loans}-s{seed}.xlsx"
    if not path.exists():
        write_ledger(path, n_loans, seed)
    return path
