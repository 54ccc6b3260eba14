"""The OpenID Connect relying party, through Authlib: one client per provider of OIDC_PROVIDERS.

Authlib does discovery (the issuer's /.well-known/openid-configuration, fetched on first use, never at start),
keeps state, nonce and the PKCE verifier in the session, and checks the ID token's signature against the
provider's JWKS and its expiry and nonce. Here: the issuer is pinned to the configured one (in the discovery
document and in the token), the audience must name this client (Authlib would settle for `azp`), the clock
skew is the provider's setting rather than Authlib's two minutes, an answer without an ID token is refused,
and every failure becomes a message a person can read.
"""
from __future__ import annotations

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.common.urls import add_params_to_uri
from authlib.integrations.base_client import MismatchingStateError, OAuthError
from authlib.integrations.flask_client import OAuth
from flask import Flask, current_app, session
from flask_babel import lazy_gettext as _l
from joserfc.errors import JoseError

from lms.core.services.oidc import Provider, SsoRefused, parse_providers, providers

TIMEOUT_SECONDS = 10
_SESSION_KEY = "lms.sso"  # which provider this browser's session came from, and its ID token (for log-out)


def init_app(app: Flask) -> None:
    found = parse_providers(app.config["OIDC_PROVIDERS"])
    oauth = OAuth(app)
    for provider in found.values():
        oauth.register(provider.name, client_id=provider.client_id, client_secret=provider.client_secret,
                       server_metadata_url=provider.issuer.rstrip("/") + "/.well-known/openid-configuration",
                       client_kwargs={"scope": provider.scopes, "code_challenge_method": "S256",
                                      "default_timeout": TIMEOUT_SECONDS})
    app.extensions["lms_sso"] = {"providers": found, "oauth": oauth}


def _client(provider: Provider):
    return current_app.extensions["lms_sso"]["oauth"].create_client(provider.name)


def unreachable(provider: Provider) -> SsoRefused:
    return SsoRefused(_l("%(provider)s cannot be reached just now. Log in with your password, or try again later."),
                      provider=provider.label)


def _unverified(provider: Provider) -> SsoRefused:
    return SsoRefused(_l("The answer from %(provider)s could not be verified, so you were not logged in. Try "
                         "again; if it happens again, tell the platform's administrator."), provider=provider.label)


def _metadata(provider: Provider, client) -> dict:
    try:
        metadata = client.load_server_metadata()
    except (requests.RequestException, ValueError) as problem:
        current_app.logger.warning("single sign-on: discovery of %s failed: %s", provider.issuer, problem)
        raise unreachable(provider) from None
    if metadata.get("issuer") != provider.issuer:
        # Another server answering for the issuer: its keys would vouch for nothing.
        client.server_metadata = {}
        current_app.logger.warning("single sign-on: %s's discovery names issuer %r", provider.issuer,
                                   metadata.get("issuer"))
        raise _unverified(provider)
    return metadata


def authorize_redirect(provider: Provider, redirect_uri: str):
    """The redirect to the provider's login, with fresh state, nonce and PKCE challenge kept in the session."""
    client = _client(provider)
    _metadata(provider, client)
    return client.authorize_redirect(redirect_uri)


def _claims_options(provider: Provider) -> dict:
    # Authlib checks `aud` only when told to (else it settles for `azp`): a token made for another client that
    # names this one as its authorized party would pass.
    return {"iss": {"essential": True, "value": provider.issuer},
            "aud": {"essential": True, "value": provider.client_id}, "sub": {"essential": True}}


def finish(provider: Provider) -> tuple[dict, str]:
    """On the callback: the checked ID token's claims (completed from userinfo when the claim that names the
    person is not in it) and the raw ID token. Raises SsoRefused with the reason."""
    client = _client(provider)
    metadata = _metadata(provider, client)
    try:
        token = client.authorize_access_token(leeway=provider.clock_skew, claims_options=_claims_options(provider))
    except requests.RequestException as problem:
        current_app.logger.warning("single sign-on: %s did not answer: %s", provider.issuer, problem)
        raise unreachable(provider) from None
    except MismatchingStateError:
        raise SsoRefused(_l("This single sign-on attempt has expired or was not started in this browser. "
                            "Please start again.")) from None
    except OAuthError as problem:
        raise _refused_by_provider(provider, problem) from None
    except (JoseError, AuthlibBaseError) as problem:
        current_app.logger.warning("single sign-on: ID token of %s refused: %r", provider.issuer, problem)
        raise _unverified(provider) from None
    if "userinfo" not in token:
        raise _unverified(provider)
    claims = dict(token["userinfo"])
    if provider.claim not in claims and metadata.get("userinfo_endpoint"):
        claims = _with_userinfo(provider, client, token, claims)
    return claims, token["id_token"]


def _refused_by_provider(provider: Provider, problem: OAuthError) -> SsoRefused:
    current_app.logger.info("single sign-on: %s answered %s (%s)", provider.issuer, problem.error,
                            problem.description)
    if problem.error == "access_denied":
        return SsoRefused(_l("%(provider)s did not log you in (the log-in was cancelled or refused)."),
                          provider=provider.label)
    return SsoRefused(_l("%(provider)s refused the log-in (%(error)s). Please start again."),
                      provider=provider.label, error=problem.error or "-")


def _with_userinfo(provider: Provider, client, token: dict, claims: dict) -> dict:
    try:
        info = client.userinfo(token=token)
    except requests.RequestException:
        raise unreachable(provider) from None
    if info.get("sub") != claims["sub"]:  # OpenID Connect Core 5.3.2: userinfo of another person is not used
        raise _unverified(provider)
    return {**info, **claims}


def remember(provider: Provider, id_token: str) -> None:
    """After log_in(): this session came from `provider` (its log-out ends the provider's session too)."""
    session[_SESSION_KEY] = {"provider": provider.name, "id_token": id_token}


def end_session_url(post_logout_redirect_uri: str) -> str | None:
    """For log-out: the provider's end-session URL when this session came from one (RP-initiated logout), and
    forget it; None when it did not, or the provider has no such endpoint or cannot be reached."""
    kept = session.pop(_SESSION_KEY, None)
    provider = providers().get((kept or {}).get("provider"))
    if provider is None:
        return None
    try:
        metadata = _metadata(provider, _client(provider))
    except SsoRefused:
        return None
    if not metadata.get("end_session_endpoint"):
        return None
    # No `state` (Authlib's create_logout_url adds one): the page it comes back to has nothing to check.
    return add_params_to_uri(metadata["end_session_endpoint"], {
        "id_token_hint": kept["id_token"], "post_logout_redirect_uri": post_logout_redirect_uri,
        "client_id": provider.client_id})
