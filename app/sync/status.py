"""What this database has received: per township and laptop, the last package, its date, gaps.

Every work package carries all that the district has not confirmed receiving, so a package that
never arrived is made good by any later one from the same laptop: a gap is reported together
with the package that filled it ("第5个数据包未收到，已由第6个补齐").
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import DeviceSequence, SyncPeer, Unit
from app.db.session import Database


@dataclass(frozen=True)
class DeviceStatus:
    unit: str
    device: str
    device_name: str | None
    last_sequence: int
    last_received: date | None
    missing: list[int]

    @property
    def days_since(self) -> int | None:
        return (date.today() - self.last_received).days if self.last_received else None

    def sentence(self) -> str:
        who = f"{self.unit} {self.device_name or self.device}"
        when = f"{self.last_received:%Y-%m-%d}" if self.last_received else "从未"
        text = f"{who}：已收到第 {self.last_sequence} 个数据包（{when}）"
        if self.missing:
            text += "；" + "、".join(f"第{n}个" for n in self.missing) + f"数据包未收到，已由第{self.last_sequence}个补齐"
        return text

    def to_json(self) -> dict:
        return {"unit": self.unit, "device": self.device, "device_name": self.device_name,
                "last_sequence": self.last_sequence,
                "last_received": self.last_received.isoformat() if self.last_received else None,
                "missing": self.missing, "days_since": self.days_since}


def device_status(db: Database) -> list[DeviceStatus]:
    with Session(db.engine) as s:
        units = dict(s.execute(select(Unit.id, Unit.name)).all())
        names = {(p.unit_id, p.device): p.name for p in s.scalars(select(SyncPeer))}
        out = []
        for row in s.scalars(select(DeviceSequence)):
            missing = [int(x) for x in (row.missing or "").split(",") if x]
            out.append(DeviceStatus(units.get(row.unit_id, row.unit_id), row.device, names.get((row.unit_id, row.device)),
                                    row.last_sequence, row.seen_at.date() if row.seen_at else None, missing))
        # enrolled laptops whose packages have all been lost still show, as never received
        seen = {(r.unit, r.device) for r in out}
        for (unit_id, device), name in names.items():
            unit = units.get(unit_id, unit_id)
            if device != "district" and (unit, device) not in seen:
                out.append(DeviceStatus(unit, device, name, 0, None, []))
    return sorted(out, key=lambda d: (d.unit, d.device_name or d.device))
