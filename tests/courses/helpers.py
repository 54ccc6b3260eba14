"""Helpers shared by the courses tests."""
from __future__ import annotations

from lms.core.db import db


def activity(course, key):
    from sqlalchemy import select

    from lms.courses.models import Activity
    return db.session.scalar(select(Activity).where(Activity.course_id == course.id, Activity.key == key))


def make_course(key="khoa-hoc", *, items=(("bai-1", "page", True),), prerequisites=(), school=None,
                status="published", self_enrol=True, min_attendance=None, periods=8):
    """A course built directly (no folder): `items` are (key, type, required) or (key, type, required, ref)."""
    from lms.courses.models import Activity, Course, CourseStatus, LessonContent, Section
    course = Course(key=key, title_vi=f"Khóa {key}", title_en=f"Course {key}", content_area="state_management",
                    topics=["public_administration"], periods=periods, status=CourseStatus(status),
                    self_enrol=self_enrol, prerequisites=list(prerequisites), min_attendance=min_attendance,
                    school_id=school.id if school else None, sources=[])
    db.session.add(course)
    db.session.flush()
    section = Section(course_id=course.id, key="phan-1", title_vi="Phần 1", position=0)
    course.sections.append(section)
    for position, item in enumerate(items):
        item_key, kind, required = item[:3]
        ref = item[3] if len(item) > 3 else None
        if ref is None:
            content = LessonContent(course_id=course.id, kind=kind, html_vi=f"<p>{item_key}</p>",
                                    source_vi=item_key, url="https://chinhphu.vn/" if kind == "link" else "")
            db.session.add(content)
            db.session.flush()
            ref = str(content.id)
        section.activities.append(Activity(course_id=course.id, key=item_key, type=kind, ref=ref,
                                           title_vi=f"Bài {item_key}", required=required, position=position))
    db.session.flush()
    return course
