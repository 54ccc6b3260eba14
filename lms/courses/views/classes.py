"""Classes: list, open and edit, fill (unit, list, one person), sessions and attendance (works on a phone)."""
from __future__ import annotations

from datetime import datetime

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import case, func, select

from lms.core.db import db
from lms.core.forms import options
from lms.core.i18n import locale_code
from lms.core.models import Official, Role, School, Unit, User
from lms.core.permissions import school_ids
from lms.core.views.transaction import commits, flash_domain_errors
from lms.courses.access import may_run_class, may_teach_class, sees_classes, visible_classes_condition
from lms.courses.forms import ClassForm, EnrolFileForm, EnrolOneForm, EnrolUnitForm, SessionForm
from lms.courses.labels import MODE
from lms.courses.models import (
    Attendance,
    AttendanceStatus,
    ClassLecturer,
    ClassSession,
    Course,
    CourseClass,
    CourseStatus,
    Enrolment,
    EnrolmentStatus,
)
from lms.courses.progress_dates import zone
from lms.courses.services import classes as service
from lms.courses.views import bp


def _class_or_404(class_id: int) -> CourseClass:
    course_class = db.session.get(CourseClass, class_id)
    return course_class or abort(404)


def _teaching(class_id: int) -> CourseClass:
    course_class = _class_or_404(class_id)
    if not may_teach_class(current_user, course_class):
        abort(403)
    return course_class


def _running(class_id: int) -> CourseClass:
    course_class = _class_or_404(class_id)
    if not may_run_class(current_user, course_class):
        abort(403)
    return course_class


def _back(course_class: CourseClass, anchor: str = ""):
    return redirect(url_for("courses.class_page", class_id=course_class.id) + (f"#{anchor}" if anchor else ""))


@bp.get("/classes", endpoint="classes")
@login_required
def class_list():
    if not sees_classes(current_user):
        abort(403)
    active = Enrolment.status == EnrolmentStatus.active
    rows = db.session.execute(
        select(CourseClass, Course.title_vi, Course.title_en, func.count(Enrolment.id).filter(active),
               func.sum(case((active & Enrolment.completed_at.is_not(None), 1), else_=0)))
        .join(Course, Course.id == CourseClass.course_id)
        .outerjoin(Enrolment, Enrolment.class_id == CourseClass.id)
        .where(visible_classes_condition(current_user))
        .group_by(CourseClass.id, Course.title_vi, Course.title_en)
        .order_by(CourseClass.starts_on.desc(), CourseClass.id.desc())).all()
    may_open = current_user.is_admin or bool(school_ids(current_user, Role.school_admin))
    return render_template("courses/classes/index.html", rows=rows, may_open=may_open)


def _class_form(course_class: CourseClass | None = None) -> ClassForm:
    form = ClassForm(obj=course_class)
    shown = Course.status == CourseStatus.published
    if course_class is not None:
        shown = shown | (Course.id == course_class.course_id)
    courses = db.session.scalars(select(Course).where(shown).order_by(Course.title_vi))
    form.course_id.choices = options((c.id, c.title_vi) for c in courses)
    schools = select(School).where(School.active.is_(True)).order_by(School.name_vi)
    if not current_user.is_admin:
        schools = schools.where(School.id.in_(school_ids(current_user, Role.school_admin) or {0}))
    form.school_id.choices = options((s.id, s.name(locale_code())) for s in db.session.scalars(schools))
    form.unit_id.choices = _unit_options(blank=True)
    form.mode.choices = options(MODE.items())
    school_id = course_class.school_id if course_class else None
    form.lecturer_ids.choices = options((u.id, u.display_name) for u in service.lecturer_choices(school_id))
    if course_class is not None and request.method == "GET":
        form.mode.data = course_class.mode.value
        form.unit_id.data = course_class.unit_id or 0
        form.lecturer_ids.data = list(db.session.scalars(select(ClassLecturer.user_id)
                                                         .where(ClassLecturer.class_id == course_class.id)))
        if course_class.min_attendance is not None:
            form.min_attendance.data = round(course_class.min_attendance * 100)
    return form


