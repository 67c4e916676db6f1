"""What this database has received: per township and laptop, the last package, its date, gaps.

Every work package carries all that the district has not confirmed receiving, so a package that
never arrived is made good by any later one from the same laptop: a gap is reported together
with the package that filled it ("第5个数据包未收到，已由第6个补齐").
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import DeviceSequence, Meta, SyncEnrolment, SyncPackage, SyncPeer, Unit
from app.db.session import Database


@dataclass(frozen=True)
class DeviceStatus:
    unit: str
    device: str
    device_name: str | None
    last_sequence: int
    last_received: date | None
    missing: list[int]
    # everything up to the last package is here, so the missing ones' work is too (a later
    # package carries all the district had not confirmed; not when the district lost some)
    filled: bool = True

    @property
    def days_since(self) -> int | None:
        return (date.today() - self.last_received).days if self.last_received else None

    def sentence(self) -> str:
        who = f"{self.unit} {self.device_name or self.device}"
        when = f"{self.last_received:%Y-%m-%d}" if self.last_received else "从未"
        text = f"{who}：已收到第 {self.last_sequence} 个数据包（{when}）"
        if self.missing and self.filled:
            text += "；" + "、".join(f"第{n}个" for n in self.missing) + f"数据包未收到，已由第{self.last_sequence}个补齐"
        elif self.missing:
            text += ("；" + "、".join(f"第{n}个" for n in self.missing) + "数据包未收到，其中的工作还没有补齐："
                     "请找到它合并，或给这台电脑下发新的任务包、合并后再交一个数据包（会带上区县没有的全部工作）")
        elif not self.filled:
            text += ("；区县没有它的全部工作（区县的数据库恢复过备份？）：请给这台电脑下发新的任务包，"
                     "合并后再交一个数据包")
        return text

    def to_json(self) -> dict:
        return {"unit": self.unit, "device": self.device, "device_name": self.device_name,
                "last_sequence": self.last_sequence,
                "last_received": self.last_received.isoformat() if self.last_received else None,
                "missing": self.missing, "days_since": self.days_since, "filled": self.filled}


def device_status(db: Database) -> list[DeviceStatus]:
    with Session(db.engine) as s:
        units = dict(s.execute(select(Unit.id, Unit.name)).all())
        names = {(p.unit_id, p.device): p.name for p in s.scalars(select(SyncPeer))}
        out = []
        for row in s.scalars(select(DeviceSequence)):
            missing = [int(x) for x in (row.missing or "").split(",") if x]
            filled = row.last_upto is None or (row.confirmed_change or 0) >= row.last_upto
            out.append(DeviceStatus(units.get(row.unit_id, row.unit_id), row.device, names.get((row.unit_id, row.device)),
                                    row.last_sequence, row.seen_at.date() if row.seen_at else None, missing, filled))
        # enrolled laptops whose packages have all been lost still show, as never received
        seen = {(r.unit, r.device) for r in out}
        for (unit_id, device), name in names.items():
            unit = units.get(unit_id, unit_id)
            if device != "district" and (unit, device) not in seen:
                out.append(DeviceStatus(unit, device, name, 0, None, []))
    return sorted(out, key=lambda d: (d.unit, device_order(d.device_name or d.device)))


_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")}


def device_order(name: str) -> tuple:
    """一号机, 二号机 … 十号机, 十一号机 in counting order (not by character code), then the name."""
    head = ""
    for c in name:
        if c in _DIGITS or c == "十":
            head += c
        else:
            break
    if not head:
        return (1, 0, name)
    if "十" in head:
        tens, _, ones = head.partition("十")
        n = (_DIGITS.get(tens, 1) if tens else 1) * 10 + (_DIGITS.get(ones[:1], 0) if ones else 0)
    else:
        n = int("".join(str(_DIGITS[c]) for c in head))
    return (0, n, name)


@dataclass(frozen=True)
class Waiting:
    """(District) a township given task packages whose laptops have sent nothing yet."""

    unit: str
    task_packages: int
    since: date | None          # when the first was written

    def sentence(self) -> str:
        when = f"（{self.since:%Y-%m-%d} 起）" if self.since else ""
        return f"{self.unit}：已下发 {self.task_packages} 个任务包{when}，还没有收到任何电脑的数据包"

    def to_json(self) -> dict:
        return {"unit": self.unit, "task_packages": self.task_packages,
                "since": self.since.isoformat() if self.since else None}


def townships_waiting(db: Database) -> list[Waiting]:
    """(District) the townships with task packages and no laptop enrolled yet, by name."""
    with Session(db.engine) as s:
        enrolled = {unit for (unit,) in s.execute(select(SyncPeer.unit_id).where(SyncPeer.kind == "device"))}
        rows = s.execute(select(Unit.name, SyncEnrolment.task_sequence, SyncEnrolment.made_at)
                         .join(Unit, Unit.id == SyncEnrolment.unit_id)
                         .where(SyncEnrolment.task_sequence > 0, SyncEnrolment.unit_id.not_in(enrolled))).all()
    return sorted((Waiting(name, n, made.date() if made else None) for name, n, made in rows), key=lambda w: w.unit)


@dataclass(frozen=True)
class LaptopStatus:
    """(A township laptop) what it has sent and received: its last work package, whether the
    district has confirmed receiving all it holds (learnt from the task packages merged since),
    its last task package."""

    unit: str
    device_name: str
    exported: int                   # work packages written here
    last_sequence: int | None
    last_exported: datetime | None
    last_file: str | None
    last_confirmed: bool | None     # the district has everything the last package held (None: not known)
    last_task: int | None           # the last task package merged (or set up from)
    last_task_at: datetime | None

    def sentence(self) -> str:
        who = f"本机（{self.unit} {self.device_name}）"
        if not self.exported:
            sent = "还没有写出过数据包"
        else:
            sent = (f"已写出 {self.exported} 个数据包，最后是第 {self.last_sequence} 个"
                    f"（{self.last_exported:%Y-%m-%d %H:%M}，{self.last_file}）")
            if self.last_confirmed:
                sent += "；区县已确认收到其中的全部工作"
            elif self.last_confirmed is False:
                sent += "；区县还没有确认收到（合并区县下发的新任务包后才知道；没收到的，下一个数据包会一起带上）"
        task = (f"；最近的任务包：第 {self.last_task} 个（{self.last_task_at:%Y-%m-%d}）"
                if self.last_task and self.last_task_at else "")
        return who + sent + task

    def to_json(self) -> dict:
        return {"unit": self.unit, "device_name": self.device_name, "exported": self.exported,
                "last_sequence": self.last_sequence,
                "last_exported": self.last_exported.isoformat(sep=" ") if self.last_exported else None,
                "last_file": self.last_file, "last_confirmed": self.last_confirmed, "last_task": self.last_task,
                "last_task_at": self.last_task_at.isoformat(sep=" ") if self.last_task_at else None}


def laptop_status(db: Database) -> LaptopStatus | None:
    """This laptop's own sending and receiving; None at the district."""
    ident = db.identity()
    if ident.role == "district":
        return None
    with Session(db.engine) as s:
        sent = s.scalars(select(SyncPackage).where(SyncPackage.direction == "out", SyncPackage.kind == "work")
                         .order_by(SyncPackage.sequence)).all()
        tasks = s.scalars(select(SyncPackage).where(SyncPackage.direction == "in", SyncPackage.kind == "task")
                          .order_by(SyncPackage.sequence)).all()
        meta = dict(s.execute(select(Meta.key, Meta.value).where(Meta.key.in_(("confirmed_seq", "export_upto")))).all())
    last, task = (sent[-1] if sent else None), (tasks[-1] if tasks else None)
    upto = meta.get("export_upto")
    confirmed = None if last is None or not upto else int(meta.get("confirmed_seq") or 0) >= int(upto)
    return LaptopStatus(ident.unit_name, ident.device_name or ident.device, len(sent),
                        last.sequence if last else None, last.at if last else None, last.file_name if last else None,
                        confirmed, task.sequence if task else None, task.at if task else None)
