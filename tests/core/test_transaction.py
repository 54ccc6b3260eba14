"""The request's one commit point (lms.core.views.transaction), on views made for the test."""
from __future__ import annotations

import pytest
from flask import Blueprint, flash, jsonify, redirect, render_template_string
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from lms.core.db import db
from lms.core.errors import DomainError, NotFound
from lms.core.models import Unit, UnitLevel
from lms.core.views.transaction import commits, discard_changes, flash_domain_errors

PAGE = ("{% for category, message in get_flashed_messages(with_categories=true) %}"
        "[{{ category }}] {{ message }}\n{% endfor %}")


def _add_unit(code: str) -> Unit:
    unit = Unit(code=code, name_vi=f"Đơn vị {code}", name_en="", level=UnitLevel.province, path="/")
    db.session.add(unit)
    db.session.flush()  # as services do: the row is in the transaction, not yet committed
    return unit


def _saved(app, code: str) -> bool:
    """Whether a unit with this code is in the database, seen from a fresh session."""
    with app.app_context():
        found = db.session.scalar(select(Unit.id).where(Unit.code == code)) is not None
        db.session.remove()
    return found


def _routes() -> Blueprint:
    bp = Blueprint("commit_point_test", __name__, url_prefix="/_test")

    @bp.post("/ok/<code>")
    @commits
    def ok(code):
        _add_unit(code)
        flash("Saved.", "success")
        return redirect("/_test/page")

    @bp.post("/refused/<code>")
    @commits
    def refused(code):
        _add_unit(code)
        raise DomainError(_l("The file %(name)s is empty."), name=code)

    @bp.post("/form/<code>")
    @commits
    def form(code):
        with flash_domain_errors():
            _add_unit(code)
            if code.startswith("bad"):
                raise DomainError(_l("Give an e-mail or an employee code to log in with."))
            return redirect("/_test/page")
        return render_template_string(PAGE), 200

    @bp.post("/crash/<code>")
    @commits
    def crash(code):
        _add_unit(code)
        flash("Saved.", "success")
        raise RuntimeError("a programming error")

    @bp.post("/twice/<code>")
    @commits
    def twice(code):
        _add_unit(code)
        flash("Saved.", "success")
        _add_unit(code)  # the same code again: the commit after the view fails on the unique index
        return redirect("/_test/page")

    @bp.post("/handled/<code>")
    @commits
    def handled(code):
        _add_unit(code)
        try:
            raise NotFound("gone")
        except NotFound:
            discard_changes()
        _add_unit(code + "-after")
        return jsonify(ok=False), 409

    @bp.post("/api/<code>")
    @commits
    def api(code):
        _add_unit(code)
        raise NotFound(_l("That attempt does not exist."))

    @bp.get("/page")
    def page():
        return render_template_string(PAGE)

    return bp


@pytest.fixture
def test_app(app_factory):
    app = app_factory(fresh=True, BABEL_DEFAULT_LOCALE="vi")  # routes of its own are added below
    app.register_blueprint(_routes())
    return app


def test_commits_when_the_view_returns(test_app):
    client = test_app.test_client()
    response = client.post("/_test/ok/T-OK")
    assert response.status_code == 302
    assert _saved(test_app, "T-OK")
    assert "[success] Saved." in client.get("/_test/page").text


def test_domain_error_after_a_flush_rolls_back_and_goes_back_with_its_message_in_vietnamese(test_app):
    client = test_app.test_client()
    response = client.post("/_test/refused/T-NO", headers={"Referer": "http://localhost/_test/page?x=1"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/_test/page?x=1"
    assert not _saved(test_app, "T-NO")
    assert "[error] Tệp T-NO không có nội dung." in client.get("/_test/page").text


def test_domain_error_without_a_page_to_go_back_to_is_an_error_page_with_the_message(test_app):
    response = test_app.test_client().post("/_test/refused/T-NO2")
    assert response.status_code == 400
    assert "Tệp T-NO2 không có nội dung." in response.text
    assert not _saved(test_app, "T-NO2")


def test_flash_domain_errors_lets_the_view_render_again(test_app):
    client = test_app.test_client()
    response = client.post("/_test/form/bad-1")
    assert response.status_code == 200
    assert "[error] Hãy nhập thư điện tử hoặc mã cán bộ để đăng nhập." in response.text
    assert not _saved(test_app, "bad-1")
    assert client.post("/_test/form/good-1").status_code == 302
    assert _saved(test_app, "good-1")


def test_an_unexpected_exception_leaves_nothing_committed_nor_a_success_message(test_app):
    test_app.testing = False  # answer with the 500 page, as production does, instead of raising in the test
    client = test_app.test_client()
    assert client.post("/_test/crash/T-CRASH").status_code == 500
    assert not _saved(test_app, "T-CRASH")
    assert "Saved." not in client.get("/_test/page").text


def test_a_failed_commit_is_a_clean_error_and_forgets_the_success_message(test_app):
    test_app.testing = False
    client = test_app.test_client()
    assert client.post("/_test/twice/T-TWICE").status_code == 500
    assert not _saved(test_app, "T-TWICE")
    assert "Saved." not in client.get("/_test/page").text


def test_discard_changes_undoes_what_came_before_and_keeps_what_comes_after(test_app):
    response = test_app.test_client().post("/_test/handled/T-H")
    assert response.status_code == 409
    assert not _saved(test_app, "T-H")
    assert _saved(test_app, "T-H-after")


def test_a_script_gets_the_domain_error_as_json_with_a_4xx_status(test_app):
    response = test_app.test_client().post("/_test/api/T-API", json={"answer": 1},
                                           headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.get_json() == {"ok": False, "error": "Không có lượt làm bài này."}
    assert not _saved(test_app, "T-API")
