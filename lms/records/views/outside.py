"""Schools record training done elsewhere: one by one or from a file, always with evidence."""
from __future__ import annotations

import io
from datetime import date

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from lms.core import storage
from lms.core.db import db
from lms.core.errors import DomainError
from lms.core.i18n import locale_code
from lms.core.models import Official, Role, School
from lms.core.permissions import may_run_school, roles_required, school_ids
from lms.core.views.transaction import commits, discard_changes, flash_domain_errors
from lms.core.vocab import CONTENT_AREAS, TOPICS, area_label, topic_label
from lms.core.xlsx import XLSX_MIMETYPE, Book
from lms.records import outside
from lms.records.dashboard import paginate_rows
from lms.records.forms import OutsideImportForm, OutsideRecordForm, WithdrawForm
from lms.records.models import CreditSource, TrainingCredit
from lms.records.views import bp

EVIDENCE_TYPES = storage.DOCUMENT_TYPES | storage.IMAGE_TYPES
PROVIDER_SUGGESTIONS = ("Nền tảng Bình dân học vụ số", "Học viện Chính trị quốc gia Hồ Chí Minh",
                        "Học viện Hành chính và Quản trị công")


def _schools() -> list[School]:
    """Schools the user may record for: their own as school admin (admins: every active school)."""
    statement = select(School).where(School.active.is_(True)).order_by(School.name_vi)
    if not current_user.is_admin:
        statement = statement.where(School.id.in_(school_ids(current_user, Role.school_admin) or {0}))
    return list(db.session.scalars(statement))


def _school_choices(form) -> None:
    locale = locale_code()
    choices = [(s.id, s.name(locale)) for s in _schools()]
    if current_user.is_admin:
        choices = [(0, "—")] + choices
    form.school_id.choices = choices


def _chosen_school(form) -> int | None:
    school_id = form.school_id.data or None
    if school_id is None and not current_user.is_admin:
        abort(403)
    if school_id is not None and not may_run_school(current_user, school_id):
        abort(403)
    return school_id


def _save_evidence(upload):
    return storage.save(upload.stream, upload.filename or "evidence", EVIDENCE_TYPES, uploaded_by=current_user.id)


@bp.get("/outside")
@roles_required(Role.school_admin)
def outside_index():
    statement = (select(TrainingCredit, Official).join(Official, TrainingCredit.official_id == Official.id)
                 .options(joinedload(TrainingCredit.evidence))
                 .where(TrainingCredit.source == CreditSource.outside)
                 .order_by(TrainingCredit.created_at.desc(), TrainingCredit.id.desc()))
    if not current_user.is_admin:
        statement = statement.where(TrainingCredit.recorded_by_school_id.in_(
            school_ids(current_user, Role.school_admin) or {0}))
    try:
        page_number = max(1, int(request.args.get("page", 1)))
    except ValueError:
        page_number = 1
    page = paginate_rows(statement, page_number)
    return render_template("records/outside_index.html", page=page, withdraw_form=WithdrawForm(),
                           area_label=area_label)


@bp.route("/outside/new", methods=["GET", "POST"])
@roles_required(Role.school_admin)
@commits
def outside_new():
    form = OutsideRecordForm()
    locale = locale_code()
    form.content_area.choices = [(code, area_label(code, locale)) for code in CONTENT_AREAS]
    form.topics.choices = [(code, topic_label(code, locale)) for code in TOPICS]
    _school_choices(form)
    if request.method == "GET" and request.args.get("employee_code"):
        form.employee_code.data = request.args["employee_code"]
    if form.validate_on_submit():
        school_id = _chosen_school(form)
        person = db.session.scalar(select(Official).where(Official.employee_code == form.employee_code.data.strip()))
        try:
            if person is None:
                raise DomainError(_("There is no official with the employee code %(code)s.",
                                    code=form.employee_code.data.strip()))
            record = outside.OutsideRecord(
                official_id=person.id, title_vi=form.title_vi.data, title_en=form.title_en.data or "",
                content_area=form.content_area.data, periods=form.periods.data, earned_on=form.earned_on.data,
                provider=form.provider.data, topics=tuple(form.topics.data or ()), note=form.note.data or "")
            outside.check(record)  # before the evidence is stored: a wrong record keeps no file
            evidence = _save_evidence(form.evidence.data)
            outside.record_outside(record, evidence_file_id=evidence.id, recorded_by=current_user.id,
                                   school_id=school_id)
        except outside.DuplicateRecord as duplicate:
            discard_changes()
            flash(str(duplicate), "warning")
            return redirect(url_for("records.outside_index"))
        except DomainError as problem:
            discard_changes()
            flash(str(problem), "error")
        else:
            flash(_("Recorded on the training record of %(name)s.", name=person.full_name), "success")
            return redirect(url_for("records.outside_index"))
    return render_template("records/outside_new.html", form=form, providers=PROVIDER_SUGGESTIONS)


@bp.route("/outside/import", methods=["GET", "POST"])
@roles_required(Role.school_admin)
@commits
def outside_import():
    form = OutsideImportForm()
    _school_choices(form)
    report = None
    if form.validate_on_submit():
        school_id = _chosen_school(form)
        upload = form.file.data
        data = upload.read()
        with flash_domain_errors():  # an unreadable file is a DomainError too
            evidence = _save_evidence(form.evidence.data)
            report = outside.import_outside(io.BytesIO(data), upload.filename or "upload", evidence_file_id=evidence.id,
                                            recorded_by=current_user.id, school_id=school_id,
                                            valid_only=form.valid_only.data)
            if report.applied:
                flash(_("Recorded: %(created)s new, %(unchanged)s already on the record, %(skipped)s skipped.",
                        created=report.created, unchanged=report.unchanged, skipped=report.skipped), "success")
            else:
                discard_changes()  # nothing was recorded, so the evidence saved above is not kept either
                flash(_("Nothing was recorded: correct the rows below, or choose to import the valid rows."), "error")
    return render_template("records/outside_import.html", form=form, report=report)


@bp.get("/outside/template.xlsx")
@roles_required(Role.school_admin)
def outside_template():
    book = Book()
    sheet = book.sheet("Mẫu")
    sheet.header("Mã cán bộ", "Tên khóa học", "Tên tiếng Anh", "Nội dung bồi dưỡng", "Chủ đề", "Số tiết",
                 "Ngày hoàn thành", "Cơ sở đào tạo", "Ghi chú")
    sheet.row("CB00001", "Kỹ năng số cơ bản", "Basic digital skills", area_label("science_technology_digital"),
              topic_label("digital_transformation"), 8, date(2025, 3, 15), "Nền tảng Bình dân học vụ số", "")
    return send_file(io.BytesIO(book.to_bytes()), mimetype=XLSX_MIMETYPE, as_attachment=True,
                     download_name="mau-ghi-nhan-boi-duong.xlsx")


@bp.post("/outside/<int:credit_id>/withdraw")
@roles_required(Role.school_admin)
@commits
def outside_withdraw(credit_id: int):
    credit = db.session.get(TrainingCredit, credit_id)
    if credit is None or credit.source is not CreditSource.outside:
        abort(404)
    if not (current_user.is_admin or may_run_school(current_user, credit.recorded_by_school_id)):
        abort(404)
    form = WithdrawForm()
    if not form.validate_on_submit():
        flash(_("Say why the record is withdrawn."), "error")
        return redirect(url_for("records.outside_index"))
    with flash_domain_errors():
        outside.withdraw_outside(credit, form.reason.data, actor_id=current_user.id)
        flash(_("The record was withdrawn; it no longer counts."), "success")
    return redirect(url_for("records.outside_index"))
