"""Training plans: per year and unit, targets per content area (classes to open, officials to train)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from lms.core import audit
from lms.core.db import db
from lms.core.errors import DomainError
from lms.core.i18n import format_day
from lms.core.models import Unit
from lms.core.vocab import CONTENT_AREAS
from lms.records.models import PlanTarget, TrainingPlan

MAX_CLASSES = 10_000
MAX_TRAINEES = 1_000_000


@dataclass
class PlanInput:
    year: int
    unit_id: int
    targets: dict[str, tuple[int, int]] = field(default_factory=dict)  # area -> (classes, trainees)
    note: str = ""


def check_unit_for_year(unit: Unit, year: int) -> None:
    """A plan is for a unit that exists through the year; a merged unit's plans belong to its successor."""
    if unit.valid_to is not None and unit.valid_to < date(year, 12, 31):
        if unit.successor_id is not None:
            successor = db.session.get(Unit, unit.successor_id)
            raise DomainError(_l("%(unit)s was merged into %(successor)s on %(day)s: make the %(year)s plan for "
                                 "%(successor)s."),
                              unit=unit.name_vi, successor=successor.name_vi if successor else "?",
                              day=format_day(date.fromordinal(unit.valid_to.toordinal() + 1)), year=year)
        raise DomainError(_l("%(unit)s closed on %(day)s and cannot have a plan for %(year)s."),
                          unit=unit.name_vi, day=format_day(unit.valid_to), year=year)


def save_plan(data: PlanInput, *, actor_id: int | None = None) -> TrainingPlan:  # noqa: C901  (one check per field of the plan, then the replace)
    """Create or replace the plan of a unit for a year (saving twice gives the same plan). Flushes."""
    if not (2000 <= data.year <= 2100):
        raise DomainError(_l("The year must be between 2000 and 2100."))
    unit = db.session.get(Unit, data.unit_id)
    if unit is None:
        raise DomainError(_l("That unit does not exist."))
    check_unit_for_year(unit, data.year)
    for area, (classes, trainees) in data.targets.items():
        if area not in CONTENT_AREAS:
            raise DomainError(_l("Unknown content area: %(area)s."), area=area)
        if not (0 <= classes <= MAX_CLASSES) or not (0 <= trainees <= MAX_TRAINEES):
            raise DomainError(_l("Targets must be whole numbers from 0 to %(classes)s classes and %(trainees)s "
                                 "officials."), classes=MAX_CLASSES, trainees=MAX_TRAINEES)
        if classes and trainees and trainees < classes:
            raise DomainError(_l("%(n)s classes cannot train fewer than %(n)s officials."), n=classes)
    if not any(classes or trainees for classes, trainees in data.targets.values()):
        raise DomainError(_l("Set at least one target: classes to open or officials to train."))

    plan = db.session.scalar(select(TrainingPlan).options(selectinload(TrainingPlan.targets))
                             .where(TrainingPlan.year == data.year, TrainingPlan.unit_id == unit.id))
    creating = plan is None
    if creating:
        plan = TrainingPlan(year=data.year, unit_id=unit.id, created_by=actor_id)
        db.session.add(plan)
    plan.note = data.note or ""
    existing = {t.content_area: t for t in plan.targets}
    for area in CONTENT_AREAS:
        classes, trainees = data.targets.get(area, (0, 0))
        target = existing.get(area)
        if not (classes or trainees):
            if target is not None:
                plan.targets.remove(target)
            continue
        if target is None:
            target = PlanTarget(content_area=area)
            plan.targets.append(target)
        target.classes, target.trainees = classes, trainees
    db.session.flush()
    audit.record("plan.created" if creating else "plan.changed", "unit", unit.id, actor_id=actor_id,
                 data={"year": data.year, "targets": {a: list(v) for a, v in data.targets.items() if any(v)}})
    return plan


def delete_plan(plan: TrainingPlan, *, actor_id: int | None = None) -> None:
    audit.record("plan.deleted", "unit", plan.unit_id, actor_id=actor_id, data={"year": plan.year})
    db.session.delete(plan)
    db.session.flush()


def plans_for(year: int, unit_ids) -> list[TrainingPlan]:
    """The plans of `year` for units among `unit_ids` (a select of ids), targets loaded."""
    return list(db.session.scalars(select(TrainingPlan).options(selectinload(TrainingPlan.targets),
                                                                selectinload(TrainingPlan.unit))
                                   .where(TrainingPlan.year == year, TrainingPlan.unit_id.in_(unit_ids))))
