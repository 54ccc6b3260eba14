"""The unit manager's dashboard: a unit and its sub-units in a year, set-based over the unit subtree.

One grouped query per page, whatever the number of officials: per official the year's periods come
from the kept totals (one row per official and area), pivoted to one row per official, tested against
every requirement in SQL, and summed per unit; Python then rolls units up into the selected unit's
direct children (units are few, officials are many).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Float, Integer, case, cast, func, select
from sqlalchemy.sql import Select

from lms.core.db import db
from lms.core.models import Official, Unit
from lms.core.vocab import CONTENT_AREAS
from lms.records import requirements as rq
from lms.records.models import Requirement


@dataclass
class RequirementFigures:
    applicable: int = 0
    met: int = 0
    on_track: int = 0
    behind: int = 0

    @property
    def share_met(self) -> float | None:
        return None if not self.applicable else 100.0 * self.met / self.applicable

    def add(self, other: RequirementFigures) -> None:
        self.applicable += other.applicable
        self.met += other.met
        self.on_track += other.on_track
        self.behind += other.behind


@dataclass
class UnitFigures:
    unit: Unit | None
    officials: int = 0
    areas: dict[str, float] = field(default_factory=lambda: {a: 0.0 for a in CONTENT_AREAS})
    requirements: dict[int, RequirementFigures] = field(default_factory=dict)

    @property
    def total(self) -> float:
        return round(sum(self.areas.values()), 2)

    def add(self, other: UnitFigures) -> None:
        self.officials += other.officials
        for area, periods in other.areas.items():
            self.areas[area] = round(self.areas.get(area, 0.0) + periods, 2)
        for req_id, figures in other.requirements.items():
            self.requirements.setdefault(req_id, RequirementFigures()).add(figures)


@dataclass
class Dashboard:
    unit: Unit
    year: int
    requirements: list[Requirement]
    whole: UnitFigures  # the unit and everything below it
    own: UnitFigures  # officials directly in the unit
    children: list[UnitFigures]  # each direct sub-unit with everything below it


def _count_if(condition):
    return func.sum(case((condition, 1), else_=0)).cast(Integer)


def unit_dashboard(unit: Unit, year: int, today: date) -> Dashboard:
    requirements = rq.active_requirements(year)
    pivot = rq.year_pivot(year)
    # Per official (inner): the year's periods and one state code per requirement; per unit (outer): sums.
    per_official = (select(Official.unit_id.label("unit_id"),
                           *[cast(func.coalesce(pivot.c[rq.area_column(a)], 0), Float).label(rq.area_column(a))
                             for a in CONTENT_AREAS],
                           *[rq.state_code(r, pivot, year, today).label(f"r{r.id}") for r in requirements])
                    .join(Unit, Official.unit_id == Unit.id).outerjoin(pivot, pivot.c.official_id == Official.id)
                    .where(Unit.path.startswith(unit.path)).subquery("per_official"))
    columns = [per_official.c.unit_id, func.count().label("officials")]
    columns += [func.sum(per_official.c[rq.area_column(a)]).label(rq.area_column(a)) for a in CONTENT_AREAS]
    for req in requirements:
        code = per_official.c[f"r{req.id}"]
        columns += [_count_if(code > 0).label(f"r{req.id}_n"), _count_if(code == 1).label(f"r{req.id}_met"),
                    _count_if(code == 2).label(f"r{req.id}_track"), _count_if(code == 3).label(f"r{req.id}_behind")]
    statement = select(*columns).group_by(per_official.c.unit_id)
    per_unit = {row.unit_id: row for row in db.session.execute(statement)}

    units = {u.id: u for u in db.session.scalars(select(Unit).where(Unit.path.startswith(unit.path)))}
    whole, own = UnitFigures(unit), UnitFigures(unit)
    children = {u.id: UnitFigures(u) for u in sorted(units.values(), key=lambda u: u.name_folded)
                if u.parent_id == unit.id}
    for unit_id, row in per_unit.items():
        figures = UnitFigures(units.get(unit_id), officials=row.officials,
                              areas={a: round(float(row._mapping[rq.area_column(a)] or 0), 2) for a in CONTENT_AREAS},
                              requirements={r.id: RequirementFigures(
                                  row._mapping[f"r{r.id}_n"] or 0, row._mapping[f"r{r.id}_met"] or 0,
                                  row._mapping[f"r{r.id}_track"] or 0, row._mapping[f"r{r.id}_behind"] or 0)
                                  for r in requirements})
        whole.add(figures)
        if unit_id == unit.id:
            own.add(figures)
        else:
            child_id = _child_of(unit, units.get(unit_id))
            if child_id in children:
                children[child_id].add(figures)
    # Units that have closed (merged) and hold nobody any more are left out of the list.
    shown = [c for c in children.values() if c.officials or c.unit.valid_to is None]
    return Dashboard(unit, year,
                     [r for r in requirements if whole.requirements.get(r.id, RequirementFigures()).applicable],
                     whole, own, shown)


def _child_of(top: Unit, unit: Unit | None) -> int | None:
    """The id of the direct child of `top` on the way down to `unit`."""
    if unit is None or not unit.path.startswith(top.path) or unit.id == top.id:
        return None
    rest = unit.path[len(top.path):].strip("/").split("/")
    return int(rest[0]) if rest and rest[0] else None


# --- lists of officials -----------------------------------------------------------------------------

@dataclass
class RowPage:
    rows: list
    page: int
    total: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def paginate_rows(statement: Select, page: int, per_page: int = 50) -> RowPage:
    """One page of a multi-column select, and the number of rows in all (two queries).

    Two queries on purpose: a window count would make PostgreSQL sort every row of a province before
    taking a page, where a plain LIMIT keeps only the top of the list.
    """
    page = max(page, 1)
    total = db.session.scalar(select(func.count()).select_from(statement.order_by(None).subquery())) or 0
    rows = db.session.execute(statement.limit(per_page).offset((page - 1) * per_page)).all() if total else []
    return RowPage(rows, page, total, per_page)


@dataclass
class OfficialRow:
    official: Official
    unit: Unit
    total: float
    states: dict[int, rq.State]  # requirement id -> state (only requirements that apply)
    missing: float | None = None


def _states_columns(requirements, pivot, year, today) -> list:
    return [rq.state_code(req, pivot, year, today).label(f"r{req.id}") for req in requirements]


def officials_in_unit(unit: Unit, year: int, today: date, requirements: list[Requirement]) -> Select:
    """Officials directly in `unit` with their year's total and state per requirement (a select to paginate)."""
    pivot = rq.year_pivot(year)
    # The unit's officials first (materialized), then sorted by name: otherwise PostgreSQL walks the whole
    # name index of the province looking for them.
    mine = select(Official.id.label("id")).where(Official.unit_id == unit.id).cte("unit_officials") \
        .prefix_with("MATERIALIZED")
    return (select(Official, Unit, func.coalesce(pivot.c.total, 0).label("total"),
                   *_states_columns(requirements, pivot, year, today))
            .join(mine, mine.c.id == Official.id)
            .join(Unit, Official.unit_id == Unit.id).outerjoin(pivot, pivot.c.official_id == Official.id)
            .order_by(Official.name_folded, Official.id))


