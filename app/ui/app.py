"""Starting the window: the application object, its font, Qt's own texts in Chinese, the error hook,
the first run."""
from __future__ import annotations

import gc
import logging
import sys
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from app import __version__, config
from app.ui import dbfiles, errors, gc_guard, smoke, tasks

log = logging.getLogger(__name__)

MIN_POINT_SIZE = 10.0  # readable on the 1366x768 laptops township offices use


def load_font(app: QApplication) -> str | None:
    """Make the bundled CJK font the application's font.

    Without it a machine with no Chinese fonts shows boxes.  If it cannot be loaded the
    system font stays (and the reason goes to the log).  Returns the family used, if any.
    """
    try:
        path = config.font_path()
    except FileNotFoundError as exc:
        log.warning("bundled font not loaded: %s", exc)
        return None
    if not path.is_file():
        log.warning("bundled font not loaded: %s is missing", path)
        return None
    font_id = QFontDatabase.addApplicationFont(str(path))
    families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
    if not families:
        log.warning("bundled font not loaded: Qt could not read %s", path)
        return None
    font = QFont(app.font())
    font.setFamilies([families[0], *[f for f in app.font().families() if f != families[0]]])
    if 0 < font.pointSizeF() < MIN_POINT_SIZE:
        font.setPointSizeF(MIN_POINT_SIZE)
    app.setFont(font)
    return families[0]


QT_TRANSLATIONS = "qtbase_zh_CN"   # Qt's own texts: context menus, standard buttons, file dialogs


def translation_dirs() -> list[Path]:
    """Where Qt's translations may be: Qt's own idea, next to PySide6 (also inside the
    PyInstaller bundle, where ``build/pyinstaller.spec`` puts them)."""
    import PySide6

    dirs = [Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)),
            Path(PySide6.__file__).parent / "Qt" / "translations"]
    if getattr(sys, "frozen", False) and hasattr(sys, "_MEIPASS"):
        dirs.append(Path(sys._MEIPASS) / "PySide6" / "Qt" / "translations")
    return dirs


def load_translations(app: QApplication) -> QTranslator | None:
    """Simplified Chinese for Qt's own texts (撤消/复制/粘贴, 确定/取消, the file dialogs) and for
    month and day names; the translator installed, or None (the reason goes to the log)."""
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    for folder in translation_dirs():
        translator = QTranslator(app)
        if translator.load(QT_TRANSLATIONS, str(folder)):
            app.installTranslator(translator)
            return translator
    log.warning("Qt's Chinese texts not loaded: %s.qm is in none of %s", QT_TRANSLATIONS,
                ", ".join(str(d) for d in translation_dirs()))
    return None


def setup_application(app: QApplication) -> None:
    app.setOrganizationName(config.APP_NAME)
    app.setApplicationName(config.APP_NAME)
    app.setApplicationVersion(__version__)
    load_font(app)
    load_translations(app)
    gc_guard.install(app)


def run_gui(db_path: Path | None) -> int:
    """Open the window (``qingshou gui [--db P]``, or ``qingshou`` with no arguments)."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    setup_application(app)
    errors.install_excepthook()
    from app.ui.dialogs.welcome import WelcomeDialog
    from app.ui.main_window import MainWindow

    target = Path(db_path) if db_path else config.default_db_path()
    chosen = dbfiles.is_initialised_file(target) is False
    if chosen:
        welcome = WelcomeDialog(target)
        if not welcome.exec() or welcome.chosen_path is None:
            return 0
        target = welcome.chosen_path

    window = MainWindow()
    window.show_for_start()
    smoke.arm(app, window)   # QINGSHOU_EXIT_AFTER_SHOWN: close again once the database shows
    # What exists now (the modules, Qt's wrappers, the window and its pages) lives as long as the
    # program: out of the collector's way, so that its passes on the GUI thread (app.ui.gc_guard)
    # do not walk the ~300,000 objects of the start each time, the first while the figures load.
    gc.freeze()

    def open_failed() -> None:
        if window.db is None:
            window.show_welcome()

    if chosen:
        window.open_path(target, on_failure=open_failed)
    else:       # the start's database: opened with the 工作台's figures in one task
        window.open_early(target, on_failure=open_failed)
    code = app.exec()
    tasks.wait_for_all()
    return code
