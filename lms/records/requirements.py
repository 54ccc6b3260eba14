"""Requirements as data, and each official's status against them: met, on track or behind.

A requirement applies to officials by their current unit (with or without its sub-units), the level
of that unit, their kind and position, for a range of years. It sets a minimum of periods in total
and/or per content area. Status is "met" when every minimum is reached; during the year it is "on
track" when the official has at least the share of each minimum that the elapsed part of the year
calls for, otherwise "behind". The same rules exist twice, once in Python (one official) and once
in SQL (a whole unit subtree at once); tests check that they agree.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import Float, and_, case, cast, false, func, literal, or_, select, true

from lms.core import audit
from lms.core.db import db
from lms.core.errors import DomainError
from lms.core.models import Official, OfficialKind, Unit, UnitLevel
from lms.core.text import nfc
from lms.core.vocab import CONTENT_AREAS, area_label
from lms.records.models import OfficialYearTotal, Requirement

MAX_REQUIRED_PERIODS = 2000  # no plausible yearly requirement is above a year of full-time study
EXAMPLE_NAME_VI = "Tối thiểu 40 tiết mỗi năm (quy định cũ năm 2017, ví dụ)"


class State(str, enum.Enum):
    met = "met"
    on_track = "on_track"
    behind = "behind"


STATE_LABELS = {State.met: _l("Met"), State.on_track: _l("On track"), State.behind: _l("Behind")}


@dataclass
class Part:
    """One minimum of a requirement: the total (area None) or one content area."""

    area: str | None
    done: float
    required: float

    @property
    def missing(self) -> float:
        return max(0.0, round(self.required - self.done, 2))

    @property
    def share(self) -> float:
        return 1.0 if self.required <= 0 else min(1.0, self.done / self.required)


@dataclass
class Status:
    requirement: Requirement
    state: State
    parts: list[Part] = field(default_factory=list)
    missing: float = 0.0


@dataclass
class RequirementInput:
    """What a form (or the CLI) gives to create or change a requirement."""

    name_vi: str
    year_from: int
    name_en: str = ""
    year_to: int | None = None
    unit_id: int | None = None
    include_subunits: bool = True
    unit_level: str | None = None
    official_kind: str | None = None
    position: str = ""
    min_periods: float | None = None
    area_minimums: dict[str, float] = field(default_factory=dict)
    active: bool = False
    note: str = ""


# --- time ---------------------------------------------------------------------------------------

def expected_fraction(year: int, today: date) -> float:
    """The share of a yearly minimum expected by `today` (1 for past years, 0 for future ones)."""
    if year < today.year:
        return 1.0
    if year > today.year:
        return 0.0
    start = date(year, 1, 1)
    days = (date(year + 1, 1, 1) - start).days
    return ((today - start).days + 1) / days


# --- one official -------------------------------------------------------------------------------

def minimums(requirement: Requirement) -> list[tuple[str | None, float]]:
    parts: list[tuple[str | None, float]] = []
    if requirement.min_periods:
        parts.append((None, float(requirement.min_periods)))
    for area in CONTENT_AREAS:
        value = (requirement.area_minimums or {}).get(area)
        if value:
            parts.append((area, float(value)))
    return parts


def evaluate(requirement: Requirement, totals: dict[str, float], year: int, today: date) -> Status:
    """The status of someone with `totals` (periods per content area in `year`) against a requirement."""
    total = round(sum(totals.values()), 2)
    parts = [Part(area, total if area is None else round(totals.get(area, 0.0), 2), required)
             for area, required in minimums(requirement)]
    total_short = sum(p.missing for p in parts if p.area is None)
    area_short = sum(p.missing for p in parts if p.area is not None)
    missing = round(max(total_short, area_short), 2)
    if missing <= 0:
        state = State.met
    else:
        fraction = expected_fraction(year, today)
        on_track = all(p.done + 1e-9 >= p.required * fraction for p in parts)
        state = State.on_track if on_track and fraction < 1 else State.behind
    return Status(requirement, state, parts, missing)


def applies_to(requirement: Requirement, official: Official, unit: Unit) -> bool:
    """Does the requirement's audience include this official (in `unit`, their current unit)?"""
    if requirement.unit_id is not None:
        if requirement.include_subunits:
            if requirement.unit is None or not unit.path.startswith(requirement.unit.path):
                return False
        elif unit.id != requirement.unit_id:
            return False
    if requirement.unit_level and unit.level.value != requirement.unit_level:
        return False
    if requirement.official_kind and official.kind.value != requirement.official_kind:
        return False
    if requirement.position and official.position != requirement.position:
        return False
    return True


