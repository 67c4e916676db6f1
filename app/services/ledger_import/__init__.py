"""Reading a bank's ledger into the database: preview and import (``importer``), writing the
parsed rows in the caller's unit of work (``writer``), what a later ledger does to loans already
here (``updates``), and what an import left for a person to check (``followup``, 台账核实)."""
