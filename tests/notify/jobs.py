"""Jobs used by the scheduler tests (named in SCHEDULER_EXTRA_JOBS, also by subprocesses)."""
from __future__ import annotations

from sqlalchemy import select

from lms.core.db import db
from lms.core.models import Unit, UnitLevel


def tick() -> str:
    return "tick"


def write_then_fail() -> None:
    """Writes a row, then fails: the scheduler's rollback must leave no row behind."""
    db.session.add(Unit(code="JOB-FAIL", name_vi="Không được lưu", level=UnitLevel.province, path="/"))
    db.session.flush()
    raise RuntimeError("the job broke on purpose")


def write_unit() -> str:
    """Idempotent, like every job: the unit is written once however often the job runs."""
    if db.session.scalar(select(Unit.id).where(Unit.code == "JOB-OK")) is not None:
        return "unit already there"
    db.session.add(Unit(code="JOB-OK", name_vi="Đơn vị do tác vụ tạo", level=UnitLevel.province, path="/"))
    return "wrote one unit"
