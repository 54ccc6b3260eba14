"""Single sign-on: the identity providers of the settings, and who a provider's person is here.

The OpenID Connect exchange itself (discovery, state, nonce, PKCE, the ID token's checks) is Authlib's, in
lms/core/sso_client.py; this module only decides, from checked claims, which account logs in.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from lms.core import audit
from lms.core.config import ConfigError
from lms.core.db import db, utcnow
from lms.core.errors import DomainError
from lms.core.models import SsoLink, User
from lms.core.services.accounts import find_user

CLAIMS = ("employee_code", "email")
CLAIM_LABELS = {"employee_code": _l("Employee code"), "email": _l("E-mail")}
UNKNOWN = ("refuse", "create")


class SsoRefused(DomainError):
    """The provider's answer cannot log anyone in here; the message tells the person why."""


@dataclass(frozen=True)
class Provider:
    """One identity provider, as the settings give it (README, "Single sign-on (OpenID Connect)")."""

    name: str
    label: str
    issuer: str
    client_id: str
    client_secret: str
    scopes: str = "openid profile email"
    claim: str = "employee_code"  # the claim that carries the employee code, or "email"
    unknown: str = "refuse"  # or "create": an account without password, linked to the identity
    clock_skew: int = 60  # seconds of difference allowed between the provider's clock and ours


def parse_providers(settings: list[dict]) -> dict[str, Provider]:
    """The OIDC_PROVIDERS setting, checked at start: a mistake stops the app with a message, not a log-in."""
    found: dict[str, Provider] = {}
    for entry in settings:
        try:
            provider = Provider(**entry)
        except TypeError as problem:
            raise ConfigError(f"OIDC_PROVIDERS: {problem} in {entry.get('name')!r}") from None
        if provider.claim not in CLAIMS or provider.unknown not in UNKNOWN or "openid" not in provider.scopes.split():
            raise ConfigError(f"OIDC_PROVIDERS {provider.name!r}: claim must be one of {CLAIMS}, unknown one of "
                              f"{UNKNOWN}, and scopes must include openid.")
        if provider.name in found or not provider.name.replace("-", "").isalnum():
            raise ConfigError(f"OIDC_PROVIDERS: {provider.name!r} is repeated or not a name of letters and dashes.")
        found[provider.name] = provider
    return found


def providers() -> dict[str, Provider]:
    return current_app.extensions["lms_sso"]["providers"]


def _claimed_value(provider: Provider, claims: dict) -> str | None:
    value = claims.get(provider.claim)
    if not isinstance(value, str) or not value.strip():
        return None
    if provider.claim == "email" and claims.get("email_verified") is not True:
        return None  # an address the provider has not checked proves nothing about who this is
    return value.strip()


def _create_account(provider: Provider, claims: dict, value: str | None) -> User:
    email = claims.get("email") if claims.get("email_verified") is True else None
    if email and find_user(email) is not None:
        email = None  # another account's address: the new one does without
    user = User(display_name=(claims.get("name") or value or claims["sub"])[:200],
                email=email.lower() if email else None)
    db.session.add(user)
    db.session.flush()
    audit.record("sso.account_created", "user", user.id, data={"provider": provider.name})
    return user


def _refuse_if_switched_off(user: User) -> None:
    if not user.active or (user.official is not None and not user.official.active):
        raise SsoRefused(_l("This account has been switched off (the official has left, or an administrator "
                            "closed it). Ask your unit's personnel office to reopen it."))


def _account_for(provider: Provider, claims: dict) -> User:
    value = _claimed_value(provider, claims)
    user = find_user(value) if value else None
    if user is not None:
        return user
    if provider.unknown == "create":
        return _create_account(provider, claims, value)
    raise SsoRefused(_l("%(provider)s knows you, but no official on this platform has your %(claim)s "
                        "(%(value)s). Ask your unit's personnel office to check the officials list."),
                      provider=provider.label, claim=str(CLAIM_LABELS[provider.claim]).lower(), value=value or "-")


def user_for(provider: Provider, claims: dict) -> User:
    """The account that checked ID-token `claims` (with `iss` and `sub`) log into. Flushes.

    A known identity leads to its linked account. A new one is matched by the provider's claim the way a typed
    identifier is (accounts.find_user), then linked; an unknown person is refused, or given an account without
    password when the provider is set to create them. A switched-off account is refused and nothing is kept.
    """
    issuer, subject = claims["iss"], claims["sub"]
    link = db.session.scalar(select(SsoLink).where(SsoLink.issuer == issuer, SsoLink.subject == subject))
    user = db.session.get(User, link.user_id) if link else _account_for(provider, claims)
    _refuse_if_switched_off(user)
    if link is None:
        other = db.session.scalar(select(SsoLink.id).where(SsoLink.issuer == issuer, SsoLink.user_id == user.id))
        if other is not None:  # the provider now gives this person's code to someone else
            raise SsoRefused(_l("Another %(provider)s identity already logs into this account. Ask your unit's "
                                "personnel office to check it."), provider=provider.label)
        link = SsoLink(issuer=issuer, subject=subject, user_id=user.id)
        db.session.add(link)
        audit.record("sso.linked", "user", user.id, actor_id=user.id, data={"issuer": issuer, "subject": subject})
    link.last_login_at = user.last_login_at = utcnow()
    db.session.flush()
    return user
