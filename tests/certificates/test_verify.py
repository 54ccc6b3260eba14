"""The public verify page, its JSON twin, the published keys, rate limiting, and `lms certificates verify`."""
from __future__ import annotations

import json

from lms.certificates.pdf import render
from lms.certificates.services import public
from lms.core.db import db


def issue_one(issue_class, name="Nguyễn Thị Ngọc Hường"):
    _, (cert,) = issue_class(names=(name,))
    db.session.commit()
    return cert


def test_the_verify_page_shows_the_facts_without_login(issue_class, client):
    cert = issue_one(issue_class)
    response = client.get(f"/verify/{cert.verification_code}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Nguyễn Thị Ngọc Hường" in page and "**/**/1987" in page
    assert "15/06/1987" not in page and "1987-06-15" not in page
    assert "Bồi dưỡng kiến thức quản lý nhà nước" in page and "Trường Chính trị tỉnh Sơn Hà" in page
    assert cert.register_number in page and cert.serial in page
    assert "verdict-valid" in page
    assert 'name="robots" content="noindex"' in page


def test_codes_are_found_however_they_are_typed(issue_class, client):
    cert = issue_one(issue_class)
    typed = "-".join(cert.verification_code[i:i + 4] for i in range(0, 20, 4)).lower()
    response = client.get(f"/verify/?code={typed}")
    assert response.status_code == 302
    assert client.get(response.headers["Location"]).status_code == 200
    response = client.get(f"/verify/{cert.verification_code.lower()}")
    assert response.status_code == 302 and response.headers["Location"].endswith(cert.verification_code)


def test_unknown_and_malformed_codes_get_a_clear_answer(issue_class, client):
    cert = issue_one(issue_class)
    guessed = "ABCDEFGHJKLMNPQRSTUV" if cert.verification_code != "ABCDEFGHJKLMNPQRSTUV" else "VUTSRQPNMLKJHGFEDCBA"
    response = client.get(f"/verify/{guessed}")
    assert response.status_code == 404
    assert "No certificate has this code" in response.get_data(as_text=True)
    response = client.get("/verify/not-a-code")
    assert response.status_code == 404
    assert "This is not a verification code" in response.get_data(as_text=True)
    forged = cert.verification_code[:-1] + ("A" if cert.verification_code[-1] != "A" else "B")
    response = client.get(f"/verify/{forged}.json")
    assert response.status_code == 404 and response.get_json()["error"] == "not_found"


def test_the_json_twin_is_signed_and_verifies(issue_class, client, app):
    from lms.certificates.verification import verify_json
    cert = issue_one(issue_class)
    response = client.get(f"/verify/{cert.verification_code}.json")
    assert response.status_code == 200 and response.headers["Access-Control-Allow-Origin"] == "*"
    document = response.get_json()
    assert "1987-06-15" not in response.get_data(as_text=True)
    assert document["facts"]["holder"] == {"name": "Nguyễn Thị Ngọc Hường", "birth_date_masked": "**/**/1987",
                                           "birth_date_digest": document["facts"]["holder"]["birth_date_digest"]}
    assert document["status"]["state"] == "valid"
    assert document["public_key"]["kid"] == cert.key.kid == document["kid"]
    keys = {cert.key.kid: cert.key.public_key}
    assert verify_json(document, keys).ok
    forged = json.loads(json.dumps(document))
    forged["facts"]["course"]["periods"] = 80
    assert not verify_json(forged, keys).ok
    forged = json.loads(json.dumps(document))
    forged["status"]["state"] = "valid" if document["status"]["state"] != "valid" else "revoked"
    assert not verify_json(forged, keys).ok


def test_the_school_publishes_its_keys(issue_class, client, school):
    cert = issue_one(issue_class)
    document = client.get(f"/verify/keys/{school.code}").get_json()
    assert document["school"]["code"] == school.code
    assert [k["kid"] for k in document["keys"]] == [cert.key.kid]
    assert document["keys"][0]["kty"] == "OKP" and document["keys"][0]["crv"] == "Ed25519"
    assert client.get("/verify/keys/NO-SUCH-SCHOOL").status_code == 404


def test_a_merged_school_answers_through_its_successor(issue_class, client, school, make_school):
    cert = issue_one(issue_class)
    successor = make_school("Trường Chính trị tỉnh Sơn Hà Mới", code="TCT-SHM")
    school.successor_id = successor.id
    db.session.commit()
    page = client.get(f"/verify/{cert.verification_code}").get_data(as_text=True)
    assert "Trường Chính trị tỉnh Sơn Hà Mới" in page
    document = client.get(f"/verify/{cert.verification_code}.json").get_json()
    assert document["status"]["responsible_school"]["code"] == "TCT-SHM"
    assert public.authority(school.id).id == successor.id
    keys = client.get(f"/verify/keys/{school.code}").get_json()
    assert keys["responsible_school"]["code"] == "TCT-SHM"


def test_lookups_are_rate_limited_per_address(issue_class, client, app):
    cert = issue_one(issue_class)
    app.config["CERTIFICATES_VERIFY_PER_MINUTE"] = 3
    for _ in range(3):
        assert client.get(f"/verify/{cert.verification_code}").status_code == 200
    response = client.get(f"/verify/{cert.verification_code}")
    assert response.status_code == 429 and response.headers["Retry-After"] == "60"
    assert "Too many look-ups" in response.get_data(as_text=True)
    assert client.get(f"/verify/{cert.verification_code}.json").status_code == 429
    other = app.test_client()
    assert other.get(f"/verify/{cert.verification_code}",
                     environ_base={"REMOTE_ADDR": "10.0.0.9"}).status_code == 200


def test_guessing_codes_is_limited_harder(client, app, issue_class):
    issue_one(issue_class)
    app.config["CERTIFICATES_VERIFY_MISSES_PER_HOUR"] = 2
    statuses = [client.get(f"/verify/ABCDEFGHJKLMNPQRSTU{d}").status_code for d in "2345"]
    assert statuses == [404, 404, 429, 429]


def test_cli_verifies_a_pdf_offline_and_fails_on_any_change(issue_class, runner, tmp_path, client, school):
    cert = issue_one(issue_class)
    pdf = tmp_path / "certificate.pdf"
    pdf.write_bytes(render.render_pdf(cert))
    result = runner.invoke(args=["certificates", "verify", str(pdf), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["ok"] and report["facts"]["holder"]["name"] == "Nguyễn Thị Ngọc Hường"

    keys = tmp_path / "keys.json"
    keys.write_text(client.get(f"/verify/keys/{school.code}").get_data(as_text=True), encoding="utf-8")
    assert runner.invoke(args=["certificates", "verify", str(pdf), "--keys", str(keys)]).exit_code == 0

    data = pdf.read_bytes()
    name = json.dumps("Hường")[1:-1].encode()
    altered = tmp_path / "altered.pdf"
    altered.write_bytes(data.replace(name, json.dumps("Hương")[1:-1].encode().ljust(len(name)), 1))
    result = runner.invoke(args=["certificates", "verify", str(altered)])
    assert result.exit_code == 1 and "FAIL" in result.output

    stranger = tmp_path / "stranger.json"
    stranger.write_text(json.dumps({"keys": []}), encoding="utf-8")
    assert runner.invoke(args=["certificates", "verify", str(pdf), "--keys", str(stranger)]).exit_code == 1


def test_cli_verifies_the_json_twin(issue_class, runner, tmp_path, client):
    cert = issue_one(issue_class)
    twin = tmp_path / "certificate.json"
    twin.write_text(client.get(f"/verify/{cert.verification_code}.json").get_data(as_text=True), encoding="utf-8")
    result = runner.invoke(args=["certificates", "verify", str(twin)])
    assert result.exit_code == 0, result.output
    assert "status valid" in result.output
    document = json.loads(twin.read_text(encoding="utf-8"))
    document["facts"]["holder"]["name"] = "Nguyễn Thị Ngọc Hương"
    twin.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    result = runner.invoke(args=["certificates", "verify", str(twin), "--json"])
    assert result.exit_code == 1
    assert json.loads(result.output)["ok"] is False


def test_the_verify_page_speaks_vietnamese_by_default(issue_class, client):
    cert = issue_one(issue_class)
    client.post("/lang", data={"lang": "vi"})
    page = client.get(f"/verify/{cert.verification_code}").get_data(as_text=True)
    assert "Chứng chỉ này còn hiệu lực." in page and "Số vào sổ" in page and "Ngày sinh" in page
    response = client.get("/verify/ABCDEFGHJKLMNPQRSTUV")
    assert "Không có chứng chỉ nào mang mã này." in response.get_data(as_text=True)


def test_anyone_finds_the_check_page(client):
    home = client.get("/").get_data(as_text=True)
    assert 'href="/verify/"' in home and "Certificate check" in home
    page = client.get("/verify/").get_data(as_text=True)
    assert 'name="code"' in page and "Scan the QR code" in page