def active_requirements(year: int) -> list[Requirement]:
    """Active requirements in force in `year`, with their units loaded (one query)."""
    from sqlalchemy.orm import joinedload
    statement = (select(Requirement).options(joinedload(Requirement.unit))
                 .where(Requirement.active.is_(True), Requirement.year_from <= year,
                        or_(Requirement.year_to.is_(None), Requirement.year_to >= year))
                 .order_by(Requirement.id))
    return list(db.session.scalars(statement).unique())


def official_totals(official_id: int, year: int) -> dict[str, float]:
    """Periods per content area of one official in a year (areas with none are left out)."""
    row = db.session.get(OfficialYearTotal, (year, official_id))
    return {} if row is None else {area: periods for area, periods in row.areas().items() if periods}


def statuses_for(official: Official, year: int, today: date, totals: dict[str, float] | None = None,
                 requirements: list[Requirement] | None = None) -> list[Status]:
    """The official's status against every active requirement that applies to them in `year`."""
    unit = official.unit
    requirements = active_requirements(year) if requirements is None else requirements
    totals = official_totals(official.id, year) if totals is None else totals
    return [evaluate(r, totals, year, today) for r in requirements if applies_to(r, official, unit)]


# --- many officials, in SQL ---------------------------------------------------------------------

def area_column(area: str) -> str:
    return f"a_{area}"


def year_pivot(year: int):
    """A subquery: per official, periods in `year` in total and per content area (one row each, or none)."""
    t = OfficialYearTotal
    return (select(t.official_id, t.total.label("total"),
                   *[getattr(t, area).label(area_column(area)) for area in CONTENT_AREAS])
            .where(t.year == year).subquery("pivot"))


def audience_condition(requirement: Requirement, official=Official, unit=Unit):
    """A SQL condition on an official and their current unit: is the official in the audience?"""
    conditions = []
    if requirement.unit_id is not None:
        if requirement.include_subunits:
            conditions.append(unit.path.startswith(requirement.unit.path) if requirement.unit else false())
        else:
            conditions.append(official.unit_id == requirement.unit_id)
    if requirement.unit_level:
        conditions.append(unit.level == UnitLevel(requirement.unit_level))
    if requirement.official_kind:
        conditions.append(official.kind == OfficialKind(requirement.official_kind))
    if requirement.position:
        conditions.append(official.position == requirement.position)
    return and_(*conditions) if conditions else true()


def _greatest(a, b):
    return case((a > b, a), else_=b)


def status_expressions(requirement: Requirement, pivot, year: int, today: date) -> dict:
    """SQL expressions over a pivot row: `met`, `on_track`, `behind` (booleans) and `missing` (periods)."""
    fraction = expected_fraction(year, today)
    total_short = literal(0.0)
    area_short = literal(0.0)
    met, on_track = [], []
    for area, required in minimums(requirement):
        column = pivot.c.total if area is None else pivot.c[area_column(area)]
        # Compared as double precision: exact enough for periods with two decimals, and much faster
        # than NUMERIC when a province's hundred thousand officials are tested at once.
        done = cast(func.coalesce(column, 0), Float)
        short = _greatest(literal(required) - done, literal(0.0))
        if area is None:
            total_short = short
        else:
            area_short = area_short + short
        met.append(done >= literal(required - 1e-9))
        on_track.append(done >= literal(required * fraction - 1e-9))
    met_expr = and_(*met) if met else true()
    track_expr = and_(*on_track) if (on_track and fraction < 1) else false()
    missing = _greatest(total_short, area_short)
    return {"met": met_expr, "on_track": and_(~met_expr, track_expr),
            "behind": and_(~met_expr, ~track_expr), "missing": missing, "track": track_expr}


