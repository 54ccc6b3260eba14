"""Bulk import of officials with their accounts: upsert by employee code, a report per row, all or nothing.

A file with any problem changes nothing, unless the caller asks to import the valid rows. Built for size:
100,000 officials and their accounts in one pass, with set-based inserts and updates (no ORM flush per row).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import BinaryIO

from flask_babel import lazy_gettext as _l
from sqlalchemy import insert, select, update

from lms.core import audit
from lms.core.db import db, utcnow
from lms.core.models import Official, OfficialKind, Unit, User
from lms.core.services import activation, login_identities, official_accounts, unit_managers
from lms.core.services.login_identities import Claim
from lms.core.services.org_import import BATCH, ImportReport, missing_columns, parse_date, too_long
from lms.core.services.tabular import Problem, read_rows
from lms.core.text import fold, nfc

OFFICIAL_COLUMNS = {
    "employee_code": ("mã cán bộ", "ma can bo", "mã nhân sự", "code", "employee code"),
    "full_name": ("họ và tên", "ho va ten", "họ tên", "name", "full name"),
    "date_of_birth": ("ngày sinh", "ngay sinh", "date of birth", "dob"),
    "unit_code": ("mã đơn vị", "ma don vi", "unit", "unit code"),
    "kind": ("loại", "loai", "đối tượng", "kind"),
    "position": ("chức vụ", "chuc vu", "position"),
    "rank": ("ngạch", "ngach", "chức danh", "rank"),
    "email": ("thư điện tử", "e-mail", "email"),
    "gender": ("giới tính", "gioi tinh", "gender"),
    "political_theory_level": ("trình độ lý luận chính trị", "lý luận chính trị", "political theory"),
    "left_on": ("ngày thôi việc", "ngay thoi viec", "ngày nghỉ việc", "leaving date", "left on"),
    "manages_unit": ("quản lý đơn vị", "quan ly don vi", "manages unit"),
}
# What an import may change on an official; the same values twice change nothing.
COMPARED = ("full_name", "date_of_birth", "unit_id", "kind", "position", "rank", "email", "gender",
            "political_theory_level", "left_on", "active")
OFFICIAL_REQUIRED = ("employee_code", "full_name", "unit_code", "kind")

KIND_ALIASES = {
    "cadre": OfficialKind.cadre, "cán bộ": OfficialKind.cadre, "can bo": OfficialKind.cadre,
    "civil_servant": OfficialKind.civil_servant, "civil servant": OfficialKind.civil_servant,
    "công chức": OfficialKind.civil_servant, "cong chuc": OfficialKind.civil_servant,
    "public_employee": OfficialKind.public_employee, "public employee": OfficialKind.public_employee,
    "viên chức": OfficialKind.public_employee, "vien chuc": OfficialKind.public_employee,
}
PT_LEVELS = {"": "", "sơ cấp": "elementary", "elementary": "elementary", "trung cấp": "intermediate",
             "intermediate": "intermediate", "cao cấp": "advanced", "advanced": "advanced"}

@dataclass
class OfficialsReport(ImportReport):
    """The officials' counts, and what happened to their accounts and to who has left."""

    accounts_created: int = 0
    accounts_updated: int = 0
    deactivated: int = 0
    reactivated: int = 0
    activation_mails: int = 0
    managers_granted: int = 0

    def counts(self) -> dict:
        return super().counts() | {"accounts_created": self.accounts_created,
                                   "accounts_updated": self.accounts_updated,
                                   "deactivated": self.deactivated, "reactivated": self.reactivated,
                                   "activation_mails": self.activation_mails}

    def as_dict(self) -> dict:
        return super().as_dict() | {"managers_granted": self.managers_granted}


def import_officials(stream: BinaryIO, filename: str, *, valid_only: bool = False, full: bool = False,
                     mail_activation: bool = False, actor_id: int | None = None) -> OfficialsReport:
    """Upsert officials by employee code, with their accounts. Flushes; the caller commits (or not, when
    nothing applied). `full`: the file lists everyone of its units, so their officials it does not name
    have left (made inactive, never deleted). `mail_activation`: the file's officials awaiting activation
    who have an e-mail address get an activation link (lms/core/services/activation.py)."""
    report = OfficialsReport()
    found, rows = read_rows(stream, filename, OFFICIAL_COLUMNS)
    if missing_columns(found, OFFICIAL_REQUIRED, report):
        return report

    units = dict(db.session.execute(select(Unit.code, Unit.id)).all())
    existing = {row.employee_code: row for row in db.session.execute(select(
        Official.id, Official.employee_code, *(getattr(Official, k) for k in COMPARED)))}
    accounts = official_accounts.accounts_by_official()
    named, records, managed = _read_officials(rows, units, report)
    records = _without_collisions(records, existing, accounts, report, valid_only)
    if report.problems and not valid_only:
        return report
    _apply_officials(records, existing, report)
    _apply_accounts(records, existing, accounts, report)
    _grant_managers(records, managed, report)
    if full:
        _switch_off_missing(named, {r["unit_id"] for r in records.values()}, existing, report)
    if mail_activation:
        report.activation_mails = activation.mail_imported([r["employee_code"] for r in records.values()],
                                                           issued_by=actor_id)
    report.applied = True
    audit.record("officials.imported", "file", filename, actor_id=actor_id, data=report.counts())
    db.session.flush()
    return report


