"""Training done elsewhere: one by one and in bulk, with evidence; what makes no sense is refused."""
from __future__ import annotations

import io
from datetime import date

import pytest
from fpdf import FPDF
from openpyxl import Workbook
from sqlalchemy import func, select

from lms.core.db import db
from lms.core.models import Role, StoredFile
from lms.records import ledger, outside
from lms.records.models import CreditSource, OfficialYearTotal, TrainingCredit


def pdf_bytes(text="Giấy chứng nhận hoàn thành") -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(0, 10, text.encode("ascii", "ignore").decode())
    return bytes(pdf.output())


def credits() -> list[TrainingCredit]:
    return list(db.session.scalars(select(TrainingCredit).order_by(TrainingCredit.id)))


@pytest.fixture
def school_admin(make_school, make_user):
    school = make_school("Trung tâm Bồi dưỡng - Sở Nội vụ")
    user = make_user(roles=[(Role.school_admin, {"school_id": school.id})])
    return user, school


def good(person, **changes):
    values = dict(official_id=person.id, title_vi="Kỹ năng số cơ bản", content_area="science_technology_digital",
                  periods=8, earned_on=date(2025, 3, 15), provider="Nền tảng Bình dân học vụ số",
                  topics=("digital_transformation",))
    values.update(changes)
    return outside.OutsideRecord(**values)


def test_an_outside_record_counts_like_the_platforms_own(app, make_official, school_admin):
    person = make_official()
    user, school = school_admin
    credit_id = outside.record_outside(good(person), evidence_file_id=None, recorded_by=user.id, school_id=school.id)
    credit = db.session.get(TrainingCredit, credit_id)
    assert credit.source is CreditSource.outside and credit.provider == "Nền tảng Bình dân học vụ số"
    assert credit.recorded_by_school_id == school.id and credit.unit_id == person.unit_id
    assert db.session.scalar(select(OfficialYearTotal.science_technology_digital)
                             .where(OfficialYearTotal.official_id == person.id)) == 8
    with pytest.raises(outside.DuplicateRecord):
        outside.record_outside(good(person, title_vi="  Kỹ năng số cơ bản "), evidence_file_id=None,
                               recorded_by=user.id, school_id=school.id)
    assert len(credits()) == 1


@pytest.mark.parametrize("changes, field, message", [
    ({"periods": -4}, "periods", "lớn hơn 0 và tối đa 400"),
    ({"periods": 0}, "periods", "lớn hơn 0"),
    ({"periods": 10_000}, "periods", "tối đa 400"),
    ({"periods": "nhiều"}, "periods", "phải là một số"),
    ({"periods": "nan"}, "periods", "lớn hơn 0"),
    ({"periods": 1.234}, "periods", "hai chữ số thập phân"),
    ({"earned_on": date(2999, 1, 1)}, "earned_on", "tương lai"),
    ({"earned_on": date(1970, 1, 1)}, "earned_on", "quá xa"),
    ({"content_area": "cooking"}, "content_area", "cooking"),
    ({"topics": ("astrology",)}, "topics", "astrology"),
    ({"title_vi": "  "}, "title_vi", "tên khóa"),
    ({"provider": ""}, "provider", "ai tổ chức"),
])
def test_outside_records_that_make_no_sense_are_refused(app, make_official, changes, field, message):
    person = make_official()
    with pytest.raises(outside.InvalidRecord) as refused:
        outside.record_outside(good(person, **changes), evidence_file_id=None, recorded_by=None, school_id=None)
    assert refused.value.field == field and message in str(refused.value)
    assert credits() == []


