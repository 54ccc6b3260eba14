"""The courses plugin's share of `lms bench seed`: courses, classes, enrolments, progress and completions.

- the course folders of content/ (the demo's seed courses), imported as the demo does, for the
  generated province's political school; their activities of other plugins' types come in with them when
  those plugins are on;
- GENERATED_COURSES generated courses of two to four sections, each with Markdown lesson pages of a
  real lesson's size (2-8 KB, 5 KB on average, as in content/), rendered and sanitised as an import would;
- `context.classes` classes spread over the schools, the years and the courses (online, blended,
  in person), each with one or two lecturers of its school and, when not online, sessions;
- enrolments: about 16 officials a class at 100,000 officials and 1,000 classes (0.16 x officials
  over all classes), filled from the class's unit, plus self-enrolments in open courses (12 per 100
  officials); progress on activities for part of them and completions (with attendance where the
  class meets in person), consistent with the completion rules.

Activities of other plugins' types (a seed course's test) are not written here: each person who takes
one goes to `context.shared["activity_takers"]` (lms.core.bench_seed.ActivityTaker) for the plugin of
that type, which reports results in `context.shared["activity_outcomes"]`; a later step then writes
their progress and the enrolments' final scores. Deterministic from `context.rng("courses")`; rows go in
with executemany in batches, so 100,000 officials and 1,000 classes take seconds.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone

import click
from sqlalchemy import bindparam, select, update

from lms.core import activities
from lms.core.bench_seed import ActivityTaker, insert_batches
from lms.core.db import db, utcnow
from lms.core.models import Official, School, Unit
from lms.core.vocab import CONTENT_AREAS, TOPICS
from lms.courses.demo import content_dir
from lms.courses.models import (
    Activity,
    ActivityProgress,
    Attendance,
    AttendanceStatus,
    ClassLecturer,
    ClassMode,
    ClassSession,
    Course,
    CourseClass,
    CourseLecturer,
    CourseLevel,
    CourseStatus,
    Enrolment,
    EnrolmentStatus,
    LessonContent,
    Section,
)
from lms.courses.progress_dates import today as local_today
from lms.courses.sanitize import render_source
from lms.courses.services.folder import FolderRejected, read_course
from lms.courses.services.importer import apply_course, check_course
from lms.courses.types import OWN_TYPES

GENERATED_COURSES = 40
CLASS_SHARE = 0.16  # class places per official, over all classes (16 a class at 100,000 / 1,000)
SELF_SHARE = 0.12  # self-enrolments per official
MIN_ATTENDANCE = 0.8

COURSE_TITLES = [
    ("Kỹ năng soạn thảo văn bản hành chính", "Drafting administrative documents"),
    ("Cải cách thủ tục hành chính cấp xã", "Administrative procedure reform at commune level"),
    ("Nghiệp vụ tư pháp - hộ tịch", "Justice and civil-status work"),
    ("Kỹ năng tiếp công dân và giải quyết khiếu nại", "Receiving citizens and handling complaints"),
    ("Quản lý tài chính, ngân sách xã", "Commune finance and budget"),
    ("An toàn thông tin cho cán bộ, công chức", "Information security for officials"),
    ("Kỹ năng số cơ bản", "Basic digital skills"),
    ("Ứng dụng trí tuệ nhân tạo trong công vụ", "Artificial intelligence in public service"),
    ("Bồi dưỡng kiến thức quốc phòng và an ninh", "National defence and security"),
    ("Bảo vệ bí mật nhà nước", "Protecting state secrets"),
    ("Tư tưởng Hồ Chí Minh về cán bộ", "Ho Chi Minh's thought on officials"),
    ("Quản lý đất đai và môi trường cấp xã", "Land and environment management at commune level"),
    ("Kỹ năng lãnh đạo, quản lý cấp phòng", "Leadership for heads of division"),
    ("Nghiệp vụ văn thư, lưu trữ", "Records and archives work"),
    ("Kế toán hành chính sự nghiệp", "Public-sector accounting"),
    ("Dịch vụ công trực tuyến và Đề án 06", "Online public services and Scheme 06"),
    ("Chuyển đổi xanh ở địa phương", "Green transition in localities"),
    ("Đạo đức công vụ và văn hóa công sở", "Public-service ethics and office culture"),
    ("Kỹ năng giao tiếp trong hoạt động công vụ", "Communication in public service"),
    ("Xây dựng nông thôn mới nâng cao", "Advanced new rural development"),
]
SECTION_TITLES = [("Khái quát chung", "Overview"), ("Cơ sở pháp lý", "Legal basis"),
                  ("Nội dung nghiệp vụ", "The work itself"), ("Kỹ năng thực hành", "Practical skills"),
                  ("Tình huống và bài tập", "Cases and exercises"), ("Tổng kết", "Summary")]
HEADINGS = ["Mục tiêu bài học", "Khái niệm cơ bản", "Căn cứ pháp lý", "Yêu cầu đối với cán bộ, công chức",
            "Quy trình thực hiện", "Những lỗi thường gặp", "Tình huống minh họa", "Kinh nghiệm của các địa phương",
            "Trách nhiệm của người đứng đầu", "Câu hỏi ôn tập"]
SENTENCES = [
    "Cán bộ, công chức cấp xã là người trực tiếp tiếp xúc với người dân, nên chất lượng phục vụ ở cấp xã quyết định "
    "niềm tin của nhân dân đối với chính quyền.",
    "Mọi thủ tục hành chính phải được công khai đầy đủ tại bộ phận một cửa và trên Cổng Dịch vụ công quốc gia.",
    "Hồ sơ nộp trực tuyến có giá trị pháp lý như hồ sơ nộp trực tiếp khi được ký số hợp lệ.",
    "Người đứng đầu cơ quan chịu trách nhiệm trước cấp trên về kết quả giải quyết thủ tục hành chính của đơn vị mình.",
    "Khi tiếp nhận hồ sơ, công chức kiểm tra thành phần, số lượng và tính hợp lệ của giấy tờ theo quy định.",
    "Trường hợp hồ sơ chưa đầy đủ, công chức hướng dẫn một lần, bằng văn bản, để người dân bổ sung.",
    "Dữ liệu dân cư đã được làm sạch giúp cắt giảm giấy tờ phải nộp và rút ngắn thời gian giải quyết.",
    "Việc lưu trữ hồ sơ điện tử phải bảo đảm tính toàn vẹn, xác thực và khả năng truy xuất lâu dài.",
    "Thông tin cá nhân của người dân chỉ được sử dụng đúng mục đích đã thông báo khi thu thập.",
    "Văn bản hành chính phải đúng thể thức, rõ ràng, ngắn gọn và dùng từ ngữ phổ thông.",
    "Mỗi văn bản chỉ nên giải quyết một vấn đề, có căn cứ ban hành và thẩm quyền ký rõ ràng.",
    "Lịch tiếp công dân được niêm yết công khai tại trụ sở và trên trang thông tin điện tử của xã.",
    "Công chức không được gây phiền hà, sách nhiễu hoặc yêu cầu người dân nộp thêm giấy tờ ngoài quy định.",
    "Kế hoạch bồi dưỡng hằng năm cần bám sát vị trí việc làm và khung năng lực của từng chức danh.",
    "Sau mỗi khóa học, học viên tự đánh giá mức độ vận dụng kiến thức vào công việc hằng ngày.",
    "Mật khẩu tài khoản công vụ phải đủ mạnh, không dùng chung và được thay đổi định kỳ.",
    "Thư điện tử lạ có tệp đính kèm hoặc đường dẫn đáng ngờ cần được báo ngay cho bộ phận công nghệ thông tin.",
    "Ngân sách xã được lập, chấp hành và quyết toán công khai theo quy định của Luật Ngân sách nhà nước.",
    "Chứng từ kế toán phải được lập đầy đủ, kịp thời và lưu giữ theo đúng thời hạn.",
    "Việc lấy ý kiến nhân dân về các dự án tại địa phương cần được tổ chức thực chất, không hình thức.",
    "Ủy ban nhân dân xã phối hợp với Mặt trận Tổ quốc và các đoàn thể trong tuyên truyền, vận động nhân dân.",
    "Sau sắp xếp đơn vị hành chính, hồ sơ và dữ liệu của các đơn vị cũ được bàn giao đầy đủ cho đơn vị mới.",
    "Cán bộ cần chủ động cập nhật các văn bản pháp luật mới liên quan trực tiếp đến lĩnh vực mình phụ trách.",
    "Một quy trình tốt chỉ rõ ai làm, làm gì, trong bao lâu và kết quả được chuyển cho ai.",
    "Kết quả giải quyết hồ sơ được trả cho người dân qua dịch vụ bưu chính công ích khi người dân có yêu cầu.",
    "Phản ánh, kiến nghị của người dân được tiếp nhận, phân loại và trả lời trong thời hạn quy định.",
    "Ứng dụng công nghệ số giúp giảm thời gian đi lại của người dân và tăng tính minh bạch của bộ máy.",
    "Trí tuệ nhân tạo chỉ hỗ trợ soạn thảo; người ký văn bản vẫn chịu trách nhiệm về nội dung.",
    "Không đưa tài liệu mật hoặc dữ liệu cá nhân của người dân lên các công cụ trực tuyến công cộng.",
    "Bài học kinh nghiệm từ các địa phương làm tốt là sự vào cuộc của cả hệ thống chính trị.",
]
BULLETS = ["kiểm tra thành phần hồ sơ", "đối chiếu với cơ sở dữ liệu quốc gia về dân cư", "lập phiếu tiếp nhận",
           "chuyển hồ sơ cho bộ phận chuyên môn", "theo dõi thời hạn giải quyết", "trả kết quả và lưu hồ sơ",
           "báo cáo định kỳ", "lấy ý kiến đánh giá của người dân", "cập nhật trên hệ thống một cửa điện tử"]
PLACES = ["Hội trường Trường Chính trị tỉnh", "Hội trường Ủy ban nhân dân xã", "Phòng họp Sở Nội vụ",
          "Trung tâm Hội nghị tỉnh"]


def seed_bench(context) -> None:
    rng = context.rng("courses")
    # The start of today (UTC) is "now" for every draw, so runs on one day make the same rows.
    now = utcnow().replace(hour=0, minute=0, second=0, microsecond=0)
    today = local_today()
    schools = {s.id: s for s in db.session.scalars(select(School).where(School.id.in_(context.school_ids)))}
    school_ids = [i for i in context.school_ids if i in schools]
    seed_ids = _import_seed_courses(schools[school_ids[0]].code) if school_ids else []
    generated_ids = _generate_courses(rng, context, school_ids)
    courses = _load_courses(seed_ids + generated_ids)
    classes = _seed_classes(rng, context, courses, school_ids, today)
    plan = _Plan(rng=rng, now=now, courses={c.id: c for c in courses})
    _fill_classes(plan, context, classes)
    _self_enrol(plan, context, courses)
    _write(plan, context, classes)
    context.shared["activity_takers"] = plan.takers
    context.later.append(("courses: graded activities", lambda: _graded_outcomes(context, plan)))
    click.echo(f"  courses: {len(seed_ids)} from content/, {len(generated_ids)} generated; {len(classes)} classes, "
               f"{len(plan.enrolments)} enrolments, {sum(1 for e in plan.enrolments if e.completed_at)} completed, "
               f"{len(plan.progress)} activity progress rows; {len(plan.takers)} graded activities taken")


# --- courses ------------------------------------------------------------------------------------

def _import_seed_courses(school_code: str) -> list[int]:
    """Every folder of content/, imported as the demo does, but for the generated province's school."""
    folder = content_dir()
    ids = []
    if not folder.is_dir():
        return ids
    for path in sorted(p for p in folder.iterdir() if (p / "course.yaml").is_file()):
        try:
            spec = read_course(path, skip_unavailable=True)
            spec.school_code = school_code
            plan = check_course(spec)
        except FolderRejected as rejected:
            click.echo(f"  courses: content/{path.name} left out: {'; '.join(map(str, rejected.problems[:3]))}")
            continue
        ids.append(apply_course(spec, plan=plan).course_id)
    return ids


