"""Checking a downloaded certificate offline: its PDF or the JSON twin of its verify page.

Trust comes from the school's published public keys (the platform's own key table, or a keys file
downloaded from /verify/keys/<school>), never from the key a file carries about itself. Every check is
reported; the certificate is good only when all of them pass.
"""
from __future__ import annotations

import hmac
import json
from dataclasses import dataclass, field
from datetime import date

from lms.certificates.facts import birth_date_digest
from lms.certificates.signing import canonical_json, verify_signature

RECORD_MARKER = b'{"lms_certificate":'
SIGNATURE_FIELD = b'"file_signature":"'
SIGNATURE_LENGTH = 86


@dataclass
class Check:
    name: str
    ok: bool
    detail: str = ""


@dataclass
class VerifyResult:
    kind: str  # "pdf" or "json"
    checks: list[Check] = field(default_factory=list)
    facts: dict | None = None
    status: dict | None = None

    @property
    def ok(self) -> bool:
        return bool(self.checks) and all(c.ok for c in self.checks)

    def add(self, name: str, ok: bool, detail: str = "") -> bool:
        self.checks.append(Check(name, ok, detail))
        return ok

    def as_dict(self) -> dict:
        return {"ok": self.ok, "kind": self.kind, "facts": self.facts, "status": self.status,
                "checks": [{"check": c.name, "ok": c.ok, "detail": c.detail} for c in self.checks]}


def trusted_keys_from_document(document: dict) -> dict[str, str]:
    """kid -> public key from a /verify/keys/<school> document or any JWK set ({"keys": [...]})."""
    keys = {}
    for jwk in document.get("keys", []):
        if jwk.get("kty") == "OKP" and jwk.get("crv") == "Ed25519" and jwk.get("kid") and jwk.get("x"):
            keys[jwk["kid"]] = jwk["x"]
    return keys


def _check_facts(result: VerifyResult, record: dict, keys: dict[str, str]) -> str | None:
    facts = record.get("facts")
    if not isinstance(facts, dict):
        result.add("facts", False, "the file carries no certificate facts")
        return None
    result.facts = facts
    kid = record.get("kid")
    if not result.add("key", kid in keys and facts.get("kid") == kid,
                      "signed by a published key of the school" if kid in keys
                      else f"key {kid!r} is not among the trusted keys"):
        return None
    embedded = (record.get("public_key") or {}).get("x")
    if embedded is not None:
        result.add("embedded key", hmac.compare_digest(embedded, keys[kid]),
                   "the key in the file is the published one" if embedded == keys[kid]
                   else "the key in the file differs from the published key")
    ok = verify_signature(keys[kid], canonical_json(facts).encode("utf-8"), record.get("facts_signature") or "")
    result.add("facts signature", ok, "every field is as the school signed it" if ok
               else "a field was changed after the school signed it")
    return kid


def verify_pdf(data: bytes, keys: dict[str, str]) -> VerifyResult:
    result = VerifyResult("pdf")
    marker = data.find(RECORD_MARKER)
    if not result.add("record", marker >= 0 and data.startswith(b"%PDF-"),
                      "" if marker >= 0 else "this PDF carries no certificate record"):
        return result
    try:
        record, _end = json.JSONDecoder().raw_decode(data[marker:].decode("ascii", "replace"))
    except ValueError:
        result.add("record", False, "the certificate record is damaged")
        return result
    kid = _check_facts(result, record, keys)
    if kid is None:
        return result
    disclosure = record.get("disclosure") or {}
    born, salt = disclosure.get("birth_date"), disclosure.get("birth_date_salt") or ""
    digest = result.facts.get("holder", {}).get("birth_date_digest", "")
    if born or digest:
        try:
            computed = birth_date_digest(date.fromisoformat(born), salt) if born else ""
        except ValueError:
            computed = ""
        result.add("date of birth", bool(digest) and hmac.compare_digest(computed, digest),
                   f"{born} matches the signed digest" if computed == digest else "the date of birth was changed")
    field_at = data.find(SIGNATURE_FIELD, marker)
    if field_at < 0:
        result.add("file signature", False, "the file carries no file signature")
        return result
    start = field_at + len(SIGNATURE_FIELD)
    signature = data[start:start + SIGNATURE_LENGTH].decode("ascii", "replace")
    blank = data[:start] + b"0" * SIGNATURE_LENGTH + data[start + SIGNATURE_LENGTH:]
    ok = verify_signature(keys[kid], blank, signature)
    result.add("file signature", ok, "the PDF is byte for byte as the school issued it" if ok
               else "the PDF was changed after it was issued")
    return result


def verify_json(document: dict, keys: dict[str, str]) -> VerifyResult:
    """The JSON twin of the verify page: signed facts, and a status statement signed when it was fetched."""
    result = VerifyResult("json")
    if not result.add("record", document.get("lms_certificate") == 1, "" if document.get("lms_certificate") == 1
                      else "not a certificate document"):
        return result
    kid = _check_facts(result, document, keys)
    if kid is None:
        return result
    status = document.get("status")
    result.status = status if isinstance(status, dict) else None
    statement = status_statement(result.facts, document.get("facts_signature", ""), status or {})
    ok = verify_signature(keys[kid], statement, document.get("status_signature") or "")
    result.add("status signature", ok, f"status {status.get('state')} as of {status.get('as_of')}" if ok and status
               else "the status was changed after the school stated it")
    return result


def status_statement(facts: dict, facts_signature: str, status: dict) -> bytes:
    """What the status signature covers: the certificate's code, its facts' signature and the status."""
    return canonical_json({"code": facts.get("code"), "facts_signature": facts_signature,
                           "status": status}).encode("utf-8")


def verify_file(data: bytes, keys: dict[str, str]) -> VerifyResult:
    if data.lstrip()[:1] == b"{":
        try:
            document = json.loads(data.decode("utf-8"))
        except ValueError:
            result = VerifyResult("json")
            result.add("record", False, "the file is not valid JSON")
            return result
        return verify_json(document, keys)
    return verify_pdf(data, keys)
