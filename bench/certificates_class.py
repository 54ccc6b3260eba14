"""Certificates for a class of 16,006 officials on PostgreSQL (issue: certificates plugin).

Targets: issuing the class under 30 s; rendering at 150 PDF pages per second or more on this 2-core
machine; the class ZIP streams with peak memory under 300 MB. Each step runs in its own process:

1. issue: the class whose 16,006 learners completed the course (the courses plugin's own tables,
   filled set-based), first with the certificates plugin alone (the training record's plugin
   switched off: this plugin's share), then a second such class through the real command,
   `lms certificates issue-class CLASS --json`, with the training record plugin receiving every
   `certificate_issued` (the whole chain);
2. render: the PDFs of the first certificates, rendered in memory (pages per second, wall and CPU),
   by one process and by two;
3. zip: the whole class as one ZIP through the streaming writer, the cache cold (every PDF rendered
   and cached on the way), written to a file: wall time and the process's peak memory.

    .venv/bin/python bench/certificates_class.py [--officials 16006] [--render 3000]
    .venv/bin/python bench/certificates_class.py --smoke
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.common import LMS, lms_env, run_measured, save_result, scratch_postgres  # noqa: E402


def _app(**config):
    from lms.core.app import create_app
    return create_app(config or None)


def seed(officials: int) -> list[int]:
    """One school, two courses each with one class of `officials` learners who completed it; returns the
    classes' ids (one is issued with the training record listening, the other without)."""
    from sqlalchemy import insert, select

    from lms.certificates.models import CertificateKind, CertificateRule, CertificateTemplate
    from lms.core.db import db
    from lms.core.demo import vietnamese_name
    from lms.core.models import Official, OfficialKind, School, Unit, UnitLevel, User
    from lms.core.text import fold
    from lms.courses.models import ClassMode, Course, CourseClass, CourseStatus, Enrolment, EnrolmentStatus

    app = _app()
    with app.app_context():
        province = Unit(code="P01", name_vi="Tỉnh Bình Sơn", level=UnitLevel.province, kind="province", path="/")
        db.session.add(province)
        db.session.flush()
        province.path = f"/{province.id}/"
        school = School(code="TCT-BS", name_vi="Trường Chính trị tỉnh Bình Sơn", unit_id=province.id, place="Bình Sơn",
                        signer_title="HIỆU TRƯỞNG", signer_name="Trần Minh Đức", governing_body="TỈNH ỦY BÌNH SƠN")
        db.session.add(school)
        db.session.flush()
        rng = random.Random(16006)
        rows = []
        for n in range(officials):
            name, gender = vietnamese_name(rng)
            rows.append(dict(employee_code=f"CB{n:07d}", full_name=name, name_folded=fold(name), gender=gender,
                             date_of_birth=date(rng.randint(1965, 2001), rng.randint(1, 12), rng.randint(1, 28)),
                             unit_id=province.id, kind=OfficialKind.civil_servant, position="Chuyên viên", rank="",
                             political_theory_level="", political_theory_school="",
                             created_at=datetime.now(timezone.utc), updated_at=datetime.now(timezone.utc)))
        for start in range(0, len(rows), 5000):
            db.session.execute(insert(Official), rows[start:start + 5000])
        ids = list(db.session.scalars(select(Official.id).order_by(Official.id)))
        users = [dict(email=None, login_code=f"CB{n:07d}", display_name=rows[n]["full_name"], password_hash="",
                      locale="vi", official_id=official_id, active=True, must_change_password=False,
                      created_at=datetime.now(timezone.utc)) for n, official_id in enumerate(ids)]
        for start in range(0, len(users), 5000):
            db.session.execute(insert(User), users[start:start + 5000])
        user_ids = list(db.session.scalars(select(User.id).where(User.official_id.is_not(None)).order_by(User.id)))
        template = CertificateTemplate(school_id=school.id, name="Giấy chứng nhận", kind=CertificateKind.completion,
                                       title="GIẤY CHỨNG NHẬN", subtitle="HOÀN THÀNH KHÓA BỒI DƯỠNG",
                                       body="Đã hoàn thành khóa bồi dưỡng")
        db.session.add(template)
        db.session.flush()
        done = datetime(2025, 3, 28, 9, tzinfo=timezone.utc)
        class_ids = []
        for key, title in (("boi-duong-qlnn", "Bồi dưỡng kiến thức quản lý nhà nước ngạch chuyên viên"),
                           ("chuyen-doi-so", "Bồi dưỡng kỹ năng chuyển đổi số cho cán bộ, công chức")):
            course = Course(key=key, title_vi=title, title_en="", content_area="state_management",
                            topics=["public_administration"], periods=40, status=CourseStatus.published,
                            school_id=school.id, sources=[])
            db.session.add(course)
            db.session.flush()
            klass = CourseClass(course_id=course.id, code=f"{key.upper()}-K1", title_vi=f"Lớp {title}",
                                school_id=school.id, mode=ClassMode.blended, starts_on=date(2025, 3, 3),
                                ends_on=date(2025, 3, 28))
            db.session.add(klass)
            db.session.flush()
            enrolments = [dict(course_id=course.id, user_id=u, class_id=klass.id, source="class",
                               status=EnrolmentStatus.active, course_version=1, enrolled_at=done, progress=1.0,
                               final_score=0.8, attendance_rate=1.0, completed_at=done, completed_version=1)
                          for u in user_ids]
            for start in range(0, len(enrolments), 5000):
                db.session.execute(insert(Enrolment), enrolments[start:start + 5000])
            db.session.add(CertificateRule(scope=f"class:{klass.id}", school_id=school.id, template_id=template.id,
                                           course_key=course.key, course_id=course.id, class_id=klass.id,
                                           min_final_score=0.5, min_attendance=1.0))
            class_ids.append(klass.id)
        db.session.commit()
        return class_ids


