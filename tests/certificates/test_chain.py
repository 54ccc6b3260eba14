"""The acceptance chain with the real courses plugin: a completed course yields a certificate whose PDF
prints correct Vietnamese and whose QR code opens the verify page; revocation shows there."""
from __future__ import annotations

from datetime import date
from urllib.parse import urlsplit

import segno
from sqlalchemy import select

from lms.certificates.models import Certificate, Status
from lms.certificates.pdf import layout, render
from lms.certificates.services import lifecycle
from lms.core import activities
from lms.core.db import db
from tests.certificates.test_pdf import text_of
from tests.courses.helpers import activity, make_course


def test_a_completed_course_yields_a_checkable_certificate(app, school, make_template, make_rule, make_learner,
                                                           client, recorded_events):
    from lms.courses.models import CourseClass
    from lms.courses.services.enrolment import enrol

    course = make_course("quan-ly-nha-nuoc", school=school, periods=40)
    klass = CourseClass(course_id=course.id, code="QLNN-2025-01", title_vi="Lớp quản lý nhà nước 01",
                        school_id=school.id, starts_on=date(2025, 3, 3), ends_on=date(2025, 3, 28))
    db.session.add(klass)
    db.session.flush()
    from lms.core.catalog import catalog
    make_rule(make_template(school), catalog().course(course.id))
    user, official = make_learner("Nguyễn Thị Ngọc Hường")
    enrol(user.id, course, course_class=klass)
    activities.report_outcome(user.id, "page", activity(course, "bai-1").ref, completed=True)
    db.session.commit()

    cert = db.session.scalar(select(Certificate).where(Certificate.official_id == official.id))
    assert cert is not None and cert.class_code == "QLNN-2025-01" and cert.periods == 40
    assert [n for n, _ in recorded_events].count("certificate_issued") == 1
    text = text_of(render.render_pdf(cert))
    assert "NGUYỄN THỊ NGỌC HƯỜNG" in text and "Khóa quan-ly-nha-nuoc" in text
    assert "Thời gian: từ ngày 03/03/2025 đến ngày 28/03/2025" in text

    url = render.verify_url(cert.verification_code)
    page = layout.draw(render.certificate_view(cert))
    [qr] = [op[4] for op in page.ops if isinstance(op, tuple) and op[0] == "modules"]
    assert qr == [[bool(v) for v in row] for row in segno.make(url, error="m", micro=False,
                                                                mask=layout.QR_MASK).matrix]
    response = client.get(urlsplit(url).path)
    assert response.status_code == 200 and "verdict-valid" in response.get_data(as_text=True)

    lifecycle.revoke(cert, ground="not_eligible", note="Không đủ điều kiện", actor_id=None)
    db.session.commit()
    assert cert.status is Status.revoked
    assert "verdict-revoked" in client.get(urlsplit(url).path).get_data(as_text=True)
