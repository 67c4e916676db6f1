"""数据同步: a township laptop writes its work package to a stick and merges new task packages; the
district merges many packages at once, writes task packages, sees who has handed in what, and
settles conflicts. Every file operation runs off the GUI thread (``app.ui.tasks``)."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStorageInfo, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.sync import conflicts as conflict_list
from app.sync import status as sync_status
from app.sync.conflicts import ConflictView
from app.sync.merge import FileResult
from app.sync.status import DeviceStatus
from app.ui.models.table import Column, RecordTableModel
from app.ui.pages.base import Page, notify_written
from app.ui.tasks import run_in_background
from app.ui.widgets.common import PageHeader
from app.ui.widgets.empty_state import EmptyState
from app.ui.widgets.tables import make_table_view

WORK_FILTER = "数据包 (*.qspkg)"
TASK_FILTER = "任务包 (*.qstask)"
_STATUS = {"merged": "已合并", "already_merged": "已合并过（未重复）", "refused": "未合并"}
_TAKE_LOST_TIP = "把选中的冲突改回被覆盖的值（这也是一次修改，会随数据包传递）"


class ResultModel(RecordTableModel[FileResult]):
    columns = (
        Column("文件", lambda r: r.file),
        Column("结果", lambda r: _STATUS.get(r.status, r.status)),
        Column("来自", lambda r: f"{r.unit or ''} {r.device or ''}".strip()),
        Column("第几个包", lambda r: r.sequence, kind="int"),
        Column("新增", lambda r: sum(r.inserted.values()) if r.status == "merged" else None, kind="int"),
        Column("冲突", lambda r: r.conflicts if r.status == "merged" else None, kind="int"),
        Column("规则问题", lambda r: r.rule_breaches if r.status == "merged" else None, kind="int",
               tooltip="合并后发现违反规则的情况（一笔贷款两份生效协议、还款超过应还本金、身份证号重复），见“冲突清单”"),
        Column("说明", lambda r: _without_file(r.reason, r.file) or "；".join(r.refused_changes)),
    )


def _without_file(reason: str | None, file: str) -> str | None:
    """A refusal's reason without the file's name in front: the 文件 column has it."""
    if reason and reason.startswith(f"{file}："):
        return reason[len(file) + 1:]
    return reason


class DeviceModel(RecordTableModel[DeviceStatus]):
    columns = (
        Column("乡镇", lambda d: d.unit),
        Column("电脑", lambda d: d.device_name or d.device),
        Column("最后一个包", lambda d: d.last_sequence or None, kind="int"),
        Column("收到日期", lambda d: d.last_received.isoformat() if d.last_received else "从未"),
        Column("距今（天）", lambda d: d.days_since, kind="int", tooltip="多久没有交数据包了"),
        Column("缺号", lambda d: "、".join(map(str, d.missing)) + (
            ("（已由后来的包补齐）" if d.filled else "（还没有补齐：下发任务包后让它再交一个包）") if d.missing
            else ("" if d.filled else "区县缺它的部分工作：下发任务包后让它再交一个包")),
            tooltip="后来的数据包带着区县还没有确认收到的全部工作，所以缺的包一般已经补齐"),
    )


_RULE_SIDES = "规则问题没有被覆盖的值：这里是问题的一方和另一方"


class ConflictModel(RecordTableModel[ConflictView]):
    columns = (
        Column("内容", lambda c: c.label),
        Column("保留的值", lambda c: c.kept.text, tooltip=_RULE_SIDES),
        Column("保留的来自", lambda c: f"{c.kept.who} {c.kept.at or ''}".strip()),
        Column("被覆盖的值", lambda c: c.lost.text, tooltip=_RULE_SIDES),
        Column("被覆盖的来自", lambda c: f"{c.lost.who} {c.lost.at or ''}".strip()),
        Column("发现于", lambda c: c.found_where,
               tooltip="哪台电脑合并时发现的：乡镇电脑发现的冲突随它的数据包交到区县，区县也可以处理"),
    )


def removable_folder() -> str:
    """Where a stick is most likely mounted: a ready, writable volume other than the system's."""
    for volume in QStorageInfo.mountedVolumes():
        root = volume.rootPath()
        if not volume.isValid() or not volume.isReady() or volume.isReadOnly() or volume.isRoot():
            continue
        if root.startswith(("/media", "/run/media", "/mnt")) or (len(root) <= 3 and root[:1].upper() not in "C"):
            return root
    return str(Path.home())


