"""The OpenID Provider the single sign-on tests start: tests/oidc/provider.mjs (the `oidc-provider` package of the
npm registry, run by Node.js) on a free port of 127.0.0.1, and a person logging in at it without a browser.

Node.js and `npm ci` (the Makefile's node_modules target) are needed; without them the tests are skipped, except
on CI, where they fail.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

import httpx
import pytest

from tests.browser_support import free_port

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(__file__).with_name("provider.mjs")
CLIENT_ID = "lms"
CLIENT_SECRET = "bi-mat-cua-lms-khong-ai-biet"
# The provider's people: the first is an imported official's employee code, the second nobody's.
OFFICIAL_CODE = "CB-SSO-001"
ACCOUNTS = {
    "an": {"name": "Nguyễn Văn An", "employee_code": OFFICIAL_CODE, "email": "an.nv@sso.example.vn",
           "email_verified": True},
    "la": {"name": "Người Lạ", "employee_code": "KHONG-CO-001", "email": "nguoi.la@sso.example.vn",
           "email_verified": True},
}
START_SECONDS = 30


def require_node() -> None:
    node = shutil.which("node")
    if node and (ROOT / "node_modules" / "oidc-provider").is_dir():
        return
    reason = "Node.js and node_modules/oidc-provider (npm ci) are needed for the single sign-on tests"
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


@dataclass
class OpenIdProvider:
    port: int
    process: subprocess.Popen
    log: Path

    @property
    def issuer(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def settings(self, name: str = "sso-tinh", label: str = "Cổng SSO tỉnh", **extra) -> dict:
        """An entry of OIDC_PROVIDERS for this provider."""
        return {"name": name, "label": label, "issuer": self.issuer, "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET, **extra}

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


def start_provider(folder: Path, *, redirect_uris: list[str], post_logout_redirect_uris: list[str] = (),
                   port: int | None = None, **options) -> OpenIdProvider:
    """Start the provider with a client for the platform; `options` go to provider.mjs (tamper, tokenDelayMs,
    idTokenTtl). Waits until its discovery document answers."""
    require_node()
    folder.mkdir(parents=True, exist_ok=True)
    port = port or free_port()
    client = {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "redirect_uris": list(redirect_uris),
              "post_logout_redirect_uris": list(post_logout_redirect_uris)}
    config = folder / f"provider-{port}.json"
    config.write_text(json.dumps({"port": port, "clients": [client], "accounts": ACCOUNTS, **options}))
    log = folder / f"provider-{port}.log"
    with open(log, "wb") as out:
        process = subprocess.Popen([shutil.which("node"), str(SCRIPT), str(config)], cwd=ROOT, stdout=out,
                                   stderr=subprocess.STDOUT)
    provider = OpenIdProvider(port, process, log)
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the OpenID Provider stopped at start:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(provider.issuer + "/.well-known/openid-configuration", timeout=2):
                return provider
        except OSError:
            time.sleep(0.1)
    provider.stop()
    raise RuntimeError(f"the OpenID Provider did not answer:\n{log.read_text()[-3000:]}")


def closed_port_issuer() -> str:
    """An issuer nobody answers for (a provider that is down)."""
    return f"http://127.0.0.1:{free_port()}"


def _follow(http: httpx.Client, url: str, until: str) -> httpx.Response | str:
    """Follow redirects at the provider; stops at the first one back to `until` (returned as a URL)."""
    for _ in range(10):
        if url.startswith(until):
            return url
        answer = http.get(url)
        if not answer.is_redirect:
            return answer
        url = urljoin(url, answer.headers["location"])
    raise AssertionError("too many redirects at the provider")


def log_in_at_provider(authorize_url: str, login: str, *, back_to: str, cancel: bool = False) -> str:
    """What a person does at the provider's login page (any password): returns the URL the provider sends the
    browser back to (`back_to...?code=...&state=...`, or `?error=access_denied` with `cancel`)."""
    with httpx.Client(timeout=10) as http:
        page = _follow(http, authorize_url, back_to)
        assert isinstance(page, httpx.Response) and page.status_code == 200, page
        interaction = str(page.url)
        if cancel:
            answer = http.get(interaction + "/abort")
        else:
            answer = http.post(interaction, data={"prompt": "login", "login": login, "password": "bat-ky"})
        assert answer.is_redirect, answer.text[:500]
        back = _follow(http, urljoin(interaction, answer.headers["location"]), back_to)
        assert isinstance(back, str), f"the provider did not send the browser back: {back.text[:500]}"
        return back


def query(url: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}
