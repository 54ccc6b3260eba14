"""The platform's Ed25519 key: it signs transcripts so that a printed copy can be checked.

The private key lives beside the uploaded files (`STORAGE_PATH/keys/platform-ed25519.pem`, or the file
named by `RECORDS_SIGNING_KEY_PATH`), so that machines sharing the storage share the key; it is created
on first use with mode 0600, and several processes creating it at once agree on one file.
"""
from __future__ import annotations

import base64
import hashlib
import os
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from flask import current_app


def key_path() -> Path:
    configured = current_app.config.get("RECORDS_SIGNING_KEY_PATH")
    return (Path(configured) if configured
            else Path(current_app.config["STORAGE_PATH"]) / "keys" / "platform-ed25519.pem")


def private_key() -> Ed25519PrivateKey:
    path = key_path()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        pem = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process made it first: use theirs
        else:
            with os.fdopen(fd, "wb") as handle:
                handle.write(pem)
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise RuntimeError(f"{path} does not hold an Ed25519 private key")
    return key


def public_key() -> Ed25519PublicKey:
    return private_key().public_key()


def public_key_bytes() -> bytes:
    return public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def public_key_pem() -> str:
    return public_key().public_bytes(serialization.Encoding.PEM,
                                     serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def key_id() -> str:
    return hashlib.sha256(public_key_bytes()).hexdigest()


def sign(message: bytes) -> str:
    return base64.b64encode(private_key().sign(message)).decode()


def verify(message: bytes, signature: str) -> bool:
    try:
        public_key().verify(base64.b64decode(signature), message)
    except (InvalidSignature, ValueError):
        return False
    return True