def test_recording_one_with_evidence_through_the_page(app, make_official, make_user, school_admin, login, client):
    person = make_official("Đinh Thị Lan")
    user, school = school_admin
    login(user)
    form = {"employee_code": person.employee_code, "title_vi": "Kỹ năng số cơ bản", "title_en": "",
            "content_area": "science_technology_digital", "topics": ["digital_transformation", "ai_skills"],
            "periods": "8", "earned_on": "2025-03-15", "provider": "Nền tảng Bình dân học vụ số", "note": "",
            "school_id": school.id}
    response = client.post("/records/outside/new", data=dict(form, evidence=(io.BytesIO(pdf_bytes()), "gcn.pdf")),
                           content_type="multipart/form-data")
    assert response.status_code == 302
    [credit] = credits()
    assert (credit.topics == ["digital_transformation", "ai_skills"]
            and credit.evidence.content_type == "application/pdf")
    # a double click adds nothing and says so
    again = client.post("/records/outside/new", data=dict(form, evidence=(io.BytesIO(pdf_bytes()), "gcn.pdf")),
                        content_type="multipart/form-data", follow_redirects=True)
    assert "đã có trong hồ sơ" in again.get_data(as_text=True) and len(credits()) == 1
    # the evidence is there for the school and the official, not for others
    with client.get(f"/records/credits/{credit.id}/evidence") as response:
        assert response.data.startswith(b"%PDF") and "gcn.pdf" in response.headers["Content-Disposition"]
        assert response.headers["Content-Security-Policy"].startswith("sandbox ")  # whatever the file holds
    client.post("/logout")
    login(make_user(official=person))
    with client.get(f"/records/credits/{credit.id}/evidence") as response:
        assert response.status_code == 200
    assert "gcn.pdf" not in client.get("/records/").get_data(as_text=True)  # the page links "Evidence"
    client.post("/logout")
    login(make_user(official=make_official("Người khác")))
    assert client.get(f"/records/credits/{credit.id}/evidence").status_code == 404


def test_evidence_that_is_not_a_document_and_absurd_periods_are_refused(app, make_official, school_admin, login,
                                                                          client):
    person = make_official()
    user, school = school_admin
    login(user)
    form = {"employee_code": person.employee_code, "title_vi": "Kỹ năng số", "content_area": "job_position",
            "periods": "8", "earned_on": "2025-03-15", "provider": "Trường khác", "school_id": school.id}
    fake = client.post("/records/outside/new", content_type="multipart/form-data",
                       data=dict(form, evidence=(io.BytesIO(b"#!/bin/sh\necho not a pdf\n"), "evidence.pdf")))
    # the storage service's message (the core's catalogue translates it) names the refused file
    assert fake.status_code == 200 and "flash-error" in fake.get_data(as_text=True)
    assert "evidence.pdf" in fake.get_data(as_text=True)
    absurd = client.post("/records/outside/new", content_type="multipart/form-data",
                         data=dict(form, periods="10000", evidence=(io.BytesIO(pdf_bytes()), "gcn.pdf")))
    assert "tối đa 400" in absurd.get_data(as_text=True)
    unknown = client.post("/records/outside/new", content_type="multipart/form-data",
                          data=dict(form, employee_code="NOBODY", evidence=(io.BytesIO(pdf_bytes()), "gcn.pdf")))
    assert "NOBODY" in unknown.get_data(as_text=True)
    assert credits() == []
    assert db.session.scalar(select(func.count()).select_from(StoredFile)) == 0


def sheet(rows, header=("Mã cán bộ", "Tên khóa học", "Nội dung bồi dưỡng", "Chủ đề", "Số tiết", "Ngày hoàn thành",
                        "Cơ sở đào tạo")) -> bytes:
    book = Workbook()
    ws = book.active
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def import_file(client, school, data: bytes, name="ghi-nhan.xlsx", valid_only=False):
    form = {"file": (io.BytesIO(data), name), "evidence": (io.BytesIO(pdf_bytes()), "danh-sach.pdf"),
            "school_id": school.id}
    if valid_only:
        form["valid_only"] = "y"
    return client.post("/records/outside/import", data=form, content_type="multipart/form-data")