def _render_share(ids, barrier, results) -> None:
    """Render some certificates' PDFs in memory once every worker is ready; reports (pages, wall, CPU)."""
    from sqlalchemy import select

    from lms.certificates.models import Certificate
    from lms.certificates.pdf import render
    from lms.core.db import db

    app = _app()
    with app.app_context():
        certificates = list(db.session.scalars(select(Certificate).where(Certificate.id.in_(ids))))
        render.render_pdf(certificates[0])  # fonts and subsets warm, as in a running server
        barrier.wait()
        wall, cpu = time.perf_counter(), time.process_time()
        for cert in certificates:
            render.render_pdf(cert)
        results.put((len(certificates), time.perf_counter() - wall, time.process_time() - cpu))


def _render_in(processes: int, ids: list[int]) -> tuple[int, float, float]:
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(processes), context.Queue()
    workers = [context.Process(target=_render_share, args=(ids[i::processes], barrier, results))
               for i in range(processes)]
    for worker in workers:
        worker.start()
    shares = [results.get(timeout=1800) for _ in workers]
    for worker in workers:
        worker.join()
    return sum(s[0] for s in shares), max(s[1] for s in shares), sum(s[2] for s in shares)


def step_render(count: int) -> dict:
    from sqlalchemy import select

    from lms.certificates.models import Certificate
    from lms.core.db import db

    app = _app()
    with app.app_context():
        ids = list(db.session.scalars(select(Certificate.id).order_by(Certificate.id).limit(count)))
    pages, wall, cpu = _render_in(1, ids)
    pages2, wall2, _cpu2 = _render_in(2, ids)
    return {"pages": pages, "one_process_pages_per_s": round(pages / wall, 1),
            "one_process_pages_per_cpu_s": round(pages / cpu, 1),
            "two_processes_pages_per_s": round(pages2 / wall2, 1)}


def step_issue_alone(class_id: int) -> dict:
    """Issue a class with the training record's plugin switched off: the certificates plugin's own share."""
    from lms.certificates.services.issuing import issue_for_class
    from lms.core.db import db

    # The record's receivers run only in apps where its plugin is enabled.
    app = _app(PLUGINS=[name for name in _app().config["PLUGINS"] if name != "records"])
    with app.app_context():
        wall, cpu = time.perf_counter(), time.process_time()
        report, _ = issue_for_class(class_id, actor_id=None)
        db.session.commit()
        return {"issued": len(report.issued), "seconds": round(time.perf_counter() - wall, 2),
                "cpu_s": round(time.process_time() - cpu, 2)}


