"""Forgotten password: ask for a link (/password/forgot), then set a new password (/password/reset/<token>)."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lms.core.notifications import passwords
from lms.core.notifications.forms import ForgotPasswordForm, ResetPasswordForm
from lms.core.password_policy.common import MIN_LENGTH
from lms.core.views.auth import log_out
from lms.core.views.transaction import commits, discard_changes, flash_domain_errors

bp = Blueprint("password_reset", __name__, url_prefix="/password")


@bp.route("/forgot", methods=["GET", "POST"])
@commits
def forgot():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        try:
            passwords.request_reset(form.identifier.data, request.remote_addr or "")
        except passwords.ResetThrottled as throttled:
            discard_changes()
            return render_template("core/notifications/password/forgot.html", form=form, error=str(throttled)), 429
        # The same answer whether the account exists, has an address, or not.
        return render_template("core/notifications/password/forgot_sent.html", minutes=_ttl_minutes())
    return render_template("core/notifications/password/forgot.html", form=form, error=None)


@bp.route("/reset/<token>", methods=["GET", "POST"])
@commits
def reset(token: str):
    if passwords.valid_token(token) is None:
        return render_template("core/notifications/password/reset_invalid.html"), 404
    form = ResetPasswordForm()
    if form.validate_on_submit():
        with flash_domain_errors():
            try:
                passwords.reset_password(token, form.new.data, form.confirm.data)
            except passwords.ResetLinkInvalid:  # used or expired while the form was open
                discard_changes()
                return render_template("core/notifications/password/reset_invalid.html"), 404
            response = redirect(url_for("auth.login"))
            if current_user.is_authenticated:  # its session ended with the others
                log_out(response)
            flash(_("Your password has been changed. Log in with the new password."), "success")
            return response
    return render_template("core/notifications/password/reset.html", form=form, min_length=MIN_LENGTH)


def _ttl_minutes() -> int:
    return current_app.config["PASSWORD_RESET_TTL_SECONDS"] // 60