def _unit_options(blank: bool):
    units = db.session.execute(select(Unit.id, Unit.name_vi, Unit.code, Unit.path).where(Unit.valid_to.is_(None))
                               .order_by(Unit.path)).all()
    pairs = [(u.id, f"{'· ' * max(0, u.path.count('/') - 2)}{u.name_vi} ({u.code})") for u in units]
    return options(([(0, "—")] if blank else []) + pairs)


def _fields(form: ClassForm) -> service.ClassFields:
    return service.ClassFields(
        course_id=form.course_id.data, code=form.code.data or "", title_vi=form.title_vi.data or "",
        title_en=form.title_en.data or "", school_id=form.school_id.data or None, unit_id=form.unit_id.data or None,
        mode=form.mode.data, starts_on=form.starts_on.data, ends_on=form.ends_on.data, capacity=form.capacity.data,
        place=form.place.data or "",
        min_attendance=form.min_attendance.data / 100 if form.min_attendance.data is not None else None,
        credit_on_attendance=bool(form.credit_on_attendance.data),
        lecturer_ids=list(form.lecturer_ids.data or []))


@bp.route("/classes/new", methods=["GET", "POST"])
@login_required
@commits
def new_class():
    form = _class_form()
    if not form.school_id.choices:
        abort(403)
    if form.validate_on_submit():
        with flash_domain_errors():
            course_class = service.open_class(current_user, _fields(form))
            flash(_("The class was opened. Now enrol its learners."), "success")
            return _back(course_class, "enrol")
    return render_template("courses/classes/form.html", form=form, course_class=None)


@bp.route("/classes/<int:class_id>/edit", methods=["GET", "POST"])
@login_required
@commits
def edit_class(class_id: int):
    course_class = _running(class_id)
    form = _class_form(course_class)
    if form.validate_on_submit():
        with flash_domain_errors():
            service.update_class(current_user, course_class, _fields(form))
            flash(_("Saved."), "success")
            return _back(course_class)
    return render_template("courses/classes/form.html", form=form, course_class=course_class)


def roster(course_class: CourseClass) -> list:
    """(enrolment, user, official) rows of the class, in name order: one query."""
    return db.session.execute(
        select(Enrolment, User, Official).join(User, User.id == Enrolment.user_id)
        .outerjoin(Official, Official.id == User.official_id)
        .where(Enrolment.class_id == course_class.id, Enrolment.status == EnrolmentStatus.active)
        .order_by(func.coalesce(Official.name_folded, User.display_name), Enrolment.id)).all()


@bp.get("/classes/<int:class_id>")
@login_required
def class_page(class_id: int):
    course_class = _teaching(class_id)
    sessions = list(db.session.scalars(select(ClassSession).where(ClassSession.class_id == class_id)
                                       .order_by(ClassSession.starts_at)))
    lecturers = list(db.session.scalars(select(User).join(ClassLecturer, ClassLecturer.user_id == User.id)
                                        .where(ClassLecturer.class_id == class_id).order_by(User.display_name)))
    runs = may_run_class(current_user, course_class)
    unit_form = EnrolUnitForm()
    if runs:
        unit_form.unit_id.choices = _unit_options(blank=False)
    return render_template("courses/classes/class.html", course_class=course_class, course=course_class.course,
                           rows=roster(course_class), sessions=sessions, lecturers=lecturers, runs=runs,
                           unit_form=unit_form, file_form=EnrolFileForm(), one_form=EnrolOneForm(),
                           session_form=SessionForm())


def _report(report: service.EnrolReport) -> None:
    flash(_("%(n)s enrolled, %(already)s already in the class.", n=report.enrolled, already=report.already),
          "success")
    if report.without_account:
        flash(_("%(n)s officials have no account and were not enrolled: %(codes)s", n=len(report.without_account),
                codes=", ".join(report.without_account[:30]) + (" …" if len(report.without_account) > 30 else "")),
              "warning")
    if report.not_found:
        flash(_("Unknown employee codes: %(codes)s", codes=", ".join(report.not_found[:30])), "warning")
    if report.in_other_class:
        flash(_("Already in another class of this course: %(codes)s", codes=", ".join(report.in_other_class[:30])),
              "warning")


def _fill(course_class: CourseClass, action) -> None:
    with flash_domain_errors():
        _report(action())


