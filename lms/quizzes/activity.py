"""The "quiz" activity type, registered with the core so that a course can hold quizzes."""
from __future__ import annotations

from pathlib import Path

from flask import url_for
from flask_babel import lazy_gettext as _l

from lms.core.activities import ActivityInfo, ActivityType
from lms.core.i18n import locale_code


class QuizActivity(ActivityType):
    name = "quiz"
    label = _l("Quiz")
    graded = True
    content_extensions = (".gift",)

    def launch_url(self, activity: ActivityInfo) -> str | None:
        return url_for("quizzes.quiz", quiz_id=int(activity.ref))

    def completion_hint(self) -> str:
        return str(_l("Complete it by passing the quiz."))

    def choices(self, course_id: int, school_id: int | None) -> list[tuple[str, str]]:
        from lms.quizzes.services.quizzes import quiz_choices
        return [(str(quiz.id), quiz.title(locale_code())) for quiz in quiz_choices(course_id, school_id)]

    def import_content(self, *, course_id: int, course_key: str, school_id: int | None, key: str, title: dict,
                       spec: dict, folder: Path, existing_ref: str | None) -> str:
        from lms.quizzes.services.course_content import import_course_quiz
        quiz = import_course_quiz(course_id=course_id, course_key=course_key, school_id=school_id, key=key,
                                  title=title, spec=spec, folder=folder, existing_ref=existing_ref)
        return str(quiz.id)

    def export_content(self, ref: str, folder: Path) -> dict:
        from lms.quizzes.services.course_content import export_course_quiz
        return export_course_quiz(ref, folder)
