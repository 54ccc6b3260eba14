"""What the courses plugin contributes to the platform."""
from __future__ import annotations

import click
from flask import Blueprint, Flask
from flask_babel import lazy_gettext as _l

from lms.core import activities, catalog, events
from lms.core.plugins import JobSpec, NavItem, Plugin


def _learner(user) -> bool:
    return user.is_authenticated


def _author(user) -> bool:
    from lms.courses.access import shows_authoring
    return shows_authoring(user)


def _remember_assignment_at_login(app, user, **extra) -> None:
    """The log-in, a costly request anyway, reads what the menu keeps, rather than the first page."""
    from lms.courses.access import remember_assignment
    remember_assignment(user)


def _runs_classes(user) -> bool:
    from lms.courses.access import sees_classes
    return sees_classes(user)


class CoursesPlugin(Plugin):
    name = "courses"
    model_modules = ("lms.courses.models",)
    default_config = {
        # Hosts whose https embeds may appear in lessons and video activities.
        "COURSES_VIDEO_HOSTS": ["www.youtube.com", "youtube.com", "www.youtube-nocookie.com", "player.vimeo.com"],
        "COURSES_VIDEO_MAX_BYTES": 200 * 1024 * 1024,
        "COURSES_ZIP_MAX_FILES": 2000,
        "COURSES_ZIP_MAX_BYTES": 500 * 1024 * 1024,
        # Attendance needed in in-person and blended classes when neither course nor class says (policy: check).
        "COURSES_DEFAULT_MIN_ATTENDANCE": 0.8,
        "COURSES_EXCUSED_COUNTS_AS_ATTENDED": False,
        # Where `lms demo seed` finds course folders (default: content/ at the top of the repository,
        # shipped inside the package by a wheel: lms.core.folders).
        "COURSES_CONTENT_DIR": None,
        "COURSES_VIDEO_DEFAULT_PERCENT": 80,
        # Days before a course's due date when a reminder goes out (the nearest one only).
        "COURSES_DUE_REMINDER_DAYS": [7, 1],
        "COURSES_CLASS_START_REMINDER_DAYS": 3,
    }

    def blueprint(self) -> Blueprint:
        from lms.courses.views import bp
        return bp

    def cli(self) -> click.Group:
        from lms.courses.cli import courses_group
        return courses_group

    def nav(self) -> list[NavItem]:
        return [
            NavItem("courses.my_learning", _l("My learning"), order=5, visible=_learner),
            NavItem("courses.catalogue", _l("Catalogue"), order=10, visible=_learner),
            NavItem("courses.classes", _l("Classes"), order=12, visible=_runs_classes),
            NavItem("courses.authoring", _l("Authoring"), order=14, visible=_author),
        ]

    def jobs(self) -> list[JobSpec]:
        from lms.courses.jobs import send_reminders
        return [JobSpec(id="courses.reminders", func=send_reminders, trigger="interval", trigger_args={"hours": 3},
                        description="Remind officials of course due dates and class starts (each notice once).")]

    def connect_signals(self) -> None:
        from lms.courses import handlers
        self.connect(events.activity_completed, handlers.on_activity_completed)

    def setup(self, app: Flask) -> None:
        from flask_login import user_logged_in

        from lms.courses.access import may_take
        from lms.courses.catalog_provider import CoursesCatalog
        from lms.courses.services import snapshot  # noqa: F401  (every process moves a changed course's stamp)
        from lms.courses.types import own_types
        user_logged_in.connect(_remember_assignment_at_login, app)
        for activity_type in own_types():
            activities.register(app, activity_type)
        catalog.provide(app, CoursesCatalog())
        activities.provide_access(app, may_take)

    def seed_demo(self) -> None:
        from lms.courses.demo import seed
        seed()

    def seed_bench(self, context) -> None:
        from lms.courses.bench_seed import seed_bench
        seed_bench(context)
