"""The official's record page, its XLSX and PDF transcript, and the public transcript verify page."""
from __future__ import annotations

import io
import re
from datetime import date, datetime

from openpyxl import load_workbook
from sqlalchemy import func, select

from lms.core.db import db
from lms.core.models import Role
from lms.records import requirements as rq
from lms.records.models import Transcript


def this_year() -> int:
    from lms.records.dates import local_today
    return local_today().year


def test_an_official_sees_their_record_with_requirements(app, make_official, make_user, make_school, login, issue):
    person = make_official("Trần Thị Bình")
    school = make_school("Trường Chính trị tỉnh Sơn Hà")
    year = this_year()
    issue(person, periods=12, area="political_theory", on=date(year, 1, 5), school=school,
          title="Cập nhật kiến thức lý luận chính trị")
    issue(person, periods=4, area="defence_security", on=date(year - 1, 6, 1), title="Quốc phòng năm trước")
    rq.save_requirement(rq.RequirementInput(name_vi="Tối thiểu 40 tiết", year_from=year - 5, min_periods=40,
                                            area_minimums={"political_theory": 8}, active=True))
    client = login(make_user(official=person))
    page = client.get("/records/").get_data(as_text=True)
    assert "Cập nhật kiến thức lý luận chính trị" in page and "Quốc phòng năm trước" not in page
    assert "Trường Chính trị tỉnh Sơn Hà" in page
    assert "Tối thiểu 40 tiết" in page and '<progress max="40.0" value="12.0"' in page
    assert re.search(r'href="/verify/VC\d+"', page)
    earlier = client.get(f"/records/?year={year - 1}").get_data(as_text=True)
    assert "Quốc phòng năm trước" in earlier and "Cập nhật kiến thức" not in earlier
    everything = client.get("/records/?year=all").get_data(as_text=True)
    assert "Quốc phòng năm trước" in everything and "Cập nhật kiến thức" in everything


def test_who_may_see_a_record(app, make_unit, make_official, make_user, login, client):
    province = make_unit("Tỉnh")
    department = make_unit("Sở", parent=province)
    other = make_unit("Sở khác", parent=province)
    person = make_official(unit=department)
    manager = make_user(roles=[(Role.unit_manager, {"unit_id": department.id})])
    stranger = make_user(roles=[(Role.unit_manager, {"unit_id": other.id})])
    colleague = make_user(official=make_official(unit=department))
    db.session.commit()
    for user, expected in ((manager, 200), (stranger, 404), (colleague, 404)):
        login(user)
        assert client.get(f"/records/officials/{person.id}").status_code == expected
        assert client.get(f"/records/officials/{person.id}/record.xlsx").status_code == expected
        assert client.get(f"/records/officials/{person.id}/transcript.pdf").status_code == expected
        client.post("/logout")
    assert client.get(f"/records/officials/{person.id}").status_code == 302  # to the log-in page


def test_the_record_page_runs_a_fixed_number_of_queries(app, make_official, make_user, login, issue, count_queries):
    person = make_official()
    year = this_year()
    client = login(make_user(official=person))
    issue(person, on=date(year, 1, 2))
    db.session.commit()
    client.get("/records/")
    db.session.commit()
    with count_queries() as few:
        assert client.get("/records/").status_code == 200
    for n in range(12):
        issue(person, on=date(year, 1, 3), area=["political_theory", "job_position"][n % 2])
    db.session.commit()
    with count_queries() as many:
        assert client.get("/records/").status_code == 200
    assert many.count == few.count, "\n".join(s[:120] for s in few.statements + ["----"] + many.statements)


def test_the_record_as_xlsx(app, make_official, make_user, login, issue):
    person = make_official("Lê Văn Cường")
    year = this_year()
    issue(person, periods=6, area="science_technology_digital", on=date(year, 2, 1), title="=Kỹ năng số")
    client = login(make_user(official=person))
    response = client.get(f"/records/officials/{person.id}/record.xlsx?year={year}")
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    book = load_workbook(io.BytesIO(response.data))
    rows = [[c for c in row] for row in book.worksheets[0].iter_rows(values_only=True)]
    assert rows[0][:2] == ["Hồ sơ bồi dưỡng", "Lê Văn Cường"]
    credit_row = next(r for r in rows if r[1] and "Kỹ năng số" in str(r[1]))
    assert credit_row[1] == "=Kỹ năng số"  # shown as typed ...
    assert not any(c.data_type == "f" for row in book.worksheets[0].iter_rows() for c in row)  # ... never run
    assert credit_row[0] == datetime(year, 2, 1) and credit_row[4] == 6
    areas = [[c for c in row if c is not None] for row in book["Theo nội dung bồi dưỡng"].iter_rows(values_only=True)]
    assert areas[-1] == ["Tổng", 6]


