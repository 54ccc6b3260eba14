"""Units, officials and schools: the tree, merges, and search that ignores diacritics."""
from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select, update

from lms.core import audit, events
from lms.core.db import db
from lms.core.errors import DomainError
from lms.core.models import Official, Unit
from lms.core.search import contains
from lms.core.text import fold


def set_parent(unit: Unit, parent: Unit | None) -> None:
    """Move a unit under `parent` (or to the top), keeping every descendant's path right."""
    if unit.id is None:
        db.session.flush()
    if parent is not None:
        if parent.id is None:
            db.session.flush()
        if parent.id == unit.id or (unit.path != "/" and parent.path.startswith(unit.path)):
            raise DomainError(_l("A unit cannot be placed under itself or one of its own sub-units."))
    old_path = unit.path if unit.path and unit.path != "/" else None
    new_path = (parent.path if parent else "/") + f"{unit.id}/"
    unit.parent_id = parent.id if parent else None
    unit.path = new_path
    if old_path and old_path != new_path:
        db.session.flush()
        db.session.execute(
            update(Unit).where(Unit.path.startswith(old_path), Unit.id != unit.id)
            .values(path=func.replace(Unit.path, old_path, new_path)).execution_options(synchronize_session=False))
        db.session.expire_all()


def subtree_ids(unit: Unit):
    """A select of the ids of `unit` and all units below it."""
    return select(Unit.id).where(Unit.path.startswith(unit.path))


def merge_units(old_units: list[Unit], successor: Unit, effective_on: date, *, reason: str = "") -> None:
    """Merge units into a successor: they close the day before, their officials move, history keeps names."""
    for old in old_units:
        if old.id == successor.id:
            raise DomainError(_l("A unit cannot be merged into itself."))
        old.successor_id = successor.id
        old.valid_to = date.fromordinal(effective_on.toordinal() - 1)
        db.session.execute(update(Official).where(Official.unit_id == old.id).values(unit_id=successor.id))
        audit.record("unit.merged", "unit", old.id, reason=reason,
                     data={"successor_id": successor.id, "effective_on": effective_on.isoformat()})
    db.session.flush()
    events.send(events.units_merged, events.UnitsMerged(
        old_unit_ids=tuple(u.id for u in old_units), successor_id=successor.id, effective_on=effective_on))


def current_successor(unit: Unit) -> Unit:
    """Follow successor links to the unit that exists today (cycles are cut)."""
    seen = {unit.id}
    while unit.successor_id is not None and unit.successor_id not in seen:
        seen.add(unit.successor_id)
        unit = db.session.get(Unit, unit.successor_id)
    return unit


def search_officials_condition(query: str):
    """A SQL condition matching officials by name without diacritics or case, or by employee code/e-mail."""
    term = fold(query)
    if not term:
        return None
    return or_(contains(Official.name_folded, term), contains(func.lower(Official.employee_code), term),
               contains(func.lower(Official.email), term))


def search_units_condition(query: str):
    term = fold(query)
    if not term:
        return None
    return or_(contains(Unit.name_folded, term), contains(func.lower(Unit.code), term),
               contains(func.lower(Unit.name_en), term))