def lesson_markdown(rng, title: str) -> str:
    """A lesson page of a real lesson's size (2-8 KB, 5 on average, as in content/): headings, paragraphs,
    a list, sometimes a table."""
    parts = [f"# {title}", "", " ".join(rng.sample(SENTENCES, 3)), ""]
    for heading in rng.sample(HEADINGS, rng.randint(3, 6)):
        parts += [f"## {heading}", ""]
        for _ in range(rng.randint(1, 2)):
            parts += [" ".join(rng.sample(SENTENCES, rng.randint(3, 5))), ""]
        roll = rng.random()
        if roll < 0.45:
            parts += [f"{n}. {item.capitalize()};" for n, item in enumerate(rng.sample(BULLETS, rng.randint(3, 5)), 1)]
            parts.append("")
        elif roll < 0.65:
            parts += ["| Bước | Việc cần làm | Thời hạn |", "|---|---|---|"]
            parts += [f"| {n} | {item.capitalize()} | {rng.choice([1, 2, 3, 5, 7])} ngày làm việc |"
                      for n, item in enumerate(rng.sample(BULLETS, 4), 1)]
            parts.append("")
        elif roll < 0.8:
            parts += [f"> **Lưu ý:** {rng.choice(SENTENCES)}", ""]
    return "\n".join(parts)


