"""Printing a certificate: its PDF, rendered on first download and cached under the storage folder.

Every PDF carries, as an attached file `certificate.json`, the signed facts, the school's public key,
the full date of birth with the salt of its digest, and a signature by the school's key over the whole
file (made with the signature's own place zeroed), so `lms certificates verify FILE` notices any
changed byte, offline.
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
from datetime import date
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l

from lms.certificates import numbering, signing
from lms.certificates.dates import local_date, local_today
from lms.certificates.models import Certificate, Variant
from lms.certificates.pdf.layout import CertificateView, draw
from lms.certificates.pdf.writer import Document, ImageError, PreparedImage, prepare_image
from lms.certificates.verification import RECORD_MARKER, SIGNATURE_FIELD, SIGNATURE_LENGTH
from lms.core import storage
from lms.core.db import db
from lms.core.errors import DomainError
from lms.core.models import StoredFile
from lms.core.text import fold

RENDERER_VERSION = "1"
PLACEHOLDER = "0" * SIGNATURE_LENGTH  # an Ed25519 signature in unpadded base64url


class MissingImage(DomainError):
    """A template's or certificate's image is no longer in storage."""


def verify_url(code: str) -> str:
    return f"{current_app.config['PUBLIC_BASE_URL'].rstrip('/')}/verify/{code}"


def load_image(file_id: int | None, what: str) -> PreparedImage | None:
    """A stored image, decoded once per process; a missing or unreadable file is a clear error."""
    if file_id is None:
        return None
    stored = db.session.get(StoredFile, file_id)
    path = storage.path_for(stored.sha256) if stored else None
    if stored is None or not path.exists():
        raise MissingImage(_l("The %(what)s image is missing from storage; upload it again in the template."),
                           what=what)
    try:
        return prepare_image(path.read_bytes())
    except ImageError as exc:
        raise MissingImage(_l("The %(what)s image cannot be read (%(problem)s); upload it again in the template."),
                           what=what, problem=str(exc)) from exc


IMAGE_NAMES = {"signature": _l("signature"), "seal": _l("seal"), "background": _l("background")}


def copy_note(cert: Certificate, original: Certificate | None, superseded: Certificate | None) -> str:
    if cert.variant is Variant.copy and original is not None:
        return (f"BẢN CẤP LẠI - cấp lại từ số vào sổ {original.register_number} "
                f"ngày {original.issued_on.strftime('%d/%m/%Y')}")
    if cert.variant is Variant.correction and superseded is not None:
        return (f"Thay thế giấy chứng nhận số vào sổ {superseded.register_number} "
                f"ngày {superseded.issued_on.strftime('%d/%m/%Y')}")
    return ""


def certificate_view(cert: Certificate, *, note: str = "") -> CertificateView:
    layout = cert.layout
    return CertificateView(
        orientation=layout["orientation"], national_heading=layout["national_heading"],
        national_motto=layout["national_motto"], governing_body=layout["governing_body"],
        school_name=layout["school_name"], title=layout["title"], subtitle=layout["subtitle"], body=layout["body"],
        honorific=layout.get("honorific", "Ông/Bà"), holder_name=cert.holder_name, birth_date=cert.holder_birth_date,
        course_title=cert.course_title_vi, periods=cert.periods, starts_on=cert.starts_on, ends_on=cert.ends_on,
        completed_on=local_date(cert.completed_at), place=layout["place"], issued_on=cert.issued_on,
        expires_on=cert.expires_on, signer_title=layout["signer_title"], signer_name=layout["signer_name"],
        serial=cert.serial, register_number=cert.register_number, code=numbering.display_code(cert.verification_code),
        verify_url=verify_url(cert.verification_code), note=note,
        signature=load_image(cert.signature_file_id, IMAGE_NAMES["signature"]),
        seal=load_image(cert.seal_file_id, IMAGE_NAMES["seal"]),
        background=load_image(cert.background_file_id, IMAGE_NAMES["background"]))


def embedded_record(cert: Certificate) -> dict:
    """What the PDF carries for offline checks (the file signature is filled in last)."""
    return {
        "lms_certificate": 1,
        "verify_url": verify_url(cert.verification_code),
        "facts": json.loads(cert.facts_json),
        "facts_signature": cert.facts_signature,
        "kid": cert.key.kid,
        "public_key": signing.public_jwk(cert.key),
        "disclosure": {"birth_date": cert.holder_birth_date.isoformat() if cert.holder_birth_date else None,
                       "birth_date_salt": cert.birth_date_salt},
        "file_signature": PLACEHOLDER,
    }


def render_pdf(cert: Certificate, *, note: str | None = None) -> bytes:
    """The certificate's PDF, signed over its whole bytes by the school's key."""
    if note is None:
        note = copy_note(cert, _get(cert.original_id), _get(cert.supersedes_id))
    view = certificate_view(cert, note=note)
    record = json.dumps(embedded_record(cert), ensure_ascii=True, sort_keys=False, separators=(",", ":"))
    if not record.startswith(RECORD_MARKER.decode()):
        raise RuntimeError("the certificate record must start with its marker")
    document = Document(
        draw(view),
        info={"Title": f"{view.title} - {cert.holder_name}", "Author": cert.school_name_vi,
              "Subject": cert.course_title_vi, "Keywords": f"{cert.register_number}; {cert.serial}",
              "Creator": "LMS", "Lang": "vi-VN"},
        created=cert.issued_at, attachment=("certificate.json", record.encode("ascii"), "application/json"),
        file_id=cert.verification_code.encode("ascii"))
    return sign_file(document.render(), cert.key)


def sign_file(data: bytes, key) -> bytes:
    start = locate_signature(data)
    signature = signing.sign(key, data)
    return data[:start] + signature.encode("ascii") + data[start + len(PLACEHOLDER):]


def locate_signature(data: bytes) -> int:
    """Where the file signature's 86 characters start (after the first record marker)."""
    marker = data.find(RECORD_MARKER)
    if marker < 0:
        raise ValueError("no certificate record in this file")
    field = data.find(SIGNATURE_FIELD, marker)
    if field < 0:
        raise ValueError("the certificate record has no file signature")
    return field + len(SIGNATURE_FIELD)


