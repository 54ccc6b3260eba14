"""`lms mail ...` and `lms scheduler list / run-job`."""
import json

from sqlalchemy import select

from lms.core.db import db
from lms.core.notifications import notify
from lms.core.scheduler.models import JobRun


def test_mail_test_sends_one_message_straight_away(app, runner, mail_server):
    result = runner.invoke(args=["mail", "test", "admin@example.vn", "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert mail_server.inbox.messages[0]["Subject"] == "Test message from LMS"


def test_mail_test_reports_a_server_that_does_not_answer(app, runner, smtp_server):
    result = runner.invoke(args=["mail", "test", "admin@example.vn"])
    assert result.exit_code == 1 and "not sent: cannot open a session" in result.output


def test_mail_status_and_drain(app, runner, make_user, mail_server):
    user = make_user("an@example.vn")
    notify(user.id, "core/welcome", {}, dedupe_key="cli")
    db.session.commit()
    status = json.loads(runner.invoke(args=["mail", "status", "--json"]).output)
    assert status["pending"] == 1 and status["sent"] == 0
    drained = runner.invoke(args=["mail", "drain", "--json"])
    assert drained.exit_code == 0 and json.loads(drained.output)["sent"] == 1
    mail_server.stop()


def test_mail_drain_fails_when_the_server_is_down(app, runner, make_user, smtp_server):
    user = make_user("an@example.vn")
    notify(user.id, "core/welcome", {}, dedupe_key="cli")
    db.session.commit()
    result = runner.invoke(args=["mail", "drain", "--json"])
    assert result.exit_code == 1 and "cannot open a session" in json.loads(result.output)["error"]


def test_scheduler_list_and_run_job(app, runner):
    listed = json.loads(runner.invoke(args=["scheduler", "list", "--json"]).output)
    assert {"core.mail_outbox", "core.housekeeping"} <= {job["id"] for job in listed["jobs"]}
    result = runner.invoke(args=["scheduler", "run-job", "core.housekeeping"])
    assert result.exit_code == 0 and "core.housekeeping: ok" in result.output
    db.session.rollback()
    run = db.session.scalar(select(JobRun))
    assert run.status == "ok" and run.node.startswith("manual ")
    assert runner.invoke(args=["scheduler", "run-job", "no.such.job"]).exit_code == 2
