"""The demo: every folder in content/ imports, the demo official is enrolled, a class is filled; twice is once."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from lms.core.db import db
from lms.core.models import Official, Unit, User
from lms.courses.models import Activity, Course, CourseClass, Enrolment
from lms.courses.services.folder import read_course
from lms.courses.services.importer import check_course

CONTENT = Path(__file__).resolve().parents[2] / "content"


def _count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_the_real_content_folders_are_clean(app, make_school):
    make_school(code="TCT-T01")
    folders = sorted(p for p in CONTENT.iterdir() if (p / "course.yaml").is_file())
    assert len(folders) >= 4
    for folder in folders:
        spec = read_course(folder, skip_unavailable=True)
        plan = check_course(spec)
        assert [str(w) for w in plan.warnings] == [], folder.name
        assert sum(1 for _s, a in spec.activities() if a.type == "page") >= 3


def test_demo_seed_imports_content_enrols_and_fills_a_class(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["demo", "seed"])
    assert result.exit_code == 0, result.output
    keys = set(db.session.scalars(select(Course.key)))
    expected = {p.name for p in CONTENT.iterdir() if (p / "course.yaml").is_file()}
    assert expected <= keys
    official = db.session.scalar(select(User).where(User.login_code == "CB00001"))
    mine = db.session.scalar(select(Enrolment).where(Enrolment.user_id == official.id))
    assert mine is not None and mine.course.key == "chuyen-doi-so-co-quan-nha-nuoc" and mine.due_on is not None
    course_class = db.session.scalar(select(CourseClass).where(CourseClass.code == "TCT-T01-DEMO-01"))
    commune = db.session.scalar(select(Unit).where(Unit.code == "T01-X-TANPHU"))
    in_commune = _count(Official, Official.unit_id == commune.id)
    assert in_commune > 0 and _count(Enrolment, Enrolment.class_id == course_class.id) == in_commune
    counts = (_count(Course), _count(Activity), _count(Enrolment), _count(CourseClass))
    again = runner.invoke(args=["demo", "seed"])
    assert again.exit_code == 0, again.output
    assert (_count(Course), _count(Activity), _count(Enrolment), _count(CourseClass)) == counts
