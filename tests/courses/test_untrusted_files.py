"""Course files that could run script open from /content/ by a token; the others carry the sandbox too."""
from __future__ import annotations

import pytest

from lms.core import storage
from lms.core.db import db
from lms.courses.views.common import send_stored


@pytest.fixture
def own_storage(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "STORAGE_PATH", str(tmp_path / "storage"))


@pytest.mark.parametrize("name, mimetype", [("bai.html", "text/html"), ("hinh.svg", "image/svg+xml"),
                                            ("du-lieu.xml", "application/xml"), ("la.bin", "application/x-what")])
def test_a_file_that_could_run_script_goes_to_its_token_url(app, own_storage, name, mimetype):
    stored = storage.save_bytes(b"<script>parent.document.title = 'x'</script>", name, mimetype)
    db.session.flush()
    with app.test_request_context("/courses/c/x/assets/" + name):
        response = send_stored(stored.id, inline=True)
    assert response.status_code == 302 and response.location.startswith("/content/")
    with app.test_client(use_cookies=False).get(response.location) as served:
        assert served.status_code == 200 and served.mimetype == mimetype
        assert "allow-same-origin" not in served.headers["Content-Security-Policy"]
        assert served.headers["Content-Security-Policy"].startswith("sandbox ")


def test_an_image_is_served_as_before_with_the_sandbox_header(app, own_storage):
    stored = storage.save_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 32, "hinh.png", "image/png")
    db.session.flush()
    with app.test_request_context("/courses/c/x/assets/hinh.png"):
        response = send_stored(stored.id, inline=True)
        response.direct_passthrough = False
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert response.headers["Content-Security-Policy"].startswith("sandbox ")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    response.close()