def _generate_courses(rng, context, school_ids: list[int]) -> list[int]:
    areas, topics = list(CONTENT_AREAS), list(TOPICS)
    now = utcnow()
    made = []
    for n in range(GENERATED_COURSES):
        title_vi, title_en = COURSE_TITLES[n % len(COURSE_TITLES)]
        if n >= len(COURSE_TITLES):
            title_vi, title_en = f"{title_vi} (nâng cao)", f"{title_en} (advanced)"
        course = Course(key=f"bs-khoa-{n + 1:03d}", version=1, sample=False, title_vi=title_vi, title_en=title_en,
                        summary_vi=" ".join(rng.sample(SENTENCES, 3)), summary_en="",
                        content_area=rng.choice(areas), topics=rng.sample(topics, rng.randint(0, 2)),
                        periods=rng.choice([4, 8, 8, 12, 16, 24]),
                        level=rng.choice([CourseLevel.all, CourseLevel.all, CourseLevel.commune, CourseLevel.province]),
                        school_id=school_ids[n % len(school_ids)] if school_ids else None,
                        status=CourseStatus.published, self_enrol=rng.random() < 0.5, prerequisites=[],
                        min_attendance=None, sources=[], published_at=now - timedelta(days=rng.randint(30, 1500)))
        db.session.add(course)
        made.append(course)
    db.session.flush()
    contents = []  # (course, section position, activity position, content, title)
    for course in made:
        for s, (section_vi, section_en) in enumerate(rng.sample(SECTION_TITLES, rng.randint(2, 4))):
            section = Section(course_id=course.id, key=f"phan-{s + 1}", position=s, title_vi=section_vi,
                              title_en=section_en)
            course.sections.append(section)
            for a in range(rng.randint(2, 4)):
                title = f"Bài {s + 1}.{a + 1}. {rng.choice(HEADINGS)}"
                source = lesson_markdown(rng, title)
                content = LessonContent(course_id=course.id, kind="page", format="markdown",
                                        source_path=f"lessons/{s + 1:02d}-{a + 1:02d}.md", source_vi=source,
                                        html_vi=render_source(source, "markdown").html)
                contents.append((section, a, content, title))
    db.session.add_all([c for _s, _a, c, _t in contents])
    db.session.flush()
    for section, position, content, title in contents:
        section.activities.append(Activity(
            course_id=section.course_id, key=f"bai-{section.position + 1}-{position + 1}", position=position,
            type="page", ref=str(content.id), title_vi=title, title_en="", required=True, settings={}))
    lecturers = context.lecturer_user_ids
    for course in made:
        if lecturers:
            # lecturer k teaches for school k % 2 (the core's staff): pick lecturers of the course's school
            own = [u for k, u in enumerate(lecturers)
                   if school_ids and school_ids[k % len(school_ids)] == course.school_id]
            for user_id in rng.sample(own or lecturers, min(len(own or lecturers), rng.randint(1, 2))):
                db.session.add(CourseLecturer(course_id=course.id, user_id=user_id))
    db.session.flush()
    return [c.id for c in made]


