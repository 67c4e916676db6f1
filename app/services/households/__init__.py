"""Households (借款户): the list with its filters and sorting (``listing``), the search behind it
(``search``), one household's page (``detail``) and timeline (``timeline``), edits without the
window (``edit``), and the list exported to Excel (``export``)."""
