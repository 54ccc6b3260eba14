"""Who may see and do what: one call per question, scoped by grants.

- admin: everything;
- unit_manager of unit U: officials of U and every unit below it;
- school_admin of school S: that school's classes, certificates and reports;
- lecturer of school S: that school's courses (and those they are assigned to, decided by courses);
- official: their own record.
"""
from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user, login_required
from sqlalchemy import false, or_, select, true

from lms.core.db import db
from lms.core.models import Grant, Official, Role, Unit


def roles_required(*roles: Role | str):
    """A view decorator: logged in, and holding at least one of `roles` (admin always passes)."""
    wanted = {Role(r) for r in roles}

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.is_admin or any(current_user.has_role(r) for r in wanted):
                return view(*args, **kwargs)
            abort(403)
        return wrapped
    return decorator


def managed_unit_paths(user) -> list[str]:
    unit_ids = [g.unit_id for g in user.grants if g.role is Role.unit_manager and g.unit_id is not None]
    if not unit_ids:
        return []
    return list(db.session.scalars(select(Unit.path).where(Unit.id.in_(unit_ids))))


def school_ids(user, role: Role | str = Role.school_admin) -> set[int]:
    role = Role(role)
    return {g.school_id for g in user.grants if g.role is role and g.school_id is not None}


def official_visibility(user):
    """A SQL condition on Official: the officials this user may see."""
    if user.is_admin:
        return true()
    conditions = []
    if user.official_id:
        conditions.append(Official.id == user.official_id)
    paths = managed_unit_paths(user)
    if paths:
        subtree = select(Unit.id).where(or_(*[Unit.path.startswith(p) for p in paths]))
        conditions.append(Official.unit_id.in_(subtree))
    return or_(*conditions) if conditions else false()


def unit_visibility(user):
    """A SQL condition on Unit: the units whose data this user may see."""
    if user.is_admin:
        return true()
    paths = managed_unit_paths(user)
    return or_(*[Unit.path.startswith(p) for p in paths]) if paths else false()


def may_see_official(user, official: Official | int) -> bool:
    """May `user` see this official's data (profile, record, certificates)?"""
    if not user or not user.is_authenticated:
        return False
    official_id = official if isinstance(official, int) else official.id
    if user.is_admin or user.official_id == official_id:
        return True
    paths = managed_unit_paths(user)
    if not paths:
        return False
    unit_path = db.session.scalar(select(Unit.path).join(Official, Official.unit_id == Unit.id)
                                  .where(Official.id == official_id))
    return unit_path is not None and any(unit_path.startswith(p) for p in paths)


def may_manage_unit(user, unit: Unit) -> bool:
    if not user or not user.is_authenticated:
        return False
    return user.is_admin or any(unit.path.startswith(p) for p in managed_unit_paths(user))


def may_run_school(user, school_id: int | None) -> bool:
    """School admin of this school (or admin)."""
    if not user or not user.is_authenticated:
        return False
    return user.is_admin or (school_id is not None and school_id in school_ids(user, Role.school_admin))


def grant(user, role: Role | str, *, school_id: int | None = None, unit_id: int | None = None) -> Grant:
    role = Role(role)
    for existing in user.grants:
        if existing.role is role and existing.school_id == school_id and existing.unit_id == unit_id:
            return existing
    new = Grant(role=role, school_id=school_id, unit_id=unit_id)
    user.grants.append(new)
    return new
