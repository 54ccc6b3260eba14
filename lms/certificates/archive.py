"""A class's certificates as one ZIP, streamed: each PDF is written and sent before the next is read,
so memory stays flat whatever the class's size. Cached PDFs are read from disk; missing ones are
rendered (and cached) on the way."""
from __future__ import annotations

import zipfile
from collections.abc import Iterator

from sqlalchemy import select

from lms.certificates.models import Certificate, Status
from lms.certificates.pdf import render
from lms.core.db import db

BATCH = 200


class _Pipe:
    """A write-only, unseekable file: what zipfile writes is collected and handed out in chunks."""

    def __init__(self):
        self.chunks: list[bytes] = []
        self.position = 0

    def write(self, data) -> int:
        data = bytes(data)
        self.chunks.append(data)
        self.position += len(data)
        return len(data)

    def tell(self) -> int:
        return self.position

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data = b"".join(self.chunks)
        self.chunks = []
        return data


def class_certificate_ids(class_id: int) -> list[int]:
    """The class's certificates that are in force (valid or expired), in register order."""
    return list(db.session.scalars(
        select(Certificate.id).where(Certificate.class_id == class_id,
                                     Certificate.status.in_([Status.valid, Status.expired]))
        .order_by(Certificate.register_year, Certificate.register_seq)))


def check_printable(class_id: int) -> None:
    """Raise MissingImage before streaming if any image the class's certificates print is gone."""
    rows = db.session.execute(select(Certificate.signature_file_id, Certificate.seal_file_id,
                                     Certificate.background_file_id).distinct()
                              .where(Certificate.class_id == class_id,
                                     Certificate.status.in_([Status.valid, Status.expired]))).all()
    for signature, seal, background in rows:
        render.load_image(signature, render.IMAGE_NAMES["signature"])
        render.load_image(seal, render.IMAGE_NAMES["seal"])
        render.load_image(background, render.IMAGE_NAMES["background"])


def stream_zip(certificate_ids: list[int]) -> Iterator[bytes]:
    """Yield a ZIP of the certificates' PDFs, named by register number and holder."""
    pipe = _Pipe()
    with zipfile.ZipFile(pipe, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as archive:
        for start in range(0, len(certificate_ids), BATCH):
            batch = certificate_ids[start:start + BATCH]
            certificates = list(db.session.scalars(select(Certificate).where(Certificate.id.in_(batch))
                                                   .order_by(Certificate.register_year, Certificate.register_seq)))
            for cert in certificates:
                path = render.cached_pdf(cert)
                info = zipfile.ZipInfo(render.download_name(cert), date_time=cert.issued_at.timetuple()[:6])
                info.compress_type = zipfile.ZIP_STORED
                with open(path, "rb") as source, archive.open(info, "w", force_zip64=False) as target:
                    while chunk := source.read(256 * 1024):
                        target.write(chunk)
                yield pipe.take()
                db.session.expunge(cert)  # a class of 16,000 must not pile up in the session
    yield pipe.take()
