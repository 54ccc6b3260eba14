"""The facts a certificate vouches for, as the school's key signs them (pure functions).

The holder's full date of birth is not in the signed facts: the public verify page may only show it
partly masked. The facts carry the masked date and a salted digest of the full date; the certificate's
own files (the PDF) disclose the full date and the salt, which a verifier checks against the digest.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import date

from lms.certificates.signing import b64u

FACTS_VERSION = 1


def mask_birth_date(born: date | None) -> str:
    return f"**/**/{born.year}" if born else ""


def birth_date_digest(born: date | None, salt: str) -> str:
    if born is None:
        return ""
    return b64u(hashlib.sha256(f"{salt}|{born.isoformat()}".encode("ascii")).digest())


def new_salt() -> str:
    return secrets.token_urlsafe(12)


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def build_facts(*, code: str, kid: str, kind: str, variant: str, copy_of: str | None, supersedes: str | None,
                school_code: str, school_name_vi: str, school_name_en: str, register_number: str, serial: str,
                title: str, holder_name: str, holder_birth_date: date | None, birth_date_salt: str,
                course_key: str, course_title_vi: str, course_title_en: str, content_area: str, periods: float,
                starts_on: date | None, ends_on: date | None, completed_on: date | None, issued_on: date,
                expires_on: date | None, place: str, signer_title: str, signer_name: str, cycle: int) -> dict:
    """Everything printed on the certificate that a verifier must be able to trust."""
    return {
        "v": FACTS_VERSION,
        "code": code,
        "kid": kid,
        "kind": kind,
        "variant": variant,
        "copy_of": copy_of,
        "supersedes": supersedes,
        "school": {"code": school_code, "name_vi": school_name_vi, "name_en": school_name_en},
        "register_number": register_number,
        "serial": serial,
        "title": title,
        "holder": {"name": holder_name, "birth_date_masked": mask_birth_date(holder_birth_date),
                   "birth_date_digest": birth_date_digest(holder_birth_date, birth_date_salt)},
        "course": {"key": course_key, "title_vi": course_title_vi, "title_en": course_title_en,
                   "content_area": content_area, "periods": periods, "starts_on": _day(starts_on),
                   "ends_on": _day(ends_on), "completed_on": _day(completed_on)},
        "cycle": cycle,
        "issued_on": issued_on.isoformat(),
        "expires_on": _day(expires_on),
        "place": place,
        "signer": {"title": signer_title, "name": signer_name},
    }
