"""Question banks for lecturers: banks, categories, questions (per type), import and export."""
from __future__ import annotations

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select

from lms.core.db import db
from lms.core.errors import DomainError
from lms.core.models import School
from lms.core.search import bounded
from lms.core.views.pagination import paginate
from lms.core.views.transaction import commits, flash_domain_errors
from lms.core.xlsx import XLSX_MIMETYPE
from lms.quizzes.display import QuestionView
from lms.quizzes.forms import BankForm, CategoryForm, ImportForm, QuestionForm, RenameForm, options
from lms.quizzes.models import Attempt, AttemptQuestion, AttemptState, Category, Question, QuestionBank, Quiz
from lms.quizzes.services import banks as service
from lms.quizzes.services.importing import bank_questions, export_questions, import_questions
from lms.quizzes.types import all_types, get_type
from lms.quizzes.views import bp

EXTRA_ROWS = 3  # blank rows after a question's own rows
NEW_ROWS = 5  # blank rows for a new question


def _require_quiz_manager() -> None:
    if not service.may_manage_quizzes(current_user):
        abort(403)


def _bank(bank_id: int) -> QuestionBank:
    bank = db.session.get(QuestionBank, bank_id) or abort(404)
    if not service.may_manage_bank(current_user, bank):
        abort(403)
    return bank


def _school_choices() -> list[tuple[int, str]]:
    statement = select(School).where(School.active.is_(True)).order_by(School.name_vi)
    if not current_user.is_admin:
        statement = statement.where(School.id.in_(service.lecturer_school_ids(current_user) or {0}))
    choices = [(s.id, s.name_vi) for s in db.session.scalars(statement)]
    return ([(0, _("No school (administrators only)"))] if current_user.is_admin else []) + choices


@bp.route("/banks", methods=["GET", "POST"])
@login_required
@commits
def banks():
    _require_quiz_manager()
    form = BankForm()
    form.school_id.choices = options(_school_choices())
    if form.validate_on_submit():
        school_id = form.school_id.data or None
        if not current_user.is_admin and school_id not in service.lecturer_school_ids(current_user):
            abort(403)
        with flash_domain_errors():
            bank = service.create_bank(form.key.data, form.title.data, school_id=school_id)
            flash(_("The bank was created."), "success")
            return redirect(url_for("quizzes.bank", bank_id=bank.id))
    page = paginate(select(QuestionBank).where(service.bank_visibility(current_user)).order_by(QuestionBank.title))
    counts = service.question_counts([b.id for b in page.items])
    quiz_counts = dict(db.session.execute(select(Quiz.bank_id, func.count()).where(
        Quiz.bank_id.in_([b.id for b in page.items] or [0])).group_by(Quiz.bank_id)).all())
    schools = {s.id: s for s in db.session.scalars(select(School).where(
        School.id.in_({b.school_id for b in page.items if b.school_id} or {0})))}
    return render_template("quizzes/banks.html", page=page, form=form, counts=counts, quiz_counts=quiz_counts,
                           schools=schools)


@bp.get("/banks/<int:bank_id>")
@login_required
def bank(bank_id: int):
    bank = _bank(bank_id)
    tree = service.categories(bank.id)
    category = db.session.get(Category, request.args.get("category", type=int) or 0)
    if category is not None and category.bank_id != bank.id:
        category = None
    tag = request.args.get("tag") or None
    search = bounded(request.args.get("q"))
    hidden = request.args.get("hidden") == "1"
    statement = service.questions_in(bank.id, category_ids=service.subcategory_ids(category) if category else None,
                                     tag=tag, search=search or None, include_hidden=hidden)
    page = paginate(statement)
    quizzes = list(db.session.scalars(select(Quiz).where(Quiz.bank_id == bank.id).order_by(Quiz.title_vi)))
    bank_form = BankForm(prefix="bank", obj=bank)
    bank_form.school_id.choices = options(_school_choices())
    bank_form.school_id.data = bank.school_id or 0
    return render_template("quizzes/bank.html", bank=bank, bank_form=bank_form, tree=tree, category=category, tag=tag,
                           search=search, hidden=hidden, page=page, quizzes=quizzes, tags=service.bank_tags(bank.id),
                           types=all_types(), category_form=CategoryForm(), import_form=ImportForm(),
                           rename_form=RenameForm(prefix="rename"))


@bp.post("/banks/<int:bank_id>/settings")
@login_required
@commits
def bank_settings(bank_id: int):
    bank = _bank(bank_id)
    form = BankForm(prefix="bank")
    form.school_id.choices = options(_school_choices())
    del form.key
    if form.validate_on_submit():
        school_id = form.school_id.data or None
        if not current_user.is_admin and school_id not in service.lecturer_school_ids(current_user):
            flash(_("Choose one of your schools."), "error")
            return redirect(url_for("quizzes.bank", bank_id=bank.id))
        with flash_domain_errors():
            service.update_bank(bank, title=form.title.data, school_id=school_id)
            flash(_("The bank was saved."), "success")
    else:
        flash(_("A bank needs a title."), "error")
    return redirect(url_for("quizzes.bank", bank_id=bank.id))


