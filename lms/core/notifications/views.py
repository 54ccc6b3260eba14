"""The bell, the list of notifications, marking them read, and which reminders to receive."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from jinja2 import TemplateNotFound
from sqlalchemy import select

from lms.core.db import db
from lms.core.i18n import locale_code
from lms.core.notifications import services
from lms.core.notifications.kinds import optional_kinds
from lms.core.notifications.models import Notification
from lms.core.notifications.rendering import Rendered, render_notification
from lms.core.views.main import safe_next
from lms.core.views.pagination import paginate
from lms.core.views.transaction import commits

bp = Blueprint("notifications", __name__)


def unread_notifications() -> int:
    """The bell's number: one query per page, none for visitors."""
    if not current_user.is_authenticated:
        return 0
    cache = request.environ  # per request (an app context, like `g`, may outlive one in tests)
    if "lms.unread_notifications" not in cache:
        cache["lms.unread_notifications"] = services.unread_count(current_user.id)
    return cache["lms.unread_notifications"]


@bp.app_context_processor
def bell():
    return {"unread_notifications": unread_notifications}


@bp.get("/notifications")
@login_required
def index():
    page = paginate(select(Notification).where(Notification.user_id == current_user.id)
                    .order_by(Notification.created_at.desc(), Notification.id.desc()), per_page=30)
    locale = locale_code()
    items = [(n, _render(n, locale)) for n in page.items]
    return render_template("core/notifications/index.html", page=page, items=items, form=FlaskForm())


def _render(notice: Notification, locale: str) -> Rendered:
    try:
        return render_notification(notice.template, notice.params or {}, locale=locale, link=notice.link,
                                   recipient_name=current_user.display_name)
    except TemplateNotFound:  # a kind whose templates were removed since: show what is known
        return Rendered(subject=notice.template, body="")


@bp.get("/notifications/<int:notification_id>")
@login_required
@commits
def open_notification(notification_id: int):
    """Follow a notice's link; following it marks it read."""
    notice = db.session.get(Notification, notification_id)
    if notice is None or notice.user_id != current_user.id:
        abort(404)
    services.mark_read(current_user.id, notice.id)
    return redirect(safe_next(notice.link) or url_for("notifications.index"))


@bp.post("/notifications/<int:notification_id>/read")
@login_required
@commits
def read(notification_id: int):
    if not FlaskForm().validate_on_submit():
        abort(400)
    if not services.mark_read(current_user.id, notification_id):
        abort(404)
    return redirect(url_for("notifications.index", page=request.args.get("page", 1, type=int)))


@bp.post("/notifications/read-all")
@login_required
@commits
def read_all():
    if not FlaskForm().validate_on_submit():
        abort(400)
    services.mark_all_read(current_user.id)
    flash(_("All notifications are marked read."), "success")
    return redirect(url_for("notifications.index"))


@bp.route("/account/preferences", methods=["GET", "POST"])
@login_required
@commits
def preferences():
    kinds = optional_kinds(locale_code())
    offered = {kind.template for kind in kinds}
    form = FlaskForm()
    if form.validate_on_submit():
        wanted = set(request.form.getlist("receive")) & offered
        services.set_opt_outs(current_user.id, offered - wanted, offered)
        flash(_("Your choices are saved."), "success")
        return redirect(url_for("notifications.preferences"))
    turned_off = services.opted_out_templates(current_user.id)
    return render_template("core/notifications/preferences.html", kinds=kinds, turned_off=turned_off, form=form)