def test_bulk_import_is_all_or_nothing_and_idempotent(app, make_official, school_admin, login, client):
    a, b = make_official("Người A", code="A001"), make_official("Người B", code="B002")
    user, school = school_admin
    login(user)
    rows = [
        ("A001", "Kỹ năng số cơ bản", "Khoa học, công nghệ, đổi mới sáng tạo và kỹ năng số", "Chuyển đổi số", 8,
         "15/03/2025", "Nền tảng Bình dân học vụ số"),
        ("B002", "Quốc phòng và an ninh đối tượng 4", "defence_security", "", 24, "02/04/2025", "Trường Quân sự tỉnh"),
        ("A001", "Lý luận chính trị cập nhật", "Political theory", "", "4,5", "10/05/2025", "Trường Chính trị tỉnh"),
        ("B002", "Khóa lạ", "job_position", "", 10_000, "01/05/2025", "Nơi khác"),
        ("ZZZ", "Không ai", "job_position", "", 8, "01/05/2025", "Nơi khác"),
        ("A001", "Công thức", "job_position", "", "=1+1", "01/05/2025", "Nơi khác"),
    ]
    refused = import_file(client, school, sheet(rows)).get_data(as_text=True)
    assert "Không có kết quả nào được ghi nhận" in refused
    assert "tối đa 400" in refused and "ZZZ" in refused and "Không chấp nhận công thức" in refused
    assert credits() == []
    assert db.session.scalar(select(func.count()).select_from(StoredFile)) == 0, "a refused file keeps no evidence"
    done = import_file(client, school, sheet(rows), valid_only=True)
    assert "3 mới" in done.get_data(as_text=True)
    got = {(c.official_id, c.content_area, c.periods) for c in credits()}
    assert got == {(a.id, "science_technology_digital", 8), (b.id, "defence_security", 24),
                   (a.id, "political_theory", 4.5)}
    assert all(c.evidence.filename == "danh-sach.pdf" and c.recorded_by_school_id == school.id for c in credits())
    again = import_file(client, school, sheet(rows[:3]))
    assert "0 mới, 3 đã có trong hồ sơ" in again.get_data(as_text=True)
    assert len(credits()) == 3
    assert ledger.total_differences() == []


def test_bulk_import_from_csv_with_duplicate_lines(app, make_official, school_admin, login, client):
    make_official("Người A", code="A001")
    user, school = school_admin
    login(user)
    csv_data = ("Mã cán bộ,Tên khóa học,Nội dung bồi dưỡng,Số tiết,Ngày hoàn thành,Cơ sở đào tạo\n"
                "A001,Kỹ năng số,science_technology_digital,8,15/03/2025,Bình dân học vụ số\n"
                "A001,Kỹ năng số,science_technology_digital,8,15/03/2025,Bình dân học vụ số\n").encode()
    text = import_file(client, school, csv_data, name="ds.csv").get_data(as_text=True)
    assert "dòng 2" in text and credits() == []


def test_who_may_record_outside_training(app, make_official, make_school, make_user, school_admin, login, client):
    person = make_official()
    user, school = school_admin
    other_school = make_school("Trường khác")
    login(make_user(official=person))
    assert client.get("/records/outside/new").status_code == 403
    client.post("/logout")
    login(user)
    response = client.post("/records/outside/new", content_type="multipart/form-data", data={
        "employee_code": person.employee_code, "title_vi": "Kỹ năng", "content_area": "job_position", "periods": "8",
        "earned_on": "2025-03-15", "provider": "Nơi khác", "school_id": other_school.id,
        "evidence": (io.BytesIO(pdf_bytes()), "gcn.pdf")})
    assert response.status_code == 403 and credits() == []


def test_a_school_withdraws_a_mistaken_record(app, make_official, school_admin, login, client):
    person = make_official()
    user, school = school_admin
    credit_id = outside.record_outside(good(person), evidence_file_id=None, recorded_by=user.id, school_id=school.id)
    login(user)
    assert "Kỹ năng số cơ bản" in client.get("/records/outside").get_data(as_text=True)
    client.post(f"/records/outside/{credit_id}/withdraw", data={"reason": ""})
    assert db.session.get(TrainingCredit, credit_id).withdrawn_at is None
    client.post(f"/records/outside/{credit_id}/withdraw", data={"reason": "Nhập nhầm người"})
    db.session.expire_all()
    assert db.session.get(TrainingCredit, credit_id).withdrawn_reason == "Nhập nhầm người"
    assert db.session.scalar(select(func.count()).select_from(OfficialYearTotal)) == 0