def _get(certificate_id: int | None) -> Certificate | None:
    return db.session.get(Certificate, certificate_id) if certificate_id else None


# --- the cache -----------------------------------------------------------------------------------

def cache_root() -> Path:
    return Path(current_app.config["STORAGE_PATH"]) / "certificates" / "pdf"


def cache_path(cert: Certificate) -> Path:
    """The cached file's name changes with anything that changes the PDF's bytes."""
    parts = [RENDERER_VERSION, cert.facts_signature, current_app.config["PUBLIC_BASE_URL"],
             str(cert.signature_file_id), str(cert.seal_file_id), str(cert.background_file_id)]
    digest = hashlib.sha256("|".join(parts).encode("utf-8")).hexdigest()[:20]
    return cache_root() / f"{cert.id // 1000:04d}" / f"{cert.id}-{digest}.pdf"


def cached_pdf(cert: Certificate) -> Path:
    """The PDF's path, rendering and caching it on first use (atomically: readers never see half a file)."""
    path = cache_path(cert)
    if not path.exists():
        data = render_pdf(cert)
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False, prefix=".tmp-") as tmp:
            tmp.write(data)
        os.replace(tmp.name, path)
    return path


def download_name(cert: Certificate) -> str:
    """"2025-00012_Nguyen-Thi-Ngoc-Huong.pdf": register number and holder, safe on every system."""
    holder = "-".join(part.capitalize() for part in fold(cert.holder_name).split())
    holder = "".join(ch for ch in holder if ch.isalnum() or ch == "-")[:80] or "certificate"
    return f"{cert.register_year}-{cert.register_seq:05d}_{holder}.pdf"


def sample_certificate_view(template, school, *, signature=None, seal=None, background=None) -> CertificateView:
    """A preview of a template with sample data (marked as a sample)."""
    today = local_today()
    return CertificateView(
        orientation=template.orientation.value, national_heading=template.national_heading,
        national_motto=template.national_motto, governing_body=school.governing_body, school_name=school.name_vi,
        title=template.title, subtitle=template.subtitle, body=template.body, honorific="Bà",
        holder_name="Nguyễn Thị Ngọc Hường", birth_date=date(1987, 6, 15),
        course_title="Bồi dưỡng kiến thức quản lý nhà nước ngạch chuyên viên chính", periods=40,
        starts_on=date(today.year, 3, 3), ends_on=date(today.year, 3, 28), completed_on=None, place=school.place,
        issued_on=today, expires_on=None, signer_title=template.signer_title or school.signer_title,
        signer_name=template.signer_name or school.signer_name,
        serial=numbering.format_serial(template.serial_format, school_code=school.code, year=today.year, seq=1,
                                       kind=template.kind.value),
        register_number=numbering.register_number(today.year, 1), code="MAU0-MAU0-MAU0-MAU0-MAU0",
        verify_url=verify_url("MAU0MAU0MAU0MAU0MAU0"), note="BẢN MẪU - KHÔNG CÓ GIÁ TRỊ (SAMPLE)",
        signature=signature, seal=seal, background=background)


def render_sample(template, school) -> bytes:
    view = sample_certificate_view(
        template, school, signature=load_image(template.signature_file_id, IMAGE_NAMES["signature"]),
        seal=load_image(template.seal_file_id, IMAGE_NAMES["seal"]),
        background=load_image(template.background_file_id, IMAGE_NAMES["background"]))
    return Document(draw(view), info={"Title": f"{template.name} (sample)", "Lang": "vi-VN"}).render()
