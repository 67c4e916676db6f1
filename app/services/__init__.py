"""Use cases, in feature packages.  Each takes a ``Database`` (or a unit of work) and returns
plain data (dataclasses, dicts), never live ORM objects, so the window and the command line
share them.

Packages, each allowed to use only those below it (import-linter holds this, pyproject.toml):
``work`` → ``recovery`` → ``agreements`` → ``households`` → ``ledger_import`` → ``reporting`` →
``foundation``."""
