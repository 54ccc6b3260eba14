"""Admin pages of the training record: requirements (none by default; the example switched on by hand)."""
from __future__ import annotations

from sqlalchemy import select

from lms.core.db import db
from lms.core.models import Role
from lms.records import requirements as rq
from lms.records.models import Requirement


def test_admin_switches_on_the_example_and_an_overlap_is_refused(app, client, make_user, make_unit, login):
    province = make_unit("Tỉnh Sơn Hà")
    login(make_user(roles=["admin"]))
    client.post("/records/requirements/example")
    client.post("/records/requirements/example")  # twice: still one example
    [example] = db.session.scalars(select(Requirement)).all()
    assert example.active is False
    client.post(f"/records/requirements/{example.id}/switch", data={"active": "1"})
    db.session.expire_all()
    assert db.session.get(Requirement, example.id).active is True

    form = {"name_vi": "60 tiết cho Sở", "name_en": "", "year_from": "2026", "year_to": "", "unit_id": province.id,
            "include_subunits": "y", "unit_level": "", "official_kind": "", "position": "", "min_periods": "60",
            "active": "y", "note": ""}
    page = client.post("/records/requirements/new", data=form)
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "trùng với" in text and rq.EXAMPLE_NAME_VI in text
    assert db.session.scalar(select(Requirement).where(Requirement.name_vi == "60 tiết cho Sở")) is None
    # per-area minimums do not overlap a total
    form.update(min_periods="", min_science_technology_digital="8", name_vi="Kỹ năng số")
    assert client.post("/records/requirements/new", data=form).status_code == 302
    saved = db.session.scalar(select(Requirement).where(Requirement.name_vi == "Kỹ năng số"))
    assert saved.area_minimums == {"science_technology_digital": 8.0} and saved.unit_id == province.id
    listing = client.get("/records/requirements").get_data(as_text=True)
    assert "Kỹ năng số" in listing and "đang áp dụng" in listing
    client.post(f"/records/requirements/{saved.id}/delete")
    assert db.session.scalar(select(Requirement).where(Requirement.name_vi == "Kỹ năng số")) is None


def test_requirement_pages_are_for_admins(app, client, make_user, make_unit, login):
    unit = make_unit()
    login(make_user(roles=[(Role.unit_manager, {"unit_id": unit.id})]))
    assert client.get("/records/requirements").status_code == 403
    assert client.post("/records/requirements/example").status_code == 403


def test_the_admin_page_links_the_records_pages(app, client, make_user, login):
    login(make_user(roles=["admin"]))
    text = client.get("/admin/").get_data(as_text=True)
    assert "/records/requirements" in text and "/records/api-tokens" in text


def test_forms_need_the_csrf_token(app_factory):
    app = app_factory(WTF_CSRF_ENABLED=True)
    with app.app_context():
        client = app.test_client()
        response = client.post("/records/requirements/example")
        assert response.status_code == 400
        db.session.remove()