def behind_query(unit: Unit, year: int, requirement: Requirement, today: date, *,
                 include_on_track: bool = False) -> Select:
    """Officials of the subtree to whom `requirement` applies and who are behind, most periods missing first."""
    pivot = rq.year_pivot(year)
    status = rq.status_expressions(requirement, pivot, year, today)
    wanted = ~status["met"] if include_on_track else status["behind"]
    missing = status["missing"].label("missing")
    return (select(Official, Unit, func.coalesce(pivot.c.total, 0).label("total"), missing,
                   case((status["on_track"], "on_track"), else_="behind").label("state"))
            .join(Unit, Official.unit_id == Unit.id).outerjoin(pivot, pivot.c.official_id == Official.id)
            .where(Unit.path.startswith(unit.path), rq.audience_condition(requirement), wanted)
            .order_by(missing.desc(), Official.name_folded, Official.id))


def rows_of(result, requirements: list[Requirement] | None = None) -> list[OfficialRow]:
    rows = []
    for row in result:
        states = {}
        for req in requirements or []:
            state = rq.STATE_CODES.get(row._mapping.get(f"r{req.id}"))
            if state is not None:
                states[req.id] = state
        if "state" in row._mapping:
            states[0] = rq.State(row._mapping["state"])
        rows.append(OfficialRow(row[0], row[1], float(row._mapping["total"] or 0), states,
                                float(row._mapping["missing"]) if "missing" in row._mapping else None))
    return rows