@dataclass
class _Course:
    id: int
    key: str
    version: int
    school_id: int | None
    self_enrol: bool
    sample: bool
    title_vi: str
    title_en: str
    ordered: list[tuple[int, str, str, bool]] = field(default_factory=list)  # (id, type, ref, required)

    @property
    def required(self) -> list[tuple[int, str, str, bool]]:
        return [a for a in self.ordered if a[3]] or list(self.ordered)


def _load_courses(ids: list[int]) -> list[_Course]:
    courses = {c.id: _Course(c.id, c.key, c.version, c.school_id, c.self_enrol, c.sample, c.title_vi, c.title_en)
               for c in db.session.scalars(select(Course).where(Course.id.in_(ids)))}
    rows = db.session.execute(select(Activity.id, Activity.course_id, Activity.type, Activity.ref, Activity.required)
                              .join(Section, Section.id == Activity.section_id).where(Activity.course_id.in_(ids))
                              .order_by(Activity.course_id, Section.position, Activity.position)).all()
    for row in rows:
        courses[row.course_id].ordered.append((row.id, row.type, row.ref, row.required))
    return [courses[i] for i in ids if courses[i].ordered]


# --- classes ------------------------------------------------------------------------------------

@dataclass
class _Class:
    id: int
    course_id: int
    mode: ClassMode
    unit_id: int
    starts_on: date
    ends_on: date
    size: int
    sessions: list[tuple[int, datetime]] = field(default_factory=list)  # (id, starts_at)


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    """A moment of a day in Vietnam (UTC+7), as UTC."""
    return datetime.combine(day, time(hour, minute), tzinfo=timezone.utc) - timedelta(hours=7)


