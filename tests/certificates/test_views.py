"""The school admin's pages (templates, rules, classes, register, ZIP) and the official's own."""
from __future__ import annotations

import io
import zipfile

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from lms.certificates.models import Certificate, CertificateRule, CertificateTemplate
from lms.core.db import db
from lms.core.models import Role
from tests.certificates.conftest import png_bytes


@pytest.fixture
def school_admin(make_user, school):
    return make_user(roles=[(Role.school_admin, {"school_id": school.id})], name="Đỗ Thị Hồng Nhung")


TEMPLATE_FORM = {
    "name": "Giấy chứng nhận bồi dưỡng", "kind": "completion", "orientation": "landscape",
    "national_heading": "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "national_motto": "Độc lập - Tự do - Hạnh phúc",
    "title": "GIẤY CHỨNG NHẬN", "subtitle": "HOÀN THÀNH KHÓA BỒI DƯỠNG", "body": "Đã hoàn thành khóa bồi dưỡng",
    "signer_title": "", "signer_name": "", "serial_format": "{school}/{yy}/{seq:06d}", "active": "y",
}


def test_a_school_admin_makes_a_template_with_images_and_previews_it(school_admin, school, login):
    client = login(school_admin)
    assert "Đã hoàn thành khóa bồi dưỡng" in client.get(f"/certificates/templates/new?school={school.id}").get_data(
        as_text=True)
    data = dict(TEMPLATE_FORM, signature=(io.BytesIO(png_bytes()), "chu-ky.png"),
                seal=(io.BytesIO(png_bytes((200, 200), seal=True)), "con-dau.png"))
    response = client.post(f"/certificates/templates/new?school={school.id}", data=data,
                           content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    template = db.session.scalar(select(CertificateTemplate))
    assert template.signature_file_id and template.seal_file_id and template.school_id == school.id
    preview = client.get(f"/certificates/templates/{template.id}/preview.pdf")
    assert preview.status_code == 200 and preview.mimetype == "application/pdf"
    assert preview.data.startswith(b"%PDF-1.7")
    listing = client.get("/certificates/templates").get_data(as_text=True)
    assert "Giấy chứng nhận bồi dưỡng" in listing and "signature" in listing


@pytest.mark.parametrize("change, message", [
    ({"serial_format": "{school}-{seq}"}, "must contain {seq} and {year}"),
    ({"serial_format": "{school.__class__}{seq}{year}"}, "may only use"),
    ({"seal": (io.BytesIO(b"%PDF-1.4 not an image"), "seal.png")}, "not of an accepted type"),
    ({"title": ""}, "This field is required"),
    ({"name": "x" * 201}, "Field cannot be longer than 200 characters"),
])
def test_bad_template_input_is_refused_clearly(school_admin, school, login, change, message):
    client = login(school_admin)
    response = client.post(f"/certificates/templates/new?school={school.id}", data=dict(TEMPLATE_FORM, **change),
                           content_type="multipart/form-data")
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(CertificateTemplate)) == 0


def test_a_template_with_a_missing_image_says_so(school_admin, login, template, stored_image):
    from lms.core import storage
    stored = stored_image(seal=True)
    template.seal_file_id = stored.id
    db.session.commit()
    storage.path_for(stored.sha256).unlink()
    client = login(school_admin)
    assert "An image is missing" in client.get("/certificates/templates").get_data(as_text=True)
    response = client.get(f"/certificates/templates/{template.id}/preview.pdf", follow_redirects=True)
    assert "seal image is missing from storage" in response.get_data(as_text=True)


def test_another_schools_admin_cannot_touch_the_template(make_user, make_school, login, template):
    other = make_user(roles=[(Role.school_admin, {"school_id": make_school("Trường khác", code="K").id})])
    client = login(other)
    assert client.get(f"/certificates/templates/{template.id}").status_code == 404
    assert client.get(f"/certificates/templates/{template.id}/preview.pdf").status_code == 404


