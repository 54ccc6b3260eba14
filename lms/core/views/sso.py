"""Log in through an identity provider (OpenID Connect): off to the provider, and back with a checked ID token."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, request, session, url_for
from flask_login import current_user

from lms.core import sso_client
from lms.core.errors import DomainError
from lms.core.services import oidc
from lms.core.views.auth import log_in
from lms.core.views.main import safe_next
from lms.core.views.transaction import commits, discard_changes

bp = Blueprint("sso", __name__, url_prefix="/sso")
_NEXT = "lms.sso_next"  # the page the login page was asked for, kept across the trip to the provider


def _provider(name: str) -> oidc.Provider:
    provider = oidc.providers().get(name)
    if provider is None:
        abort(404)
    return provider


def _callback_url(provider: oidc.Provider) -> str:
    return url_for("sso.callback", name=provider.name, _external=True)


@bp.get("/<name>/start")
def start(name):
    provider = _provider(name)
    if current_user.is_authenticated:
        return redirect(url_for("core.home"))
    session[_NEXT] = safe_next(request.args.get("next"))
    try:
        return sso_client.authorize_redirect(provider, _callback_url(provider))
    except DomainError as problem:
        flash(str(problem), "error")
        return redirect(url_for("auth.login"))


@bp.get("/<name>/callback")
@commits
def callback(name):
    provider = _provider(name)
    try:
        claims, id_token = sso_client.finish(provider)
        user = oidc.user_for(provider, claims)
    except DomainError as problem:
        discard_changes()  # a refused person leaves no link and no account behind
        flash(str(problem), "error")
        return redirect(url_for("auth.login"))
    target = session.pop(_NEXT, None)
    log_in(user)
    sso_client.remember(provider, id_token)
    return redirect(target or url_for("core.home"))