def _seed_classes(rng, context, courses: list[_Course], school_ids: list[int], today: date) -> list[_Class]:
    if not courses or not context.classes:
        return []
    units = dict(db.session.execute(select(Unit.id, Unit.name_vi).where(Unit.id.in_(context.unit_ids))).all())
    unit_choices = [u for u in context.department_ids + context.commune_ids if u in units] or list(units)
    lecturers_of = defaultdict(list)
    for k, user_id in enumerate(context.lecturer_user_ids):
        if school_ids:
            lecturers_of[school_ids[k % len(school_ids)]].append(user_id)
    per_class = CLASS_SHARE * len(context.official_ids) / context.classes
    rows, specs, lecturer_rows = [], [], []
    now = utcnow()
    for n in range(context.classes):
        course = rng.choice(courses)
        year = rng.choice(context.years)
        first = date(year, 1, 5)
        last = min(date(year, 12, 10), today + timedelta(days=60)) if year == today.year else date(year, 12, 10)
        starts_on = first + timedelta(days=rng.randint(0, max(0, (last - first).days)))
        ends_on = starts_on + timedelta(days=rng.randint(4, 42))
        mode = rng.choices([ClassMode.online, ClassMode.blended, ClassMode.in_person], weights=[6, 3, 1])[0]
        school_id = course.school_id if course.school_id in school_ids and rng.random() < 0.8 else (
            rng.choice(school_ids) if school_ids else None)
        unit_id = rng.choice(unit_choices)
        size = max(1, round(per_class * rng.uniform(0.5, 1.5)))
        code = f"BS-{year}-{n + 1:05d}"
        rows.append({"course_id": course.id, "code": code,
                     "title_vi": f"{course.title_vi} - lớp {units[unit_id]} {year}",
                     "title_en": f"{course.title_en} - {year} class" if course.title_en else "",
                     "school_id": school_id, "unit_id": unit_id, "mode": mode.value, "starts_on": starts_on,
                     "ends_on": ends_on, "capacity": size + rng.randint(0, 15),
                     "place": rng.choice(PLACES) if mode is not ClassMode.online else "", "min_attendance": None,
                     "credit_on_attendance": False, "created_by": None, "created_at": now})
        specs.append((code, course.id, mode, unit_id, starts_on, ends_on, size,
                      rng.sample(lecturers_of[school_id], min(len(lecturers_of[school_id]), rng.randint(1, 2)))
                      if lecturers_of.get(school_id) else []))
    insert_batches(CourseClass.__table__, rows)
    ids = dict(db.session.execute(select(CourseClass.code, CourseClass.id).where(CourseClass.code.like("BS-%"))).all())
    classes, session_rows = [], []
    for code, course_id, mode, unit_id, starts_on, ends_on, size, lecturers in specs:
        found = _Class(ids[code], course_id, mode, unit_id, starts_on, ends_on, size)
        classes.append(found)
        lecturer_rows += [{"class_id": found.id, "user_id": user_id} for user_id in lecturers]
        if mode is not ClassMode.online:
            count = rng.randint(2, 5)
            span = max(1, (ends_on - starts_on).days)
            for k in range(count):
                day = starts_on + timedelta(days=round(k * span / count))
                session_rows.append({"class_id": found.id, "starts_at": _at(day, 7, 30), "ends_at": _at(day, 11, 30),
                                     "place": rows[len(classes) - 1]["place"], "topic": f"Buổi {k + 1}"})
    insert_batches(ClassLecturer.__table__, lecturer_rows)
    insert_batches(ClassSession.__table__, session_rows)
    by_class = {c.id: c for c in classes}
    for session_id, class_id, starts_at in db.session.execute(
            select(ClassSession.id, ClassSession.class_id, ClassSession.starts_at)
            .where(ClassSession.class_id.in_(list(by_class))).order_by(ClassSession.starts_at, ClassSession.id)):
        by_class[class_id].sessions.append((session_id, starts_at))
    return classes