STATE_CODES = {0: None, 1: State.met, 2: State.on_track, 3: State.behind}


def state_code(requirement: Requirement, pivot, year: int, today: date):
    """One SQL expression per official: 0 not concerned, 1 met, 2 on track, 3 behind (see STATE_CODES)."""
    status = status_expressions(requirement, pivot, year, today)
    return case((~audience_condition(requirement), 0), (status["met"], 1), (status["track"], 2), else_=3)


# --- managing requirements ------------------------------------------------------------------------

def _measures(data: RequirementInput | Requirement) -> set[str]:
    measures = {area for area, value in (data.area_minimums or {}).items() if value}
    if data.min_periods:
        measures.add("*")
    return measures


def _audiences_meet(a: RequirementInput | Requirement, a_unit: Unit | None, b: Requirement) -> bool:
    b_unit = b.unit
    if a_unit is not None and b_unit is not None and a_unit.id != b_unit.id:
        a_covers_b = a.include_subunits and b_unit.path.startswith(a_unit.path)
        b_covers_a = b.include_subunits and a_unit.path.startswith(b_unit.path)
        if not (a_covers_b or b_covers_a):
            return False
    if a.unit_level and b.unit_level and a.unit_level != b.unit_level:
        return False
    if a.official_kind and b.official_kind and a.official_kind != b.official_kind:
        return False
    if a.position and b.position and a.position != b.position:
        return False
    return True


def _years_meet(a, b) -> bool:
    a_end = a.year_to if a.year_to is not None else 10**6
    b_end = b.year_to if b.year_to is not None else 10**6
    return a.year_from <= b_end and b.year_from <= a_end


def find_overlap(data: RequirementInput | Requirement, unit: Unit | None, exclude_id: int | None = None):
    """The first active requirement that sets the same minimum for some of the same officials in a shared year."""
    mine = _measures(data)
    for other in db.session.scalars(select(Requirement).where(Requirement.active.is_(True)).order_by(Requirement.id)):
        if other.id == exclude_id:
            continue
        shared = mine & _measures(other)
        if shared and _years_meet(data, other) and _audiences_meet(data, unit, other):
            return other, shared
    return None


def _measure_label(measure: str) -> str:
    from lms.core.i18n import locale_code
    return str(_l("the total")) if measure == "*" else area_label(measure, locale_code())


def validate(data: RequirementInput, exclude_id: int | None = None) -> Unit | None:  # noqa: C901  (one check per field, each with its own message)
    """Check a requirement; returns its unit. Raises DomainError with a message the admin can act on."""
    if not nfc(data.name_vi):
        raise DomainError(_l("Give the requirement a name."))
    if not (2000 <= data.year_from <= 2100):
        raise DomainError(_l("The first year must be between 2000 and 2100."))
    if data.year_to is not None and data.year_to < data.year_from:
        raise DomainError(_l("The last year cannot be before the first year."))
    if data.unit_level and data.unit_level not in {level.value for level in UnitLevel}:
        raise DomainError(_l("Unknown unit level."))
    if data.official_kind and data.official_kind not in {kind.value for kind in OfficialKind}:
        raise DomainError(_l("Unknown kind of official."))
    for area in data.area_minimums:
        if area not in CONTENT_AREAS:
            raise DomainError(_l("Unknown content area: %(area)s."), area=area)
    values = [data.min_periods] + list(data.area_minimums.values())
    if any(v is not None and (v < 0 or v > MAX_REQUIRED_PERIODS) for v in values):
        raise DomainError(_l("A minimum must be between 0 and %(max)s periods."), max=MAX_REQUIRED_PERIODS)
    if not _measures(data):
        raise DomainError(_l("Set a minimum number of periods, in total or for at least one content area."))
    if data.min_periods and sum(v or 0 for v in data.area_minimums.values()) > data.min_periods:
        raise DomainError(_l("The minimums per content area add up to more than the minimum in total."))
    unit = None
    if data.unit_id:
        unit = db.session.get(Unit, data.unit_id)
        if unit is None:
            raise DomainError(_l("That unit does not exist."))
        if unit.successor_id is not None:
            successor = db.session.get(Unit, unit.successor_id)
            raise DomainError(_l("%(unit)s was merged into %(successor)s; set the requirement for %(successor)s."),
                              unit=unit.name_vi, successor=successor.name_vi if successor else "?")
    if data.active:
        overlap = find_overlap(data, unit, exclude_id)
        if overlap:
            other, shared = overlap
            raise DomainError(
                _l("This requirement overlaps “%(other)s”: both set a minimum for %(measure)s for some of the same "
                   "officials in the same years. Narrow who it applies to, its years or its content areas, or "
                   "switch the other one off."),
                other=other.name_vi, measure=", ".join(sorted(_measure_label(m) for m in shared)))
    return unit