@bp.post("/classes/<int:class_id>/enrol/unit")
@login_required
@commits
def enrol_unit(class_id: int):
    course_class = _running(class_id)
    form = EnrolUnitForm()
    unit = db.session.get(Unit, form.unit_id.data or 0) if form.validate_on_submit() else None
    if unit is None:
        flash(_("Choose a unit."), "error")
    else:
        _fill(course_class, lambda: service.enrol_unit(course_class, unit))
    return _back(course_class, "roster")


@bp.post("/classes/<int:class_id>/enrol/file")
@login_required
@commits
def enrol_file(class_id: int):
    course_class = _running(class_id)
    form = EnrolFileForm()
    if not form.validate_on_submit():
        flash(_("Choose a CSV or XLSX file."), "error")
        return _back(course_class, "enrol")
    upload = form.file.data
    _fill(course_class, lambda: service.enrol_codes(course_class,
                                                    service.read_codes(upload.stream, upload.filename or "")))
    return _back(course_class, "roster")


@bp.post("/classes/<int:class_id>/enrol/one")
@login_required
@commits
def enrol_one(class_id: int):
    course_class = _running(class_id)
    form = EnrolOneForm()
    if not form.validate_on_submit():
        flash(_("Give an employee code."), "error")
        return _back(course_class, "enrol")
    _fill(course_class, lambda: service.enrol_codes(course_class, [form.employee_code.data]))
    return _back(course_class, "roster")


@bp.post("/classes/<int:class_id>/withdraw/<int:enrolment_id>")
@login_required
@commits
def withdraw(class_id: int, enrolment_id: int):
    course_class = _running(class_id)
    enrolment = db.session.get(Enrolment, enrolment_id) or abort(404)
    with flash_domain_errors():
        service.withdraw(course_class, enrolment)
    return _back(course_class, "roster")


@bp.post("/classes/<int:class_id>/sessions")
@login_required
@commits
def add_session(class_id: int):
    course_class = _running(class_id)
    form = SessionForm()
    if not form.validate_on_submit():
        flash(_("Give the session's date and start time."), "error")
        return _back(course_class, "sessions")
    starts = datetime.combine(form.day.data, form.start.data, tzinfo=zone())
    ends = datetime.combine(form.day.data, form.end.data, tzinfo=zone()) if form.end.data else None
    with flash_domain_errors():
        service.add_session(course_class, starts, ends, form.place.data or "", form.topic.data or "")
    return _back(course_class, "sessions")


@bp.post("/classes/<int:class_id>/sessions/<int:session_id>/delete")
@login_required
@commits
def delete_session(class_id: int, session_id: int):
    course_class = _running(class_id)
    session = db.session.get(ClassSession, session_id)
    if session is None or session.class_id != class_id:
        abort(404)
    service.delete_session(course_class, session)
    return _back(course_class, "sessions")


@bp.route("/classes/<int:class_id>/sessions/<int:session_id>", methods=["GET", "POST"])
@login_required
@commits
def attendance(class_id: int, session_id: int):
    """The register of one session: a row per learner with four choices, big enough for a phone."""
    course_class = _teaching(class_id)
    session = db.session.get(ClassSession, session_id)
    if session is None or session.class_id != class_id:
        abort(404)
    if request.method == "POST":
        everyone = request.form.get("all") == "present"
        marks = {}
        for key, value in request.form.items():
            if key.startswith("e-") and key[2:].isdigit() and value in AttendanceStatus.__members__:
                marks[int(key[2:])] = AttendanceStatus(value)
        if everyone:
            marks = {e.id: AttendanceStatus.present for e, _u, _o in roster(course_class)}
        changed = service.record_attendance(course_class, session, marks, current_user.id)
        flash(_("Attendance saved (%(n)s changed).", n=changed), "success")
        return redirect(url_for("courses.attendance", class_id=class_id, session_id=session_id))
    marks = {a.enrolment_id: a.status.value for a in db.session.scalars(
        select(Attendance).where(Attendance.session_id == session_id))}
    return render_template("courses/classes/attendance.html", course_class=course_class, session=session,
                           rows=roster(course_class), marks=marks, statuses=list(AttendanceStatus))
