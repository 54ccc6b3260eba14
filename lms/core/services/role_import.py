"""Lecturers and school administrators from a CSV or XLSX file: an account (employee code or e-mail), a role,
a school code on each line. A report per line, all or nothing (or the valid lines, on request), set-based.

Roles are only added: a line for a role the account already holds at that school changes nothing.
"""
from __future__ import annotations

from typing import BinaryIO

from flask_babel import lazy_gettext as _l
from sqlalchemy import insert, or_, select

from lms.core import audit
from lms.core.db import db, utcnow
from lms.core.models import Grant, Role, School, User
from lms.core.services.org_import import ImportReport, missing_columns
from lms.core.services.tabular import Problem, Row, read_rows
from lms.core.text import fold

ROLE_COLUMNS = {
    "account": ("tài khoản", "tai khoan", "mã cán bộ hoặc thư điện tử", "mã cán bộ", "ma can bo", "thư điện tử",
                "employee code or e-mail", "employee code", "e-mail", "email", "login"),
    "role": ("vai trò", "vai tro", "quyền", "role"),
    "school_code": ("mã trường", "ma truong", "mã cơ sở đào tạo", "school", "school code"),
}
ROLE_REQUIRED = ("account", "role", "school_code")
IMPORTED_ROLES = {
    "lecturer": Role.lecturer, "giang vien": Role.lecturer, "giao vien": Role.lecturer,
    "school_admin": Role.school_admin, "school admin": Role.school_admin, "school administrator": Role.school_admin,
    "quan tri truong": Role.school_admin, "quan tri co so dao tao": Role.school_admin,
}
BATCH = 5000


def import_roles(stream: BinaryIO, filename: str, *, valid_only: bool = False,
                 actor_id: int | None = None) -> ImportReport:
    """Grant the roles the file lists. Flushes; the caller commits (or not, when nothing applied)."""
    report = ImportReport()
    found, rows = read_rows(stream, filename, ROLE_COLUMNS)
    if missing_columns(found, ROLE_REQUIRED, report):
        return report
    rows = list(rows)
    accounts = _accounts({row.values.get("account", "").strip() for row in rows})
    schools = dict(db.session.execute(select(School.code, School.id)).all())
    wanted = {}
    for row in rows:
        report.total += 1
        grant, problems = _check(row, accounts, schools)
        if problems:
            report.problems.extend(problems)
            report.skipped += 1
        else:
            wanted.setdefault(grant, row.line)
    if report.problems and not valid_only:
        return report
    added = _add_grants(set(wanted))
    report.created, report.unchanged = len(added), report.total - report.skipped - len(added)
    report.applied = True
    audit.record("roles.imported", "file", filename, actor_id=actor_id, data=report.counts())
    db.session.flush()
    return report


def _accounts(identifiers: set[str]) -> dict[str, int]:
    """Account ids by identifier, as log-in finds them: an employee code exactly as given, or an e-mail in
    any case (stored lower-cased)."""
    by_code, by_email = {}, {}
    names = sorted(identifiers - {""})
    for start in range(0, len(names), BATCH):
        batch = names[start:start + BATCH]
        for user_id, code, email in db.session.execute(select(User.id, User.login_code, User.email).where(
                or_(User.login_code.in_(batch), User.email.in_({name.lower() for name in batch})))):
            by_code[code], by_email[email] = user_id, user_id
    found = {name: by_code.get(name) or by_email.get(name.lower()) for name in names}
    return {name: user_id for name, user_id in found.items() if user_id is not None}


def _check(row: Row, accounts: dict[str, int], schools: dict[str, int]) -> tuple[tuple | None, list[Problem]]:
    """The (account id, role, school id) a line asks for, or its problems."""
    if row.formula_fields:
        return None, [Problem(row.line, name, _l("Formulas are not accepted; type the value itself."))
                      for name in row.formula_fields]
    v, problems = row.values, []
    identifier = v.get("account", "").strip()
    if not identifier:
        problems.append(Problem(row.line, "account", _l("The employee code or e-mail is empty.")))
    elif identifier not in accounts:
        problems.append(Problem(row.line, "account", _l("No account logs in with %(account)s.") % {
            "account": identifier}))
    role = IMPORTED_ROLES.get(fold(v.get("role", "")).replace("-", " "))
    if role is None:
        problems.append(Problem(row.line, "role", _l("The role must be lecturer or school administrator.")))
    school_code = v.get("school_code", "").strip()
    if school_code not in schools:
        problems.append(Problem(row.line, "school_code", _l("There is no school with the code %(code)s.") % {
            "code": school_code}))
    if problems:
        return None, problems
    return (accounts[identifier], role, schools[school_code]), []


def _add_grants(wanted: set[tuple[int, Role, int]]) -> list[dict]:
    """Insert the grants not yet held; returns the rows inserted."""
    held = set()
    user_ids = sorted({user_id for user_id, _, _ in wanted})
    for start in range(0, len(user_ids), BATCH):
        held.update(db.session.execute(select(Grant.user_id, Grant.role, Grant.school_id).where(
            Grant.role.in_(tuple(set(IMPORTED_ROLES.values()))),
            Grant.user_id.in_(user_ids[start:start + BATCH]))).all())
    now = utcnow()
    rows = [{"user_id": user_id, "role": role, "school_id": school_id, "created_at": now}
            for user_id, role, school_id in sorted(wanted - held, key=lambda g: (g[0], g[1].value, g[2]))]
    for start in range(0, len(rows), BATCH):
        db.session.execute(insert(Grant), rows[start:start + BATCH])
    return rows
