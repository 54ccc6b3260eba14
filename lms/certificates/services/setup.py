"""Setting a school up to issue: certificate templates (wording, page, images) and rules per course or class."""
from __future__ import annotations

from dataclasses import dataclass
from typing import BinaryIO

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from lms.certificates import numbering
from lms.certificates.models import CertificateKind, CertificateRule, CertificateTemplate, ExpiryBase, Orientation
from lms.certificates.pdf.writer import ImageError, prepare_image
from lms.certificates.services.eligibility import require_catalog
from lms.core import audit, storage
from lms.core.db import db
from lms.core.errors import DomainError
from lms.core.models import School, StoredFile
from lms.core.permissions import school_ids
from lms.core.text import nfc
from lms.core.vocab import CONTENT_AREAS

IMAGE_FIELDS = ("signature", "seal", "background")
MAX_IMAGE_BYTES = 8 * 1024 * 1024


def schools_for(user) -> list[School]:
    """The schools whose certificates this person administers."""
    statement = select(School).where(School.active.is_(True)).order_by(School.name_vi)
    if not user.is_admin:
        statement = statement.where(School.id.in_(school_ids(user) or {0}))
    return list(db.session.scalars(statement))


@dataclass
class Upload:
    stream: BinaryIO
    filename: str


def save_template(template: CertificateTemplate, *, fields: dict, uploads: dict[str, Upload | None],
                  remove: set[str], actor_id: int | None) -> CertificateTemplate:
    """Create or change a template; uploaded images must be pictures that a PDF can carry."""
    numbering.validate_serial_format(fields["serial_format"])
    for name in ("name", "national_heading", "national_motto", "title", "subtitle", "body", "signer_title",
                 "signer_name", "serial_format"):
        setattr(template, name, nfc(fields.get(name) or ""))
    if not template.title:
        raise DomainError(_l("The certificate needs a title."))
    template.kind = CertificateKind(fields["kind"])
    template.orientation = Orientation(fields["orientation"])
    template.active = bool(fields.get("active", True))
    for name in IMAGE_FIELDS:
        upload = uploads.get(name)
        if upload is not None and upload.filename:
            stored = storage.save(upload.stream, upload.filename, storage.IMAGE_TYPES, max_bytes=MAX_IMAGE_BYTES,
                                  uploaded_by=actor_id)
            try:
                prepare_image(storage.path_for(stored.sha256).read_bytes())
            except ImageError as exc:
                raise DomainError(_l("The image %(name)s cannot be read: %(problem)s."), name=upload.filename,
                                  problem=str(exc)) from exc
            setattr(template, f"{name}_file_id", stored.id)
        elif name in remove:
            setattr(template, f"{name}_file_id", None)
    if template.id is None:
        db.session.add(template)
    db.session.flush()
    audit.record("certificate_template.saved", "certificate_template", template.id, actor_id=actor_id,
                 data={"name": template.name, "school_id": template.school_id})
    return template


def missing_images(templates: list[CertificateTemplate]) -> dict[int, list[str]]:
    """Per template, the images it names that are no longer in storage (one query for all)."""
    ids = {getattr(t, f"{n}_file_id") for t in templates for n in IMAGE_FIELDS} - {None}
    files = {f.id: f for f in db.session.scalars(select(StoredFile).where(StoredFile.id.in_(ids or {0})))}
    missing: dict[int, list[str]] = {}
    for template in templates:
        for name in IMAGE_FIELDS:
            file_id = getattr(template, f"{name}_file_id")
            if file_id is not None and (file_id not in files or not storage.path_for(files[file_id].sha256).exists()):
                missing.setdefault(template.id, []).append(name)
    return missing


@dataclass
class RuleInput:
    course_key: str
    class_id: int | None
    template_id: int
    min_final_score: float | None
    min_attendance: float | None
    validity_months: int | None
    renewal_window_days: int
    expiry_base: str
    periods: float | None
    content_area: str
    auto_issue: bool
    active: bool


def save_rule(rule: CertificateRule, school: School, data: RuleInput, *, actor_id: int | None) -> CertificateRule:
    """Create or change the rule of a course (or of one class of it)."""
    provider = require_catalog()
    course = next((c for c in provider.courses(status=None) if c.key == data.course_key), None)
    if course is None:
        raise DomainError(_l("Choose a course of the catalogue."))
    if data.class_id:
        klass = provider.class_(data.class_id)
        if klass is None or klass.course_id != course.id:
            raise DomainError(_l("The class is not a class of this course."))
    template = db.session.get(CertificateTemplate, data.template_id)
    if template is None or template.school_id != school.id:
        raise DomainError(_l("Choose one of this school's templates."))
    if data.content_area and data.content_area not in CONTENT_AREAS:
        raise DomainError(_l("Choose one of the content areas."))
    for value in (data.min_final_score, data.min_attendance):
        if value is not None and not 0 <= value <= 1:
            raise DomainError(_l("Minimums are percentages from 0 to 100."))
    scope = f"class:{data.class_id}" if data.class_id else f"course:{course.key}"
    clash = db.session.scalar(select(CertificateRule.id).where(CertificateRule.scope == scope))
    if clash is not None and clash != rule.id:
        raise DomainError(_l("This course or class already has a certificate rule; change that one."))
    rule.scope, rule.school_id, rule.template_id = scope, school.id, template.id
    rule.course_key, rule.course_id, rule.class_id = course.key, course.id, data.class_id or None
    rule.min_final_score, rule.min_attendance = data.min_final_score, data.min_attendance
    rule.validity_months = data.validity_months or None
    rule.renewal_window_days = data.renewal_window_days
    rule.expiry_base = ExpiryBase(data.expiry_base)
    rule.periods, rule.content_area = data.periods, data.content_area or ""
    rule.auto_issue, rule.active = data.auto_issue, data.active
    if rule.id is None:
        db.session.add(rule)
    db.session.flush()
    audit.record("certificate_rule.saved", "certificate_rule", rule.id, actor_id=actor_id,
                 data={"scope": scope, "template_id": template.id})
    return rule
