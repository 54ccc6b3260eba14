"""The read-only JSON API for HR systems: tokens scoped to units, hashed at rest, documented by OpenAPI."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from lms.core.db import db
from lms.core.models import Role, UnitLevel
from lms.core.services.org import merge_units
from lms.records import requirements as rq
from lms.records import tokens
from lms.records.models import ApiToken


@pytest.fixture
def province(make_unit, make_official, issue, revoke):
    top = make_unit("Tỉnh Sơn Hà", level=UnitLevel.province, code="T01")
    home = make_unit("Sở Nội vụ", parent=top, code="T01-SNV")
    commune = make_unit("Xã Tân Phú", parent=top, level=UnitLevel.commune, code="T01-XTP")
    clerk = make_official("Nguyễn Thị Hoa", unit=home, code="CB001", political_theory_level="intermediate")
    farmer = make_official("Lê Văn Nam", unit=commune, code="CB002")
    issue(clerk, periods=24, area="political_theory", on=date(2025, 3, 1), title="Lý luận chính trị cập nhật")
    gone = issue(clerk, periods=8, area="job_position", on=date(2025, 4, 1), title="Khóa bị thu hồi")
    revoke(gone)
    issue(farmer, periods=8, area="science_technology_digital", on=date(2025, 5, 1))
    rq.save_requirement(rq.RequirementInput(name_vi="40 tiết", year_from=2025, min_periods=40, active=True))
    db.session.commit()
    return {"top": top, "home": home, "commune": commune, "clerk": clerk, "farmer": farmer}


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def make_token(unit, name="Phần mềm nhân sự"):
    row, token = tokens.create_token(name, unit, actor_id=None)
    db.session.commit()
    return row, token


def test_an_officials_record_by_employee_code_and_year(app, client, province):
    _, token = make_token(province["top"])
    response = client.get("/api/v1/officials/CB001/record?year=2025", headers=bearer(token))
    assert response.status_code == 200
    data = response.get_json()
    assert data["official"]["full_name"] == "Nguyễn Thị Hoa" and data["official"]["unit"]["code"] == "T01-SNV"
    assert data["official"]["political_theory"]["level"] == "intermediate"
    assert data["year"] == 2025 and data["total_periods"] == 24
    assert data["periods_by_area"]["political_theory"] == 24 and data["periods_by_area"]["job_position"] == 0
    [credit] = data["credits"]
    assert credit["title_vi"] == "Lý luận chính trị cập nhật" and credit["source"] == "certificate"
    assert credit["certificate"]["verify_url"].endswith("/verify/" + credit["certificate"]["verification_code"])
    assert credit["unit_at_the_time"]["code"] == "T01-SNV"
    assert [w["title_vi"] for w in data["withdrawn_credits"]] == ["Khóa bị thu hồi"]
    [status] = data["requirements"]
    assert status["status"] == "behind" and status["missing_periods"] == 16
    empty = client.get("/api/v1/officials/CB001/record?year=2024", headers=bearer(token)).get_json()
    assert empty["credits"] == [] and empty["total_periods"] == 0


def test_a_units_summary(app, client, province):
    _, token = make_token(province["top"])
    data = client.get("/api/v1/units/T01/summary?year=2025", headers=bearer(token)).get_json()
    assert data["unit"]["code"] == "T01" and data["unit"]["merged_into"] is None
    assert data["officials"] == 2 and data["total_periods"] == 32
    assert data["requirements"][0]["name_vi"] == "40 tiết"
    assert data["requirements"][0]["id"] == data["sub_units"][0]["meeting_requirements"][0]["requirement_id"]
    assert data["meeting_requirements"][0] == {"requirement_id": data["requirements"][0]["id"], "applicable": 2,
                                               "met": 0, "on_track": 0, "behind": 2}
    subs = {s["unit"]["code"]: s for s in data["sub_units"]}
    assert subs["T01-SNV"]["total_periods"] == 24 and subs["T01-XTP"]["officials"] == 1


def test_a_token_for_another_unit_is_refused_with_a_clear_message(app, client, province):
    _, token = make_token(province["commune"], name="Xã Tân Phú HR")
    assert client.get("/api/v1/officials/CB002/record", headers=bearer(token)).status_code == 200
    refused = client.get("/api/v1/officials/CB001/record", headers=bearer(token))
    assert refused.status_code == 403
    body = refused.get_json()
    assert body["error"] == "forbidden" and "Xã Tân Phú" in body["message"] and "CB001" in body["message"]
    assert client.get("/api/v1/units/T01/summary", headers=bearer(token)).status_code == 403
    english = client.get("/api/v1/units/T01-SNV/summary?lang=en", headers=bearer(token)).get_json()
    assert "This token is for" in english["message"]


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer nonsense"}, {"Authorization": "Basic abc"},
                                     {"Authorization": "Bearer lmsrec_not-a-real-token"}])
def test_without_a_valid_token_nothing_is_shown(app, client, province, headers):
    response = client.get("/api/v1/officials/CB001/record", headers=headers)
    assert response.status_code == 401 and response.get_json()["error"] == "unauthorized"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_tokens_are_hashed_at_rest_and_revocation_takes_effect(app, client, province):
    row, token = make_token(province["top"])
    stored = db.session.scalar(select(ApiToken))
    assert token not in (stored.token_hash, stored.token_prefix) and stored.token_hash == tokens.digest(token)
    assert client.get("/api/v1/units/T01/summary", headers=bearer(token)).status_code == 200
    db.session.expire_all()
    assert db.session.get(ApiToken, row.id).last_used_at is not None
    tokens.revoke_token(db.session.get(ApiToken, row.id), actor_id=None)
    db.session.commit()
    assert client.get("/api/v1/units/T01/summary", headers=bearer(token)).status_code == 401


def test_unknown_codes_and_bad_years(app, client, province):
    _, token = make_token(province["top"])
    assert client.get("/api/v1/officials/NOPE/record", headers=bearer(token)).get_json()["error"] == "not_found"
    assert client.get("/api/v1/units/NOPE/summary", headers=bearer(token)).status_code == 404
    bad = client.get("/api/v1/units/T01/summary?year=20x5", headers=bearer(token))
    assert bad.status_code == 400 and bad.get_json()["error"] == "bad_year"


def test_no_token_for_a_merged_unit(app, province, make_unit):
    from lms.core.errors import DomainError
    old = make_unit("Huyện cũ", parent=province["top"], level=UnitLevel.district)
    merge_units([old], province["commune"], date(2025, 7, 1))
    with pytest.raises(DomainError):
        tokens.create_token("HR", old, actor_id=None)


def test_admin_creates_and_revokes_tokens_on_the_page(app, client, province, make_user, login):
    login(make_user(roles=["admin"]))
    page = client.post("/records/api-tokens", data={"name": "Phần mềm nhân sự tỉnh", "unit_id": province["top"].id})
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    token = text.split('<p class="token">')[1].split("</p>")[0].strip()
    assert token.startswith("lmsrec_")
    assert client.get("/api/v1/units/T01/summary", headers=bearer(token)).status_code == 200
    again = client.get("/records/api-tokens").get_data(as_text=True)
    assert token not in again and token[:12] in again  # shown once; afterwards only its start
    row = db.session.scalar(select(ApiToken))
    client.post(f"/records/api-tokens/{row.id}/revoke")
    assert client.get("/api/v1/units/T01/summary", headers=bearer(token)).status_code == 401
    client.post("/logout")
    login(make_user(roles=[(Role.unit_manager, {"unit_id": province["top"].id})]))
    assert client.get("/records/api-tokens").status_code == 403


def test_the_openapi_document_describes_the_api(app, client, province):
    from openapi_spec_validator import validate
    document = client.get("/api/v1/openapi.json").get_json()
    validate(document)
    assert set(document["paths"]) == {"/officials/{employee_code}/record", "/units/{code}/summary", "/openapi.json"}
    assert document["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"


def test_responses_match_the_documented_schemas(app, client, province):
    """The JSON the API sends validates against the schemas it publishes."""
    import jsonschema
    document = client.get("/api/v1/openapi.json").get_json()
    _, token = make_token(province["top"])

    def schema(name):
        # OpenAPI 3.0 "nullable" is not JSON Schema; turn it into a type list for checking.
        def convert(node):
            if isinstance(node, dict):
                node = {k: convert(v) for k, v in node.items()}
                if node.pop("nullable", False) and "type" in node:
                    node["type"] = [node["type"], "null"]
                    if "enum" in node and None not in node["enum"]:
                        node["enum"] = node["enum"] + [None]
                return node
            if isinstance(node, list):
                return [convert(v) for v in node]
            return node
        components = convert(document["components"])
        return {"$ref": f"#/components/schemas/{name}", "components": components}

    record = client.get("/api/v1/officials/CB001/record?year=2025", headers=bearer(token)).get_json()
    jsonschema.validate(record, schema("OfficialRecord"))
    summary = client.get("/api/v1/units/T01/summary?year=2025", headers=bearer(token)).get_json()
    jsonschema.validate(summary, schema("UnitSummary"))
    error = client.get("/api/v1/units/NOPE/summary", headers=bearer(token)).get_json()
    jsonschema.validate(error, schema("Error"))
