"""Classes: opening, filling from a unit, a list or one code, capacity, sessions, attendance, reports."""
from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from lms.core.db import db
from lms.core.errors import DomainError
from lms.core.models import Official, UnitLevel, User
from lms.courses.models import Attendance, ClassMode, ClassSession, CourseClass, Enrolment, EnrolmentStatus
from lms.courses.services import classes as service
from lms.courses.services.enrolment import enrol
from tests.courses.helpers import make_course


@pytest.fixture
def school_admin(make_user, school):
    return make_user("truong@example.vn", name="Đỗ Thị Hồng Nhung", roles=[("school_admin", {"school_id": school.id})])


@pytest.fixture
def teacher(make_user, school):
    return make_user("gv@example.vn", name="ThS. Phạm Quang Huy", roles=[("lecturer", {"school_id": school.id})])


@pytest.fixture
def commune(make_unit, make_official, make_user):
    """A commune with a sub-unit; four officials, three of them with accounts."""
    province = make_unit("Tỉnh Sơn Hà", code="T01")
    commune = make_unit("Xã Tân Phú", parent=province, level=UnitLevel.commune, code="X-TP")
    office = make_unit("Văn phòng UBND xã", parent=commune, level=UnitLevel.commune, code="X-TP-VP")
    elsewhere = make_unit("Xã Hòa Bình", parent=province, level=UnitLevel.commune, code="X-HB")
    people = {}
    for code, name, unit, account in [("CB001", "Nguyễn Văn An", commune, True),
                                      ("CB002", "Trần Thị Bình", office, True),
                                      ("CB003", "Lê Văn Cường", office, True),
                                      ("CB004", "Phạm Thị Dung", commune, False),
                                      ("CB005", "Hoàng Văn Em", elsewhere, True)]:
        official = make_official(name, unit=unit, code=code)
        people[code] = make_user(official=official, name=name, password="x") if account else official
    return commune, people


def _fields(course, school, **overrides) -> service.ClassFields:
    values = dict(course_id=course.id, code="TCT-2025-01", title_vi="", title_en="", school_id=school.id, unit_id=None,
                  mode="in_person", starts_on=date(2025, 9, 1), ends_on=date(2025, 9, 30), capacity=None,
                  place="Hội trường A",
                  min_attendance=None, credit_on_attendance=False, lecturer_ids=[])
    values.update(overrides)
    return service.ClassFields(**values)


def test_school_admin_opens_a_class_in_the_browser(school_admin, teacher, school, login):
    course = make_course("chuyen-doi-so", school=school)
    client = login(school_admin)
    assert "Lớp học" in client.get("/courses/classes").get_data(as_text=True)
    response = client.post("/courses/classes/new", data={
        "course_id": course.id, "code": "TCT-2025-CDS-01", "school_id": school.id, "unit_id": 0, "mode": "blended",
        "starts_on": "2025-09-01", "ends_on": "2025-09-30", "capacity": "40", "place": "Hội trường A",
        "min_attendance": "75", "lecturer_ids": [teacher.id]})
    assert response.status_code == 302
    course_class = db.session.scalar(select(CourseClass))
    assert (course_class.code, course_class.mode, course_class.title_vi, course_class.min_attendance) == (
        "TCT-2025-CDS-01", ClassMode.blended, course.title_vi, 0.75)
    page = client.get(f"/courses/classes/{course_class.id}").get_data(as_text=True)
    assert "ThS. Phạm Quang Huy" in page and "Theo đơn vị" in page
    again = client.post("/courses/classes/new", data={"course_id": course.id, "code": "TCT-2025-CDS-01",
                                                      "school_id": school.id, "unit_id": 0, "mode": "online"})
    assert "Đã có lớp khác mang mã TCT-2025-CDS-01." in again.get_data(as_text=True)


