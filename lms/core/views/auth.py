"""Log in, log out (here or everywhere), change password."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, make_response, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user, user_logged_in
from flask_login.config import COOKIE_NAME

from lms.core import audit, sso_client
from lms.core.password_policy.common import MIN_LENGTH
from lms.core.services import accounts, oidc, sessions
from lms.core.views.forms import ChangePasswordForm, LoginForm
from lms.core.views.main import safe_next
from lms.core.views.transaction import commits, flash_domain_errors

bp = Blueprint("auth", __name__)

# Pages a person told to choose a new password may still reach.
_OPEN_WHILE_PASSWORD_MUST_CHANGE = {"auth.change_password", "auth.logout", "auth.logout_everywhere",
                                    "core.set_language", "core.ping", "core.healthz", "static"}


@bp.route("/login", methods=["GET", "POST"])
@commits  # a refused log-in is committed too: the failure is what throttling counts
def login():
    if current_user.is_authenticated:
        return redirect(url_for("core.home"))
    form = LoginForm()
    error = None
    providers = list(oidc.providers().values())
    if form.validate_on_submit():
        try:
            user = accounts.authenticate(form.identifier.data, form.password.data, request.remote_addr or "")
        except accounts.LoginRefused as refused:
            error = str(refused)
        else:
            log_in(user, remember=form.remember.data)
            if user.must_change_password:
                return redirect(url_for("auth.change_password"))
            return redirect(safe_next(request.args.get("next")) or url_for("core.home"))
    status = 401 if error else 200
    return render_template("core/login.html", form=form, error=error, providers=providers), status


@bp.post("/logout")
@commits
def logout():
    if current_user.is_authenticated:
        sessions.end(current_user)
    provider_logout = sso_client.end_session_url(url_for("auth.login", _external=True))
    if provider_logout:  # the session came from an identity provider: end that one too (RP-initiated logout)
        return log_out(make_response(render_template("core/sso_logout.html", url=provider_logout)))
    return log_out(redirect(url_for("core.home")))


@bp.post("/account/sessions/end")
@login_required
@commits
def logout_everywhere():
    ended = sessions.end_all(current_user.id)
    audit.record("sessions.ended", "user", current_user.id, data={"sessions": ended})
    response = log_out(redirect(url_for("auth.login")))
    flash(_("You have been logged out on every device."), "success")
    return response


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
@commits
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        with flash_domain_errors():
            # This session stays; every other one of the account ends.
            accounts.change_password(current_user, form.current.data, form.new.data, form.confirm.data)
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("core.home"))
    elif request.method == "GET" and current_user.must_change_password:
        flash(_("An administrator asks you to choose a new password before you go on."), "warning")
    return render_template("core/change_password.html", form=form, min_length=MIN_LENGTH)


@bp.before_app_request
def keep_on_password_page():
    """A person whose password an administrator wants changed goes nowhere else until it is."""
    # The endpoint first: static files and the bare /ping load nobody.
    if (request.endpoint not in _OPEN_WHILE_PASSWORD_MUST_CHANGE
            and current_user.is_authenticated and current_user.must_change_password):
        return redirect(url_for("auth.change_password"))
    return None


def log_in(user, *, remember: bool = False) -> None:
    """Every log-in (password, activation, single sign-on) comes through here: a fresh session
    cookie (no fixation) naming a new server-side session."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    sessions.start(user, remember=remember)
    login_user(user, remember=remember)


@user_logged_in.connect
def _refuse_a_log_in_without_a_session(sender, user, **extra):
    # login_user() called directly would store an id no session row matches: the person would seem
    # logged in for one page, then not. Say so at once instead.
    if user.session_key is None:
        raise RuntimeError("Log in with lms.core.views.auth.log_in(), which opens the server-side session.")


def log_out(response):
    """Forget the login in this browser, the remember-me cookie too.

    Flask-Login deletes that cookie without HttpOnly and SameSite; every cookie the platform sets
    carries them, so the deletion is made here with the attributes the cookie was set with.
    """
    logout_user()
    session.pop("_remember", None)
    cfg = current_app.config
    name = cfg.get("REMEMBER_COOKIE_NAME", COOKIE_NAME)
    if name in request.cookies:
        response.delete_cookie(name, path=cfg.get("REMEMBER_COOKIE_PATH", "/"),
                               domain=cfg.get("REMEMBER_COOKIE_DOMAIN"), secure=cfg["REMEMBER_COOKIE_SECURE"],
                               httponly=True, samesite=cfg["REMEMBER_COOKIE_SAMESITE"])
    return response
