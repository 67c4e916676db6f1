"""Recognising a ledger's columns by meaning: which header cell is which field, in which unit.

Banks name one column many ways (借款人 / 借款人姓名 / 客户名称 …).  A header cell is
cleaned (full-width made plain, spaces, line breaks and unit marks removed), looked up
among the known names of each field, and failing that matched by the words that carry
its meaning (anything with 身份证 is the ID number, anything with 余额 but not 息 is the
balance …), most specific field first.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Field:
    code: str
    label: str                 # what the preview calls it
    names: tuple[str, ...]     # known header texts (cleaned)
    meaning: str               # regex: words that make a header this field
    money: bool = False
    required: bool = False
    multi: bool = False        # several columns add up (表内欠息 + 表外欠息)


# In matching order: a header is the first field whose meaning it carries.
FIELDS: tuple[Field, ...] = (
    Field("id_number", "身份证号", ("身份证号码", "身份证号", "证件号码", "证件号", "身份证",
                                   "公民身份号码", "身份证件号码", "借款人身份证号"),
          r"身份证|证件号|身份号"),
    Field("phone", "联系电话", ("联系电话", "手机号", "电话", "手机号码", "联系方式", "手机", "电话号码"),
          r"电话|手机|联系方式"),
    Field("loan_no", "借据号", ("借据号", "借据编号", "借据号码", "借据", "贷款账号", "借据流水号"),
          r"借据|贷款账号|贷款帐号", required=True),
    Field("due_date", "到期日期", ("到期日期", "到期日", "贷款到期日", "到期时间"), r"到期"),
    Field("issue_date", "发放日期", ("发放日期", "放款日", "放款日期", "贷款日期", "借款日期", "发放日",
                                    "起贷日", "贷款发放日", "起始日期", "起息日"),
          r"(发放|放款|借款|贷款|起贷|起息|起始)(日期|日|时间)"),
    Field("interest", "欠息", ("欠息", "欠息金额", "应收未收利息", "利息", "表内欠息", "表外欠息",
                              "应收利息", "拖欠利息", "欠息余额", "累计欠息"),
          r"欠息|利息", money=True, multi=True),
    Field("rate", "利率", ("利率", "执行利率", "年利率", "月利率", "合同利率"), r"利率"),
    Field("balance", "贷款余额", ("贷款余额", "余额", "本金余额", "借款余额", "欠款余额", "剩余本金",
                                 "不良贷款余额", "贷款本金余额", "借据余额", "未还本金", "结欠本金"),
          r"余额|未还本金|剩余本金|欠款|结欠本金|剩余金额|未还金额|尚欠", money=True, required=True),
    Field("principal", "贷款金额", ("贷款金额", "借款金额", "发放金额", "放款金额", "合同金额", "贷款本金",
                                   "借据金额", "金额"),
          r"(贷款|借款|发放|放款|合同|借据|原始)(金额|本金)", money=True),
    Field("branch", "经办机构", ("经办机构", "支行", "网点", "机构", "机构名称", "所属支行", "营业网点",
                                "发放机构", "管户机构"),
          r"机构|支行|网点|分理处"),
    Field("officer", "信贷员", ("管户信贷员", "客户经理", "信贷员", "管户人", "管户客户经理", "包片信贷员",
                               "责任信贷员", "管户员", "经办人", "驻村信贷员"),
          r"信贷员|客户经理|管户"),
    Field("five_class", "五级分类", ("五级分类", "贷款形态", "分类", "风险分类", "贷款分类", "形态"),
          r"五级|分类|形态"),
    Field("guarantee", "担保方式", ("担保方式", "担保类型", "贷款方式", "担保", "担保形式", "保证方式"),
          r"担保(?!人)|保证方式"),   # 担保人 is a person, not how the loan is secured
    Field("township", "乡镇", ("乡镇", "乡(镇)", "乡镇(街道)", "乡镇街道", "所属乡镇", "乡镇名称",
                              "乡镇/街道", "街道", "镇"),
          r"乡镇|^乡|街道|乡\(镇\)"),
    Field("group", "村民小组", ("组", "村民小组", "小组", "社", "组别", "所在组"), r"小组|^组|(?<!村)组$"),
    Field("village", "村（社区）", ("村", "村(社区)", "所在村", "村名", "村社", "行政村", "村组", "村居",
                                   "所属村", "所在村(社区)", "社区", "村/社区", "村名称", "村委会"),
          r"(?<!包)村(?!干部|领导)|社区"),   # not 包村干部
    Field("address", "住址", ("住址", "地址", "家庭住址", "家庭地址", "联系地址", "居住地址"), r"地址|住址"),
    Field("name", "借款人", ("借款人", "借款人姓名", "客户名称", "客户姓名", "姓名", "户名", "借款人名称",
                            "借款户", "借款户姓名", "户主", "户主姓名", "客户", "借款人户名"),
          r"借款人|借款户|客户名|户名|姓名|户主", required=True),
    Field("note", "备注", ("备注", "说明", "备注说明"), r"备注"),
    Field("seq", "序号", ("序号", "编号", "顺序号", "no", "no.", "行号"), r"序号"),
)

BY_CODE: dict[str, Field] = {f.code: f for f in FIELDS}
FIELD_LABELS: dict[str, str] = {f.code: f.label for f in FIELDS}
REQUIRED: tuple[str, ...] = tuple(f.code for f in FIELDS if f.required)
# Fields that make a row of headers a table's header (a data row rarely matches two).
KEY_FIELDS = frozenset({"name", "loan_no", "balance", "id_number"})

_EXACT: dict[str, str] = {name: f.code for f in FIELDS for name in f.names}
_MEANINGS: tuple[tuple[str, re.Pattern], ...] = tuple((f.code, re.compile(f.meaning)) for f in FIELDS)

_UNIT_MARK = re.compile(r"[(\[]?(?:单位[:：]?)?(?:人民币)?(万元|元)[)\]]?")
# 万 alone (余额（万）, 单位：万) is 万元 too, but only where it cannot be part of a word.
_WAN_MARK = re.compile(r"[(\[【]\s*(?:单位[:：]?)?\s*万\s*[)\]】]|单位[:：]?\s*万$|/万$")
_SHEET_UNIT = re.compile(r"(?:单位|金额单位|币种及单位)\s*[:：]?\s*(?:人民币)?\s*(万元|元|万(?![户人笔个件]))|[(（]\s*(万元|元)\s*[)）]")
_NOISE = re.compile(r"[\s*＊:：]")
_MAX_HEADER_LEN = 24


def clean_header(value: object) -> str:
    """A header cell's text without spaces, line breaks, unit marks or full-width forms."""
    if not isinstance(value, str):
        return ""
    s = unicodedata.normalize("NFKC", value)
    s = _NOISE.sub("", s)
    s = _WAN_MARK.sub("", _UNIT_MARK.sub("", s))
    return s.lower()