def test_only_school_admins_open_and_fill_classes(teacher, school, make_school, make_user, login, commune):
    course = make_course(school=school)
    other = make_school("Trung tâm khác", code="KHAC")
    foreign_admin = make_user("khac@example.vn", roles=[("school_admin", {"school_id": other.id})])
    with pytest.raises(DomainError):
        service.open_class(foreign_admin, _fields(course, school))
    course_class = service.open_class(make_user("admin@example.vn", roles=["admin"]), _fields(course, school))
    service.set_lecturers(course_class, [teacher.id])
    db.session.commit()
    client = login(teacher)
    assert client.get(f"/courses/classes/{course_class.id}").status_code == 200  # teaches it
    assert client.post(f"/courses/classes/{course_class.id}/enrol/one",
                       data={"employee_code": "CB001"}).status_code == 403
    assert client.get(f"/courses/classes/{course_class.id}/edit").status_code == 403
    assert client.get("/courses/classes/new").status_code == 403
    client.post("/logout")
    client = login(foreign_admin)
    assert client.get(f"/courses/classes/{course_class.id}").status_code == 403
    assert client.get(f"/courses/classes/{course_class.id}/report").status_code == 403


def test_enrol_a_unit_and_its_sub_units(school_admin, school, commune, login):
    unit, people = commune
    course = make_course(school=school)
    course_class = service.open_class(school_admin, _fields(course, school, mode="online"))
    report = service.enrol_unit(course_class, unit)
    assert (report.enrolled, report.already, report.without_account) == (3, 0, ["CB004"])
    enrolled = db.session.scalars(select(Enrolment).where(Enrolment.class_id == course_class.id)).all()
    assert {e.user_id for e in enrolled} == {people[c].id for c in ("CB001", "CB002", "CB003")}
    assert {(e.due_on, e.source) for e in enrolled} == {(date(2025, 9, 30), "class")}
    again = service.enrol_unit(course_class, unit)  # a double-submitted form enrols nobody twice
    assert (again.enrolled, again.already) == (0, 3)
    db.session.commit()
    client = login(school_admin)
    page = client.post(f"/courses/classes/{course_class.id}/enrol/unit", data={"unit_id": unit.id},
                       follow_redirects=True).get_data(as_text=True)
    assert "0 người được ghi danh, 3 người đã có trong lớp." in page
    assert "1 cán bộ chưa có tài khoản nên chưa được ghi danh: CB004" in page


def test_enrol_unit_follows_the_officials_import(school_admin, school, commune):
    """The import gives CB004 an account and CB002 a leaving date: the one is enrolled, the other not."""
    from lms.core.services.official_import import import_officials
    unit, _people = commune
    report = import_officials(io.BytesIO(
        "employee_code,full_name,unit_code,kind,left_on\nCB004,Phạm Thị Dung,X-TP,công chức,\n"
        "CB002,Trần Thị Bình,X-TP-VP,công chức,31/08/2025\n".encode()), "ds.csv")
    assert report.applied and (report.accounts_created, report.deactivated) == (1, 1)
    course_class = service.open_class(school_admin, _fields(make_course(school=school), school))
    enrolled = service.enrol_unit(course_class, unit)
    assert (enrolled.enrolled, enrolled.without_account) == (3, ["CB002"])
    codes = db.session.scalars(select(Official.employee_code).join(User, User.official_id == Official.id)
                               .join(Enrolment, Enrolment.user_id == User.id)).all()
    assert sorted(codes) == ["CB001", "CB003", "CB004"]


def test_capacity_is_all_or_nothing(school_admin, school, commune):
    unit, people = commune
    course = make_course(school=school)
    course_class = service.open_class(school_admin, _fields(course, school, capacity=2))
    with pytest.raises(DomainError) as caught:
        service.enrol_unit(course_class, unit)
    assert "2" in str(caught.value) and "3" in str(caught.value)
    assert db.session.scalar(select(func.count()).select_from(Enrolment)) == 0
    assert service.enrol_codes(course_class, ["CB001", "CB002"]).enrolled == 2
    with pytest.raises(DomainError):
        service.enrol_codes(course_class, ["CB003"])


def _xlsx(rows) -> io.BytesIO:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


