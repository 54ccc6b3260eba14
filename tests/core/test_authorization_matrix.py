"""Every route, for every role, against objects of another school, unit or official: refused, or a page that
shows only the user's own scope; and a POST leaves the other side's data as it was.

The world (tests/core/authorization_world.py) is built once for the module inside one transaction that is
rolled back at the end; each request runs inside a SAVEPOINT rolled back after it. The test config turns
CSRF checking off (WTF_CSRF_ENABLED False), so a POST without a token stands for one with the user's own.
A route missing from ROUTES fails `test_every_route_is_in_the_matrix` with its name: enter new routes there.
"""
from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass, field

import pytest
from sqlalchemy import select

from lms.core.db import db
from tests.conftest import _cached_app, _restore, _rolled_back
from tests.core import authorization_world
from tests.core.authorization_matrix_routes import ROUTES
from tests.core.authorization_world import FOREIGN, PASSWORD, ROLES

SIGNED_IN = frozenset({"official", "lecturer", "school_admin", "unit_manager", "admin"})
REFUSED = {401, 403, 404}
TEXT_TYPES = ("text/", "application/json", "application/xml", "image/svg+xml")
ZIP_TYPES = ("application/zip", "application/vnd.openxmlformats")


@dataclass
class Matrix:
    app: object
    connection: object
    world: authorization_world.World
    cookies: dict[str, str] = field(default_factory=dict)


@pytest.fixture(scope="module")
def matrix(database_url, instance_root, migrated, tmp_path_factory):
    app = _cached_app(database_url, instance_root, {})
    # Files of the world (a package unpacked under its id) stay out of the storage later tests share.
    app.config["STORAGE_PATH"] = str(tmp_path_factory.mktemp("matrix-storage"))
    with app.app_context():
        engine = db.engine
    with _rolled_back(engine) as connection, app.app_context():
        world = authorization_world.build()
        db.session.commit()
        found = Matrix(app, connection, world)
        for role, user in world.users.items():
            client = app.test_client()
            response = client.post("/login", data={"identifier": user.email, "password": PASSWORD})
            assert response.status_code == 302, (role, response.data[:300])
            found.cookies[role] = client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value
        db.session.commit()
        yield found
        db.session.remove()
    _restore(app)  # the storage path, and what requests kept in app.extensions (caches keyed by freed ids)


def _client(matrix: Matrix, role: str):
    client = matrix.app.test_client()
    if role in matrix.cookies:
        client.set_cookie(matrix.app.config["SESSION_COOKIE_NAME"], matrix.cookies[role])
    return client


def _fingerprint() -> dict[str, str]:
    """A digest of every table's rows: what a refused POST must leave as it was."""
    digests = {}
    for table in db.metadata.sorted_tables:
        rows = sorted(repr(tuple(row)) for row in db.session.execute(select(table)))
        digests[table.name] = hashlib.sha256("\n".join(rows).encode()).hexdigest()
    return digests


def _body_text(response) -> str | None:
    """The response's text, opened up for XLSX and zip files; None for other binary files (a PDF, a video)."""
    kind = response.mimetype or ""
    data = response.get_data()
    if kind.startswith(TEXT_TYPES):
        return data.decode("utf-8", "replace")
    if kind.startswith(ZIP_TYPES) or data[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "\n".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())
    return None


def _refused(role: str, response) -> bool:
    if response.status_code in REFUSED:
        return True
    return role not in SIGNED_IN and response.status_code == 302 and "/login" in response.location


def _cases():
    for key, entry in ROUTES.items():
        for method in entry.methods.split():
            for variant in range(len(entry.variants)):
                for role in ROLES:
                    # strict: once the change lands the case passes, fails as XPASS, and `pending` goes
                    pending = entry.pending and role in SIGNED_IN and role != "admin"
                    marks = [pytest.mark.xfail(reason=entry.pending, strict=True)] if pending else []
                    yield pytest.param(key, method, variant, role, marks=marks,
                                       id=f"{key}:{method}:{variant}:{role}")


def test_every_route_is_in_the_matrix(matrix):
    """A route added later must be entered in ROUTES (how to build its URL, what each role gets)."""
    app = matrix.app
    served = {(f"{rule.endpoint} {rule.rule}", method) for rule in app.url_map.iter_rules()
              for method in rule.methods - {"HEAD", "OPTIONS"}}
    entered = {(key, method) for key, entry in ROUTES.items() for method in entry.methods.split()}
    missing = sorted(f"{method} {key}" for key, method in served - entered)
    assert not missing, "routes missing from the authorization matrix: " + ", ".join(missing)
    assert not entered - served, f"entries for routes that no longer exist: {sorted(entered - served)}"


@pytest.mark.parametrize(("key", "method", "variant", "role"), list(_cases()))
def test_route_against_the_other_side(matrix, key, method, variant, role):
    entry = ROUTES[key]
    ids = matrix.world.ids
    url = entry.url(key, ids, variant)
    nested = matrix.connection.begin_nested()
    try:
        with matrix.app.app_context():
            before = _fingerprint() if method == "POST" else None
            headers = {"Authorization": f"Bearer {matrix.world.api_token}"} if role == "api_token" else {}
            body = entry.body(ids) if method == "POST" else {}
            response = _client(matrix, role).open(url, method=method, headers=headers, **body)
            response.get_data()
            response.close()  # a file sent from storage is read now and its handle closed
            after = _fingerprint() if method == "POST" else None
            db.session.rollback()
    finally:
        db.session.registry().close()
        nested.rollback()
    _judge(entry, role, method, response, before, after, names_object="<" in key)


def _judge(entry, role: str, method: str, response, before, after, *, names_object: bool) -> None:
    status = response.status_code
    assert status < 500, f"server error {status}"
    if role == "admin":
        return  # every object is in an administrator's scope: only a crash is wrong
    refused = _refused(role, response)
    if role not in SIGNED_IN and not entry.anonymous:
        assert refused, f"{role} was served ({status}) a route that needs a signed-in user"
    if method == "POST" and role not in entry.writes:
        changed = sorted(name for name in before if before[name] != after[name])
        assert not changed, f"a POST by {role} changed {changed}"
    if refused or status != 200 or role in entry.shows:
        return
    # A page of one object of the other side (not a list filtered to one's scope) is not for this role.
    assert not (names_object and method == "GET"), f"{role} was served a page of the other side's object"
    text = _body_text(response)
    assert text is not None, f"{role} was sent a file ({response.mimetype}) of the other side"
    assert FOREIGN not in text, f"{role} was shown an object of the other side"