# --- enrolments and progress --------------------------------------------------------------------

@dataclass
class _Enrolment:
    user_id: int
    course_id: int
    class_id: int | None
    source: str
    enrolled_at: datetime
    due_on: date | None
    progress: float = 0.0
    attendance_rate: float | None = None
    completed_at: datetime | None = None
    last_activity_id: int | None = None
    last_activity_at: datetime | None = None
    attendance: list[tuple[int, AttendanceStatus]] = field(default_factory=list)


@dataclass
class _Plan:
    rng: object
    now: datetime
    courses: dict[int, _Course]
    enrolments: list[_Enrolment] = field(default_factory=list)
    taken: set = field(default_factory=set)  # (user id, course id)
    progress: list[dict] = field(default_factory=list)
    takers: list[ActivityTaker] = field(default_factory=list)
    enrolment_ids: dict = field(default_factory=dict)  # (user id, course id) -> enrolment id, once written


def _fill_classes(plan: _Plan, context, classes: list[_Class]) -> None:
    rng = plan.rng
    by_unit = defaultdict(list)
    for official_id, unit_id in db.session.execute(select(Official.id, Official.unit_id).order_by(Official.id)):
        user_id = context.official_user_ids.get(official_id)
        if user_id is not None:
            by_unit[unit_id].append(user_id)
    everyone = [context.official_user_ids[o] for o in context.official_ids if o in context.official_user_ids]
    if not everyone:
        return
    for course_class in classes:
        local = by_unit.get(course_class.unit_id, [])
        pool = rng.sample(local, min(len(local), course_class.size * 2))
        members = [u for u in pool if (u, course_class.course_id) not in plan.taken][:course_class.size]
        for _ in range(course_class.size * 3):
            if len(members) >= course_class.size:
                break
            user_id = rng.choice(everyone)
            if (user_id, course_class.course_id) not in plan.taken and user_id not in members:
                members.append(user_id)
        starts = _at(course_class.starts_on, 8)
        ended = course_class.ends_on < plan.now.date()
        started = course_class.starts_on <= plan.now.date()
        for user_id in members:
            enrolment = _Enrolment(user_id=user_id, course_id=course_class.course_id, class_id=course_class.id,
                                   source="class", enrolled_at=starts - timedelta(days=rng.randint(1, 12),
                                                                                  minutes=rng.randint(0, 600)),
                                   due_on=course_class.ends_on)
            roll = rng.random()
            if ended:
                state = "complete" if roll < 0.75 else "partial" if roll < 0.95 else "none"
            elif started:
                state = "complete" if roll < 0.15 and course_class.mode is ClassMode.online else (
                    "partial" if roll < 0.7 else "none")
            else:
                state = "none"
            window_end = min(_at(course_class.ends_on, 17), plan.now)
            _progress(plan, enrolment, course_class, state, max(starts, enrolment.enrolled_at), window_end)


def _self_enrol(plan: _Plan, context, courses: list[_Course]) -> None:
    rng = plan.rng
    open_courses = [c for c in courses if c.self_enrol]
    seed = [c for c in open_courses if c.sample]
    if not open_courses:
        return
    everyone = [context.official_user_ids[o] for o in context.official_ids if o in context.official_user_ids]
    first = datetime(context.years[0], 1, 1, tzinfo=timezone.utc)
    span = max(1, int((plan.now - first).total_seconds()))
    for _ in range(round(SELF_SHARE * len(everyone))):
        user_id = rng.choice(everyone)
        course = rng.choice(seed) if seed and rng.random() < 0.6 else rng.choice(open_courses)
        if (user_id, course.id) in plan.taken:
            continue
        enrolled_at = first + timedelta(seconds=rng.randint(0, span))
        enrolment = _Enrolment(user_id=user_id, course_id=course.id, class_id=None, source="self",
                               enrolled_at=enrolled_at,
                               due_on=(enrolled_at + timedelta(days=90)).date() if rng.random() < 0.3 else None)
        roll = rng.random()
        state = "complete" if roll < 0.45 else "partial" if roll < 0.8 else "none"
        _progress(plan, enrolment, None, state, enrolled_at, min(enrolled_at + timedelta(days=60), plan.now))


