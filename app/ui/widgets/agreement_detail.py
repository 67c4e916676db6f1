"""One agreement on the 还款协议 page: figures, where it stands, the schedule with what was paid,
the loans with the owed breakdown, the reduction and its conditions, the versions, and the
buttons for what can be done with it."""
from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain.money import to_chinese_capital
from app.domain.schedule import FREQUENCY_NAMES, order_text
from app.services.agreements.forms import no_receipt_reason
from app.services.agreements.overview import STATE_NAMES
from app.services.agreements.views import IN_FORCE, AgreementRow, AgreementView
from app.ui import formatting as fmt
from app.ui.models.agreements import GREEN, ORANGE, RED, InstallmentModel, LoanPartsModel, VersionModel, schedule_lines
from app.ui.widgets.common import scaled_font
from app.ui.widgets.tables import make_table_view

# (key, text, tooltip)
ACTIONS = (
    ("print_agreement", "打印协议书", "打印预览还款协议书，再选打印机打印或另存为PDF；打印或保存后草稿变为“已打印”"),
    ("print_sheet", "打印减免明白纸", "打印减免明白纸：现在还、按协议还、拖6个月和12个月各要还多少"),
    ("print_receipt", "打印收据", "打印最近一笔按协议收款的还款凭证"),
    ("sign", "标记已签字", "双方签字后登记签订日期，协议开始履行"),
    ("pay", "登记还款", "按协议收款，依次冲抵各期"),
    ("revise", "修改", "草稿直接修改；已打印或已签订的生成新版本"),
    ("cancel", "作废", "作废这份协议（不能恢复）"),
)


ACTION_TIPS = [(key, tip) for key, _text, tip in ACTIONS]


def state_of(view: AgreementView) -> str:
    """The state to show: measured when the agreement is in force, else as stored."""
    return view.standing.state if view.standing is not None else view.status


def standing_text(view: AgreementView) -> tuple[str, object]:
    """How the agreement stands, in a sentence, and its colour."""
    st = view.standing
    status = view.status
    if view.needs_approval:
        return ("草稿：减免还没有审批文号，打印件每页标“草稿”，不能签字。审批后点“修改”填写审批文号，"
                "再打印协议书交双方签字。"), ORANGE
    if status == "draft":
        return "草稿：打印协议书交双方签字后，点“标记已签字”。", None
    if status == "printed":
        return "已打印，等待双方签字。", None
    if status == "cancelled":
        reason = next((ln for ln in (view.note or "").splitlines() if ln.startswith("作废原因")), "")
        return "已作废。" + (f"{reason}。" if reason else ""), None
    if status == "superseded":
        return f"已被第{view.version + 1}版替代，以新版本为准。", None
    if st is None:
        return STATE_NAMES.get(status, status), None
    if st.state == "fulfilled":
        text = "已全部还清，协议履行完毕。"
        if not view.receipts:
            text += no_receipt_reason(view)
        return text, GREEN
    if st.state == "broken":
        text = f"已违约：{len(st.missed)} 期逾期超过宽限期（{view.grace_days} 天），已到期未还 {fmt.money(st.arrears_fen)} 元。"
        if view.reduction_lapsed:
            text += (f"减免 {fmt.money(view.waived_fen)} 元已失效，按原欠款应还 {fmt.money(view.owed_fen)} 元；"
                     "重新协商请点“修改（生成新版本）”。")
        return text, RED
    if st.overdue:
        return (f"第{st.next_no}期已逾期，已到期未还 {fmt.money(st.arrears_fen)} 元"
                f"（宽限 {view.grace_days} 天）。"), ORANGE
    if st.next_no is not None:
        return f"按期履行。下一期：第{st.next_no}期，{st.next_due.isoformat()} 前还 {fmt.money(st.next_left_fen)} 元。", GREEN
    return "按期履行。", GREEN