def test_enrol_from_a_csv_or_xlsx_list(school_admin, school, commune, login):
    _unit, people = commune
    course = make_course(school=school)
    course_class = service.open_class(school_admin, _fields(course, school))
    other = service.open_class(school_admin, _fields(course, school, code="TCT-2025-02"))
    enrol(people["CB005"].id, course, course_class=other, source="class")
    db.session.commit()
    client = login(school_admin)
    csv = "Mã cán bộ;Họ và tên\nCB001;Nguyễn Văn An\nCB004;Phạm Thị Dung\nCB999;Không có\nCB005;Hoàng Văn Em\n"
    page = client.post(f"/courses/classes/{course_class.id}/enrol/file",
                       data={"file": (io.BytesIO(csv.encode("utf-8")), "danh-sach.csv")},
                       content_type="multipart/form-data", follow_redirects=True).get_data(as_text=True)
    assert "1 người được ghi danh" in page and "Mã cán bộ không tồn tại: CB999" in page
    assert "Đã ở trong một lớp khác của khóa học này: CB005" in page
    xlsx = _xlsx([["STT", "employee_code"], [1, "CB002"], [2, "CB003"]])
    client.post(f"/courses/classes/{course_class.id}/enrol/file", data={"file": (xlsx, "ds.xlsx")},
                content_type="multipart/form-data")
    assert service.active_count(course_class) == 3
    bad = client.post(f"/courses/classes/{course_class.id}/enrol/file",
                      data={"file": (io.BytesIO(b"Ho ten\nAn\n"), "sai.csv")}, content_type="multipart/form-data",
                      follow_redirects=True).get_data(as_text=True)
    assert "sai.csv không có cột mã cán bộ" in bad


def test_self_enrolled_learners_join_the_class_keeping_progress(school_admin, school, commune):
    _unit, people = commune
    course = make_course(school=school)
    mine, _ = enrol(people["CB001"].id, course)
    course_class = service.open_class(school_admin, _fields(course, school))
    assert service.enrol_codes(course_class, ["CB001"]).enrolled == 1
    db.session.refresh(mine)
    assert (mine.class_id, mine.source) == (course_class.id, "class")
    service.withdraw(course_class, mine)
    assert mine.status is EnrolmentStatus.withdrawn and service.active_count(course_class) == 0
    assert service.enrol_codes(course_class, ["CB001"]).enrolled == 1
    assert mine.status is EnrolmentStatus.active


def test_attendance_on_a_phone_completes_an_in_person_class(school_admin, teacher, school, commune, login,
                                                            recorded_events):
    _unit, people = commune
    course = make_course(school=school, min_attendance=0.5)
    course_class = service.open_class(school_admin, _fields(course, school, credit_on_attendance=True,
                                                           lecturer_ids=[teacher.id]))
    service.enrol_codes(course_class, ["CB001", "CB002"])
    db.session.commit()
    client = login(school_admin)
    for day in ("2025-09-02", "2025-09-03"):
        client.post(f"/courses/classes/{course_class.id}/sessions",
                    data={"day": day, "start": "07:30", "end": "11:00", "topic": "Chuyên đề"})
    client.post(f"/courses/classes/{course_class.id}/sessions",  # the same form again (a double click)
                data={"day": "2025-09-03", "start": "07:30", "end": "11:00", "topic": "Chuyên đề"})
    first, second = db.session.scalars(select(ClassSession).order_by(ClassSession.starts_at)).all()
    assert first.starts_at.hour == 0 and first.starts_at.minute == 30  # 07:30 in Hà Nội is 00:30 UTC
    client.post("/logout")
    client = login(teacher)
    page = client.get(f"/courses/classes/{course_class.id}/sessions/{first.id}").get_data(as_text=True)
    assert 'type="radio"' in page and "Có mặt" in page and "Vắng có phép" in page and "<legend>" in page
    by_code = {e.user_id: e.id for e in db.session.scalars(select(Enrolment))}
    an, binh = by_code[people["CB001"].id], by_code[people["CB002"].id]
    client.post(f"/courses/classes/{course_class.id}/sessions/{first.id}",
                data={f"e-{an}": "present", f"e-{binh}": "absent"})
    completed = [p for name, p in recorded_events if name == "course_completed"]
    assert [p.user_id for p in completed] == [people["CB001"].id]  # 1 of 2 sessions >= 50 %
    [credit] = [p for name, p in recorded_events if name == "class_attended"]
    assert credit.official_id == people["CB001"].official_id and credit.class_id == course_class.id
    response = client.post(f"/courses/classes/{course_class.id}/sessions/{second.id}", data={"all": "present"},
                           follow_redirects=True)
    assert "Đã lưu điểm danh (thay đổi 2)." in response.get_data(as_text=True)
    assert len([1 for name, _p in recorded_events if name == "course_completed"]) == 2
    assert db.session.scalar(select(func.count()).select_from(Attendance)) == 4
    # Saving the same register again changes nothing and sends nothing.
    client.post(f"/courses/classes/{course_class.id}/sessions/{second.id}", data={"all": "present"})
    assert len(recorded_events) == 4


