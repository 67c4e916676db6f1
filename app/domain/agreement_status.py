"""How people read where a repayment agreement is: the one table of the names of its stored
statuses (its life cycle: ``draft`` → ``printed`` → ``signed``; ``cancelled``, ``superseded``)
and of the standings a signed one is measured to have on a date (``signed``, ``broken``,
``fulfilled``; ``app.db.agreement_standing``).  The agreements' services, the household page,
the agreement list and the printed forms name a status or a standing from here."""
from __future__ import annotations

STATUS_NAMES = {"draft": "草稿", "printed": "已打印", "signed": "已签订", "fulfilled": "已履行",
                "broken": "已违约", "cancelled": "已作废", "superseded": "已被新版本替代"}


def status_name(code: str | None) -> str:
    """The name of a status or standing; a code this version does not know, as it is."""
    return STATUS_NAMES.get(code or "", code or "")
