"""Columns are recognised by meaning, whatever the bank called them."""
from __future__ import annotations

import pytest

from app.ledger.headers import header_unit, layout_signature, match_field, sheet_unit
from app.ledger.layout import find_layout
from app.ledger.titles import as_of_from_title, township_from_sheet_name, township_from_title

SYNONYMS = {
    "name": ["借款人", "借款人姓名", "客户名称", "客户姓名", "户名", "借款户姓名", "借 款 人"],
    "id_number": ["身份证号码", "身份证号", "证件号码", "借款人身份证号", "身份证号码（18位）", "客户证件号码"],
    "loan_no": ["借据号", "借据编号", "借据号码", "贷款借据号", "借据\n号码"],
    "balance": ["贷款余额", "余额", "本金余额", "贷款余额（元）", "贷款余额(万元)", "不良贷款余额", "欠款余额"],
    "interest": ["欠息", "欠息金额", "应收未收利息", "表内欠息", "表外欠息", "欠息（元）"],
    "principal": ["贷款金额", "借款金额", "发放金额", "合同金额（元）"],
    "issue_date": ["发放日期", "放款日", "借款日期", "贷款发放日期"],
    "due_date": ["到期日期", "到期日", "贷款到期日期"],
    "village": ["村(社区)", "村（社区）", "所在村", "行政村", "村名"],
    "group": ["组", "村民小组", "所在组"],
    "township": ["乡镇", "乡（镇）", "所属乡镇", "乡镇（街道）", "街道"],
    "officer": ["管户信贷员", "客户经理", "信贷员", "管户客户经理"],
    "five_class": ["五级分类", "贷款形态", "风险分类"],
    "guarantee": ["担保方式", "担保类型", "贷款方式"],
    "phone": ["联系电话", "手机号", "借款人联系电话"],
    "seq": ["序号"],
    "note": ["备注"],
}


@pytest.mark.parametrize("field,header", [(f, h) for f, hs in SYNONYMS.items() for h in hs])
def test_header_names_are_recognised_by_meaning(field, header):
    assert match_field(header) == field


@pytest.mark.parametrize("value", ["李家村", "张三", "620100100021", "2015.03.05", "次级", "保证", "信用",
                                   "XX区农村商业银行不良贷款清收任务清单（柳林镇）", 24.0, ""])
def test_data_values_are_no_header(value):
    assert match_field(value) not in {"name", "loan_no", "balance", "id_number"}


@pytest.mark.parametrize("header,unit", [("贷款余额（万元）", "万元"), ("余额(万元)", "万元"), ("贷款余额(元)", "元"),
                                         ("余额", None), ("欠息（单位：元）", "元")])
def test_a_header_can_name_its_unit(header, unit):
    assert header_unit(header) == unit


@pytest.mark.parametrize("title,unit", [("单位：万元    数据截至：2026年10月31日", "万元"), ("金额单位:元", "元"),
                                        ("不良贷款清收任务清单（万元）", "万元"), ("柳林镇清收台账", None)])
def test_a_title_row_can_name_the_unit(title, unit):
    assert sheet_unit(title) == unit


def test_titles_give_the_data_date_and_township():
    assert str(as_of_from_title("单位：元    数据截至：2026年10月31日")) == "2026-10-31"
    assert str(as_of_from_title("截止日期:2026-9-30")) == "2026-09-30"
    assert as_of_from_title("马营镇清收台账") is None
    assert township_from_title("XX区农村商业银行不良贷款清收任务清单（柳林镇）") == "柳林镇"
    assert township_from_title("马营镇清收台账") == "马营镇"
    assert township_from_title("XX区农村商业银行不良贷款清收任务清单") is None


@pytest.mark.parametrize("name,township", [("柳林镇", "柳林镇"), ("东关街道", "东关街道"), (" 石门乡 ", "石门乡"),
                                           ("填表说明", None), ("Sheet1", None), ("汇总", None), ("各乡镇", None),
                                           ("柳林镇台账", "柳林镇"), ("马营镇清单", "马营镇"), ("1.柳林镇", "柳林镇"),
                                           ("一、柳林镇", "柳林镇"), ("（一）柳林镇", "柳林镇"), ("柳林镇(2)", "柳林镇"),
                                           ("柳林镇不良贷款清收任务清单", "柳林镇"), ("十里铺镇", "十里铺镇"),
                                           ("台账", None), ("柳林镇汇总", None)])
def test_sheet_names_that_are_townships(name, township):
    assert township_from_sheet_name(name) == township


def test_a_known_township_counts_whatever_its_name():
    assert township_from_sheet_name("开发区", frozenset({"开发区"})) == "开发区"


def test_two_row_header_with_a_merged_group():
    rows = [
        ["某某农商银行不良贷款台账", "", "", "", "", "", ""],
        ["序号", "借款人", "身份证号", "贷款信息", "", "", "信贷员"],
        ["", "", "", "借据号", "发放日期", "贷款余额（万元）", ""],
        [1.0, "张三", "622421196010180921", "620100100021", "2015.03.05", 1.5, "钱明"],
    ]
    layout = find_layout("柳林镇", rows)
    assert (layout.header_first, layout.header_last) == (2, 3)
    fields = {c.letter: c.field for c in layout.columns}
    assert fields == {"A": "seq", "B": "name", "C": "id_number", "D": "loan_no", "E": "issue_date",
                      "F": "balance", "G": "officer"}
    assert layout.columns[3].header == "贷款信息/借据号"
    assert layout.unit_of(5) == "万元"


def test_interest_split_over_two_columns_adds_up():
    rows = [["借款人", "借据号", "贷款余额", "欠息", ""],
            ["", "", "", "表内", "表外"],
            ["张三", "1", 100.0, 1.0, 2.0]]
    layout = find_layout("柳林镇", rows)
    assert layout.indexes_of("interest") == [3, 4]


def test_the_same_header_texts_give_the_same_layout_signature():
    a = layout_signature(["借款人", "借据号", "余额"])
    assert a == layout_signature(["借款人 ", "借据号", "余额"])
    assert a != layout_signature(["借款人", "借据号", "贷款余额"])


@pytest.mark.parametrize("header", ["借款人数", "贷款笔数", "户数"])
def test_a_count_is_no_field(header):
    assert match_field(header) is None


@pytest.mark.parametrize("old,new", [("上月余额", "本月余额"), ("年初余额", "当前余额"), ("原贷款余额", "贷款余额"),
                                     ("期初余额", "期末余额")])
def test_of_two_balance_columns_the_current_one_is_used_and_the_layout_says_so(old, new):
    layout = find_layout("柳林镇", [["借款人", "借据号", old, "本期收回", new], ["甲", "X1", 100, 20, 80]])
    assert layout.index_of("balance") == 4
    assert layout.notes and new in layout.notes[0]