def test_a_rule_is_made_for_a_course_or_a_class(school_admin, school, login, template, fake_catalog):
    course = fake_catalog.add_course(7, school_id=school.id)
    klass = fake_catalog.add_class(8, course, school_id=school.id)
    client = login(school_admin)
    form = {"course_key": course.key, "class_id": "0", "template_id": str(template.id), "min_final_score": "50",
            "min_attendance": "", "validity_months": "12", "renewal_window_days": "60", "expiry_base": "expiry",
            "periods": "", "content_area": "", "auto_issue": "y", "active": "y"}
    assert client.post(f"/certificates/rules/new?school={school.id}", data=form).status_code == 302
    response = client.post(f"/certificates/rules/new?school={school.id}", data=form)
    assert "already has a certificate rule" in response.get_data(as_text=True)
    assert client.post(f"/certificates/rules/new?school={school.id}",
                       data=dict(form, class_id=str(klass.id), min_final_score="150")).status_code == 400
    assert client.post(f"/certificates/rules/new?school={school.id}",
                       data=dict(form, class_id=str(klass.id), periods="16")).status_code == 302
    rules = {r.scope: r for r in db.session.scalars(select(CertificateRule))}
    assert rules[f"course:{course.key}"].min_final_score == 0.5 and rules[f"course:{course.key}"].validity_months == 12
    assert rules[f"class:{klass.id}"].periods == 16
    assert "score ≥ 50%" in client.get("/certificates/rules").get_data(as_text=True)


def test_the_class_page_explains_then_issues_once(class_setup, make_learner, school_admin, login):
    setup = class_setup(names=("Nguyễn Thị Ngọc Hường", "Đặng Quốc Bảo"))
    user, official = make_learner("Phạm Văn Yếu")
    setup.catalog.enrol(setup.klass.id, user.id, official.id, final_score=0.2)
    client = login(school_admin)
    page = client.get(f"/certificates/classes/{setup.klass.id}").get_data(as_text=True)
    assert "Phạm Văn Yếu" in page and "Final score 20% is below the required 50%." in page
    assert "Issue 2 certificates" in page
    response = client.post(f"/certificates/classes/{setup.klass.id}/issue", follow_redirects=True)
    text = response.get_data(as_text=True)
    assert "2 certificates were issued." in text and "1 learners are not eligible" in text
    response = client.post(f"/certificates/classes/{setup.klass.id}/issue", follow_redirects=True)
    assert "No new certificate" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Certificate)) == 2
    assert setup.klass.code in client.get("/certificates/classes").get_data(as_text=True)


def test_the_class_zip_streams_every_certificate_named_by_number_and_holder(issue_class, school_admin, login):
    setup, certs = issue_class(names=("Nguyễn Thị Ngọc Hường", "Đặng Quốc Bảo"))
    db.session.commit()
    response = login(school_admin).get(f"/certificates/classes/{setup.klass.id}/certificates.zip")
    assert response.status_code == 200 and response.is_streamed
    archive = zipfile.ZipFile(io.BytesIO(response.get_data()))
    assert archive.testzip() is None
    assert sorted(archive.namelist()) == sorted([f"2025-{c.register_seq:05d}_Nguyen-Thi-Ngoc-Huong.pdf"
                                                 if "Hường" in c.holder_name else
                                                 f"2025-{c.register_seq:05d}_Dang-Quoc-Bao.pdf" for c in certs])
    assert all(archive.read(name).startswith(b"%PDF-") for name in archive.namelist())


def test_the_register_searches_filters_and_exports(issue_class, school_admin, login, count_queries):
    issue_class(names=("Nguyễn Thị Ngọc Hường", "Đặng Quốc Bảo", "=HYPERLINK(\"x\")"))
    db.session.commit()
    client = login(school_admin)
    page = client.get("/certificates/register?q=nguyen").get_data(as_text=True)
    assert "Nguyễn Thị Ngọc Hường" in page and "Đặng Quốc Bảo" not in page
    page = client.get("/certificates/register?year=2024").get_data(as_text=True)
    assert "No entry matches." in page
    assert "Đặng Quốc Bảo" in client.get("/certificates/register?state=valid&year=2025").get_data(as_text=True)
    assert "No entry matches." in client.get("/certificates/register?state=revoked").get_data(as_text=True)
    response = client.get("/certificates/register.xlsx?year=2025")
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0].startswith("Số vào sổ") and len(rows) == 4
    names = {row[2] for row in rows[1:]}
    assert "=HYPERLINK(\"x\")" in names
    formula_cell = next(c for c in sheet["C"] if c.value == "=HYPERLINK(\"x\")")
    assert formula_cell.data_type == "s"


