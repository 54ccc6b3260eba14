"""Demo content: a completion-certificate template for every school and a rule for every published
course of the catalogue that has none (idempotent: run it again and nothing is duplicated)."""
from __future__ import annotations

from sqlalchemy import select

from lms.certificates.models import CertificateKind, CertificateRule, CertificateTemplate
from lms.core.catalog import catalog
from lms.core.db import db
from lms.core.models import School

DEMO_TEMPLATE = "Giấy chứng nhận hoàn thành khóa bồi dưỡng"


def seed() -> None:
    templates = {}
    for school in db.session.scalars(select(School).where(School.active.is_(True)).order_by(School.id)):
        template = db.session.scalar(select(CertificateTemplate).where(CertificateTemplate.school_id == school.id,
                                                                       CertificateTemplate.name == DEMO_TEMPLATE))
        if template is None:
            template = CertificateTemplate(school_id=school.id, name=DEMO_TEMPLATE, kind=CertificateKind.completion,
                                           title="GIẤY CHỨNG NHẬN", subtitle="HOÀN THÀNH KHÓA BỒI DƯỠNG",
                                           body="Đã hoàn thành khóa bồi dưỡng")
            db.session.add(template)
            db.session.flush()
        templates[school.id] = template
    provider = catalog()
    if provider is None or not templates:
        return
    existing = set(db.session.scalars(select(CertificateRule.scope)))
    fallback = next(iter(templates.values()))
    for course in provider.courses(status="published"):
        scope = f"course:{course.key}"
        if scope in existing:
            continue
        template = templates.get(course.school_id, fallback)
        db.session.add(CertificateRule(scope=scope, school_id=template.school_id, template_id=template.id,
                                       course_key=course.key, course_id=course.id, min_final_score=0.5))
        existing.add(scope)
    db.session.flush()