def test_transcript_pdf_is_signed_and_verifiable(app, make_official, make_user, login, issue, revoke, client):
    person = make_official("Phạm Thị Ngọc Ánh")
    year = this_year()
    kept = issue(person, periods=8, on=date(year, 3, 1), title="Kỹ năng lãnh đạo, quản lý")
    gone = issue(person, periods=4, on=date(year, 3, 2), title="Chuyển đổi số trong cơ quan nhà nước")
    login(make_user(official=person))
    response = client.get(f"/records/officials/{person.id}/transcript.pdf?year={year}")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    transcript = db.session.scalar(select(Transcript))
    assert transcript.facts["total_periods"] == 12 and len(transcript.facts["credits"]) == 2
    # the same facts give the same transcript
    client.get(f"/records/officials/{person.id}/transcript.pdf?year={year}")
    assert db.session.scalar(select(func.count()).select_from(Transcript)) == 1
    client.post("/logout")

    page = client.get(f"/records/verify/{transcript.code}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Phạm Thị Ngọc Ánh" in text and "flash-success" in text

    revoke(gone)
    db.session.commit()
    text = client.get(f"/records/verify/{transcript.code}").get_data(as_text=True)
    assert "flash-warning" in text and "Chuyển đổi số trong cơ quan nhà nước" in text
    signed = client.get(f"/records/verify/{transcript.code}/signed.json").get_json()
    assert signed["signature_valid"] is True and signed["withdrawn_since"]

    # a transcript whose stored facts were altered no longer verifies
    transcript.facts = dict(transcript.facts, total_periods=80)
    db.session.commit()
    assert "flash-error" in client.get(f"/records/verify/{transcript.code}").get_data(as_text=True)
    assert client.get("/records/verify/no-such-code").status_code == 404
    assert kept.certificate_id


def test_verify_page_is_rate_limited(app_factory, client_factory=None):
    app = app_factory(RECORDS_VERIFY_LIMIT=3)
    with app.app_context():
        client = app.test_client()
        codes = [client.get("/records/verify/abc").status_code for _ in range(5)]
        db.session.remove()
    assert codes == [404, 404, 404, 429, 429]


def test_pdf_renders_vietnamese(app, make_official, issue, tmp_path):
    """Render the transcript and look at it as an image: diacritics need a font that has them."""
    import shutil
    import subprocess

    from lms.records import transcript as transcripts
    from lms.records.record import year_record
    person = make_official("Nguyễn Thị Hương Giang", political_theory_level="intermediate")
    issue(person, periods=8, on=date(2025, 3, 1), title="Kỹ năng số cơ bản")
    with app.test_request_context():
        issued = transcripts.issue(year_record(person, 2025, date(2025, 6, 1)))
        data = transcripts.render_pdf(issued, person, "vi")
    pdf = tmp_path / "t.pdf"
    pdf.write_bytes(data)
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        assert "Nguyễn Thị Hương Giang" in text
        assert "Kỹ năng số cơ bản" in text and "BẢN TỔNG HỢP QUÁ TRÌNH BỒI DƯỠNG" in text
        assert issued.code in text
    assert b"/FontFile2" in data  # the TrueType font is embedded


def test_nav_offers_the_record_to_officials_only(app, make_official, make_user, login, client):
    official = make_user(official=make_official())
    admin_without_record = make_user(roles=["admin"])
    login(official)
    assert "Hồ sơ bồi dưỡng của tôi" in client.get("/").get_data(as_text=True)
    client.post("/logout")
    login(admin_without_record)
    assert "Hồ sơ bồi dưỡng của tôi" not in client.get("/").get_data(as_text=True)
    assert "chưa gắn với cán bộ" in client.get("/records/").get_data(as_text=True)
