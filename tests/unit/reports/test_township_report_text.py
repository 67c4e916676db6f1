"""The township report's number formats and words (no database)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from app.domain.township_report import CategoryLine, Line, TownshipReport
from app.reports import township_report_text as tt


def _report(name: str) -> TownshipReport:
    return TownshipReport(township=name, as_of=date(2026, 11, 20), totals=Line(name=name), groups=[], categories=[],
                          villages=[], staff=[])


def test_wan_is_half_up_to_two_decimals_without_separators():
    assert tt.wan(1_225_000) == "1.23"        # 12,250.00 元: half up, not to even
    assert tt.wan(1_224_999) == "1.22"
    assert tt.wan(1_179_140_000) == "1179.14"   # the seed's 低保户贷款…1179.14万元
    assert tt.wan(953_568_000_00) == "95356.80"
    assert tt.wan(0) == "0.00"
    assert tt.wan_number(1_225_000) == Decimal("1.23")
    assert tt.pct(Decimal("0.0720")) == "7.20%" and tt.pct(Decimal("1")) == "100.00%"


def test_how_a_township_names_itself():
    assert [tt.we(_report(n)) for n in ("柳林镇", "石门乡", "东关街道", "开发区")] == ["我镇", "我乡", "我街道", "我镇"]
    assert tt.since(_report("柳林镇"), today=date(2026, 11, 20)) == "截止目前"
    assert tt.since(_report("柳林镇"), today=date(2026, 11, 21)) == "截至2026年11月20日"


def test_the_sub_kinds_are_named_as_the_seed_does():
    r = _report("柳林镇")
    r.groups = [CategoryLine("special_household", "特殊户", loans=4, households=3, task_fen=40_000_000)]
    r.categories = [CategoryLine("low_income", "低保户贷款", loans=2, task_fen=20_000_000),
                    CategoryLine("disabled", "残疾人贷款", loans=1, task_fen=10_000_000),
                    CategoryLine("ex_poverty", "脱贫人口贷款", loans=0),
                    CategoryLine("emigrated", "借款人已移民贷款", loans=1, task_fen=10_000_000)]
    [(lead, sentence)] = tt.category_items(r)
    assert lead == "（一）“特殊户（低保户、残疾人、脱贫人口、借款人已移民）贷款”。"
    assert sentence == ("现有低保户贷款2笔、20.00万元；属残疾人贷款1笔、10.00万元；借款人已移民1笔、10.00万元"
                        "（共4笔、40.00万元）。")
    labels = [label for label, _c, _sub in tt.category_rows(r)]
    assert labels == ["特殊户（低保户、残疾人、脱贫人口、借款人已移民）贷款", "其中：低保户贷款", "其中：残疾人贷款",
                      "其中：脱贫人口贷款", "其中：借款人已移民贷款"]
