"""Over-long input gets a message, never a server error, on SQLite and PostgreSQL alike.

Every search box takes a 10,000-character term; every field a person types or chooses in every
"new ..." form takes a 100,000-character value, one field at a time with the form's other fields as the page fills them.
"""
from __future__ import annotations

from html.parser import HTMLParser

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from lms.core.db import db
from lms.core.models import Unit
from lms.core.views.bounds import InputTooLong

TERM = "Nguyễn%_" * 1250  # 10,000 characters
VALUE = "ư" * 100_000

SEARCH_PAGES = ["/admin/users", "/org/officials", "/org/units", "/courses/", "/certificates/register"]
# Each "new ..." form with values that save ({n}: a fresh code for each try); every field is then tried
# long, one at a time.
NEW_FORMS = {
    "/admin/users/new": {"display_name": "Người thử", "email": "thu{n}@example.vn",
                         "password": "correct horse battery"},
    "/admin/schools/new": {"code": "TRUONG-THU-{n}", "name_vi": "Trường thử", "place": "Sơn Hà",
                           "signer_title": "HIỆU TRƯỞNG", "signer_name": "Trần Văn Bình"},
    "/org/units/new": {"code": "XA-THU-{n}", "name_vi": "Tỉnh thử", "level": "province"},
    "/org/officials/new": {"employee_code": "CB-THU-{n}", "full_name": "Lê Thị Cúc", "date_of_birth": "1990-01-02"},
    "/courses/author/new": {"key": "khoa-thu-{n}", "title_vi": "Khóa thử", "periods": "4"},
    "/certificates/templates/new": {"name": "Mẫu thử {n}"},
    "/records/requirements/new": {"name_vi": "Yêu cầu thử {n}", "min_periods": "10"},
}
NOT_TYPED = {"hidden", "checkbox", "radio", "file", "submit", "button"}


@pytest.fixture
def admin(client, login, make_user):
    login(make_user("root@example.vn", roles=["admin"], name="Quản trị"))
    return client


@pytest.mark.parametrize("url", SEARCH_PAGES)
def test_a_10000_character_search_is_cut_and_told(admin, url):
    with force_locale("en"):
        response = admin.get(url, query_string={"q": TERM}, headers={"Accept-Language": "en"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "only its first 200 characters were used" in page or "chỉ dùng 200 ký tự đầu" in page


def test_a_bank_search_and_a_verification_lookup_take_a_long_term(admin):
    assert admin.get("/verify/", query_string={"code": TERM}).status_code in (302, 404)
    assert admin.get("/verify/" + "A" * 10_000).status_code == 404


class _Form(HTMLParser):
    """The fields of the page's main form (the one that posts to the page itself), as the page fills them."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, str] = {}
        self.text_fields: list[str] = []
        self._textarea: str | None = None
        self._in_form = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._in_form = (a.get("method") or "").lower() == "post" and a.get("action") in (None, "", "#")
        if not self._in_form or not a.get("name"):
            return
        name = a["name"]
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self.fields.setdefault(name, a.get("value") or "")
            if kind not in NOT_TYPED:
                self.text_fields.append(name)
        elif tag == "textarea":
            self._textarea = name
            self.fields[name] = ""
            self.text_fields.append(name)
        elif tag == "select":
            self.text_fields.append(name)  # a choice that is none of the options, 100,000 characters long

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += data


class _Options(HTMLParser):
    """The first non-empty option of every select (the chosen one when the page marks it)."""

    def __init__(self) -> None:
        super().__init__()
        self.chosen: dict[str, str] = {}
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "select":
            self._select = a.get("name")
        elif tag == "option" and self._select and a.get("value"):
            if "selected" in a or self._select not in self.chosen:
                self.chosen[self._select] = a["value"]

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def _form_of(page: str) -> _Form:
    form = _Form()
    form.feed(page)
    options = _Options()
    options.feed(page)
    form.fields.update(options.chosen)
    return form


@pytest.mark.parametrize("url", NEW_FORMS)
def test_every_field_of_every_new_form_takes_100000_characters(admin, url, make_school, make_unit):
    make_school("Trường Chính trị tỉnh", unit=make_unit("Tỉnh Sơn Hà", code="T01"))
    db.session.commit()
    page = admin.get(url)
    assert page.status_code == 200, url
    form = _form_of(page.get_data(as_text=True))
    assert form.text_fields, f"{url} shows no field"

    def values(n: int, **changed) -> dict:
        return {**form.fields, **{k: v.format(n=n) for k, v in NEW_FORMS[url].items()}, **changed}

    saved = admin.post(url, data=values(0))
    assert saved.status_code == 302, f"{url}: the form's values do not save, so the test would prove nothing"
    for n, name in enumerate(form.text_fields, start=1):
        response = admin.post(url, data=values(n, **{name: VALUE}))
        assert response.status_code < 500, (url, name, response.status_code)


def test_a_field_past_the_form_limit_is_refused_before_the_view(admin, app):
    app.config["FORM_MAX_FIELD_CHARS"] = 1000
    before = db.session.scalar(select(func.count()).select_from(Unit))
    response = admin.post("/org/units/new", data={"name": "x" * 1001, "code": "X1", "level": "province"},
                          headers={"Accept": "application/json"})
    assert response.status_code == 400
    assert "1001" in response.get_json()["error"]
    assert db.session.scalar(select(func.count()).select_from(Unit)) == before


def test_a_string_longer_than_its_column_never_reaches_the_database(app, make_unit):
    unit = make_unit("Tỉnh Sơn Hà", code="T01")
    db.session.commit()
    limit = Unit.__table__.c.code.type.length
    unit.code = "X" * (limit + 1)
    with force_locale("en"), pytest.raises(InputTooLong) as caught:
        db.session.flush()
    with force_locale("en"):
        assert str(caught.value) == f"code is too long: {limit + 1} characters, at most {limit}."
    db.session.rollback()
    assert db.session.get(Unit, unit.id).code == "T01"
