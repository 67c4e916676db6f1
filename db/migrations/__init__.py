"""Alembic migrations; installed as app.migrations (see setup.py)."""