def test_class_report_page_and_xlsx(school_admin, teacher, school, commune, login, count_queries):
    _unit, people = commune
    course = make_course(school=school, items=(("bai-1", "page", True), ("bai-2", "page", True)))
    course_class = service.open_class(school_admin, _fields(course, school, mode="blended", lecturer_ids=[teacher.id]))
    service.enrol_codes(course_class, ["CB001"])
    db.session.commit()
    client = login(teacher)
    client.get(f"/courses/classes/{course_class.id}/report")
    with count_queries() as few:
        page = client.get(f"/courses/classes/{course_class.id}/report").get_data(as_text=True)
    assert "Nguyễn Văn An" in page and "Xã Tân Phú" in page
    service.enrol_codes(course_class, ["CB002", "CB003"])
    db.session.commit()
    client.get(f"/courses/classes/{course_class.id}/report")  # the same warm start as above
    with count_queries() as many:
        client.get(f"/courses/classes/{course_class.id}/report")
    assert few.count == many.count
    with client.get(f"/courses/classes/{course_class.id}/report.xlsx") as response:
        assert response.mimetype.endswith("spreadsheetml.sheet")
        sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[3][:4] == ("Họ và tên", "Mã cán bộ", "Đơn vị", "Tiến độ (%)")
    assert [r[1] for r in rows[4:]] == ["CB003", "CB001", "CB002"]  # by name: Lê, Nguyễn, Trần
    assert rows[4][3] == 0.0


def test_class_list_runs_a_fixed_number_of_queries(school_admin, school, login, count_queries):
    course = make_course(school=school)
    client = login(school_admin)
    service.open_class(school_admin, _fields(course, school))
    db.session.commit()
    client.get("/courses/classes")
    with count_queries() as few:
        client.get("/courses/classes")
    for n in range(2, 6):
        service.open_class(school_admin, _fields(course, school, code=f"TCT-2025-0{n}"))
    db.session.commit()
    client.get("/courses/classes")
    with count_queries() as many:
        page = client.get("/courses/classes").get_data(as_text=True)
    assert few.count == many.count and "TCT-2025-05" in page


def test_editing_a_class_moves_its_learners_due_date(school_admin, teacher, school, commune, login):
    course = make_course(school=school)
    course_class = service.open_class(school_admin, _fields(course, school, mode="online"))
    service.enrol_codes(course_class, ["CB001", "CB002"])
    course.status = course.status.archived  # a class keeps its course even once that course is archived
    db.session.commit()
    client = login(school_admin)
    assert "TCT-2025-01" in client.get(f"/courses/classes/{course_class.id}/edit").get_data(as_text=True)
    response = client.post(f"/courses/classes/{course_class.id}/edit", data={
        "course_id": course.id, "code": "TCT-2025-01", "school_id": school.id, "unit_id": 0, "mode": "online",
        "starts_on": "2025-09-01", "ends_on": "2025-10-15", "capacity": "1", "lecturer_ids": [teacher.id]})
    assert response.status_code == 200 and "Lớp hiện đã có nhiều học viên hơn số đó." in response.get_data(as_text=True)
    response = client.post(f"/courses/classes/{course_class.id}/edit", data={
        "course_id": course.id, "code": "TCT-2025-01", "school_id": school.id, "unit_id": 0, "mode": "online",
        "starts_on": "2025-09-01", "ends_on": "2025-10-15", "capacity": "30", "lecturer_ids": [teacher.id]})
    assert response.status_code == 302
    assert {e.due_on for e in db.session.scalars(select(Enrolment))} == {date(2025, 10, 15)}
    assert service.lecturer_choices(school.id)[0].id == teacher.id