class AgreementDetail(QFrame):
    action = Signal(str)            # a key of ACTIONS
    version_chosen = Signal(str)    # an agreement id (a row of 版本记录 double-clicked)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("agreementDetail")
        self.view: AgreementView | None = None
        self.stack = QStackedWidget()
        self.empty = QLabel("在上面的列表中选择一份协议，这里显示它的还款计划、贷款明细和版本记录。")
        self.empty.setObjectName("muted")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.stack.addWidget(self.empty)
        self.stack.addWidget(self._build_body())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 10)
        layout.addWidget(self.stack)

    # -- layout ------------------------------------------------------------------------
    def _build_body(self) -> QWidget:
        body = QWidget()
        self.title = QLabel("")
        self.title.setObjectName("detailTitle")
        self.title.setFont(scaled_font(self, 1.25, bold=True))
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.chip = QLabel("")
        self.chip.setObjectName("stateChip")
        self.meta = QLabel("")
        self.meta.setObjectName("muted")
        self.buttons: dict[str, QPushButton] = {}
        bar = QHBoxLayout()
        bar.setSpacing(6)
        for key, text, tip in ACTIONS:
            button = QPushButton(text)
            button.setObjectName(f"action_{key}")
            button.setToolTip(tip)
            button.clicked.connect(lambda _c=False, k=key: self.action.emit(k))
            self.buttons[key] = button
            if key == "sign":
                bar.addSpacing(14)
            bar.addWidget(button)
        bar.addStretch(1)
        head = QHBoxLayout()
        head.setSpacing(10)
        self.warning = QLabel("")          # a rate the bank never gave: short here, whole in the tooltip
        self.warning.setObjectName("rateWarning")
        self.warning.setStyleSheet(f"color: {ORANGE.name()}; font-weight: bold;")
        head.addWidget(self.title)
        head.addWidget(self.chip)
        head.addSpacing(8)
        head.addWidget(self.warning)
        head.addStretch(1)

        self.figures: dict[str, QLabel] = {}
        grid = QFormLayout()
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(5)
        grid.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        for key, caption in (("owed", "欠款合计"), ("parts", ""), ("waived", "减免"), ("waived_parts", ""),
                             ("total", "应还合计"), ("capital", ""), ("paid", "已还 / 尚欠"), ("plan", "还款方式")):
            label = QLabel("")
            label.setObjectName(f"fig_{key}")
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            if key in ("parts", "waived_parts", "capital"):
                label.setStyleSheet("color: #66707a;")
            if key != "total":
                label.setWordWrap(True)  # amounts of millions do not fit one line of the fixed-width column
            self.figures[key] = label
            grid.addRow(caption, label)
        self.figures["total"].setFont(scaled_font(self, 1.1, bold=True))
        self.standing = QLabel("")
        self.standing.setObjectName("standing")
        self.standing.setWordWrap(True)
        left = QVBoxLayout()
        left.setSpacing(8)
        left.addLayout(grid)
        left.addWidget(self.standing)
        left.addStretch(1)
        left_box = QWidget()
        left_box.setLayout(left)
        left_box.setFixedWidth(360)

        self.schedule = InstallmentModel(self)
        self.loans = LoanPartsModel(self)
        self.versions = VersionModel(self)
        self.schedule_view = make_table_view(self.schedule, self)
        self.schedule_view.setObjectName("scheduleTable")
        self.schedule_view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.loans_view = make_table_view(self.loans, self)
        self.loans_view.setObjectName("loanPartsTable")
        self.versions_view = make_table_view(self.versions, self)
        self.versions_view.setObjectName("versionsTable")
        self.versions_view.setToolTip("双击查看该版本")
        self.versions_view.doubleClicked.connect(self._version_clicked)
        self.conditions = QLabel("")
        self.conditions.setObjectName("conditions")
        self.conditions.setWordWrap(True)
        self.conditions.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.conditions.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        cond_box = QWidget()
        cond_layout = QVBoxLayout(cond_box)
        cond_layout.setContentsMargins(10, 8, 10, 8)
        cond_layout.addWidget(self.conditions)
        cond_layout.addStretch(1)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("detailTabs")
        self.tabs.addTab(self.schedule_view, "还款计划")
        self.tabs.addTab(self.loans_view, "贷款与欠款")
        self.tabs.addTab(cond_box, "减免与条件")
        self.tabs.addTab(self.versions_view, "版本记录")

        row = QHBoxLayout()
        row.setSpacing(16)
        row.addWidget(left_box)
        row.addWidget(self.tabs, 1)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addLayout(head)
        layout.addWidget(self.meta)
        layout.addLayout(bar)
        layout.addLayout(row, 1)
        return body

    # -- data --------------------------------------------------------------------------
    def clear(self, text: str | None = None) -> None:
        self.view = None
        if text:
            self.empty.setText(text)
        self.stack.setCurrentIndex(0)

    def show_agreement(self, view: AgreementView, history: list[AgreementRow], as_of: date) -> None:
        self.view = view
        state = state_of(view)
        self.title.setText(f"{view.number}（第{view.version}版）  {view.household}")
        self.chip.setText(STATE_NAMES.get(state, state))
        colour = {"broken": "#c0392b", "fulfilled": "#1e8449", "cancelled": "#7b8794", "superseded": "#7b8794",
                  "signed": "#1f6fb2"}.get(state, "#1f6fb2")
        self.chip.setStyleSheet(f"QLabel {{ color: white; background: {colour}; border-radius: 8px; padding: 1px 8px; }}")
        place = " ".join(p for p in (view.township, view.village) if p)
        meta = [place, f"计算日期 {view.as_of.isoformat()}"]
        meta.append(f"签订日期 {view.signed_on.isoformat()}" if view.signed_on else "未签订")
        if view.approval_ref:
            meta.append(f"审批文号 {view.approval_ref}")
        meta.append(f"{len(view.loans)} 笔贷款")
        self.meta.setText("  ·  ".join(m for m in meta if m))

        f = self.figures
        f["owed"].setText(f"{fmt.money(view.owed_fen)} 元")
        f["parts"].setText(f"本金 {fmt.money(view.principal_fen)}  利息 {fmt.money(view.interest_fen)}  "
                           f"罚息 {fmt.money(view.penalty_fen)}")
        lapsed = view.reduction_lapsed
        f["waived"].setText(f"已失效（原减免 {fmt.money(view.waived_fen)} 元）" if lapsed
                            else f"{fmt.money(view.waived_fen)} 元" if view.waived_fen else "无")
        f["waived_parts"].setText(f"利息 {fmt.money(view.waived_interest_fen)}  罚息 {fmt.money(view.waived_penalty_fen)}"
                                  if view.waived_fen else "")
        f["waived_parts"].setVisible(bool(view.waived_fen))
        due = view.owed_fen if lapsed else view.total_fen   # a lapsed reduction is owed again
        f["total"].setText(f"{fmt.money(due)} 元" + ("（减免失效）" if lapsed else ""))
        f["capital"].setText(to_chinese_capital(due))
        f["paid"].setText(f"{fmt.money(view.paid_fen)} 元 / {fmt.money(due - view.paid_fen)} 元")
        n = len(view.installments)
        f["plan"].setText(f"{FREQUENCY_NAMES.get(view.frequency, '分期')}，共 {n} 期" if n > 1
                          else f"一次还清（{view.installments[0].due.isoformat()} 前）" if n else "—")
        text, colour = standing_text(view)
        self.standing.setText(text)
        self.standing.setStyleSheet(f"color: {colour.name()}; font-weight: bold;" if colour is not None else "")
        default = [ln.loan_no for ln in view.loans if ln.rate_source == "default"]
        self.warning.setText(f"注意：借据号 {'、'.join(default)} 无合同利率，按默认利率测算" if default else "")
        self.warning.setToolTip("；".join(view.warnings) + "。" if view.warnings else "")
        self.warning.setVisible(bool(default))

        in_force = view.status in IN_FORCE
        self.schedule.set_rows(schedule_lines(view.installments, view.paid_fen, as_of, in_force))
        self.loans.set_rows(view.loans)
        self.versions.set_rows(list(reversed(history)))
        self.tabs.setTabText(3, f"版本记录（{len(history)}）" if len(history) > 1 else "版本记录")
        self.conditions.setText(self._conditions_html(view))
        self._enable(view)
        self.stack.setCurrentIndex(1)

    @staticmethod
    def _conditions_html(view: AgreementView) -> str:
        rows = [("减免利息", f"{fmt.money(view.waived_interest_fen)} 元"),
                ("减免罚息", f"{fmt.money(view.waived_penalty_fen)} 元"),
                ("审批文号", view.approval_ref or "—"),
                ("减免条件", view.condition or "—"),
                ("还款抵偿顺序", order_text(view.allocation_order)),
                ("违约认定", f"某期逾期超过 {view.grace_days} 天；累计 {view.void_after_missed} 期违约时减免失效")]
        if view.note:
            rows.append(("备注", view.note.replace("\n", "<br>")))
        cells = "".join(f"<tr><td style='color:#66707a; padding:2px 12px 2px 0; white-space:nowrap'>{k}</td>"
                        f"<td style='padding:2px 0'>{v}</td></tr>" for k, v in rows)
        return f"<table>{cells}</table>"

    def _enable(self, view: AgreementView) -> None:
        status = view.status
        active = status in ("draft", "printed", "signed", "broken")
        b = self.buttons
        b["print_receipt"].setEnabled(view.receipts > 0)
        b["print_receipt"].setToolTip(dict(ACTION_TIPS)["print_receipt"] if view.receipts else no_receipt_reason(view))
        b["print_sheet"].setEnabled(not view.reduction_lapsed)
        b["print_sheet"].setToolTip("减免已失效（违约），减免明白纸不再适用" if view.reduction_lapsed
                                    else dict(ACTION_TIPS)["print_sheet"])
        b["sign"].setEnabled(status in ("draft", "printed") and not view.needs_approval)
        b["sign"].setToolTip("减免还没有审批文号，不能签订：先点“修改”填写审批文号" if view.needs_approval
                             else dict(ACTION_TIPS)["sign"])
        b["pay"].setEnabled(status in ("signed", "broken") and view.paid_fen < view.total_fen)
        b["revise"].setEnabled(active)
        b["revise"].setText("修改" if status == "draft" else "修改（生成新版本）")
        b["cancel"].setEnabled(active)

    def _version_clicked(self, index) -> None:
        proxy = self.versions_view.model()
        source = proxy.mapToSource(index)
        if source.isValid():
            record = self.versions.record(source.row())
            if self.view is None or record.id != self.view.id:
                self.version_chosen.emit(record.id)