def header_unit(value: object) -> str | None:
    """``"万元"`` or ``"元"`` if a header cell names its unit (``贷款余额（万元）``), else None."""
    if not isinstance(value, str):
        return None
    s = unicodedata.normalize("NFKC", value)
    if "万元" in s or _WAN_MARK.search(s):
        return "万元"
    if _UNIT_MARK.search(s.replace(" ", "")) and "元" in s:
        return "元"
    return None


def sheet_unit(title_text: str) -> str | None:
    """The unit a title row declares (``单位：万元``, ``（万元）``), or None."""
    m = _SHEET_UNIT.search(unicodedata.normalize("NFKC", title_text))
    return {"万": "万元"}.get(unit := m.group(1) or m.group(2), unit) if m else None


# A count (借款人数 / 贷款笔数 / 户数) is no field, whatever words it shares with one.
_COUNT = re.compile(r"(?:人数|户数|笔数|个数|件数)$")
# Columns about someone other than the borrower (担保人姓名, 配偶身份证号) are no field of the loan,
# nor are the cadres answerable for it (村社干部 / 村组干部 / 村组长 name people, not villages).
_OTHER_PERSON = re.compile(r"(?:担保人|保证人|配偶|共同借款人|包村|驻村|包片"
                           r"|村[社组]?(?:干部|组长|长|书记|主任|会计))")
# Of two columns of one field (上月余额 / 本月余额), the one of an earlier time loses.
_PAST = re.compile(r"上月|上期|上年|年初|期初|原|旧|前期")
_CURRENT = re.compile(r"本月|本期|当前|期末|现|最新|目前")


def match_field(value: object) -> str | None:
    """The field a header cell stands for, or None."""
    h = clean_header(value)
    if not h or len(h) > _MAX_HEADER_LEN or _COUNT.search(h):
        return None
    code = _EXACT.get(h)
    if code:
        return code
    if _OTHER_PERSON.match(h):
        return None
    for code, pattern in _MEANINGS:
        if pattern.search(h):
            return code
    return None


def header_preference(value: object) -> tuple[int, int, int, tuple[int, int]]:
    """How strongly a header cell claims its field when two columns match the same one
    (higher wins): not of an earlier time (上月 / 年初 / 原 …), of the current time
    (本月 / 当前 / 期末 …), a known name rather than a match by meaning, the later month
    (2026年10月末余额 over 2026年1月末余额)."""
    h = clean_header(value)
    m = _MONTH.search(h)
    month = (int(m.group(1) or 0), int(m.group(2))) if m else (0, 0)
    return (0 if _PAST.search(h) else 1, 1 if _CURRENT.search(h) else 0, 1 if h in _EXACT else 0, month)


_MONTH = re.compile(r"(?:(\d{4})[年.\-/])?(\d{1,2})月")


def layout_signature(headers: list[str]) -> str:
    """A short key for a table layout: the same header texts give the same key."""
    joined = "\x1f".join(clean_header(h) for h in headers)
    return hashlib.sha1(joined.encode("utf-8")).hexdigest()[:16]


def field_code(value: str | None) -> str | None:
    """A field code given by a person (code or Chinese label); ``None`` for "do not import"."""
    if value in (None, "", "ignore", "不导入"):
        return None
    if value in BY_CODE:
        return value
    for f in FIELDS:
        if value == f.label:
            return f.code
    raise KeyError(value)