def _read_officials(rows, units: dict, report: OfficialsReport) -> tuple[set[str], dict[int, dict], dict[int, int]]:
    """The codes the file names (valid or not), the valid rows as records, and the unit each valid row's
    official is to manage, by line."""
    named, seen, records, managed = set(), {}, {}, {}
    for row in rows:
        report.total += 1
        named.add(row.values.get("employee_code", "").strip())
        problems = _check_official(row, units, seen)
        unit_id, manage_problems = unit_managers.managed_unit(row.values.get("manages_unit", ""),
                                                              row.values.get("unit_code", ""), units, row.line)
        if problems or manage_problems:
            report.problems.extend(problems + manage_problems)
            report.skipped += 1
        else:
            records[row.line] = _record(row.values, units)
            if unit_id is not None:
                managed[row.line] = unit_id
    return named, records, managed


def _record(v: dict, units: dict) -> dict:
    left_on = parse_date(v.get("left_on", ""))
    return {
        "employee_code": v["employee_code"].strip(), "full_name": nfc(v["full_name"]),
        "date_of_birth": parse_date(v.get("date_of_birth", "")), "unit_id": units[v["unit_code"].strip()],
        "kind": KIND_ALIASES[v["kind"].strip().lower()], "position": nfc(v.get("position", "")),
        "rank": nfc(v.get("rank", "")), "email": (v.get("email") or "").strip() or None,
        "gender": (v.get("gender") or "").strip()[:10],
        "political_theory_level": PT_LEVELS[(v.get("political_theory_level") or "").strip().lower()],
        "left_on": left_on, "active": left_on is None,
    }


def _login_email(record: dict, existing: dict, accounts: dict) -> str | None:
    """The account's e-mail: the file's, or the one the account has when the file gives none."""
    if record["email"]:
        return record["email"].lower()
    old = existing.get(record["employee_code"])
    account = accounts.get(old.id) if old else None
    return account.email if account else None


def _without_collisions(records: dict[int, dict], existing: dict, accounts: dict, report: OfficialsReport,
                        valid_only: bool) -> dict[int, dict]:
    """Drop the lines whose code or e-mail is another person's. A dropped line leaves that official's
    identifiers as they are in the database, which may take one from a line kept: so check again."""
    while records:
        claims = [Claim(line, r["employee_code"], _login_email(r, existing, accounts)) for line, r in records.items()]
        held = login_identities.held_in_database(existing, accounts, {c.code for c in claims})
        found = login_identities.collisions(claims, held)
        if not found:
            break
        for line, problems in found.items():
            report.problems.extend(problems)
            report.skipped += 1
            del records[line]
        if not valid_only:
            break
    report.problems.sort(key=lambda p: p.line)
    return records


def _apply_officials(records: dict[int, dict], existing: dict, report: OfficialsReport) -> None:
    inserts, updates = [], []
    now = utcnow()
    for record in records.values():
        old = existing.get(record["employee_code"])
        if old is None:
            inserts.append(record | {"name_folded": fold(record["full_name"]), "created_at": now, "updated_at": now})
        elif any(getattr(old, k) != record[k] for k in COMPARED):
            updates.append(record | {"id": old.id, "name_folded": fold(record["full_name"]), "updated_at": now})
            report.deactivated += old.active and not record["active"]
            report.reactivated += record["active"] and not old.active
        else:
            report.unchanged += 1
    for start in range(0, len(inserts), BATCH):
        db.session.execute(insert(Official), inserts[start:start + BATCH])
    for start in range(0, len(updates), BATCH):
        db.session.execute(update(Official), [{k: v for k, v in r.items() if k != "employee_code"}
                                              for r in updates[start:start + BATCH]])
    report.created, report.updated = len(inserts), len(updates)


