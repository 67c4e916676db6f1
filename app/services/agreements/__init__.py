"""Repayment agreements (还款协议): drafting, revising, printing, signing, cancelling
(``agreements``), what a household owes on a date (``owed``), who appears on one (``parties``),
the printed forms' data (``forms``), the list the window shows (``overview``), and what the new
agreement dialog offers (``picker``).  The district's settings: ``app.district``."""