@bp.post("/banks/<int:bank_id>/categories")
@login_required
@commits
def add_category(bank_id: int):
    bank = _bank(bank_id)
    form = CategoryForm()
    if form.validate_on_submit():
        category = service.ensure_category(bank, form.path.data)
        flash(_("The category %(path)s is ready.", path=category.path), "success")
        return redirect(url_for("quizzes.bank", bank_id=bank.id, category=category.id))
    flash(_("Give the category a name."), "error")
    return redirect(url_for("quizzes.bank", bank_id=bank.id))


@bp.post("/categories/<int:category_id>/rename")
@login_required
@commits
def rename_category(category_id: int):
    category = db.session.get(Category, category_id) or abort(404)
    bank = _bank(category.bank_id)
    form = RenameForm(prefix="rename")
    with flash_domain_errors():
        if not form.validate_on_submit():
            raise DomainError(_("A category needs a name."))
        service.rename_category(category, form.name.data)
    return redirect(url_for("quizzes.bank", bank_id=bank.id, category=category_id))


# -- questions -----------------------------------------------------------------------------------

def _editor_rows(kind, data: dict) -> list[dict]:
    if not kind.rows_key:
        return []
    rows = kind.editor_rows(data) if data else []
    blank = EXTRA_ROWS if rows else max(NEW_ROWS, kind.min_rows)
    return rows + [{} for _n in range(blank)]


def _posted_rows(kind) -> list[dict]:
    rows, n = [], 0
    while any(f"row-{n}-{c.key}" in request.form for c in kind.editor_columns):
        row = {c.key: request.form.get(f"row-{n}-{c.key}", "").strip() for c in kind.editor_columns}
        row["id"] = request.form.get(f"row-{n}-id") or None
        if any(row[c.key] for c in kind.editor_columns if c.kind != "percent"):
            rows.append(row)
        n += 1
        if n > 200:
            break
    return rows


def _posted_flags(kind) -> dict:
    flags = {}
    for flag in kind.editor_flags:
        raw = request.form.get(f"flag-{flag.key}")
        if flag.kind == "bool":
            flags[flag.key] = raw is not None
        elif flag.kind == "int":
            try:
                flags[flag.key] = int(raw or 0)
            except ValueError:
                raise DomainError(_("%(label)s must be a whole number.", label=flag.label)) from None
        else:
            flags[flag.key] = raw or ""
    return flags


def _category_choices(bank: QuestionBank) -> list[tuple[int, str]]:
    return [(c.id, c.path) for c in service.categories(bank.id)]


@bp.route("/banks/<int:bank_id>/questions/new", methods=["GET", "POST"])
@bp.route("/questions/<int:question_id>/edit", methods=["GET", "POST"])
@login_required
@commits
def edit_question(bank_id: int | None = None, question_id: int | None = None):
    question = db.session.get(Question, question_id) if question_id else None
    if question_id and question is None:
        abort(404)
    bank = _bank(question.bank_id if question else bank_id)
    qtype = question.qtype if question else request.args.get("type", "single_choice")
    kind = get_type(qtype) or abort(404)
    form = QuestionForm(obj=question)
    choices = _category_choices(bank)
    if not choices:
        service.ensure_category(bank, "")
        choices = _category_choices(bank)
    form.category_id.choices = options(choices)
    if request.method == "GET":
        if question:
            form.tags.data = ", ".join(question.tags)
        else:
            form.category_id.data = request.args.get("category", type=int) or choices[0][0]
            form.default_mark.data = kind.default_mark
    rows, flags = (_editor_rows(kind, question.data if question else {}),
                   kind.editor_flag_values(question.data if question else {}))
    if form.validate_on_submit():
        with flash_domain_errors():
            category = db.session.get(Category, form.category_id.data)
            if category is None or category.bank_id != bank.id:
                raise DomainError(_("Choose one of the bank's categories."))
            rows, flags = _posted_rows(kind), _posted_flags(kind)
            data = kind.from_editor(rows, flags)
            mark = float(form.default_mark.data) if form.default_mark.data is not None else None
            before = question.version if question else None
            saved = service.save_question(bank, question, qtype=qtype, name=form.name.data or "", category=category,
                                          text=form.text.data, text_format=form.text_format.data,
                                          general_feedback=form.general_feedback.data or "", data=data,
                                          default_mark=mark, tags=(form.tags.data or "").split(","),
                                          idnumber=question.idnumber if question else "",
                                          hidden=question.hidden if question else False, user_id=current_user.id)
            used = _finished_attempts_with(saved.id) if before and saved.version != before else 0
            flash(_("The question was saved."), "success")
            if used:
                flash(_("%(n)s submitted attempts answered the earlier version of this question. Their saved "
                        "answers are kept; regrade them to apply the correction.", n=used), "warning")
                return redirect(url_for("quizzes.question_usage", question_id=saved.id))
            return redirect(url_for("quizzes.bank", bank_id=bank.id, category=saved.category_id))
        rows = rows + [{} for _n in range(EXTRA_ROWS)] if kind.rows_key else rows  # refused: room to fix it
    return render_template("quizzes/question_form.html", bank=bank, question=question, kind=kind, form=form,
                           rows=rows, flags=flags)


