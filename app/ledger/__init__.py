"""Reading banks' task ledgers (Excel): finding the table, recognising columns by meaning,
cleaning values, rejecting rows that cannot be a loan.  No database here: the import
service (``app.services.ledger_import.importer``) writes what this reads."""
