"""Making a new database: the district office's, or (later) a township laptop's."""
from __future__ import annotations

import platform
import uuid
from dataclasses import dataclass

from sqlalchemy import select

from app.db import ids
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


def initialise(db: Database, *, role: str, unit_name: str, device_name: str | None = None,
               district_name: str | None = None, id_namespace: str | None = None,
               device_code: str | None = None) -> InitResult:
    """Give an empty database its identity and its own unit.  Refused if it has one.

    Its id namespace (``app.db.ids``) is ``id_namespace`` if given (a task package's, [7]),
    else the district's: derived from ``district_name`` (a district database: its own name; a
    township database: the district it belongs to, or its own name if it is not told), so
    that two databases of one district give one township, loan, household … the same id.
    ``device_code`` (agreement numbers) is chosen at random if not given."""
    unit_name = (unit_name or "").strip()
    if role not in ("district", "township"):
        raise InputError(f"未知的角色：{role}（应为 district 或 township）")
    if not unit_name:
        raise InputError("单位名称不能为空")
    if db.is_initialised():
        ident = db.identity()
        raise UserError(f"数据库已经初始化过（{ident.unit_name}），不能再次初始化：{db.path}")
    if role == "district":
        district_name = unit_name
    namespace = id_namespace or ids.district_namespace((district_name or "").strip() or unit_name)
    names = ids.Ids(namespace)
    unit_id = names.district() if role == "district" else names.township(unit_name)
    device = new_device_id()
    from sqlalchemy.orm import Session

    with Session(db.engine) as s:
        write_meta(s, db_id=str(uuid.uuid4()), role=role, unit_id=unit_id, unit_name=unit_name,
                   device=device, device_name=device_name or platform.node() or "本机",
                   device_code=device_code or ids.choose_device_code(set()))
        ids.set_namespace(s, namespace)
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
    names = ids.of(uow.session)
    unit_id = names.unused(names.township(name), ids.in_session(uow.session, Unit))
    unit = Unit(id=unit_id, name=name, kind="township", parent_id=ident.unit_id)
    uow.session.add(unit)
    uow.session.flush()
    return unit


def village(uow, township_id: str, name: str) -> Village:
    """The village of this name in the township; a deleted one comes back; made if new."""
    name = name.strip()
    found = uow.session.scalars(
        select(Village).where(Village.township_id == township_id, Village.name == name)
        .order_by(Village.deleted)
    ).first()
    if found:
        if found.deleted:
            found.deleted = False
        return found
    names = ids.of(uow.session)
    v = Village(id=names.unused(names.village(township_id, name), ids.in_session(uow.session, Village)),
                township_id=township_id, name=name)
    uow.session.add(v)
    uow.session.flush()
    return v


def new_device(db: Database, device_name: str | None = None) -> str:
    """Give this copy of a database its own device: a new device id and a device code that
    no agreement number here uses (what a second laptop set up from the same data does —
    [7]'s ``init --from-task`` — so that the two never make the same agreement number).
    Returns the new device code."""
    from sqlalchemy.orm import Session

    with Session(db.engine) as s:
        taken = {ids.device_code(s), *ids.codes_in_agreement_numbers(s)}
        code = ids.choose_device_code(taken)
        values = {"device": new_device_id(), "device_code": code}
        if device_name:
            values["device_name"] = device_name
        write_meta(s, **values)
        s.commit()
    db.forget_identity()
    return code
