"""Foundation: making a database (``setup``), its backups (``backup``), who works at this
laptop (``operators``), the demo district (``demo``), and the small pieces every use case shares
(``work_common``: finding a loan, checking a date, the bank-recovery derivation after a change)."""