def step_zip(class_id: int, target: str) -> dict:
    from lms.certificates import archive

    app = _app()
    with app.app_context():
        ids = archive.class_certificate_ids(class_id)
        started = time.perf_counter()
        size = 0
        with open(target, "wb") as out:
            for chunk in archive.stream_zip(ids):
                size += len(chunk)
                out.write(chunk)
        seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"files": len(ids), "seconds": round(seconds, 1), "pages_per_s": round(len(ids) / seconds, 1),
            "zip_mb": round(size / 1024 / 1024, 1), "peak_mb": round(peak, 1)}


def measured(args: list[str], env: dict) -> dict:
    """run_measured, plus the child's CPU seconds (wall time on a shared machine says little alone)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    figures = run_measured(args, env)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    figures["cpu_s"] = round((after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime), 2)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--officials", type=int, default=16_006)
    parser.add_argument("--render", type=int, default=3000)
    parser.add_argument("--smoke", action="store_true", help="a class of 60, to check the script works")
    parser.add_argument("--step", choices=["seed", "issue-alone", "render", "zip"], help=argparse.SUPPRESS)
    parser.add_argument("--class-id", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--target", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step == "seed":
        print(json.dumps({"class_ids": seed(args.officials)}))
        return
    if args.step == "issue-alone":
        print(json.dumps(step_issue_alone(args.class_id)))
        return
    if args.step == "render":
        print(json.dumps(step_render(args.render)))
        return
    if args.step == "zip":
        print(json.dumps(step_zip(args.class_id, args.target)))
        return
    officials, render_count = (60, 40) if args.smoke else (args.officials, args.render)
    me = str(Path(__file__).resolve())
    with tempfile.TemporaryDirectory() as tmp, scratch_postgres() as url:
        env = lms_env(url, Path(tmp) / "instance")
        env["LMS_PUBLIC_BASE_URL"] = "https://daotao.binhson.gov.vn"
        subprocess.run([LMS, "db", "upgrade"], env=env, check=True, capture_output=True)
        seeded = run_measured([sys.executable, me, "--step", "seed", "--officials", str(officials)], env)
        class_id, other_class_id = json.loads(seeded["stdout"])["class_ids"]
        alone = json.loads(run_measured([sys.executable, me, "--step", "issue-alone", "--class-id",
                                         str(other_class_id)], env)["stdout"])
        assert alone["issued"] == officials, alone
        issued = measured([LMS, "certificates", "issue-class", str(class_id), "--json"], env)
        report = json.loads(issued.pop("stdout"))
        assert report["issued"] == officials and not report["not_eligible"], report
        again = measured([LMS, "certificates", "issue-class", str(class_id), "--json"], env)
        assert json.loads(again.pop("stdout"))["issued"] == 0
        rendered = run_measured([sys.executable, me, "--step", "render", "--render", str(render_count)], env)
        render_figures = json.loads(rendered.pop("stdout"))
        zipped = measured([sys.executable, me, "--step", "zip", "--class-id", str(class_id),
                               "--target", str(Path(tmp) / "class.zip")], env)
        zip_figures = json.loads(zipped.pop("stdout"))
        save_result("certificates_class", {
            "officials": officials, "database": "postgresql",
            "issue_certificates_alone_s": alone["seconds"], "issue_certificates_alone_cpu_s": alone["cpu_s"],
            "issue_with_training_record_s": report["seconds"], "issue_command_s": issued["seconds"],
            "issue_command_cpu_s": issued["cpu_s"],
            "issue_peak_mb": issued["peak_mb"],
            "reissue_noop_s": again["seconds"], "zip_cpu_s": zipped["cpu_s"],
            **{f"render_{k}": v for k, v in render_figures.items()},
            **{f"zip_{k}": v for k, v in zip_figures.items()},
            "cpu_count": os.cpu_count(), "load_average_1m": round(os.getloadavg()[0], 1),
            "target": "issue < 30 s; >= 150 pages/s; zip peak < 300 MB"})


if __name__ == "__main__":
    main()
