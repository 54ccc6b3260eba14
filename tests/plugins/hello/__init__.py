"""A third-party plugin that lives only in the tests: a page, a scheduled job and a signal receiver.

It is installed the way any package is: through an entry point in the `lms.plugins` group, written
by the test into a dist-info folder on sys.path. Nothing under lms/ knows it exists.
"""
from __future__ import annotations

from flask import Blueprint, render_template_string

from lms.core import events
from lms.core.plugins import JobSpec, NavItem, Plugin

bp = Blueprint("hello", __name__, url_prefix="/hello")
received: list = []
job_runs: list = []


@bp.get("/")
def index():
    return render_template_string("{% extends 'base.html' %}{% block content %}<h1>Hello plugin</h1>{% endblock %}")


def count_runs():
    job_runs.append("ran")


def on_course_completed(sender, payload):
    received.append(payload)


class HelloPlugin(Plugin):
    name = "hello"

    def blueprint(self):
        return bp

    def jobs(self):
        return [JobSpec(id="hello.count", func=count_runs, trigger="interval", trigger_args={"seconds": 30},
                        description="counts its runs")]

    def nav(self):
        return [NavItem("hello.index", "Hello", order=99)]

    def connect_signals(self):
        self.connect(events.course_completed, on_course_completed)


plugin = HelloPlugin()