class SyncPage(Page):
    key = "sync"

    loaded = Signal()
    finished = Signal()        # a merge or an export ended (tests wait on it)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.header = PageHeader("数据同步", "用U盘在区县与乡镇之间传递数据")
        self.export_button = QPushButton("写出数据包到U盘…")
        self.export_button.setObjectName("syncExport")
        self.export_button.setToolTip("把本机的工作写成一个数据包交给区县（只有区县能打开）")
        self.export_button.clicked.connect(self.export_package)
        self.merge_button = QPushButton("合并数据包…")
        self.merge_button.setObjectName("syncMerge")
        self.merge_button.clicked.connect(self.merge_chosen)
        self.folder_button = QPushButton("合并整个文件夹…")
        self.folder_button.setObjectName("syncMergeFolder")
        self.folder_button.setToolTip("合并一个文件夹（例如整个U盘）里的全部数据包")
        self.folder_button.clicked.connect(self.merge_folder)
        self.task_button = QPushButton("写出任务包…")
        self.task_button.setObjectName("syncTasks")
        self.task_button.clicked.connect(self.write_tasks)
        for b in (self.export_button, self.merge_button, self.folder_button, self.task_button):
            self.header.add_right(b)
        self.info = QLabel("")
        self.info.setObjectName("syncInfo")
        self.info.setWordWrap(True)
        self.own = QLabel("")           # a township laptop: what it sent, what the district confirmed
        self.own.setObjectName("syncOwn")
        self.own.setWordWrap(True)
        self.own.hide()

        self.results = ResultModel(self)
        self.devices = DeviceModel(self)
        self.conflicts = ConflictModel(self)
        self.results_view = make_table_view(self.results, self)
        self.results_view.setObjectName("syncResults")
        self.devices_view = make_table_view(self.devices, self)
        self.devices_view.setObjectName("syncDevices")
        self.conflicts_view = make_table_view(self.conflicts, self)
        self.conflicts_view.setObjectName("syncConflicts")
        for view, model in ((self.results_view, self.results), (self.devices_view, self.devices),
                            (self.conflicts_view, self.conflicts)):
            view.horizontalHeader().setSectionResizeMode(len(model.columns) - 1, QHeaderView.ResizeMode.Stretch)
        self.take_lost = QPushButton("改回被覆盖的值")
        self.take_lost.setObjectName("takeLost")
        self.take_lost.setToolTip(_TAKE_LOST_TIP)
        self.take_lost.clicked.connect(lambda: self.resolve("lost"))
        self.keep = QPushButton("保留现在的值")
        self.keep.setObjectName("keepKept")
        self.keep.clicked.connect(lambda: self.resolve("kept"))
        self.conflicts_view.selectionModel().selectionChanged.connect(self._conflict_chosen)
        self.conflicts.modelReset.connect(self._conflict_chosen)
        conflict_box = QWidget()
        box = QVBoxLayout(conflict_box)
        box.setContentsMargins(0, 6, 0, 0)
        buttons = QHBoxLayout()
        buttons.addWidget(self.keep)
        buttons.addWidget(self.take_lost)
        self.conflict_hint = QLabel("")
        self.conflict_hint.setObjectName("conflictHint")
        self.conflict_hint.setWordWrap(True)
        buttons.addWidget(self.conflict_hint, 1)
        box.addLayout(buttons)
        box.addWidget(self.conflicts_view, 1)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("syncTabs")
        self.tabs.addTab(self.results_view, "本次合并")
        self.tabs.addTab(self.devices_view, "各乡镇交包情况")
        self.tabs.addTab(conflict_box, "冲突清单")
        self.empty = EmptyState(self.results_view, "emptySync")
        self.devices_empty = EmptyState(self.devices_view, "emptyDevices")
        self.conflicts_empty = EmptyState(self.conflicts_view, "emptyConflicts")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 14, 20, 12)
        layout.setSpacing(10)
        layout.addWidget(self.header)
        layout.addWidget(self.own)
        layout.addWidget(self.info)
        layout.addWidget(self.tabs, 1)

    # -- what the page shows --------------------------------------------------------------------
    def refresh(self) -> None:
        db = self.db
        if db is None:
            return
        ident = db.identity()
        district = ident.role == "district"
        self.export_button.setVisible(not district)
        self.folder_button.setVisible(district)
        self.task_button.setVisible(district)
        self.merge_button.setText("合并数据包…" if district else "合并任务包…")
        self.merge_button.setToolTip("选择乡镇交回的数据包（可多选），一次合并" if district
                                     else "合并区县新下发的任务包：新的台账数字和同乡镇其他电脑的工作")
        self.header.set_subtitle("合并各乡镇交回的数据包，下发任务包，查看交包情况和冲突" if district
                                 else f"本机：{ident.unit_name} {ident.device_name}；写出数据包交给区县，合并区县下发的任务包")

        def load(_ctx):
            mine = sync_status.laptop_status(db)
            waiting = sync_status.townships_waiting(db) if mine is None else []
            # (a township given task packages whose laptops have sent nothing: a row of its own)
            idle = [sync_status.DeviceStatus(w.unit, "", "（还没有电脑交包）", 0, None, []) for w in waiting]
            from app.sync.rules import recheck_listed

            recheck_listed(db)     # a breach put right here since the last merge leaves the list
            return sync_status.device_status(db) + idle, conflict_list.list_conflicts(db), mine

        # (a write task: the recheck may take a breach off the list; it waits for a merge running)
        run_in_background(self, load, on_success=self._show, write=True)

    def _show(self, found) -> None:
        devices, conflicts, mine = found
        self.own.setVisible(mine is not None)
        self.own.setText(mine.sentence() if mine is not None else "")
        self.devices.set_rows(devices)
        self.conflicts.set_rows(conflicts)
        if devices:
            self.devices_empty.clear()
        else:
            self.devices_empty.show_message(
                "还没有收到数据包" if mine is None else "这一页是区县看的",
                "给乡镇写出任务包、收到乡镇交回的数据包以后，这里列出每个乡镇每台电脑交到了第几个包、哪天交的、缺哪个。"
                if mine is None else "区县在这里看各乡镇各电脑交包的情况；本机写出了哪些包、区县是否确认收到，见页面上方。")
        if conflicts:
            self.conflicts_empty.clear()
        else:
            self.conflicts_empty.show_message("没有未处理的冲突",
                                              "两台电脑改了同一处、或合并后发现违反规则的情况，会列在这里等人处理。")
        self.tabs.setTabText(2, f"冲突清单（{len(conflicts)}）" if conflicts else "冲突清单")
        if not self.results.rowCount():
            district = self.db is not None and self.db.identity().role == "district"
            self.empty.show_message("这次还没有合并数据包" if district else "这次还没有合并任务包",
                                    "把乡镇交回的U盘插上，点“合并数据包”或“合并整个文件夹”。" if district else
                                    "点“写出数据包到U盘”，把本机的工作交给区县；区县下发新的任务包后点“合并任务包”。")
        self.loaded.emit()

    # -- township -------------------------------------------------------------------------------
    def export_package(self) -> None:
        db = self.db
        if db is None:
            return
        ident = db.identity()
        name = f"{ident.unit_name}-{ident.device_name or ident.device}-{_today()}.qspkg"
        path, _ = QFileDialog.getSaveFileName(self, "写出数据包", str(Path(removable_folder()) / name), WORK_FILTER)
        if not path:
            return
        from app.sync.export import write_work_package

        out = Path(path)
        if out.exists():
            QMessageBox.warning(self, "写出数据包", f"文件已存在，不会覆盖：{out}")
            return
        run_in_background(self, lambda _ctx: write_work_package(db, out), write=True,
                          progress_label="正在写出数据包…", on_success=self._exported,
                          on_failure=self._failed)

    def _exported(self, result) -> None:
        folder = Path(result.path).parent
        held = sorted(p.name for p in folder.glob("*.qs*") if p.suffix in (".qspkg", ".qstask"))
        self.info.setText(f"已写出第 {result.sequence} 个数据包：{result.path}\n"
                          f"这个文件夹里现在有：{'、'.join(held)}")
        self.refresh()
        self.finished.emit()

    # -- both -----------------------------------------------------------------------------------
    def merge_chosen(self) -> None:
        if self.db is None:
            return
        district = self.db.identity().role == "district"
        names, _ = QFileDialog.getOpenFileNames(self, "选择要合并的数据包" if district else "选择任务包",
                                                removable_folder(), WORK_FILTER if district else TASK_FILTER)
        if names:
            self.merge([Path(n) for n in names])

    def merge_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "选择一个文件夹（例如U盘）", removable_folder())
        if not folder:
            return
        files = sorted(Path(folder).glob("*.qspkg"))
        if not files:
            QMessageBox.information(self, "合并整个文件夹", f"文件夹里没有数据包（*.qspkg）：{folder}")
            return
        self.merge(files)

    def merge(self, files: list[Path]) -> None:
        db = self.db
        if db is None:
            return
        asked: list[str | None] = []

        def merge_all(ctx):
            from app.sync.merge import merge_files

            # one transaction for all the files: 取消 (checked between files) leaves none merged
            return merge_files(db, files, passphrase=lambda: asked[0] if asked else None,
                               progress=ctx.progress, cancel=ctx.cancelled).files

        if any(f.suffix == ".qstask" for f in files) and db.identity().role != "district":
            secret = self._passphrase_if_needed(files)
            if secret is False:
                return
            asked.append(secret)
        run_in_background(self, merge_all, write=True, progress_label="正在合并…", cancellable=True,
                          on_success=self._merged, on_failure=self._failed)

    def _passphrase_if_needed(self, files: list[Path]):
        from app.sync import container

        for f in files:
            try:
                if container.parse(container.read_file(f)).header.get("encryption") == "age-scrypt":
                    text, ok = QInputDialog.getText(self, "任务包口令", f"{f.name} 有口令保护，请输入口令：",
                                                    QLineEdit.EchoMode.Password)
                    return text if ok else False
            except Exception:          # noqa: BLE001 - a bad file is refused by the merge, with its reason
                continue
        return None

    def _merged(self, results: list[FileResult]) -> None:
        self.results.set_rows(results)
        self.empty.clear()
        self.tabs.setCurrentIndex(0)
        merged = sum(1 for r in results if r.status == "merged")
        refused = sum(1 for r in results if r.status == "refused")
        conflicts = sum(r.conflicts for r in results)
        breaches = sum(r.rule_breaches for r in results)
        self.info.setText(f"合并了 {merged} 个文件" + (f"，{refused} 个未合并（原因见表）" if refused else "")
                          + (f"，新发现冲突 {conflicts} 处（见“冲突清单”）" if conflicts else "")
                          + (f"，发现规则问题 {breaches} 处（见“冲突清单”）" if breaches else ""))
        notify_written(self)
        self.refresh()
        self.finished.emit()

    def _failed(self, exc: BaseException) -> None:
        QMessageBox.warning(self, "数据同步", str(exc))
        self.finished.emit()

    # -- district -------------------------------------------------------------------------------
    def write_tasks(self) -> None:
        db = self.db
        if db is None:
            return
        from sqlalchemy import select
        from sqlalchemy.orm import Session

        from app.db.models import Unit
        from app.sync.tasks import enrolled_devices, write_task_package

        with Session(db.engine) as s:
            names = list(s.scalars(select(Unit.name).where(Unit.kind == "township", Unit.deleted.is_(False))
                                   .order_by(Unit.name)))
        if not names:
            QMessageBox.information(self, "写出任务包", "还没有乡镇：先导入银行台账")
            return
        township, ok = QInputDialog.getItem(self, "写出任务包", "乡镇：", names, 0, False)
        if not ok:
            return
        path, _ = QFileDialog.getSaveFileName(self, "写出任务包", str(Path(removable_folder()) / f"{township}.qstask"),
                                              TASK_FILTER)
        if not path:
            return
        secret = None
        enrolled = enrolled_devices(db, township)
        if enrolled:        # for them (no passphrase), or for a new or replacement laptop (one)
            choice = QMessageBox(QMessageBox.Icon.Question, "写出任务包",
                                 f"{township}已有 {enrolled} 台登记的电脑。这个任务包给谁用？", parent=self)
            mine = choice.addButton("给已登记的电脑", QMessageBox.ButtonRole.AcceptRole)
            new = choice.addButton("给一台新电脑（设口令）", QMessageBox.ButtonRole.AcceptRole)
            choice.addButton("取消", QMessageBox.ButtonRole.RejectRole)
            choice.setDefaultButton(mine)
            choice.exec()
            if choice.clickedButton() not in (mine, new):
                return
            enrolled = 0 if choice.clickedButton() is new else enrolled
        if not enrolled:
            secret, ok = QInputDialog.getText(self, "任务包口令", f"给{township}的新电脑：请设一个口令，"
                                              "新电脑建立数据库时要输入它（已登记的电脑合并它也要输入）",
                                              QLineEdit.EchoMode.Password)
            if not ok or not secret:
                return
        out = Path(path)
        run_in_background(self, lambda _ctx: write_task_package(db, township, out, passphrase=secret), write=True,
                          progress_label="正在写出任务包…", on_failure=self._failed,
                          on_success=lambda r: (self.info.setText(f"已写出{r.township}的第 {r.sequence} 个任务包：{r.path}"),
                                                self.finished.emit()))

    def _chosen_conflict(self) -> ConflictView | None:
        rows = self.conflicts_view.selectionModel().selectedRows()
        return self.conflicts.record(self.conflicts_view.model().mapToSource(rows[0]).row()) if rows else None

    def _conflict_chosen(self, *_args) -> None:
        """A rule breach has nothing to take back: it can only be marked settled, once put right."""
        chosen = self._chosen_conflict()
        rule = chosen is not None and chosen.rule is not None
        self.keep.setEnabled(chosen is not None)               # nothing chosen: nothing to settle
        self.take_lost.setEnabled(chosen is not None and not rule)
        self.take_lost.setToolTip(f"规则问题不能改回：{chosen.advice}" if rule else _TAKE_LOST_TIP)
        self.keep.setText("标记为已处理" if rule else "保留现在的值")
        self.conflict_hint.setText(f"规则问题：{chosen.advice}；改好后点“标记为已处理”" if rule else "")

    def resolve(self, take: str) -> None:
        db = self.db
        chosen = self._chosen_conflict() if db is not None else None
        if db is None or chosen is None:
            QMessageBox.information(self, "冲突清单", "先在表里选中一个冲突")
            return
        from app.ui.actor import actor

        run_in_background(self, lambda _ctx: conflict_list.resolve(db, chosen.id, take, actor()),
                          write=True, on_success=lambda _r: (notify_written(self), self.refresh()),
                          on_failure=self._failed)


def _today() -> str:
    from datetime import date

    return date.today().strftime("%Y%m%d")
