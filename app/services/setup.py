"""Making a new database: the district office's, or (later) a township laptop's."""
from __future__ import annotations

import platform
import uuid
from dataclasses import dataclass

from sqlalchemy import select

from app.db.models import Unit, Village
from app.db.session import Database, new_device_id, write_meta
from app.domain.errors import InputError, UserError


@dataclass(frozen=True)
class InitResult:
    db_path: str
    role: str
    unit_id: str
    unit_name: str
    device: str


def initialise(db: Database, *, role: str, unit_name: str, device_name: str | None = None) -> InitResult:
    """Give an empty database its identity and its own unit.  Refused if it has one."""
    unit_name = (unit_name or "").strip()
    if role not in ("district", "township"):
        raise InputError(f"未知的角色：{role}（应为 district 或 township）")
    if not unit_name:
        raise InputError("单位名称不能为空")
    if db.is_initialised():
        ident = db.identity()
        raise UserError(f"数据库已经初始化过（{ident.unit_name}），不能再次初始化：{db.path}")
    unit_id = str(uuid.uuid4())
    device = new_device_id()
    from sqlalchemy.orm import Session

    with Session(db.engine) as s:
        write_meta(s, db_id=str(uuid.uuid4()), role=role, unit_id=unit_id, unit_name=unit_name,
                   device=device, device_name=device_name or platform.node() or "本机")
        s.commit()
    db.forget_identity()
    with db.uow("system") as uow:
        uow.session.add(Unit(id=unit_id, name=unit_name, kind=role))
        uow.audit("init", "units", unit_id, summary=f"新建{_role_name(role)}数据库：{unit_name}")
        uow.commit()
    return InitResult(str(db.path), role, unit_id, unit_name, device)


def _role_name(role: str) -> str:
    return "区县" if role == "district" else "乡镇"


def township(uow, name: str) -> Unit:
    """The township unit of this name, created under this database's own unit if new."""
    name = name.strip()
    found = uow.session.scalars(
        select(Unit).where(Unit.name == name, Unit.kind == "township", Unit.deleted.is_(False))
    ).first()
    if found:
        return found
    ident = uow.db.identity()
    if ident.role == "township" and ident.unit_name != name:
        raise InputError(f"本机是{ident.unit_name}的数据库，不能加入其他乡镇（{name}）的数据")
    if ident.role == "township":
        return uow.session.get(Unit, ident.unit_id)
    unit = Unit(name=name, kind="township", parent_id=ident.unit_id)
    uow.session.add(unit)
    uow.session.flush()
    return unit


def village(uow, township_id: str, name: str) -> Village:
    name = name.strip()
    found = uow.session.scalars(
        select(Village).where(Village.township_id == township_id, Village.name == name,
                              Village.deleted.is_(False))
    ).first()
    if found:
        return found
    v = Village(township_id=township_id, name=name)
    uow.session.add(v)
    uow.session.flush()
    return v
