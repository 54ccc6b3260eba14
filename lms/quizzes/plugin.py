"""What the quizzes plugin contributes to the platform."""
from __future__ import annotations

from flask import Blueprint, Flask
from flask_babel import lazy_gettext as _l

from lms.core.plugins import JobSpec, NavItem, Plugin


def _manages_quizzes(user) -> bool:
    from lms.quizzes.services.banks import may_manage_quizzes
    return may_manage_quizzes(user)


class QuizzesPlugin(Plugin):
    name = "quizzes"
    model_modules = ("lms.quizzes.models",)
    default_config = {
        # Seconds an answer may arrive after the deadline (network latency); the job waits as long.
        "QUIZZES_DEADLINE_GRACE_SECONDS": 5,
        # Attempts the scheduler submits per run (each run is one transaction).
        "QUIZZES_OVERDUE_BATCH": 500,
        "QUIZZES_IMPORT_MAX_BYTES": 10 * 1024 * 1024,
    }

    def blueprint(self) -> Blueprint:
        from lms.quizzes.views import bp
        return bp

    def cli(self):
        from lms.quizzes.cli import quizzes_group
        return quizzes_group

    def jobs(self) -> list[JobSpec]:
        from lms.quizzes.jobs import submit_overdue_attempts
        return [JobSpec(id="quizzes.submit_overdue", func=submit_overdue_attempts, trigger="interval",
                        trigger_args={"minutes": 1},
                        description="Submit and grade quiz attempts whose time is up")]

    def nav(self) -> list[NavItem]:
        return [NavItem("quizzes.mine", _l("My quizzes"), order=20, visible=lambda user: user.is_authenticated),
                NavItem("quizzes.banks", _l("Question banks"), order=21, visible=_manages_quizzes)]

    def seed_demo(self) -> None:
        from lms.quizzes.demo import seed_demo_quizzes
        seed_demo_quizzes()

    def seed_bench(self, context) -> None:
        from lms.quizzes.bench_seed import seed_bench
        seed_bench(context)

    def setup(self, app: Flask) -> None:
        from lms.core import activities
        from lms.quizzes.activity import QuizActivity
        from lms.quizzes.types import register_builtin_types
        register_builtin_types(app)
        activities.register(app, QuizActivity())
        from lms.quizzes.display import quiz_number, quiz_percent, render_text
        app.jinja_env.filters["quiz_text"] = render_text
        app.jinja_env.filters["quiz_percent"] = quiz_percent
        app.jinja_env.filters["quiz_number"] = quiz_number
