"""Register numbers (per school and year, no gap, no duplicate), serials and verification codes.

A batch takes its numbers with one update of the school-year counter row, inside the issuing
transaction: the row stays locked until the batch commits, so parallel issuers queue behind each other
and a batch that rolls back gives its numbers back. The serial (số hiệu) follows a per-template format
built from the register number, so it is unique too.
"""
from __future__ import annotations

import re
import secrets
import string

from flask_babel import lazy_gettext as _l
from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite

from lms.certificates.models import RegisterCounter
from lms.core.db import db
from lms.core.errors import DomainError

# Verification codes: 20 symbols of a 32-letter alphabet without look-alikes (0/O, 1/I) = 100 bits.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 20
SERIAL_FIELDS = {"school", "year", "yy", "seq", "kind"}
KIND_PREFIX = {"program": "CC", "completion": "GCN"}
_SEQ_SPEC = re.compile(r"^0?[1-9]?d?$")


def new_verification_code() -> str:
    """20 symbols of 5 random bits each, from the operating system's CSPRNG."""
    value = int.from_bytes(secrets.token_bytes(13), "big")
    return "".join(CODE_ALPHABET[(value >> (5 * i)) & 31] for i in range(CODE_LENGTH))


def normalise_code(text: str) -> str:
    """What a person typed or scanned, as stored: upper case, without spaces or dashes."""
    return re.sub(r"[\s\-]", "", text or "").upper()


def display_code(code: str) -> str:
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


def register_number(year: int, seq: int) -> str:
    return f"{seq:05d}/{year}"


def validate_serial_format(fmt: str) -> None:
    """A serial format may use {school}, {year}, {yy}, {seq} (with a width like {seq:06d}) and {kind}.

    It must contain {seq} and the year, so that serials never repeat within a school.
    """
    fields = set()
    try:
        parsed = list(string.Formatter().parse(fmt))
    except ValueError as exc:
        raise DomainError(_l("The serial format is not valid: %(problem)s."), problem=str(exc)) from exc
    for _literal, name, spec, conversion in parsed:
        if name is None:
            continue
        if name not in SERIAL_FIELDS or conversion:
            raise DomainError(_l("The serial format may only use {school}, {year}, {yy}, {seq} and {kind}; "
                                 "it uses {%(name)s}."), name=name + (f"!{conversion}" if conversion else ""))
        if spec and (name != "seq" or not _SEQ_SPEC.match(spec)):
            raise DomainError(_l("Only {seq} takes a width, written like {seq:05d}."))
        fields.add(name)
    if "seq" not in fields or not ({"year", "yy"} & fields):
        raise DomainError(_l("The serial format must contain {seq} and {year} (or {yy})."))
    if len(format_serial(fmt, school_code="X" * 40, year=2025, seq=999999, kind="completion")) > 80:
        raise DomainError(_l("The serial format makes serials longer than 80 characters."))


def format_serial(fmt: str, *, school_code: str, year: int, seq: int, kind: str) -> str:
    return fmt.format(school=school_code, year=year, yy=f"{year % 100:02d}", seq=seq,
                      kind=KIND_PREFIX.get(kind, kind))


def _ensure_counter(school_id: int, year: int) -> None:
    table = RegisterCounter.__table__
    dialect = db.session.get_bind().dialect.name
    module = postgresql if dialect == "postgresql" else sqlite
    statement = module.insert(table).values(school_id=school_id, year=year, last_number=0)
    db.session.execute(statement.on_conflict_do_nothing(index_elements=["school_id", "year"]))


def lock_counter(school_id: int, year: int) -> int:
    """Take the school-year counter's row lock (held until commit); returns the last number used."""
    _ensure_counter(school_id, year)
    statement = (update(RegisterCounter)
                 .where(RegisterCounter.school_id == school_id, RegisterCounter.year == year)
                 .values(last_number=RegisterCounter.last_number)
                 .returning(RegisterCounter.last_number))
    return db.session.execute(statement, execution_options={"synchronize_session": False}).scalar_one()


def allocate(school_id: int, year: int, count: int) -> range:
    """Take `count` consecutive register numbers for a school and year (one row update)."""
    if count <= 0:
        return range(0)
    _ensure_counter(school_id, year)
    statement = (update(RegisterCounter)
                 .where(RegisterCounter.school_id == school_id, RegisterCounter.year == year)
                 .values(last_number=RegisterCounter.last_number + count)
                 .returning(RegisterCounter.last_number))
    last = db.session.execute(statement, execution_options={"synchronize_session": False}).scalar_one()
    return range(last - count + 1, last + 1)
