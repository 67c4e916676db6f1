"""The window.  The only package that imports PySide6 (tests/project/test_layering.py holds the line).

Layout: ``app.py`` (start-up: fonts, error hook, first run), ``main_window.py`` (menus,
navigation, pages), ``pages/`` (one module per screen, each with ``refresh()``),
``models/`` (Qt table models over plain dataclasses), ``dialogs/``, ``widgets/``,
``tasks.py`` (the one way to run work off the GUI thread), ``errors.py`` (how errors are shown).
"""