def _apply_accounts(records: dict[int, dict], existing: dict, accounts: dict, report: OfficialsReport) -> None:
    # Officials just inserted are the ones with ids above every id read before: fetch only those.
    ids = {code: old.id for code, old in existing.items()}
    newest = max(ids.values(), default=0)
    ids.update(db.session.execute(select(Official.employee_code, Official.id).where(Official.id > newest)).all())
    wanted = {ids[r["employee_code"]]: {"login_code": r["employee_code"],
                                        "email": _login_email(r, existing, accounts),
                                        "display_name": r["full_name"],
                                        "active": _account_active(r, existing, accounts)}
              for r in records.values()}
    changes = official_accounts.sync_accounts(wanted, accounts)
    report.accounts_created, report.accounts_updated = changes.created, changes.updated


def _account_active(record: dict, existing: dict, accounts: dict) -> bool:
    """An account follows its official when they leave or come back; otherwise it stays as it is, so that an
    account an administrator switched off on the accounts page is not switched on by the next import."""
    old = existing.get(record["employee_code"])
    account = accounts.get(old.id) if old else None
    if account is None or old.active != record["active"]:
        return record["active"]
    return account.active


def _grant_managers(records: dict[int, dict], managed: dict[int, int], report: OfficialsReport) -> None:
    """The "manages unit" column: the active officials it names become managers (never taken away here)."""
    wanted = {records[line]["employee_code"]: unit_id for line, unit_id in managed.items()
              if line in records and records[line]["active"]}
    accounts = {}
    codes = sorted(wanted)
    for start in range(0, len(codes), BATCH):
        accounts.update(db.session.execute(select(Official.employee_code, User.id).join(
            User, User.official_id == Official.id).where(Official.employee_code.in_(codes[start:start + BATCH]))).all())
    report.managers_granted = unit_managers.grant_unit_managers(
        (accounts[code], unit_id) for code, unit_id in wanted.items())


def _switch_off_missing(named: set[str], unit_ids: set[int], existing: dict, report: OfficialsReport) -> None:
    """A full import: the active officials of the file's units that it does not name have left."""
    gone = [old.id for code, old in existing.items()
            if old.active and old.unit_id in unit_ids and code not in named]
    official_accounts.switch_off(gone)
    report.deactivated += len(gone)


def _check_official(row, units: dict, seen: dict) -> list[Problem]:  # noqa: C901  (one check per column of the row, in column order)
    v, line, problems = row.values, row.line, []
    for name in row.formula_fields:
        problems.append(Problem(line, name, _l("Formulas are not accepted; type the value itself.")))
    if problems:
        return problems
    code = v.get("employee_code", "").strip()
    if not code:
        problems.append(Problem(line, "employee_code", _l("The employee code is empty.")))
    elif len(code) > 40:
        problems.append(Problem(line, "employee_code", _l("The employee code is longer than 40 characters.")))
    elif code in seen:
        problems.append(Problem(line, "employee_code",
                                _l("The employee code %(code)s is also on line %(other)s.") % {"code": code,
                                                                                               "other": seen[code]}))
    else:
        seen[code] = line
    name = nfc(v.get("full_name", ""))
    if not name:
        problems.append(Problem(line, "full_name", _l("The name is empty.")))
    elif len(name) > 200:
        problems.append(Problem(line, "full_name", _l("The name is longer than 200 characters.")))
    unit_code = v.get("unit_code", "").strip()
    if unit_code not in units:
        problems.append(Problem(line, "unit_code",
                                _l("There is no unit with the code %(code)s.") % {"code": unit_code}))
    if v.get("kind", "").strip().lower() not in KIND_ALIASES:
        problems.append(Problem(line, "kind", _l("The kind must be cadre, civil servant or public employee.")))
    try:
        born = parse_date(v.get("date_of_birth", ""))
        if born and not (date(1930, 1, 1) <= born <= date.today()):
            problems.append(Problem(line, "date_of_birth", _l("The date of birth is not plausible.")))
    except ValueError:
        problems.append(Problem(line, "date_of_birth", _l("The date of birth is not a date (dd/mm/yyyy).")))
    try:
        parse_date(v.get("left_on", ""))
    except ValueError:
        problems.append(Problem(line, "left_on", _l("The leaving date is not a date (dd/mm/yyyy).")))
    email = (v.get("email") or "").strip()
    if email and not login_identities.valid_email(email):
        problems.append(Problem(line, "email", _l("The e-mail address %(email)s is not valid.") % {"email": email}))
    if (v.get("political_theory_level") or "").strip().lower() not in PT_LEVELS:
        problems.append(Problem(line, "political_theory_level",
                                _l("The political-theory level must be elementary, intermediate or advanced.")))
    return problems + too_long(Official, v, line, ("position", "rank", "gender"))