def test_the_register_runs_a_fixed_number_of_queries(class_setup, school_admin, login, count_queries):
    from lms.certificates.services.issuing import issue_for_class
    from tests.certificates.conftest import ISSUE_DAY
    client = login(school_admin)
    small = class_setup(names=("Một",))
    issue_for_class(small.klass.id, actor_id=None, today=ISSUE_DAY)
    db.session.commit()
    db.session.expire_all()
    with count_queries() as few:
        client.get("/certificates/register")
    big = class_setup(names=[f"Học viên {n}" for n in range(12)])
    issue_for_class(big.klass.id, actor_id=None, today=ISSUE_DAY)
    db.session.commit()
    db.session.expire_all()
    with count_queries() as many:
        client.get("/certificates/register")
    assert few.count == many.count


def test_my_certificates(issue_class, login, make_user):
    setup, (cert,) = issue_class(names=("Đặng Quốc Bảo",))
    user, _ = setup.learners[0]
    client = login(user)
    page = client.get("/certificates/mine").get_data(as_text=True)
    assert "Bồi dưỡng kiến thức quản lý nhà nước" in page and cert.register_number in page
    assert f"/certificates/{cert.id}/pdf" in page and "My certificates" in page
    response = client.get(f"/certificates/{cert.id}/pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF-")
    assert "2025-" in response.headers["Content-Disposition"] and "Dang-Quoc-Bao" in response.headers[
        "Content-Disposition"]
    response.close()
    stranger = make_user(name="Người lạ")
    client.post("/logout")
    other = login(stranger)
    assert "not linked to an official" in other.get("/certificates/mine").get_data(as_text=True)
    assert other.get(f"/certificates/{cert.id}/pdf").status_code == 404


def test_navigation_by_role(login, school_admin, issue_class):
    setup, _ = issue_class(names=("Đặng Quốc Bảo",))
    user, _ = setup.learners[0]
    client = login(school_admin)
    page = client.get("/certificates/register").get_data(as_text=True)
    assert "Certificate templates" in page and "Certificate register" in page
    client.post("/logout")
    page = login(user).get("/certificates/mine").get_data(as_text=True)
    assert "My certificates" in page and 'href="/certificates/register"' not in page
    assert login(user).get("/certificates/register").status_code == 403


def test_csrf_is_on_for_revoking(app_factory, issue_class, school_admin):
    _, (cert,) = issue_class(names=("Đặng Quốc Bảo",))
    db.session.commit()
    guarded = app_factory(WTF_CSRF_ENABLED=True)
    client = guarded.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    client.post("/login", data={"identifier": school_admin.email, "password": "correct horse", "csrf_token": token})
    response = client.post(f"/certificates/{cert.id}/revoke", data={"ground": "fraud", "note": "x"})
    assert response.status_code == 400


def test_the_demo_seeds_a_template_per_school_and_rules_once(app, school, fake_catalog):
    from lms.certificates import demo
    course = fake_catalog.add_course(31, school_id=school.id)
    demo.seed()
    demo.seed()
    templates = list(db.session.scalars(select(CertificateTemplate)))
    assert [t.school_id for t in templates] == [school.id]
    rules = list(db.session.scalars(select(CertificateRule)))
    assert [(r.scope, r.template_id) for r in rules] == [(f"course:{course.key}", templates[0].id)]


def test_the_class_zip_refuses_clearly_when_an_image_is_gone(issue_class, template, stored_image, school_admin,
                                                             login):
    from lms.core import storage
    stored = stored_image(seal=True)
    template.seal_file_id = stored.id
    setup, _ = issue_class(names=("Đặng Quốc Bảo",))
    db.session.commit()
    storage.path_for(stored.sha256).unlink()
    response = login(school_admin).get(f"/certificates/classes/{setup.klass.id}/certificates.zip",
                                       follow_redirects=True)
    assert response.mimetype == "text/html" and "seal image is missing from storage" in response.get_data(as_text=True)
