"""Screenshot of the window on a database, on a named page (for the README and for checking by eye).

    python scripts/screenshot.py --db demo.db --page 工作台 --out docs/images/dashboard.png

Runs anywhere Qt runs; on a machine without a display use
``xvfb-run -a -s "-screen 0 1366x768x24" python scripts/screenshot.py ...`` (or
``QT_QPA_PLATFORM=offscreen``).  The default size is what a maximised window leaves on a
1366x768 laptop with a taskbar.  A fresh temporary data folder is used unless ``--home`` is
given, so the screenshot does not depend on (or change) the user's settings and backups.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="给程序窗口截图")
    parser.add_argument("--db", type=Path, required=True, help="数据库文件")
    parser.add_argument("--page", default="工作台", help="页面名称或代号（工作台 / dashboard / 设置 / settings …）")
    parser.add_argument("--out", type=Path, required=True, help="PNG 文件")
    parser.add_argument("--size", default="1366x700", help="窗口内容大小，默认 1366x700")
    parser.add_argument("--as-of", type=date.fromisoformat, default=None, help="工作台的截至日期")
    parser.add_argument("--home", type=Path, default=None, help="数据文件夹（默认用临时文件夹）")
    parser.add_argument("--filter", default=None, help="还款协议页的筛选（broken / due / waiting …）")
    parser.add_argument("--dialog", default=None, choices=["agreement"],
                        help="再打开一个对话框并只截对话框：agreement = 新建还款协议")
    parser.add_argument("--search", default="", help="对话框里查找借款户的文字（选第一户）")
    parser.add_argument("--installments", type=int, default=None, help="对话框里的期数")
    parser.add_argument("--waive-interest", default=None, help="对话框里的减免利息（元或 all）")
    parser.add_argument("--household", default=None, help="借款户页：查找这段文字并打开第一户")
    parser.add_argument("--tab", default=None, help="借款户页或工作台上要显示的标签页（名称开头）")
    parser.add_argument("--township", default=None, help="工作台：打开这个乡镇（它的各村和责任人）")
    args = parser.parse_args(argv)
    os.environ["QINGSHOU_HOME"] = str(args.home or tempfile.mkdtemp(prefix="qingshou-shot-"))
    width, height = (int(v) for v in args.size.lower().split("x"))

    from PySide6.QtCore import QDate, QTimer
    from PySide6.QtWidgets import QApplication

    from app.ui import dbfiles, tasks
    from app.ui.app import setup_application
    from app.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    setup_application(app)
    window = MainWindow()
    window.resize(width, height)
    window.show()
    page = next((p for p in window.pages if args.page in (p.key, p.title)), None)
    if page is None:
        parser.error(f"没有这个页面：{args.page}（可选：{'、'.join(p.title for p in window.pages)}）")
    window.show_page(page.key)
    if args.as_of is not None:
        window.page("dashboard").as_of.setDate(QDate(args.as_of.year, args.as_of.month, args.as_of.day))
    window.set_database(dbfiles.open_existing(args.db))

    quiet = {"ticks": 0}
    steps = _steps(args, window, page)

    def poll() -> None:
        quiet["ticks"] = quiet["ticks"] + 1 if tasks.running() == 0 else 0
        if quiet["ticks"] >= 5:  # nothing running for 5 polls: the page has its data
            quiet["ticks"] = 0
            if steps:
                steps.pop(0)()  # the next step of a scenario, then wait for quiet again
                return
            timer.stop()
            window.statusBar().clearMessage()  # e.g. "已自动备份…" from opening in a fresh folder
            app.processEvents()
            args.out.parent.mkdir(parents=True, exist_ok=True)
            shown = getattr(page, "dialog", None) if args.dialog else None
            ok = (shown if shown is not None else window).grab().save(str(args.out))
            print(f"{'已保存' if ok else '保存失败'}：{args.out}")
            app.exit(0 if ok else 1)

    timer = QTimer()
    timer.timeout.connect(poll)
    QTimer.singleShot(700, lambda: timer.start(100))  # the date edit's 400 ms debounce
    code = app.exec()
    tasks.wait_for_all()
    return code


def _steps(args, window, page) -> list:
    """What to do on the page before the picture, one step per quiet moment."""
    steps = []
    if args.filter and hasattr(page, "set_filter"):
        steps.append(lambda: page.set_filter(args.filter))
    if args.dialog == "agreement":
        steps.append(page.new_agreement)
        if args.search:
            # the text first, then (once its own search has answered) choose the first household:
            # searching at once raced the search the typing starts, which dropped the choice
            steps.append(lambda: page.dialog.picker.search.setText(args.search))
            steps.append(lambda: page.dialog.picker.run_search(choose_first=True))
        if args.installments:
            steps.append(lambda: page.dialog.plan_editor.count.setValue(args.installments))
        if args.waive_interest:
            def waive() -> None:
                if args.waive_interest == "all":
                    page.dialog.reductions.waive_interest_all.setChecked(True)
                else:
                    page.dialog.reductions.waive_interest.setText(args.waive_interest)
            steps.append(waive)
    if args.household is not None and page.key == "households":
        def find() -> None:
            page.search.setText(args.household)
            page.apply_filter()
        steps.append(find)
        steps.append(lambda: page.open_household(page.model.household_id(0)))
    if args.township is not None and page.key == "dashboard":
        def township() -> None:
            rows = [page.townships.record(r) for r in range(page.townships.rowCount())]
            chosen = next((t for t in rows if t.name == args.township), None)
            if chosen is None:
                raise SystemExit(f"没有这个乡镇：{args.township}（可选：{'、'.join(t.name for t in rows)}）")
            page.open_township(chosen.unit_id, chosen.name)
        steps.append(township)
    if args.tab:
        def tab() -> None:
            tabs = getattr(page.view, "tabs", None) if page.key == "households" else getattr(page, "tabs", None)
            for i in range(tabs.count() if tabs is not None else 0):
                if tabs.tabText(i).startswith(args.tab):
                    tabs.setCurrentIndex(i)
        steps.append(tab)
    return steps


if __name__ == "__main__":
    raise SystemExit(main())
