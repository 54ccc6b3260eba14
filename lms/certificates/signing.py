"""Schools' Ed25519 keys and the canonical JSON that they sign.

Decision: a school's private key lives in the database, sealed with AES-256-GCM under a key derived
with scrypt from the `CERTIFICATES_KEY_PASSPHRASE` setting (falling back to SECRET_KEY, which the
README tells production to set). Every web process and machine reaches it through the one database;
a stolen database alone does not give the keys away. Changing the passphrase needs
`lms certificates rewrap-keys --old-passphrase ...`.
"""
from __future__ import annotations

import base64
import hashlib
import json
import math
import os
import threading

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat
from flask import current_app
from sqlalchemy import select

from lms.certificates.models import SchoolKey
from lms.core.db import db

SEAL_VERSION = "v1"
_private_cache: dict[tuple[str, str], Ed25519PrivateKey] = {}
_cache_lock = threading.Lock()


# --- encodings -----------------------------------------------------------------------------------

def b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64u_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _normalise(value):
    if isinstance(value, bool) or value is None or isinstance(value, (int, str)):
        return value
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            raise ValueError("canonical JSON has no NaN or infinity")
        # JSON Canonicalization (RFC 8785) writes 40.0 as 40; Python's repr agrees for other values here.
        return int(value) if value.is_integer() and abs(value) < 2 ** 53 else value
    if isinstance(value, dict):
        return {str(k): _normalise(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_normalise(v) for v in value]
    raise TypeError(f"not canonical JSON: {type(value).__name__}")


def canonical_json(value) -> str:
    """Sorted keys, no spaces, UTF-8 text, integral floats as integers: the bytes a signature covers.

    For the values certificates hold (strings, integers, short decimals, lists, objects with ASCII keys)
    this is RFC 8785 JSON Canonicalization.
    """
    return json.dumps(_normalise(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False)


# --- keys ----------------------------------------------------------------------------------------

def _passphrase() -> str:
    return current_app.config.get("CERTIFICATES_KEY_PASSPHRASE") or current_app.config["SECRET_KEY"]


def _derive(passphrase: str, salt: bytes) -> bytes:
    return Scrypt(salt=salt, length=32, n=2 ** 14, r=8, p=1).derive(passphrase.encode("utf-8"))


def seal_private_key(raw: bytes, kid: str, passphrase: str) -> str:
    salt, nonce = os.urandom(16), os.urandom(12)
    sealed = AESGCM(_derive(passphrase, salt)).encrypt(nonce, raw, kid.encode("ascii"))
    return "$".join([SEAL_VERSION, b64u(salt), b64u(nonce), b64u(sealed)])


def unseal_private_key(sealed: str, kid: str, passphrase: str) -> bytes:
    version, salt, nonce, box = sealed.split("$")
    if version != SEAL_VERSION:
        raise ValueError(f"unknown key seal {version}")
    return AESGCM(_derive(passphrase, b64u_decode(salt))).decrypt(b64u_decode(nonce), b64u_decode(box),
                                                                 kid.encode("ascii"))


def jwk_thumbprint(x: str) -> str:
    """RFC 7638 thumbprint of an OKP Ed25519 public key: the key's id."""
    members = json.dumps({"crv": "Ed25519", "kty": "OKP", "x": x}, sort_keys=True, separators=(",", ":"))
    return b64u(hashlib.sha256(members.encode("ascii")).digest())


def new_key(school_id: int) -> SchoolKey:
    private = Ed25519PrivateKey.generate()
    raw_public = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    x = b64u(raw_public)
    kid = jwk_thumbprint(x)
    raw_private = private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    key = SchoolKey(school_id=school_id, kid=kid, public_key=x,
                    private_key_sealed=seal_private_key(raw_private, kid, _passphrase()))
    db.session.add(key)
    db.session.flush()
    return key


def active_key(school_id: int, *, create: bool = True) -> SchoolKey | None:
    """The school's newest unretired key (made on first use)."""
    key = db.session.scalar(select(SchoolKey).where(SchoolKey.school_id == school_id, SchoolKey.retired_at.is_(None))
                            .order_by(SchoolKey.id.desc()).limit(1))
    if key is None and create:
        key = new_key(school_id)
    return key


def private_key(key: SchoolKey) -> Ed25519PrivateKey:
    passphrase = _passphrase()
    cache_key = (key.kid, hashlib.sha256(passphrase.encode("utf-8")).hexdigest())
    with _cache_lock:
        cached = _private_cache.get(cache_key)
    if cached is not None:
        return cached
    try:
        raw = unseal_private_key(key.private_key_sealed, key.kid, passphrase)
    except InvalidTag as exc:
        raise RuntimeError(f"The signing key {key.kid} does not open with CERTIFICATES_KEY_PASSPHRASE "
                           "(was the passphrase or SECRET_KEY changed? see `lms certificates rewrap-keys`).") from exc
    loaded = Ed25519PrivateKey.from_private_bytes(raw)
    with _cache_lock:
        _private_cache[cache_key] = loaded
    return loaded


def sign(key: SchoolKey, data: bytes) -> str:
    return b64u(private_key(key).sign(data))


def verify_signature(public_x: str, data: bytes, signature: str) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(b64u_decode(public_x)).verify(b64u_decode(signature), data)
    except (InvalidSignature, ValueError):
        return False
    return True


def public_jwk(key: SchoolKey) -> dict:
    return {"kty": "OKP", "crv": "Ed25519", "x": key.public_key, "kid": key.kid, "alg": "EdDSA", "use": "sig"}


def rewrap_keys(old_passphrase: str, new_passphrase: str) -> int:
    """Seal every private key again under a new passphrase; returns how many were rewrapped."""
    count = 0
    for key in db.session.scalars(select(SchoolKey)):
        raw = unseal_private_key(key.private_key_sealed, key.kid, old_passphrase)
        key.private_key_sealed = seal_private_key(raw, key.kid, new_passphrase)
        count += 1
    db.session.flush()
    return count
