"""Demo data: a sample province with departments and communes, ~50 officials, an account per role.

`lms demo seed` is idempotent: run it again and nothing is duplicated. Plugins add their own content
through `Plugin.seed_demo()`.
"""
from __future__ import annotations

import random
from datetime import date

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from lms.core.db import db, utcnow
from lms.core.models import Official, OfficialKind, Role, School, Unit, UnitLevel, User
from lms.core.permissions import grant
from lms.core.plugins import enabled_plugins
from lms.core.services.org import set_parent

DEMO_PASSWORD = "sonha-demo-2026"

UNITS = [
    # code, name_vi, name_en, level, kind, parent, valid_to, successor
    ("T01", "Tỉnh Sơn Hà (dữ liệu mẫu)", "Son Ha Province (sample data)", "province", "province", None, None, None),
    ("T01-SNV", "Sở Nội vụ", "Department of Home Affairs", "province", "department", "T01", None, None),
    ("T01-SKHCN", "Sở Khoa học và Công nghệ", "Department of Science and Technology", "province", "department", "T01",
     None, None),
    ("T01-STC", "Sở Tài chính", "Department of Finance", "province", "department", "T01", None, None),
    ("T01-SNNMT", "Sở Nông nghiệp và Môi trường", "Department of Agriculture and Environment", "province",
     "department", "T01", None, None),
    ("T01-VP", "Văn phòng Ủy ban nhân dân tỉnh", "Office of the Provincial People's Committee", "province", "agency",
     "T01", None, None),
    ("T01-X-ANBINH", "Phường An Bình", "An Binh Ward", "commune", "ward", "T01", None, None),
    ("T01-X-TANPHU", "Xã Tân Phú", "Tan Phu Commune", "commune", "commune", "T01", None, None),
    ("T01-X-HOABINH", "Xã Hòa Bình", "Hoa Binh Commune", "commune", "commune", "T01", None, None),
    ("T01-X-SONGCAU", "Phường Sông Cầu", "Song Cau Ward", "commune", "ward", "T01", None, None),
    ("T01-H-TANPHU", "Huyện Tân Phú (đến 30/6/2025)", "Tan Phu District (until 30/6/2025)", "district", "district",
     "T01", date(2025, 6, 30), "T01-X-TANPHU"),
]
SCHOOLS = [
    ("TCT-T01", "Trường Chính trị tỉnh Sơn Hà", "Son Ha Provincial Political School", "T01", "Sơn Hà",
     "HIỆU TRƯỞNG", "Trần Minh Đức", "TỈNH ỦY SƠN HÀ"),
    ("TTBD-SNV", "Trung tâm Bồi dưỡng cán bộ, công chức - Sở Nội vụ",
     "Training Centre of the Department of Home Affairs", "T01-SNV", "Sơn Hà", "GIÁM ĐỐC", "Lê Thị Thu Hà",
     "SỞ NỘI VỤ TỈNH SƠN HÀ"),
]
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô",
          "Dương"]
MIDDLE_M = ["Văn", "Hữu", "Đức", "Minh", "Quốc", "Thành", "Công"]
MIDDLE_F = ["Thị", "Ngọc", "Thu", "Thanh", "Mỹ", "Kim"]
GIVEN_M = ["An", "Bảo", "Cường", "Dũng", "Hải", "Hùng", "Khoa", "Long", "Nam", "Phúc", "Quang", "Sơn", "Tuấn", "Việt"]
GIVEN_F = ["Anh", "Chi", "Dung", "Hà", "Hằng", "Hương", "Lan", "Linh", "Mai", "Ngân", "Oanh", "Thảo", "Trang", "Yến"]
# Officials whose accounts wait for activation by a printed letter (no e-mail, no password yet), in one ward.
AWAITING_LETTERS_UNIT = "T01-X-SONGCAU"
AWAITING_LETTERS = [("KH00001", "Lò Văn Páo", "Nam"), ("KH00002", "Đinh Thị Mai", "Nữ"),
                    ("KH00003", "Hà Văn Thắng", "Nam"), ("KH00004", "Vi Thị Lan", "Nữ")]
POSITIONS = ["Chuyên viên", "Chuyên viên chính", "Phó Trưởng phòng", "Trưởng phòng", "Công chức văn phòng - thống kê",
             "Công chức tư pháp - hộ tịch", "Phó Chủ tịch UBND", "Kế toán"]


def vietnamese_name(rng: random.Random) -> tuple[str, str]:
    if rng.random() < 0.5:
        return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE_M)} {rng.choice(GIVEN_M)}", "Nam"
    return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE_F)} {rng.choice(GIVEN_F)}", "Nữ"


