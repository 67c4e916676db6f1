"""Figures and reports: progress as of a date (``summary``), the ten-day bulletin
(``bulletin``, ``bulletin_figures``, ``bulletin_watch``), a township's own report
(``township_report``), the monthly assessment (``assessment``), the reconciliation with the
bank's ledgers (``reconcile``) and the 工作台's figures (``dashboard``)."""
