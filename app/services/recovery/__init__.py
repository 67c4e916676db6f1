"""Money coming back: repayments (``repayments``) and payments under an agreement, split by the
agreement's order (``agreement_payments``).  Balances, instalments paid and standings are
projections of these facts (``app.db``), never written here."""
