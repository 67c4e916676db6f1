"""Persistence: SQLAlchemy models, engine and session set-up, unit of work, migrations."""
