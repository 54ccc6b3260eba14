"""The class report keeps hostile text as text; the catalogue's search and topic filter match literally."""
from __future__ import annotations

import io
from datetime import date, datetime, timezone

from openpyxl import load_workbook
from sqlalchemy import update

from lms.core.db import db
from lms.core.models import Role
from lms.courses.models import Course, Enrolment
from lms.courses.services import classes as service
from tests.courses.helpers import make_course


def test_the_class_report_keeps_a_hostile_title_and_name_as_text(make_user, make_official, school, login):
    admin = make_user("truong@example.vn", roles=[(Role.school_admin, {"school_id": school.id})])
    make_user(official=make_official('=HYPERLINK("http://x.example","Xem")', code="CB001"))
    course = make_course(school=school)
    course.title_vi = "+cmd|' /C calc'!A0"
    course_class = service.open_class(admin, service.ClassFields(
        course_id=course.id, code="TCT/2025:01", title_vi="", title_en="", school_id=school.id, unit_id=None,
        mode="in_person", starts_on=date(2025, 9, 1), ends_on=date(2025, 9, 30), capacity=None, place="",
        min_attendance=None, credit_on_attendance=False, lecturer_ids=[]))
    service.enrol_codes(course_class, ["CB001"])
    db.session.commit()
    client = login(admin)
    response = client.get(f"/courses/classes/{course_class.id}/report.xlsx")
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert sheet.title == "TCT 2025 01"  # a sheet name Excel accepts
    assert not [c.coordinate for row in sheet.iter_rows() for c in row if c.data_type == "f"]
    assert sheet["A1"].value == "+cmd|' /C calc'!A0" and sheet["A1"].quotePrefix
    assert sheet["A5"].value == '=HYPERLINK("http://x.example","Xem")' and sheet["A5"].data_type == "s"
    assert sheet.freeze_panes == "A5" and sheet.auto_filter.ref == "A4:M5"


def test_class_report_moments_are_dates(make_user, make_official, school, login):
    admin = make_user("truong@example.vn", roles=[(Role.school_admin, {"school_id": school.id})])
    make_user(official=make_official("Nguyễn Văn An", code="CB001"))
    course_class = service.open_class(admin, service.ClassFields(
        course_id=make_course(school=school).id, code="TCT-01", title_vi="", title_en="", school_id=school.id,
        unit_id=None, mode="in_person", starts_on=date(2025, 9, 1), ends_on=date(2025, 9, 30), capacity=None,
        place="", min_attendance=None, credit_on_attendance=False, lecturer_ids=[]))
    service.enrol_codes(course_class, ["CB001"])
    db.session.flush()
    db.session.execute(update(Enrolment).where(Enrolment.class_id == course_class.id)
                       .values(last_activity_at=datetime(2025, 9, 2, 18, 0, tzinfo=timezone.utc),
                               completed_at=datetime(2025, 9, 3, 2, 0, tzinfo=timezone.utc)))
    db.session.commit()
    sheet = load_workbook(io.BytesIO(login(admin).get(f"/courses/classes/{course_class.id}/report.xlsx").data)).active
    assert sheet["F5"].value == datetime(2025, 9, 3, 1, 0)  # 18:00 UTC is 01:00 the next day in Hà Nội
    assert sheet["L5"].value == datetime(2025, 9, 3, 9, 0) and sheet["L5"].is_date


def test_catalogue_search_matches_percent_underscore_and_backslash_literally(app, learner, login):
    titles = {"k1": "Giảm 50% thủ tục", "k2": "Giảm 500 giờ họp", "k3": "Mã x_y", "k4": "Mã xzy",
              "k5": "Thư mục C:\\tai-lieu", "k6": "Thư mục C:tai-lieu"}
    for key, title in titles.items():
        make_course(key).title_vi = title
    db.session.commit()
    client = login(learner)

    def found(**query) -> set[str]:
        page = client.get("/courses/", query_string=query).get_data(as_text=True)
        return {key for key, title in titles.items() if title in page}

    assert found(q="50%") == {"k1"}
    assert found(q="x_y") == {"k3"}
    assert found(q="c:\\tai") == {"k5"}
    assert found(q="giam") == {"k1", "k2"}
    assert client.get("/courses/", query_string={"q": "%_" * 40000}).status_code == 200


def test_topic_filter_matches_the_key_not_a_lookalike(app, learner, login):
    make_course("ai").title_vi = "Trí tuệ nhân tạo"
    make_course("lookalike").title_vi = "Khóa giống tên"
    db.session.flush()
    db.session.execute(update(Course).where(Course.key == "ai").values(topics=["ai_skills"]))
    db.session.execute(update(Course).where(Course.key == "lookalike").values(topics=["aiXskills"]))
    db.session.commit()
    page = login(learner).get("/courses/?topic=ai_skills").get_data(as_text=True)
    assert "Trí tuệ nhân tạo" in page and "Khóa giống tên" not in page
