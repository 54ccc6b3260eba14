"""An official's training record for a year (or every year): what the page, exports, transcript and API show.

`year_record` runs a fixed number of queries whatever the number of credits.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from lms.core.db import db
from lms.core.models import Official, Unit
from lms.core.vocab import CONTENT_AREAS
from lms.records import requirements as rq
from lms.records.models import TrainingCredit


@dataclass
class YearRecord:
    official: Official
    year: int | None  # None: every year
    years: list[int]
    credits: list[TrainingCredit]  # counting credits, newest first
    withdrawn: list[TrainingCredit]
    areas: dict[str, float]  # every content area, in the decree's order
    statuses: list[rq.Status] = field(default_factory=list)
    units: dict[int, Unit] = field(default_factory=dict)  # the units credits were earned in

    @property
    def total(self) -> float:
        return round(sum(self.areas.values()), 2)

    @property
    def max_area(self) -> float:
        return max(self.areas.values(), default=0) or 1.0


def credit_years(official_id: int) -> list[int]:
    return sorted(db.session.scalars(select(TrainingCredit.year).distinct()
                                     .where(TrainingCredit.official_id == official_id)), reverse=True)


def year_record(official: Official, year: int | None, today: date) -> YearRecord:
    """The record of `official` in `year` (None for every year), with statuses against requirements."""
    statement = (select(TrainingCredit).options(joinedload(TrainingCredit.school), joinedload(TrainingCredit.unit))
                 .where(TrainingCredit.official_id == official.id)
                 .order_by(TrainingCredit.earned_on.desc(), TrainingCredit.id.desc()))
    if year is not None:
        statement = statement.where(TrainingCredit.year == year)
    rows = list(db.session.scalars(statement))
    counting = [c for c in rows if c.withdrawn_at is None]
    areas = {area: 0.0 for area in CONTENT_AREAS}
    for credit in counting:
        areas[credit.content_area] = round(areas.get(credit.content_area, 0.0) + float(credit.periods), 2)
    years = credit_years(official.id)
    record = YearRecord(official=official, year=year, years=years, credits=counting,
                        withdrawn=[c for c in rows if c.withdrawn_at is not None], areas=areas,
                        units={c.unit_id: c.unit for c in rows})
    if year is not None:
        # The ledger is the truth for one person; the kept totals are for many (see ledger.py).
        record.statuses = rq.statuses_for(official, year, today, totals={a: p for a, p in areas.items() if p})
    return record


def issuer_name(credit: TrainingCredit, locale: str = "vi") -> str:
    if credit.school is not None:
        return credit.school.name(locale)
    return credit.provider


def find_official(employee_code: str) -> Official | None:
    return db.session.scalar(select(Official).options(joinedload(Official.unit))
                             .where(Official.employee_code == employee_code))
