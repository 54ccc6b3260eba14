"""Results for lecturers (attempts, item statistics, distribution, XLSX), regrading, the essay queue."""
from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from lms.core.db import db
from lms.core.models import User
from lms.core.views.pagination import paginate
from lms.core.views.transaction import commits, flash_domain_errors
from lms.core.xlsx import XLSX_MIMETYPE
from lms.quizzes.display import view_of
from lms.quizzes.forms import GradeForm
from lms.quizzes.models import Attempt, AttemptQuestion, Question
from lms.quizzes.services import banks as bank_service
from lms.quizzes.services import grading, results
from lms.quizzes.services.attempts import submit_overdue
from lms.quizzes.types import get_type
from lms.quizzes.views import bp
from lms.quizzes.views.authoring import _quiz
from lms.quizzes.views.banks import _bank, _require_quiz_manager


@bp.get("/<int:quiz_id>/results")
@login_required
@commits
def quiz_results(quiz_id: int):
    quiz = _quiz(quiz_id)
    submit_overdue(quiz_id=quiz.id)
    everyone = results.people(quiz)
    return render_template("quizzes/results.html", quiz=quiz, people=everyone, items=results.item_statistics(quiz),
                           spread=results.distribution(quiz), stale=grading.stale_attempts(quiz.id),
                           graded=sum(1 for p in everyone if p.grade is not None),
                           passed=sum(1 for p in everyone if p.grade is not None and p.grade.passed))


@bp.get("/<int:quiz_id>/results.xlsx")
@login_required
def quiz_results_xlsx(quiz_id: int):
    quiz = _quiz(quiz_id)
    return Response(results.results_xlsx(quiz),
                    mimetype=XLSX_MIMETYPE,
                    headers={"Content-Disposition": f"attachment; filename=ket-qua-bai-kiem-tra-{quiz.id}.xlsx"})


@bp.post("/<int:quiz_id>/regrade")
@login_required
@commits
def regrade_quiz(quiz_id: int):
    quiz = _quiz(quiz_id)
    count = grading.regrade(quiz_id=quiz.id, actor_id=current_user.id)
    flash(_("%(n)s attempts were regraded from their saved answers.", n=count), "success")
    return redirect(url_for("quizzes.quiz_results", quiz_id=quiz_id))


@bp.post("/questions/<int:question_id>/regrade")
@login_required
@commits
def regrade_question(question_id: int):
    question = db.session.get(Question, question_id) or abort(404)
    _bank(question.bank_id)
    count = grading.regrade(question_id=question.id, actor_id=current_user.id)
    flash(_("%(n)s attempts were regraded from their saved answers.", n=count), "success")
    return redirect(url_for("quizzes.question_usage", question_id=question_id))


@bp.get("/grading")
@login_required
def grading_queue():
    _require_quiz_manager()
    page = paginate(grading.essay_queue(bank_service.bank_visibility(current_user))
                    .options(selectinload(AttemptQuestion.attempt).selectinload(Attempt.quiz),
                             selectinload(AttemptQuestion.question)))
    users = {u.id: u for u in db.session.scalars(select(User).where(
        User.id.in_({aq.attempt.user_id for aq in page.items} or {0})))}
    return render_template("quizzes/grading.html", page=page, users=users)


@bp.route("/grading/<int:answer_id>", methods=["GET", "POST"])
@login_required
@commits
def grade_answer(answer_id: int):
    answer = db.session.get(AttemptQuestion, answer_id) or abort(404)
    attempt = answer.attempt
    _bank(attempt.quiz.bank_id)
    form = GradeForm()
    if request.method == "GET" and answer.manually_graded_at is not None:
        form.points.data, form.comment.data = answer.points, answer.comment
    if form.validate_on_submit():
        with flash_domain_errors():
            grading.grade_manually(answer.id, grader_id=current_user.id, points=float(form.points.data),
                                   comment=form.comment.data or "")
            flash(_("The answer was graded."), "success")
            return redirect(url_for("quizzes.grading_queue"))
    kind = get_type(answer.question.qtype) or abort(404)
    view = view_of(answer, kind, number=answer.position, readonly=True, show_right=True)
    person = db.session.get(User, attempt.user_id)
    return render_template("quizzes/grade_answer.html", answer=answer, attempt=attempt, quiz=attempt.quiz, view=view,
                           form=form, person=person)
