"""Officials' accounts: kept in step with the HR import, set-based, and asked for by unit.

An official's account logs in by the employee code, or by the e-mail when there is one. The import creates
accounts without a usable password (activation gives one), renames them, and switches them off and on with
the official; it never deletes one. Plugins ask `active_accounts` who can be enrolled or reminded.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, insert, or_, select, update

from lms.core.db import db, utcnow
from lms.core.errors import DomainError
from lms.core.models import Official, User
from lms.core.models.accounts import UNUSABLE_PASSWORD, UserSession

BATCH = 5000


@dataclass(frozen=True)
class Account:
    """An official's account as it is in the database."""

    id: int
    login_code: str | None
    email: str | None
    display_name: str
    active: bool


def accounts_by_official() -> dict[int, Account]:
    rows = db.session.execute(select(User.official_id, User.id, User.login_code, User.email, User.display_name,
                                     User.active).where(User.official_id.is_not(None)))
    return {official_id: Account(*rest) for official_id, *rest in rows}


@dataclass
class AccountChanges:
    created: int = 0
    updated: int = 0


def sync_accounts(wanted: dict[int, dict], accounts: dict[int, Account]) -> AccountChanges:
    """Create or update the account of each official in `wanted` ({official id: login_code, email,
    display_name, active}). Switching an account off ends its sessions. Flushes nothing through the ORM."""
    changes = AccountChanges()
    inserts, updates = [], []
    now = utcnow()
    for official_id, values in wanted.items():
        account = accounts.get(official_id)
        if account is None:
            inserts.append(values | {"official_id": official_id, "password_hash": UNUSABLE_PASSWORD,
                                     "locale": "vi", "must_change_password": False, "created_at": now})
        elif any(getattr(account, key) != value for key, value in values.items()):
            updates.append(values | {"id": account.id, "_old_email": account.email})
    _end_sessions([u["id"] for u in updates if not u["active"]])
    # An e-mail may move from one account to another in the same file: free every changing one first,
    # since the unique index is checked row by row.
    freed = [{"id": u["id"], "email": None} for u in updates if u["_old_email"] and u["_old_email"] != u["email"]]
    _in_batches(update(User), freed)
    _in_batches(update(User), [{k: v for k, v in u.items() if k != "_old_email"} for u in updates])
    _in_batches(insert(User), inserts)
    changes.created, changes.updated = len(inserts), len(updates)
    return changes


def keep_account_of(official: Official) -> None:
    """An official added or edited by hand gets or keeps their account as the import's do: created without a
    usable password (activation gives one), renamed with them. A code or e-mail that another account logs
    in with is refused, so the two never collide. Flushes."""
    account = db.session.scalar(select(User).where(User.official_id == official.id))
    code, email = official.employee_code, (official.email.lower() if official.email else None)
    identifiers = {code, code.lower()} | ({email} if email else set())
    clash = select(User.id).where(or_(User.login_code.in_(identifiers), User.email.in_(identifiers)))
    if account is not None:
        clash = clash.where(User.id != account.id)
    if db.session.scalar(clash.limit(1)) is not None:
        raise DomainError(_l("Another account already logs in with this employee code or e-mail."))
    if account is None:
        account = User(official_id=official.id, password_hash=UNUSABLE_PASSWORD, locale="vi",
                       must_change_password=False, active=official.active)
        db.session.add(account)
    account.login_code, account.email, account.display_name = code, email, official.full_name
    db.session.flush()


def switch_off(official_ids: list[int]) -> None:
    """Officials who left: they and their accounts become inactive, and their sessions end."""
    now = utcnow()
    for start in range(0, len(official_ids), BATCH):
        batch = official_ids[start:start + BATCH]
        db.session.execute(update(Official).where(Official.id.in_(batch)).values(active=False, updated_at=now),
                           execution_options={"synchronize_session": False})
        db.session.execute(update(User).where(User.official_id.in_(batch), User.active.is_(True))
                           .values(active=False), execution_options={"synchronize_session": False})
        _end_sessions(select(User.id).where(User.official_id.in_(batch)))


def _end_sessions(user_ids) -> None:
    """Switched-off accounts' sessions end at once (the session loader would refuse them anyway)."""
    db.session.execute(delete(UserSession).where(UserSession.user_id.in_(user_ids)),
                       execution_options={"synchronize_session": False})


def _in_batches(statement, rows: list[dict]) -> None:
    for start in range(0, len(rows), BATCH):
        db.session.execute(statement, rows[start:start + BATCH])


def active_accounts(condition) -> tuple[list[tuple[int, str]], list[str]]:
    """(account id, employee code) of the officials matching `condition` who are active and have an active
    account, by code; and the codes of the others (no account yet, or switched off)."""
    rows = db.session.execute(
        select(Official.employee_code, User.id, Official.active, User.active)
        .outerjoin(User, User.official_id == Official.id).where(condition).order_by(Official.employee_code)).all()
    usable = [(user_id, code) for code, user_id, official_active, user_active in rows
              if user_id is not None and official_active and user_active]
    chosen = {code for _, code in usable}
    return usable, [code for code, *_ in rows if code not in chosen]
