"""The district of the demo and two laptops of 柳林镇 set up from its task package, for the
merge's tests (each test module names its task package's passphrase: ``PASS``)."""
from __future__ import annotations

import pytest

from app.bootstrap import open_database
from app.sync.tasks import set_up_from_task, write_task_package


@pytest.fixture
def world(request, demo_path, tmp_path):
    passphrase = request.module.PASS
    district = open_database(demo_path)
    write_task_package(district, "柳林镇", tmp_path / "task.qstask", passphrase=passphrase)
    laptops = []
    for n in (1, 2):
        laptop = open_database(tmp_path / f"laptop{n}.db")
        set_up_from_task(laptop, tmp_path / "task.qstask", passphrase=passphrase, device_name=f"{n}号机")
        laptops.append(laptop)
    yield district, laptops
    for db in (district, *laptops):
        db.dispose()