def _progress(plan: _Plan, enrolment: _Enrolment, course_class: _Class | None, state: str, start: datetime,  # noqa: C901  (one branch per enrolment state and class mode of the benchmark data)
              end: datetime) -> None:
    """Decide what the person did (activities in order, sessions attended) and record it in the plan."""
    rng = plan.rng
    course = plan.courses[enrolment.course_id]
    plan.taken.add((enrolment.user_id, course.id))
    plan.enrolments.append(enrolment)
    mode = course_class.mode if course_class else ClassMode.online
    required = course.required
    if end <= start:
        state = "none"
    # Activities, in the course's order: all of them (complete), a beginning (partial), none.
    if mode is ClassMode.in_person or state == "none":
        count = 0
    elif state == "complete":
        count = len(course.ordered)
    else:
        count = rng.randint(1, len(course.ordered) - 1) if len(course.ordered) > 1 else 0
    moments = sorted(start + (end - start) * rng.random() for _ in range(count))
    done_required = 0
    required_ids = {a[0] for a in required}
    # Fewer moments than activities on purpose: a partial learner stops part-way through the course.
    for (activity_id, kind, ref, _req), moment in zip(course.ordered, moments, strict=False):
        if kind in OWN_TYPES:
            plan.progress.append({"activity_id": activity_id, "user_id": enrolment.user_id, "percent": 100.0,
                                  "score": None, "passed": None, "opened_at": moment, "completed_at": moment,
                                  "updated_at": moment})
        else:  # another plugin's type: its plugin writes the attempt, a later step the progress
            plan.takers.append(ActivityTaker(kind, ref, enrolment.user_id, True,
                                             moment - timedelta(minutes=rng.randint(20, 600)), moment))
        done_required += activity_id in required_ids
        enrolment.last_activity_id, enrolment.last_activity_at = activity_id, moment
    if state == "partial" and count < len(course.ordered) and mode is not ClassMode.in_person:
        activity_id, kind, ref, _req = course.ordered[count]
        if kind not in OWN_TYPES and rng.random() < 0.5:  # tried the test and has not passed (yet)
            moment = min(end, (moments[-1] if moments else start) + timedelta(hours=rng.randint(1, 72)))
            plan.takers.append(ActivityTaker(kind, ref, enrolment.user_id, False, moment - timedelta(minutes=30),
                                             moment))
            enrolment.last_activity_id, enrolment.last_activity_at = activity_id, moment
    # Sessions attended (those that have taken place): enough when complete, about half when partial.
    held = [(sid, at) for sid, at in (course_class.sessions if course_class else []) if at <= plan.now]
    attended = 0
    for k, (session_id, _) in enumerate(held):
        if state == "complete":
            present = not (k == len(held) - 1 and len(held) >= 5 and rng.random() < 0.5)  # 4 of 5 is 80%
        elif state == "partial":
            present = rng.random() < 0.45
        else:
            present = False
        status = (AttendanceStatus.late if rng.random() < 0.1 else AttendanceStatus.present) if present else (
            AttendanceStatus.excused if rng.random() < 0.3 else AttendanceStatus.absent)
        attended += present
        enrolment.attendance.append((session_id, status))
    sessions = len(course_class.sessions) if course_class else 0
    if sessions and mode is not ClassMode.online:
        enrolment.attendance_rate = attended / sessions
    if mode is ClassMode.in_person:
        parts, total = attended, sessions
    elif mode is ClassMode.blended:
        parts, total = done_required + attended, len(required) + sessions
    else:
        parts, total = done_required, len(required)
    enrolment.progress = min(1.0, parts / total) if total else 0.0
    complete = state == "complete" and (
        (mode is ClassMode.online and done_required == len(required))
        or (mode is ClassMode.blended and done_required == len(required) and sessions
            and attended / sessions + 1e-9 >= MIN_ATTENDANCE and len(held) == sessions)
        or (mode is ClassMode.in_person and sessions and len(held) == sessions
            and attended / sessions + 1e-9 >= MIN_ATTENDANCE))
    if complete:
        last_session = held[-1][1] + timedelta(hours=4) if held else start
        enrolment.completed_at = min(plan.now, max(enrolment.last_activity_at or start, last_session))
        enrolment.progress = 1.0


