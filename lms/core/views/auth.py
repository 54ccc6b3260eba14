"""Log in, log out, change password."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from lms.core.services import accounts
from lms.core.views.forms import ChangePasswordForm, LoginForm
from lms.core.views.main import safe_next
from lms.core.views.transaction import commits, flash_domain_errors

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
@commits  # a refused log-in is committed too: the failure is what throttling counts
def login():
    if current_user.is_authenticated:
        return redirect(url_for("core.home"))
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        try:
            user = accounts.authenticate(form.identifier.data, form.password.data, request.remote_addr or "")
        except accounts.LoginRefused as refused:
            error = str(refused)
        else:
            lang = session.get("lang")
            session.clear()  # a fresh session at log-in: no fixation
            if lang:
                session["lang"] = lang
            login_user(user, remember=form.remember.data)
            return redirect(safe_next(request.args.get("next")) or url_for("core.home"))
    status = 401 if error else 200
    return render_template("core/login.html", form=form, error=error), status


@bp.post("/logout")
def logout():
    logout_user()
    return redirect(url_for("core.home"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
@commits
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        with flash_domain_errors():
            accounts.change_password(current_user, form.current.data, form.new.data, form.confirm.data)
            # The session version changed: renew this session, end the others.
            login_user(current_user._get_current_object())
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("core.home"))
    return render_template("core/change_password.html", form=form)
