"""The admin pages: every job with its runs; the outbox with failed mail and a retry."""
from sqlalchemy import select

from lms.core.db import db, utcnow
from lms.core.models import Role
from lms.core.notifications import notify
from lms.core.notifications.models import MailStatus, OutboxMessage
from lms.core.scheduler.models import JobRun, JobState, SchedulerLease
from lms.core.scheduler.registry import collected_jobs
from lms.core.scheduler.runs import run_job


def admin(make_user):
    return make_user("admin@example.vn", roles=[Role.admin])


def test_jobs_page_shows_every_job_with_next_last_result_and_failures(app, client, login, make_user):
    specs = {s.id: s for s in collected_jobs(app)}
    run_job(app, specs["core.housekeeping"], "web-1:42")
    db.session.merge(JobState(job_id="core.mail_outbox", description="", trigger="", consecutive_failures=3,
                              total_runs=7, total_failures=4, last_status="error",
                              last_result="MailServerDown: refused", next_run_at=utcnow(), updated_at=utcnow()))
    db.session.add(SchedulerLease(name="scheduler", holder="web-1:42", expires_at=utcnow()))
    login(admin(make_user))
    page = client.get("/admin/jobs/").get_data(as_text=True)
    for job_id in specs:
        assert job_id in page
    assert "web-1:42" in page and "MailServerDown: refused" in page
    assert "3 lần liên tiếp" in page and "4 trên 7 lần chạy" in page
    assert "purged" in page  # housekeeping's result
    detail = client.get("/admin/jobs/core.housekeeping").get_data(as_text=True)
    assert "web-1:42" in detail and "thành công" in detail
    assert client.get("/admin/jobs/no.such.job").status_code == 404


def test_jobs_page_says_when_no_scheduler_runs(app, client, login, make_user):
    login(admin(make_user))
    assert "Không có bộ lập lịch nào đang chạy." in client.get("/admin/jobs/").get_data(as_text=True)


def test_admin_pages_are_for_admins(app, client, login, make_user):
    login(make_user("someone@example.vn", roles=[Role.lecturer]))
    assert client.get("/admin/jobs/").status_code == 403
    assert client.get("/admin/mail/").status_code == 403


def test_failed_mail_is_shown_and_can_be_sent_again(app, client, login, make_user):
    user = make_user("gone@example.vn")
    notify(user.id, "core/welcome", {}, dedupe_key="w")
    db.session.execute(OutboxMessage.__table__.update().values(
        status=MailStatus.failed.value, attempts=8, last_error="550 5.1.1 No such mailbox"))
    login(admin(make_user))
    page = client.get("/admin/mail/").get_data(as_text=True)
    assert "gone@example.vn" in page and "550 5.1.1 No such mailbox" in page
    row = db.session.scalar(select(OutboxMessage))
    response = client.post(f"/admin/mail/{row.id}/retry")
    assert response.status_code == 302
    db.session.expire_all()
    row = db.session.scalar(select(OutboxMessage))
    assert row.status is MailStatus.pending and row.attempts == 0
    assert "Không có thư nào gửi thất bại." in client.get("/admin/mail/").get_data(as_text=True)


def test_the_pages_run_a_fixed_number_of_queries(app, client, login, make_user, count_queries):
    login(admin(make_user))
    def measure(url):
        db.session.commit()  # same starting point each time: nothing cached in the session
        with count_queries() as counted:
            assert client.get(url).status_code == 200
        return counted.count
    few_jobs, few_mail = measure("/admin/jobs/"), measure("/admin/mail/")
    specs = collected_jobs(app)
    for n in range(3):
        for spec in specs:
            db.session.add(JobRun(job_id=spec.id, node="n", status="ok"))
        user = make_user(f"x{n}@example.vn")
        notify(user.id, "core/welcome", {}, dedupe_key=f"x{n}")
    db.session.commit()  # run_job works in a session of its own
    for spec in specs:
        run_job(app, spec, "n")
    db.session.execute(OutboxMessage.__table__.update().values(status=MailStatus.failed.value))
    db.session.commit()
    assert measure("/admin/jobs/") == few_jobs
    assert measure("/admin/mail/") == few_mail
    assert measure("/admin/jobs/core.housekeeping") == measure("/admin/jobs/core.mail_outbox")
