"""Quizzes for lecturers: settings and questions (fixed ones and random draws)."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import select

from lms.core.db import db
from lms.core.errors import DomainError
from lms.core.views.transaction import commits, flash_domain_errors
from lms.quizzes.forms import QuizForm, RandomSlotForm, options
from lms.quizzes.models import Category, Question, Quiz
from lms.quizzes.services import banks as bank_service
from lms.quizzes.services import quizzes as service
from lms.quizzes.views import bp
from lms.quizzes.views.banks import _bank


def _quiz(quiz_id: int) -> Quiz:
    quiz = db.session.get(Quiz, quiz_id) or abort(404)
    _bank(quiz.bank_id)
    return quiz


def _tell(outcome: service.EditOutcome) -> None:
    if outcome.open_attempts:
        flash(_("%(n)s attempts are in progress: they keep the questions and the deadline they started with; "
                "the change applies to attempts started from now on.", n=outcome.open_attempts), "warning")


@bp.route("/banks/<int:bank_id>/quizzes/new", methods=["GET", "POST"])
@bp.route("/<int:quiz_id>/edit", methods=["GET", "POST"])
@login_required
@commits
def edit_quiz(bank_id: int | None = None, quiz_id: int | None = None):
    quiz = _quiz(quiz_id) if quiz_id else None
    bank = quiz.bank if quiz else _bank(bank_id)
    form = QuizForm()
    if request.method == "GET" and quiz is not None:
        form.fill(quiz)
    if form.validate_on_submit():
        with flash_domain_errors():
            if quiz is None:
                quiz = service.create_quiz(bank, title_vi=form.title_vi.data, title_en=form.title_en.data or "",
                                           intro=form.intro.data or "", settings=form.settings())
                outcome = service.EditOutcome()
            else:
                outcome = service.update_quiz(quiz, title_vi=form.title_vi.data, title_en=form.title_en.data or "",
                                              intro=form.intro.data or "", settings=form.settings())
            quiz_id = quiz.id
            flash(_("The quiz was saved."), "success")
            _tell(outcome)
            return redirect(url_for("quizzes.quiz_questions", quiz_id=quiz_id))
    open_attempts = service.open_attempts(quiz.id) if quiz else 0
    return render_template("quizzes/quiz_form.html", bank=bank, quiz=quiz, form=form, open_attempts=open_attempts)


@bp.get("/<int:quiz_id>/questions")
@login_required
def quiz_questions(quiz_id: int):
    quiz = _quiz(quiz_id)
    tree = bank_service.categories(quiz.bank_id)
    category = db.session.get(Category, request.args.get("category", type=int) or 0)
    if category is None or category.bank_id != quiz.bank_id:
        category = tree[0] if tree else None
    present = {s.question_id for s in quiz.slots if s.question_id}
    candidates = []
    if category is not None:
        candidates = list(db.session.scalars(bank_service.questions_in(
            quiz.bank_id, category_ids=[category.id]).limit(500)))
    random_form = RandomSlotForm(prefix="random")
    random_form.category_id.choices = options([(c.id, c.path) for c in tree])
    return render_template("quizzes/quiz_questions.html", quiz=quiz, bank=quiz.bank, tree=tree, category=category,
                           candidates=candidates, present=present, random_form=random_form,
                           open_attempts=service.open_attempts(quiz.id),
                           total_mark=sum((s.mark if s.mark is not None else s.question.default_mark) if s.question
                                          else (s.mark if s.mark is not None else 1.0) * s.random_count
                                          for s in quiz.slots))


@bp.post("/<int:quiz_id>/questions")
@login_required
@commits
def change_questions(quiz_id: int):
    quiz = _quiz(quiz_id)
    action = request.form.get("action", "")
    with flash_domain_errors():
        if action == "add":
            ids = [int(v) for v in request.form.getlist("question") if v.isdigit()]
            chosen = list(db.session.scalars(select(Question).where(Question.id.in_(ids or [0]),
                                                                    Question.bank_id == quiz.bank_id)))
            if not chosen:
                raise DomainError(_("Tick the questions to add."))
            outcome = service.add_questions(quiz, sorted(chosen, key=lambda q: ids.index(q.id)))
        elif action == "random":
            form = RandomSlotForm(prefix="random")
            form.category_id.choices = options([(c.id, c.path) for c in bank_service.categories(quiz.bank_id)])
            if not form.validate_on_submit():
                raise DomainError(_("Choose a category and how many questions to draw (1 to 200)."))
            category = db.session.get(Category, form.category_id.data)
            if category is None:
                raise DomainError(_("Choose one of the bank's categories."))
            outcome = service.add_random(quiz, category, form.count.data, subcategories=form.subcategories.data,
                                         tag=(form.tag.data or "").strip() or None)
        elif action in ("up", "down", "remove", "mark"):
            slot_id = request.form.get("slot", type=int) or 0
            if action == "remove":
                outcome = service.remove_slot(quiz, slot_id)
            elif action == "mark":
                raw = (request.form.get("mark") or "").strip().replace(",", ".")
                try:
                    mark = float(raw) if raw else None
                except ValueError:
                    raise DomainError(_("A mark must be a number.")) from None
                outcome = service.set_slot_mark(quiz, slot_id, mark)
            else:
                outcome = service.move_slot(quiz, slot_id, -1 if action == "up" else 1)
        else:
            abort(400)
        flash(_("The quiz's questions were updated."), "success")
        _tell(outcome)
    return redirect(url_for("quizzes.quiz_questions", quiz_id=quiz_id, category=request.form.get("category")))
