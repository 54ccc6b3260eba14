"""The provincial report: plan against actual, by level and unit, with totals, the way provinces report.

Actual figures: classes opened, enrolled and completed come from the course catalogue (the courses
plugin, through `lms.core.catalog`; unavailable when it is off); certificates and periods come from the
ledger's kept unit totals. Everything is counted where it happened (the unit of the class, the unit the
official was in when they earned the credit) and rolled into the unit's current successor, so a unit
merged in 2025 adds up into the one that replaced it while its own line still names it as it was then.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select

from lms.core.catalog import catalog
from lms.core.db import db
from lms.core.models import Unit
from lms.core.vocab import CONTENT_AREAS
from lms.records.models import CreditSource, PlanTarget, TrainingPlan, UnitAreaTotal

LEVEL_ORDER = ("central", "province", "commune", "district")


@dataclass
class Figures:
    classes_planned: int = 0
    trainees_planned: int = 0
    classes_opened: int | None = 0  # None: the course catalogue is not available
    enrolled: int | None = 0
    completed: int | None = 0
    certificates: int = 0
    credits: int = 0
    periods: float = 0.0

    def add(self, other: Figures) -> None:
        self.classes_planned += other.classes_planned
        self.trainees_planned += other.trainees_planned
        for name in ("classes_opened", "enrolled", "completed"):
            mine, theirs = getattr(self, name), getattr(other, name)
            setattr(self, name, None if mine is None or theirs is None else mine + theirs)
        self.certificates += other.certificates
        self.credits += other.credits
        self.periods = round(self.periods + other.periods, 2)

    @property
    def classes_percent(self) -> float | None:
        if self.classes_opened is None or not self.classes_planned:
            return None
        return 100.0 * self.classes_opened / self.classes_planned

    @property
    def trainees_percent(self) -> float | None:
        if self.enrolled is None or not self.trainees_planned:
            return None
        return 100.0 * self.enrolled / self.trainees_planned

    @property
    def empty(self) -> bool:
        return not any([self.classes_planned, self.trainees_planned, self.classes_opened, self.enrolled,
                        self.completed, self.certificates, self.credits])


@dataclass
class Predecessor:
    unit: Unit  # as it was then (its own name, level and dates)
    figures: Figures
    merged_on: date | None  # the day the successor took over


@dataclass
class ReportRow:
    unit: Unit
    figures: Figures  # including every predecessor's
    predecessors: list[Predecessor] = field(default_factory=list)


@dataclass
class LevelGroup:
    level: str
    rows: list[ReportRow]
    total: Figures


@dataclass
class ProvincialReport:
    root: Unit
    year: int
    catalog_available: bool
    groups: list[LevelGroup]
    total: Figures
    areas: dict[str, Figures]
    idle_units: int  # current units with no plan and no activity (not listed)
    detail: dict[tuple[int, str], Figures]  # (unit id as it was, area) -> figures, for the XLSX


def _blank(available: bool) -> Figures:
    return Figures() if available else Figures(classes_opened=None, enrolled=None, completed=None)


def current_of(unit: Unit, units: dict[int, Unit]) -> Unit:
    """Follow successor links (within the loaded units) to the unit that exists now."""
    seen = {unit.id}
    while unit.successor_id is not None and unit.successor_id in units and unit.successor_id not in seen:
        seen.add(unit.successor_id)
        unit = units[unit.successor_id]
    return unit


def provincial_report(root: Unit, year: int) -> ProvincialReport:  # noqa: C901  (one pass over the units adding each figure of the report; to split next)
    units = {u.id: u for u in db.session.scalars(select(Unit).where(Unit.path.startswith(root.path)))}
    provider = catalog()
    available = provider is not None
    detail: dict[tuple[int, str], Figures] = defaultdict(lambda: _blank(available))

    in_subtree = select(Unit.id).where(Unit.path.startswith(root.path))
    plan_rows = db.session.execute(
        select(TrainingPlan.unit_id, PlanTarget.content_area, func.sum(PlanTarget.classes),
               func.sum(PlanTarget.trainees))
        .join(PlanTarget, PlanTarget.plan_id == TrainingPlan.id)
        .where(TrainingPlan.year == year, TrainingPlan.unit_id.in_(in_subtree))
        .group_by(TrainingPlan.unit_id, PlanTarget.content_area))
    for unit_id, area, classes, trainees in plan_rows:
        figures = detail[(unit_id, area)]
        figures.classes_planned += int(classes or 0)
        figures.trainees_planned += int(trainees or 0)

    if available:
        for counts in provider.class_counts(year):
            if counts.unit_id not in units:
                continue
            figures = detail[(counts.unit_id, counts.content_area)]
            figures.classes_opened += 1
            figures.enrolled += counts.enrolled
            figures.completed += counts.completed

    credit_rows = db.session.execute(
        select(UnitAreaTotal.unit_id, UnitAreaTotal.content_area, UnitAreaTotal.source, UnitAreaTotal.credits,
               UnitAreaTotal.periods)
        .where(UnitAreaTotal.year == year, UnitAreaTotal.unit_id.in_(in_subtree)))
    for unit_id, area, source, credits, periods in credit_rows:
        figures = detail[(unit_id, area)]
        figures.credits += int(credits)
        figures.periods = round(figures.periods + float(periods), 2)
        if source is CreditSource.certificate:
            figures.certificates += int(credits)

    by_unit: dict[int, Figures] = defaultdict(lambda: _blank(available))
    areas = {area: _blank(available) for area in CONTENT_AREAS}
    for (unit_id, area), figures in detail.items():
        by_unit[unit_id].add(figures)
        areas.setdefault(area, _blank(available)).add(figures)

    rows: dict[int, ReportRow] = {}
    for unit in units.values():
        current = current_of(unit, units)
        if current.valid_to is not None and current.successor_id is None and unit.id not in by_unit:
            continue  # closed without a successor and nothing to report
        row = rows.setdefault(current.id, ReportRow(current, _blank(available)))
        own = by_unit.get(unit.id)
        if own is not None:
            row.figures.add(own)
        if unit.id != current.id and own is not None and not own.empty:
            merged_on = date.fromordinal(unit.valid_to.toordinal() + 1) if unit.valid_to else None
            row.predecessors.append(Predecessor(unit, own, merged_on))

    groups: dict[str, list[ReportRow]] = defaultdict(list)
    idle = 0
    for row in rows.values():
        row.predecessors.sort(key=lambda p: p.unit.name_folded)
        if row.figures.empty:
            idle += 1 if row.unit.valid_to is None else 0
            continue
        groups[row.unit.level.value].append(row)
    total = _blank(available)
    level_groups = []
    for level in LEVEL_ORDER:
        if level not in groups:
            continue
        members = sorted(groups[level], key=lambda r: (r.unit.path.count("/"), r.unit.name_folded))
        subtotal = _blank(available)
        for row in members:
            subtotal.add(row.figures)
        total.add(subtotal)
        level_groups.append(LevelGroup(level, members, subtotal))
    return ProvincialReport(root, year, available, level_groups, total, areas, idle, dict(detail))
