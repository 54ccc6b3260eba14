"""Admin page of the e-mail outbox: what waits, and the messages that failed (with a retry)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from sqlalchemy import select

from lms.core import audit
from lms.core.db import db
from lms.core.models import Role
from lms.core.notifications.models import MailStatus, OutboxMessage
from lms.core.notifications.outbox import retry_failed, summary
from lms.core.permissions import roles_required
from lms.core.views.pagination import paginate
from lms.core.views.transaction import commits

bp = Blueprint("notifications_admin", __name__, url_prefix="/admin/mail")


@bp.get("/")
@roles_required(Role.admin)
def mail():
    page = paginate(select(OutboxMessage).where(OutboxMessage.status == MailStatus.failed)
                    .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc()))
    return render_template("core/notifications/admin_mail.html", page=page, totals=summary(), form=FlaskForm())


@bp.post("/<int:message_id>/retry")
@roles_required(Role.admin)
@commits
def retry(message_id: int):
    if not FlaskForm().validate_on_submit():
        abort(400)
    if db.session.get(OutboxMessage, message_id) is None:
        abort(404)
    if retry_failed(message_id):
        audit.record("mail.retried", "outbox", message_id)
        flash(_("The message will be sent again."), "success")
    else:
        flash(_("That message is not marked failed (it may have been retried already)."), "warning")
    return redirect(url_for("notifications_admin.mail"))
