"""Open Badges 3.0: a certificate as an AchievementCredential (W3C Verifiable Credentials 2.0).

Two proofs, both with the school's Ed25519 key:
- embedded: a `DataIntegrityProof` with the W3C cryptosuite `eddsa-jcs-2022` (JSON Canonicalization,
  SHA-256 of the proof options and of the credential, Ed25519), so the JSON file proves itself;
- enveloping: the same credential as a VC-JWT (JWS, alg EdDSA), which a standard library (PyJWT, jose)
  verifies with the school's published key.
"""
from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone

import jwt
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from lms.certificates import signing
from lms.certificates.models import Certificate
from lms.core.vocab import area_label

CONTEXT = ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]
ACHIEVEMENT_TYPES = {"program": "Certificate", "completion": "CertificateOfCompletion"}
ED25519_PUB_PREFIX = b"\xed\x01"  # multicodec ed25519-pub
_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def base58btc(data: bytes) -> str:
    number = int.from_bytes(data, "big")
    out = ""
    while number:
        number, rest = divmod(number, 58)
        out = _B58[rest] + out
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + out


def base58btc_decode(text: str) -> bytes:
    number = 0
    for char in text:
        number = number * 58 + _B58.index(char)
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * (len(text) - len(text.lstrip("1"))) + body


def multikey(public_x: str) -> str:
    """The key as a Multikey `publicKeyMultibase` ("z6Mk...")."""
    return "z" + base58btc(ED25519_PUB_PREFIX + signing.b64u_decode(public_x))


def _iso(moment) -> str:
    return moment.replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def credential(cert: Certificate, *, base_url: str) -> dict:
    """The certificate's AchievementCredential, without proof."""
    base = base_url.rstrip("/")
    facts = json.loads(cert.facts_json)
    periods = f"{cert.periods:g}"
    title = facts["title"]
    course = cert.course_title_vi
    subject = {
        "type": ["AchievementSubject"],
        "identifier": [{"type": "IdentityObject", "identityHash": cert.holder_name, "identityType": "name",
                        "hashed": False}],
        "achievement": {
            "id": f"{base}/verify/achievements/{cert.school_code}/{cert.course_key}",
            "type": ["Achievement"],
            "achievementType": ACHIEVEMENT_TYPES.get(cert.kind.value, "Certificate"),
            "name": course,
            "description": f"{title}: {course} ({periods} tiết / periods of 45 minutes)",
            "criteria": {"narrative": f"Hoàn thành khóa bồi dưỡng theo quy định của {cert.school_name_vi}; "
                                      f"{periods} tiết. Completed the course as required by the school; "
                                      f"{periods} periods."},
            "inLanguage": "vi",
            "humanCode": cert.course_key,
        },
        "licenseNumber": cert.serial,
    }
    if cert.content_area:
        subject["achievement"]["fieldOfStudy"] = area_label(cert.content_area, "vi")
    if cert.starts_on:
        subject["activityStartDate"] = f"{cert.starts_on.isoformat()}T00:00:00Z"
    if cert.ends_on:
        subject["activityEndDate"] = f"{cert.ends_on.isoformat()}T00:00:00Z"
    document = {
        "@context": list(CONTEXT),
        "id": f"{base}/verify/{cert.verification_code}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": f"{title} - {course}",
        "description": f"{title} số vào sổ {cert.register_number}, số hiệu {cert.serial}",
        "issuer": {"id": issuer_id(base, cert.school_code), "type": ["Profile"], "name": cert.school_name_vi,
                   "url": base},
        "validFrom": _iso(cert.issued_at),
        "awardedDate": _iso(cert.issued_at),
        "credentialSubject": subject,
    }
    if cert.expires_on:
        document["validUntil"] = f"{cert.expires_on.isoformat()}T00:00:00Z"
    return document


def issuer_id(base: str, school_code: str) -> str:
    return f"{base.rstrip('/')}/verify/keys/{school_code}"


def verification_method(base: str, cert: Certificate) -> str:
    return f"{issuer_id(base, cert.school_code)}#{multikey(cert.key.public_key)}"


def _hash_data(document: dict, options: dict) -> bytes:
    return (hashlib.sha256(signing.canonical_json(options).encode("utf-8")).digest()
            + hashlib.sha256(signing.canonical_json(document).encode("utf-8")).digest())


def add_proof(document: dict, *, key, method: str, created) -> dict:
    """Sign with eddsa-jcs-2022; the proof goes in a list, as the OB 3.0 schema wants."""
    options = {"type": "DataIntegrityProof", "cryptosuite": "eddsa-jcs-2022", "created": _iso(created),
               "verificationMethod": method, "proofPurpose": "assertionMethod", "@context": document["@context"]}
    signature = signing.private_key(key).sign(_hash_data(document, options))
    return dict(document, proof=[dict(options, proofValue="z" + base58btc(signature))])


def verify_proof(signed: dict, public_x: str) -> bool:
    """Check an eddsa-jcs-2022 proof of `signed` against a public key."""
    proofs = signed.get("proof")
    proof = proofs[0] if isinstance(proofs, list) and proofs else proofs
    if not isinstance(proof, dict) or proof.get("cryptosuite") != "eddsa-jcs-2022":
        return False
    document = {k: v for k, v in signed.items() if k != "proof"}
    options = {k: v for k, v in proof.items() if k != "proofValue"}
    value = proof.get("proofValue", "")
    if not value.startswith("z"):
        return False
    try:
        Ed25519PublicKey.from_public_bytes(signing.b64u_decode(public_x)).verify(
            base58btc_decode(value[1:]), _hash_data(document, options))
    except (InvalidSignature, ValueError):
        return False
    return True


def vc_jwt(document: dict, *, key, method: str) -> str:
    """The credential as a VC-JWT: the payload is the credential, with the registered claims beside it."""
    claims = dict(document, iss=document["issuer"]["id"], jti=document["id"],
                  nbf=_epoch(document["validFrom"]))
    if "validUntil" in document:
        claims["exp"] = _epoch(document["validUntil"])
    return jwt.encode(claims, signing.private_key(key), algorithm="EdDSA",
                      headers={"kid": method, "typ": "vc+jwt", "cty": "vc"})


def _epoch(text: str) -> int:
    return int(datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc).timestamp())