def save_requirement(data: RequirementInput, requirement: Requirement | None = None, *,
                     actor_id: int | None = None) -> Requirement:
    """Create or change a requirement after `validate`; flushes."""
    validate(data, exclude_id=requirement.id if requirement else None)
    creating = requirement is None
    if creating:
        requirement = Requirement(created_by=actor_id)
        db.session.add(requirement)
    requirement.name_vi, requirement.name_en = nfc(data.name_vi), nfc(data.name_en)
    requirement.year_from, requirement.year_to = data.year_from, data.year_to
    requirement.unit_id, requirement.include_subunits = data.unit_id or None, data.include_subunits
    requirement.unit_level = data.unit_level or None
    requirement.official_kind = data.official_kind or None
    requirement.position = nfc(data.position)
    requirement.min_periods = data.min_periods or None
    requirement.area_minimums = {a: float(v) for a, v in data.area_minimums.items() if v}
    requirement.active, requirement.note = data.active, data.note or ""
    db.session.flush()
    audit.record("requirement.created" if creating else "requirement.changed", "requirement", requirement.id,
                 actor_id=actor_id, data={"active": requirement.active})
    return requirement


def as_input(requirement: Requirement) -> RequirementInput:
    return RequirementInput(
        name_vi=requirement.name_vi, name_en=requirement.name_en, year_from=requirement.year_from,
        year_to=requirement.year_to, unit_id=requirement.unit_id, include_subunits=requirement.include_subunits,
        unit_level=requirement.unit_level, official_kind=requirement.official_kind, position=requirement.position,
        min_periods=requirement.min_periods, area_minimums=dict(requirement.area_minimums or {}),
        active=requirement.active, note=requirement.note)


def set_active(requirement: Requirement, active: bool, *, actor_id: int | None = None) -> None:
    """Switch a requirement on (after the overlap check) or off."""
    data = as_input(requirement)
    data.active = active
    save_requirement(data, requirement, actor_id=actor_id)


def delete_requirement(requirement: Requirement, *, actor_id: int | None = None) -> None:
    """Statuses are computed, never stored: deleting a requirement loses no record."""
    audit.record("requirement.deleted", "requirement", requirement.id, actor_id=actor_id,
                 data={"name": requirement.name_vi})
    db.session.delete(requirement)
    db.session.flush()


def example_input(year_from: int) -> RequirementInput:
    """The former national rule (one week, 40 periods, a year), shipped switched off."""
    return RequirementInput(
        name_vi=EXAMPLE_NAME_VI, name_en="At least 40 periods a year (former 2017 rule, example)",
        year_from=year_from, min_periods=40, active=False,
        note="Quy định năm 2017 (ít nhất một tuần, 40 tiết, mỗi năm) đã được bãi bỏ năm 2021; tỉnh có thể áp "
             "dụng lại. / The 2017 rule (one week, 40 periods, a year) was removed in 2021; a province may set "
             "it again.")


def ensure_example(year_from: int, *, actor_id: int | None = None) -> Requirement:
    """Add the example requirement unless it is there (idempotent)."""
    existing = db.session.scalar(select(Requirement).where(Requirement.name_vi == EXAMPLE_NAME_VI))
    return existing or save_requirement(example_input(year_from), actor_id=actor_id)
