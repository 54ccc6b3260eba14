"""What the certificates plugin contributes to the platform."""
from __future__ import annotations

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from lms.core import events
from lms.core.models import Role
from lms.core.plugins import JobSpec, NavItem, Plugin


class CertificatesPlugin(Plugin):
    name = "certificates"
    model_modules = ("lms.certificates.models",)
    default_config = {
        # Seals the schools' private signing keys; empty: SECRET_KEY (set it explicitly in production).
        "CERTIFICATES_KEY_PASSPHRASE": "",
        # Public verify pages: requests per address per minute, unknown codes per address per hour.
        "CERTIFICATES_VERIFY_PER_MINUTE": 60,
        "CERTIFICATES_VERIFY_MISSES_PER_HOUR": 30,
        # Days before expiry on which holders and their unit managers are reminded.
        "CERTIFICATES_REMINDER_DAYS": [30, 7],
    }

    def blueprint(self) -> Blueprint:
        from lms.certificates.views import bp
        return bp

    def cli(self):
        from lms.certificates.cli import group
        return group

    def jobs(self) -> list[JobSpec]:
        from lms.certificates.jobs import daily_job, reminder_job
        return [JobSpec("certificates.daily", daily_job, trigger="cron",
                        trigger_args={"hour": 0, "minute": 20, "timezone": "Asia/Ho_Chi_Minh"},
                        description="Expire certificates on their date, open renewal windows."),
                JobSpec("certificates.reminders", reminder_job, trigger="cron",
                        trigger_args={"hour": 7, "minute": 30, "timezone": "Asia/Ho_Chi_Minh"},
                        description="Remind holders and their unit managers 30 and 7 days before expiry.")]

    def setup(self, app) -> None:
        from lms.certificates.views import public_bp
        app.register_blueprint(public_bp)

    def seed_demo(self) -> None:
        from lms.certificates.demo import seed
        seed()

    def connect_signals(self) -> None:
        from lms.certificates.handlers import on_course_completed
        self.connect(events.course_completed, on_course_completed)

    def nav(self) -> list[NavItem]:
        return [
            NavItem("certificates.mine", _l("My certificates"), order=30, visible=_is_official),
            NavItem("certificates.register", _l("Certificate register"), order=31, visible=_runs_a_school),
            NavItem("certificates.templates", _l("Certificate templates"), order=32, visible=_runs_a_school),
            NavItem("certificates_public.lookup", _l("Certificate check"), order=90, visible=lambda user: True),
        ]


def _is_official(user) -> bool:
    return user.is_authenticated and user.official_id is not None


def _runs_a_school(user) -> bool:
    return user.is_authenticated and (user.is_admin or user.has_role(Role.school_admin))
