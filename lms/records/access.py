"""Who may see which units' records, asked once per request (a page asks it for many units)."""
from __future__ import annotations

from flask import g, has_request_context
from sqlalchemy import select

from lms.core.db import db
from lms.core.models import Role, Unit, UnitLevel


def _managed(user) -> list[tuple[int, str, UnitLevel]]:
    """(id, path, level) of the units the user manages; cached for the request."""
    key = f"_records_managed_{getattr(user, 'id', None)}"
    if has_request_context() and key in g:
        return g.get(key)
    ids = [grant.unit_id for grant in user.grants if grant.role is Role.unit_manager and grant.unit_id is not None]
    rows = ([tuple(r) for r in db.session.execute(select(Unit.id, Unit.path, Unit.level).where(Unit.id.in_(ids)))]
            if ids else [])
    if has_request_context():
        setattr(g, key, rows)
    return rows


def managed_paths(user) -> list[str]:
    if not user or not user.is_authenticated:
        return []
    return [path for _, path, _ in _managed(user)]


def may_manage(user, unit: Unit) -> bool:
    """Admin, or manager of `unit` or of a unit above it."""
    if not user or not user.is_authenticated:
        return False
    return user.is_admin or any(unit.path.startswith(p) for p in managed_paths(user))


def may_report(user) -> bool:
    """Plans and reports: admins, and managers of a unit at province (or central) level."""
    if not user or not user.is_authenticated:
        return False
    if user.is_admin:
        return True
    return any(level in (UnitLevel.province, UnitLevel.central) for _, _, level in _managed(user))


def top_managed_units(user) -> list[Unit]:
    """The units a manager's dashboard starts from (none inside another); admins: the top units."""
    if user.is_admin:
        return list(db.session.scalars(select(Unit).where(Unit.parent_id.is_(None), Unit.valid_to.is_(None))
                                        .order_by(Unit.name_folded)))
    managed = _managed(user)
    paths = [p for _, p, _ in managed]
    tops = [unit_id for unit_id, path, _ in managed if not any(p != path and path.startswith(p) for p in paths)]
    if not tops:
        return []
    return list(db.session.scalars(select(Unit).where(Unit.id.in_(tops)).order_by(Unit.name_folded)))