def _finished_attempts_with(question_id: int) -> int:
    return db.session.scalar(select(func.count(func.distinct(AttemptQuestion.attempt_id)))
                             .join(Attempt, Attempt.id == AttemptQuestion.attempt_id)
                             .where(AttemptQuestion.question_id == question_id,
                                    Attempt.state != AttemptState.in_progress)) or 0


@bp.get("/questions/<int:question_id>")
@login_required
def question_usage(question_id: int):
    """A question: its preview with the right answers, and the attempts that asked it (to regrade)."""
    question = db.session.get(Question, question_id) or abort(404)
    bank = _bank(question.bank_id)
    kind = get_type(question.qtype) or abort(404)
    order = kind.shuffle_ids(question.data) if kind.shuffle_ids(question.data) is not None else None
    view = QuestionView(number=1, question=question, kind=kind, field="preview", order=order, readonly=True,
                        show_right=True, show_feedback=False)
    stale = db.session.scalar(select(func.count(func.distinct(AttemptQuestion.attempt_id)))
                              .join(Attempt, Attempt.id == AttemptQuestion.attempt_id)
                              .where(AttemptQuestion.question_id == question.id,
                                     Attempt.state != AttemptState.in_progress,
                                     AttemptQuestion.question_version != question.version)) or 0
    return render_template("quizzes/question.html", bank=bank, question=question, kind=kind, view=view,
                           used=_finished_attempts_with(question.id), stale=stale)


@bp.post("/questions/<int:question_id>/hide")
@login_required
@commits
def hide_question(question_id: int):
    question = db.session.get(Question, question_id) or abort(404)
    _bank(question.bank_id)
    service.set_hidden(question, not question.hidden)
    flash(_("The question was retired: quizzes no longer draw it; attempts keep it.") if question.hidden
          else _("The question is back in use."), "success")
    return redirect(url_for("quizzes.bank", bank_id=question.bank_id, category=question.category_id))


# -- import and export ---------------------------------------------------------------------------

@bp.post("/banks/<int:bank_id>/import")
@login_required
@commits
def import_file(bank_id: int):
    bank = _bank(bank_id)
    form = ImportForm()
    if not form.validate_on_submit():
        flash(_("Choose a file to import and its format."), "error")
        return redirect(url_for("quizzes.bank", bank_id=bank.id))
    upload = form.file.data
    limit = current_app.config["QUIZZES_IMPORT_MAX_BYTES"]
    raw = upload.stream.read(limit + 1)
    if len(raw) > limit:
        flash(_("The file is larger than %(n)s MB.", n=limit // (1024 * 1024)), "error")
        return redirect(url_for("quizzes.bank", bank_id=bank.id))
    with flash_domain_errors():
        report = import_questions(bank, form.format.data, raw, filename=upload.filename or "",
                                  default_category=form.category.data or None, user_id=current_user.id)
        return render_template("quizzes/import_report.html", bank=bank, report=report, filename=upload.filename)
    return redirect(url_for("quizzes.bank", bank_id=bank.id))


@bp.get("/banks/<int:bank_id>/export")
@login_required
def export_bank(bank_id: int):
    bank = _bank(bank_id)
    fmt = request.args.get("format", "gift")
    if fmt not in ("gift", "moodle-xml"):
        abort(400)
    category = db.session.get(Category, request.args.get("category", type=int) or 0)
    ids = service.subcategory_ids(category) if category is not None and category.bank_id == bank.id else None
    info = {c.path: c.info for c in service.categories(bank.id)}
    text = export_questions(bank_questions(bank, ids), fmt, category_info=info)
    filename = f"{bank.key}.{'gift' if fmt == 'gift' else 'xml'}"
    mimetype = "text/plain" if fmt == "gift" else "application/xml"
    return Response(text.encode("utf-8"), mimetype=f"{mimetype}; charset=utf-8",
                    headers={"Content-Disposition": f"attachment; filename={filename}"})


@bp.get("/template.xlsx")
@login_required
def xlsx_template():
    _require_quiz_manager()
    from lms.quizzes.formats.xlsx import xlsx_template as build
    return Response(build(), mimetype=XLSX_MIMETYPE,
                    headers={"Content-Disposition": "attachment; filename=mau-ngan-hang-cau-hoi.xlsx"})