def _write(plan: _Plan, context, classes: list[_Class]) -> None:
    rows = [{"course_id": e.course_id, "user_id": e.user_id, "class_id": e.class_id, "source": e.source,
             "status": EnrolmentStatus.active.value, "course_version": plan.courses[e.course_id].version,
             "enrolled_at": e.enrolled_at, "due_on": e.due_on, "progress": e.progress,
             "attendance_rate": e.attendance_rate, "final_score": None, "completed_at": e.completed_at,
             "completed_version": plan.courses[e.course_id].version if e.completed_at else None,
             "last_activity_id": e.last_activity_id, "last_activity_at": e.last_activity_at}
            for e in plan.enrolments]
    insert_batches(Enrolment.__table__, rows)
    ids = {(u, c): i for i, u, c in db.session.execute(select(Enrolment.id, Enrolment.user_id, Enrolment.course_id)
                                                       .where(Enrolment.course_id.in_(list(plan.courses))))}
    attendance = [{"session_id": session_id, "enrolment_id": ids[(e.user_id, e.course_id)], "status": status.value,
                   "note": "", "recorded_by": None, "recorded_at": plan.now}
                  for e in plan.enrolments for session_id, status in e.attendance]
    insert_batches(Attendance.__table__, attendance)
    insert_batches(ActivityProgress.__table__, plan.progress)
    plan.enrolment_ids = ids
    _analyze()


def _graded_outcomes(context, plan: _Plan) -> None:
    """After the plugins of other activity types: progress of those activities, final scores."""
    rng = plan.rng
    reported = {(o.activity_type, str(o.activity_ref), o.user_id): o
                for o in context.shared.get("activity_outcomes", [])}
    of_type = defaultdict(list)  # (type, ref) -> [(activity id, course id)]
    for course in plan.courses.values():
        for activity_id, kind, ref, _req in course.ordered:
            if kind not in OWN_TYPES:
                of_type[(kind, ref)].append((activity_id, course.id))
    rows, scores, seen = [], defaultdict(list), set()
    for taker in plan.takers:
        key = (taker.activity_type, taker.activity_ref, taker.user_id)
        if key in seen:
            continue
        seen.add(key)
        outcome = reported.get(key)
        if outcome is not None:
            score, passed, completed, at = outcome.score, outcome.passed, outcome.completed, outcome.occurred_at
        else:  # no plugin reported on it: a result of our own, as the enrolment needs
            score = rng.uniform(0.6, 1.0) if taker.passes else rng.uniform(0.1, 0.45)
            passed, completed, at = taker.passes, taker.passes, taker.not_after
        for activity_id, course_id in of_type[(taker.activity_type, taker.activity_ref)]:
            if (taker.user_id, course_id) not in plan.enrolment_ids:
                continue
            rows.append({"activity_id": activity_id, "user_id": taker.user_id, "percent": 100.0 if completed else 0.0,
                         "score": score, "passed": passed, "opened_at": taker.not_before,
                         "completed_at": at if completed else None, "updated_at": at})
            if activities.is_graded(taker.activity_type) and score is not None:
                scores[plan.enrolment_ids[(taker.user_id, course_id)]].append(score)
    insert_batches(ActivityProgress.__table__, rows)
    changes = [{"eid": enrolment_id, "score": sum(values) / len(values)}
               for enrolment_id, values in sorted(scores.items())]
    table = Enrolment.__table__
    statement = update(table).where(table.c.id == bindparam("eid")).values(final_score=bindparam("score"))
    for start in range(0, len(changes), 5000):
        db.session.execute(statement, changes[start:start + 5000])
    _analyze()


def _analyze() -> None:
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy import text
        for name in ("courses_enrolments", "courses_progress", "courses_classes", "courses_attendance"):
            db.session.execute(text(f"ANALYZE {name}"))
