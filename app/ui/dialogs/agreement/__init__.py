"""新建还款协议 (and 修改): pick the household, tick its loans, see what they owe on a date (rates
editable), enter reductions, lay out the plan, and watch the schedule and the totals (in
figures and in Chinese capitals) follow as you type; then 保存草稿 or 保存并打印.

Other pages open it with :func:`open_new_agreement`.  Every database call runs in the
background: the owed figures and the schedule come from ``agreements.preview`` (the very
function ``create`` checks with), asked again a moment after each change.

``dialog``: the dialog (composition, loading, preview, saving); its parts: ``picker`` (借款户
and 贷款), ``owed`` (欠款测算), ``reductions`` (减免), ``plan_editor`` (还款计划), ``totals``
(应还合计).  What the fields mean and what is wrong with them: ``services.agreements.plan_form``.
"""
from app.ui.dialogs.agreement.dialog import AgreementDialog, open_new_agreement

__all__ = ["AgreementDialog", "open_new_agreement"]
