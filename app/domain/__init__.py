"""Plain-Python domain: money, ID numbers, categories, stages, schedules, rules, errors.

Nothing here imports SQLAlchemy or Qt.
"""
