"""Screenshots of the ledger import wizard: its preview page and its result page.

    python scripts/screenshot_ledger.py --ledger tests/data/ledger-sample/ledger.xlsx --out-dir docs/images

Imports into a new, temporary district database (nothing else is touched).  On a machine
without a display: ``xvfb-run -a -s "-screen 0 1366x768x24" python scripts/screenshot_ledger.py ...``.
Writes ``import-preview.png`` and ``import-result.png``.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="给台账导入向导截图")
    parser.add_argument("--ledger", type=Path, required=True, help="台账文件")
    parser.add_argument("--out-dir", type=Path, required=True, help="PNG 保存的文件夹")
    parser.add_argument("--township", default=None, help="预览页要填的乡镇（台账看不出乡镇时）")
    parser.add_argument("--sheet", default=None, help="预览页显示哪个工作表")
    args = parser.parse_args(argv)
    home = Path(tempfile.mkdtemp(prefix="qingshou-shot-"))
    os.environ["QINGSHOU_HOME"] = str(home)

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from app.bootstrap import open_database
    from app.services.foundation.setup import initialise
    from app.ui import tasks
    from app.ui.app import setup_application
    from app.ui.ledger.wizard import LedgerWizard

    app = QApplication.instance() or QApplication(sys.argv[:1])
    setup_application(app)
    db = open_database(home / "示范区.db")
    initialise(db, role="district", unit_name="示范区")
    wizard = LedgerWizard(None, db, args.ledger)
    wizard.show()
    args.out_dir.mkdir(parents=True, exist_ok=True)
    shots: list[Path] = []

    def save(name: str) -> None:
        app.processEvents()
        out = args.out_dir / name
        ok = wizard.grab().save(str(out))
        print(f"{'已保存' if ok else '保存失败'}：{out}")
        shots.append(out)

    def when(test, then, every_ms: int = 100) -> None:
        def poll() -> None:
            if test():
                timer.stop()
                QTimer.singleShot(300, then)
        timer = QTimer(wizard)
        timer.timeout.connect(poll)
        timer.start(every_ms)

    def previewed() -> None:
        page = wizard.preview_page
        if args.township and page.township_row.isVisible() and not page.result.ready:
            page.township.setEditText(args.township)
            when(lambda: page.result is not None and page.result.ready and not page.loading, previewed)
            return
        if args.sheet:
            names = page.sheet_names()
            if args.sheet in names:
                page.tabs.setCurrentIndex(names.index(args.sheet))
        save("import-preview.png")
        wizard.next()   # 开始导入
        when(lambda: wizard.currentId() == wizard.RESULT and tasks.running() == 0, finished)

    def finished() -> None:
        save("import-result.png")
        wizard.done(0)
        app.exit(0)

    wizard.next()   # to the preview
    when(lambda: wizard.preview_page.result is not None and not wizard.preview_page.loading
         and tasks.running() == 0, previewed)
    code = app.exec()
    tasks.wait_for_all()
    db.dispose()
    return code


if __name__ == "__main__":
    raise SystemExit(main())
