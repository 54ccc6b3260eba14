"""The identifiers people log in with (an employee code, an e-mail) must each lead to one person.

Log-in looks a typed identifier up as an employee code (as given) or as an e-mail (any case) in one query,
so no e-mail may equal another person's e-mail or code. Employee codes are keys of their own (unique in the
database and checked line by line in a file); a code can only be mistaken for an e-mail when it has an "@".
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from lms.core.db import db
from lms.core.models import User
from lms.core.services.tabular import Problem

# One "@", no spaces, a dot in the domain: what a mail server will route. Stricter checks belong to sending.
EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s.]+(\.[^@\s.]+)+")


def valid_email(text: str) -> bool:
    return len(text) <= 254 and EMAIL.fullmatch(text) is not None


@dataclass(frozen=True)
class Claim:
    """The identifiers a line of the file gives an official: `email` already lower-cased, or None."""

    line: int
    code: str
    email: str | None


@dataclass(frozen=True)
class Holder:
    """Who holds an identifier: an official by code, or an account that is no official's (by id)."""

    person: str
    line: int | None = None  # the file's line, when the file gave it


def held_in_database(officials: Mapping, accounts: Mapping, except_codes: set[str]) -> Iterator[tuple[str, Holder]]:
    """Identifiers held now, except those of the officials the file speaks for.

    `officials` maps every employee code to its row (.id, .email) and `accounts` every official's id to
    their account (.login_code, .email), as the import has already read them; accounts that are no
    official's are read here.
    """
    for code, official in officials.items():
        if code in except_codes:
            continue
        holder = Holder(f"official:{code}")
        yield code, holder
        account = accounts.get(official.id)
        for email in {official.email, account.email if account else None} - {None}:
            yield email.lower(), holder
        if account and account.login_code:
            yield account.login_code, holder
    others = select(User.id, User.login_code, User.email).where(User.official_id.is_(None))
    for user_id, login_code, email in db.session.execute(others):
        for identifier in (login_code, email.lower() if email else None):
            if identifier:
                yield identifier, Holder(f"account:{user_id}")


def collisions(claims: list[Claim], held: Iterable[tuple[str, Holder]]) -> dict[int, list[Problem]]:
    """Problems by line for claims whose code or e-mail another official or account already holds."""
    holders: dict[str, Holder] = {}
    for identifier, holder in held:
        holders.setdefault(identifier, holder)
        if "@" in identifier:
            holders.setdefault(identifier.lower(), holder)
    problems: dict[int, list[Problem]] = {}
    for claim in claims:
        mine = Holder(f"official:{claim.code}", claim.line)
        for field, identifier in (("employee_code", claim.code), ("email", claim.email)):
            if not identifier:
                continue
            keys = {identifier, identifier.lower()} if "@" in identifier else {identifier}
            for key in keys:
                other = holders.setdefault(key, mine)
                if other.person != mine.person:
                    problems.setdefault(claim.line, []).append(_problem(claim.line, field, identifier, other))
                    break
    return problems


def _problem(line: int, field: str, identifier: str, other: Holder) -> Problem:
    if other.line is not None:
        message = _l("%(value)s is also the employee code or e-mail of another official, on line %(other)s.",
                     value=identifier, other=other.line)
    else:
        message = _l("%(value)s is already the employee code or e-mail of another official or account.",
                     value=identifier)
    return Problem(line, field, message)