def seed_people() -> list[tuple[str, str, str]]:  # noqa: C901  (demo data laid out in one place, one branch per kind of account)
    """Create the demo organisation and accounts; returns (role, login, password) lines."""
    units = {u.code: u for u in db.session.scalars(select(Unit))}
    for code, name_vi, name_en, level, kind, parent, valid_to, _ in UNITS:
        unit = units.get(code) or Unit(code=code, path="/")
        unit.name_vi, unit.name_en, unit.level, unit.kind = name_vi, name_en, UnitLevel(level), kind
        unit.valid_to = valid_to
        if unit.id is None:
            db.session.add(unit)
            db.session.flush()
        units[code] = unit
        set_parent(unit, units[parent] if parent else None)
    for code, *_rest, successor in UNITS:
        if successor:
            units[code].successor_id = units[successor].id

    schools = {s.code: s for s in db.session.scalars(select(School))}
    for code, name_vi, name_en, unit_code, place, signer_title, signer_name, governing in SCHOOLS:
        school = schools.get(code) or School(code=code)
        school.name_vi, school.name_en, school.unit_id, school.place = name_vi, name_en, units[unit_code].id, place
        school.signer_title, school.signer_name, school.governing_body = signer_title, signer_name, governing
        db.session.add(school)
        schools[code] = school
    db.session.flush()

    rng = random.Random(2025)
    current_units = [u for u in units.values() if u.valid_to is None and u.code != "T01"]
    existing = {o.employee_code for o in db.session.scalars(select(Official))}
    for n in range(1, 51):
        code = f"CB{n:05d}"
        name, gender = vietnamese_name(rng)
        unit = current_units[(n - 1) % len(current_units)]
        born = date(rng.randint(1968, 2000), rng.randint(1, 12), rng.randint(1, 28))
        kind = rng.choice([OfficialKind.civil_servant, OfficialKind.civil_servant, OfficialKind.public_employee,
                           OfficialKind.cadre])
        if code in existing:
            continue
        db.session.add(Official(employee_code=code, full_name=name, gender=gender, date_of_birth=born,
                                unit_id=unit.id, kind=kind, position=rng.choice(POSITIONS),
                                rank="Chuyên viên", email=f"{code.lower()}@sonha.example.vn"))
    db.session.flush()

    first = db.session.scalar(select(Official).where(Official.employee_code == "CB00001"))
    accounts = [
        ("admin", "admin@sonha.example.vn", None, "Quản trị hệ thống", None, [(Role.admin, {})]),
        ("lecturer", "giangvien@sonha.example.vn", None, "ThS. Phạm Quang Huy", None,
         [(Role.lecturer, {"school_id": schools["TCT-T01"].id})]),
        ("school_admin", "truong@sonha.example.vn", None, "Đỗ Thị Hồng Nhung", None,
         [(Role.school_admin, {"school_id": schools["TCT-T01"].id}),
          (Role.lecturer, {"school_id": schools["TCT-T01"].id})]),
        ("unit_manager", "quanly@sonha.example.vn", None, "Vũ Đức Thắng", None,
         [(Role.unit_manager, {"unit_id": units["T01"].id})]),
        ("official", None, first.employee_code, first.full_name, first.id, []),
    ]
    lines = []
    for role, email, login_code, name, official_id, grants in accounts:
        user = db.session.scalar(select(User).where((User.email == email) if email
                                                    else (User.login_code == login_code)))
        if user is None:
            user = User(email=email, login_code=login_code, display_name=name, official_id=official_id)
            user.set_password(DEMO_PASSWORD)
            db.session.add(user)
        for granted, scope in grants:
            grant(user, granted, **scope)
        lines.append((role, email or login_code, DEMO_PASSWORD))
    # Every demo official can log in with their employee code.
    with_accounts = {u.official_id for u in db.session.scalars(select(User).where(User.official_id.is_not(None)))}
    shared_hash = None
    for person in db.session.scalars(select(Official).where(Official.employee_code.like("CB%"))):
        if person.id in with_accounts:
            continue
        user = User(login_code=person.employee_code, display_name=person.full_name, official_id=person.id,
                    email=person.email)
        if shared_hash is None:
            user.set_password(DEMO_PASSWORD)
            shared_hash = user.password_hash
        else:
            user.password_hash, user.password_set_at = shared_hash, utcnow()  # activated, like the first
        db.session.add(user)
    db.session.flush()
    seed_awaiting_letters(units[AWAITING_LETTERS_UNIT])
    return lines


def seed_awaiting_letters(unit: Unit) -> None:
    """Officials as the HR import leaves them: an account without a password, activated by a letter."""
    existing = set(db.session.scalars(select(Official.employee_code).where(
        Official.employee_code.in_([code for code, _name, _gender in AWAITING_LETTERS]))))
    for code, name, gender in AWAITING_LETTERS:
        if code in existing:
            continue
        person = Official(employee_code=code, full_name=name, gender=gender, unit_id=unit.id,
                          kind=OfficialKind.civil_servant, position="Công chức văn phòng - thống kê", rank="Cán sự")
        db.session.add(person)
        db.session.flush()
        db.session.add(User(login_code=code, display_name=name, official_id=person.id))
    db.session.flush()


@click.group("demo", help="Demo data for trying the platform.")
def demo_group():
    pass


@demo_group.command("seed", help="Create (or complete) the demo province, people, accounts and content.")
@with_appcontext
def demo_seed():
    lines = seed_people()
    for plugin in enabled_plugins().values():
        plugin.seed_demo()
    from lms.core.notifications.demo import seed_demo_notifications
    seed_demo_notifications()
    db.session.commit()
    click.echo("Demo accounts (log in with the e-mail or employee code):")
    for role, login, password in lines:
        click.echo(f"  {role:<13} {login:<32} {password}")
    click.echo("  Every official CB00001..CB00050 logs in with their code and the same password.")
    click.echo(f"  Officials {AWAITING_LETTERS[0][0]}..{AWAITING_LETTERS[-1][0]} of Phường Sông Cầu have no password "
               "yet: as unit_manager, open Units, then Activation, print their letters and activate at /activate.")
