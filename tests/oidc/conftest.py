"""Providers shared by the request-level single sign-on tests, one Node.js process each, started once a module."""
from __future__ import annotations

import pytest

from tests.oidc.support import start_provider

CALLBACK = "http://localhost/sso/sso-tinh/callback"
AFTER_LOGOUT = "http://localhost/login"


@pytest.fixture(scope="module")
def start_op(tmp_path_factory):
    """`start_op(**options)`: a provider for the test client's callback, stopped at the module's end."""
    started = []

    def start(**options):
        provider = start_provider(tmp_path_factory.mktemp("op"), redirect_uris=[CALLBACK],
                                  post_logout_redirect_uris=[AFTER_LOGOUT], **options)
        started.append(provider)
        return provider
    yield start
    for provider in started:
        provider.stop()


@pytest.fixture(scope="module")
def op(start_op):
    """A provider that behaves."""
    return start_op()
