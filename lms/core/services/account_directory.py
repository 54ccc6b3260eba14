"""The accounts page's questions: whose accounts a person may see, the filtered list, and switching accounts
off and on in bulk (never deleting one: records, certificates and history stay with it).

Scope: an admin sees every account; a unit manager the accounts of the officials of their units and below;
a school administrator the accounts that hold a role at their school (its lecturers and administrators).
"""
from __future__ import annotations

import enum
from dataclasses import dataclass

from sqlalchemy import and_, delete, false, or_, select, true, update

from lms.core import audit
from lms.core.db import db
from lms.core.models import Grant, Official, Role, School, Unit, User
from lms.core.models.accounts import UNUSABLE_PASSWORD, UserSession
from lms.core.permissions import managed_unit_paths, school_ids
from lms.core.search import bounded, contains

BATCH = 5000


class AccountState(str, enum.Enum):
    active = "active"
    not_activated = "not_activated"  # no usable password yet: the person has not activated it
    deactivated = "deactivated"


def not_activated_condition():
    # Every unusable password starts with "!" (User.has_usable_password): the import's, and any other.
    return User.password_hash.startswith(UNUSABLE_PASSWORD[0])


STATE_CONDITIONS = {
    AccountState.active: lambda: and_(User.active.is_(True), ~not_activated_condition()),
    AccountState.not_activated: lambda: and_(User.active.is_(True), not_activated_condition()),
    AccountState.deactivated: lambda: User.active.is_(False),
}


def state_of(user: User) -> AccountState:
    return _state(user.active, user.password_hash)


def _state(active: bool, password_hash: str) -> AccountState:
    if not active:
        return AccountState.deactivated
    unusable = password_hash.startswith(UNUSABLE_PASSWORD[0])
    return AccountState.not_activated if unusable else AccountState.active


def account_visibility(viewer):
    """A SQL condition on User: the accounts `viewer` may see and switch off or on."""
    if viewer.is_admin:
        return true()
    conditions = []
    paths = managed_unit_paths(viewer)
    if paths:
        subtree = select(Official.id).join(Unit, Unit.id == Official.unit_id).where(
            or_(*[Unit.path.startswith(p) for p in paths]))
        conditions.append(User.official_id.in_(subtree))
    schools = school_ids(viewer, Role.school_admin)
    if schools:
        conditions.append(User.id.in_(select(Grant.user_id).where(Grant.school_id.in_(schools))))
    return or_(*conditions) if conditions else false()


@dataclass(frozen=True)
class AccountFilter:
    """What the page's form asks for; empty fields filter nothing."""

    q: str = ""
    unit: Unit | None = None
    role: Role | None = None
    state: AccountState | None = None

    def conditions(self) -> list:
        found = []
        if bounded(self.q):
            found.append(or_(contains(User.display_name, self.q, ignore_case=True),
                             contains(User.login_code, self.q, ignore_case=True),
                             contains(User.email, self.q, ignore_case=True)))
        if self.unit is not None:
            found.append(User.official_id.in_(select(Official.id).join(Unit, Unit.id == Official.unit_id)
                                              .where(Unit.path.startswith(self.unit.path))))
        if self.role is Role.official:
            found.append(User.official_id.is_not(None))
        elif self.role is not None:
            found.append(User.id.in_(select(Grant.user_id).where(Grant.role == self.role)))
        if self.state is not None:
            found.append(STATE_CONDITIONS[self.state]())
        return found


def accounts_statement(viewer, wanted: AccountFilter):
    """The accounts `viewer` may see that match `wanted`, by name."""
    return (select(User).where(account_visibility(viewer), *wanted.conditions())
            .order_by(User.display_name, User.id))


@dataclass
class Switched:
    changed: int = 0
    left: int = 0  # accounts of officials who have left: the HR import brings them back, not this page


def visible_accounts(viewer, user_ids: list[int]) -> list[User]:
    """The accounts among `user_ids` that `viewer` may see."""
    chosen = list(dict.fromkeys(user_ids))
    return [user for start in range(0, len(chosen), BATCH)
            for user in db.session.scalars(select(User).where(User.id.in_(chosen[start:start + BATCH]),
                                                              account_visibility(viewer)))]


def set_active(viewer, user_ids: list[int], active: bool) -> Switched:
    """Switch the accounts among `user_ids` that `viewer` may see off (their sessions end) or on again.
    An account switched on keeps its password, or still awaits activation. The viewer's own account is
    never touched, nor one whose official has left (they come back through the import)."""
    result = Switched()
    chosen = [i for i in dict.fromkeys(user_ids) if i != viewer.id]
    for start in range(0, len(chosen), BATCH):
        ids = select(User.id).where(User.id.in_(chosen[start:start + BATCH]), account_visibility(viewer),
                                    User.active.is_(not active))
        if active:
            left = ids.where(User.official_id.in_(select(Official.id).where(Official.active.is_(False))))
            result.left += len(db.session.scalars(left).all())
            ids = ids.where(User.id.not_in(left))
        batch = list(db.session.scalars(ids))
        if not batch:
            continue
        db.session.execute(update(User).where(User.id.in_(batch)).values(active=active),
                           execution_options={"synchronize_session": False})
        if not active:
            db.session.execute(delete(UserSession).where(UserSession.user_id.in_(batch)),
                               execution_options={"synchronize_session": False})
        audit.record_many([{"action": "account.reactivated" if active else "account.deactivated",
                            "target_type": "user", "target_id": str(i), "actor_id": viewer.id, "reason": "",
                            "data": {}} for i in batch])
        result.changed += len(batch)
    return result


def export_rows(viewer, wanted: AccountFilter) -> list[tuple]:
    """(name, employee code, e-mail, unit, grants [(role, school, unit)], state, last log-in) of each account
    on the filtered list, in two queries whatever its length."""
    chosen = accounts_statement(viewer, wanted).subquery()
    rows = db.session.execute(
        select(chosen.c.id, chosen.c.display_name, chosen.c.login_code, chosen.c.email, Unit.name_vi,
               chosen.c.active, chosen.c.password_hash, chosen.c.last_login_at)
        .outerjoin(Official, Official.id == chosen.c.official_id).outerjoin(Unit, Unit.id == Official.unit_id)
        .order_by(chosen.c.display_name, chosen.c.id)).all()
    grants: dict[int, list] = {}
    granted = (select(Grant.user_id, Grant.role, School.name_vi, Unit.name_vi)
               .outerjoin(School, School.id == Grant.school_id).outerjoin(Unit, Unit.id == Grant.unit_id)
               .where(Grant.user_id.in_(select(chosen.c.id))).order_by(Grant.id))
    for user_id, role, school, unit in db.session.execute(granted):
        grants.setdefault(user_id, []).append((role, school, unit))
    return [(name, code, email, unit, grants.get(user_id, []), _state(active, password), last_login)
            for user_id, name, code, email, unit, active, password, last_login in rows]
