"""`lms mail ...`: the outbox from the command line (status, drain now, a test message)."""
from __future__ import annotations

import uuid
from email.message import EmailMessage
from email.utils import formatdate

import click
from flask import current_app
from flask.cli import with_appcontext

from lms.core.cli_output import emit
from lms.core.notifications.mail import MailError, SmtpSender
from lms.core.notifications.outbox import MailServerDown, drain_outbox, summary
from lms.core.notifications.rendering import render_stem


@click.group("mail", help="The e-mail outbox.")
def mail_group():
    pass


@mail_group.command("status", help="How many messages wait, were sent, failed.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON report.")
@with_appcontext
def status(as_json):
    totals = summary()
    report = {"server": current_app.config.get("MAIL_SERVER"), "pending": totals.pending, "sent": totals.sent,
              "failed": totals.failed, "oldest_pending_at": totals.oldest_pending_at}
    emit(report, as_json, [f"server {report['server'] or '(not set)'}: {totals.pending} waiting, "
                           f"{totals.sent} sent, {totals.failed} failed"], ok=True)


@mail_group.command("drain", help="Send what is due now (the scheduler does this every MAIL_DRAIN_SECONDS).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON report.")
@with_appcontext
def drain(as_json):
    try:
        report = drain_outbox()
    except MailServerDown as down:
        emit({"sent": 0, "error": str(down)}, as_json, [str(down)], ok=False)
        return
    emit({"sent": report.sent, "retrying": report.retrying, "failed": report.failed, "skipped": report.skipped,
          "problems": report.problems}, as_json, [str(report)] + report.problems, ok=not report.problems)


@mail_group.command("test", help="Send one message straight to ADDRESS to check the SMTP settings.")
@click.argument("address")
@click.option("--lang", type=click.Choice(["vi", "en"]), default="vi", show_default=True)
@with_appcontext
def test(address, lang):
    cfg = current_app.config
    if not cfg.get("MAIL_SERVER"):
        raise click.UsageError("MAIL_SERVER is not set")
    rendered = render_stem("core/notifications/mail/test", {}, locale=lang)
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = cfg["MAIL_FROM"], address, rendered.subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = f"<test-{uuid.uuid4().hex}@{cfg['MAIL_FROM'].rsplit('@', 1)[-1].strip(' >')}>"
    message.set_content(rendered.body, charset="utf-8")
    sender = SmtpSender(cfg)
    try:
        sender.send(message)
    except MailError as problem:
        click.echo(f"not sent: {problem}", err=True)
        raise SystemExit(1) from problem
    finally:
        sender.close()
    click.echo(f"sent to {address} through {cfg['MAIL_SERVER']}:{cfg['MAIL_PORT']}")
