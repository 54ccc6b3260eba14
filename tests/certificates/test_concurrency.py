"""Parallel issuers on PostgreSQL: no register number is skipped or used twice, nothing is issued twice."""
from __future__ import annotations

import multiprocessing
from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from lms.certificates.models import Certificate
from lms.core import events
from lms.core.db import db
from tests.certificates import workers

pytestmark = pytest.mark.postgres


def _run(targets):
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(len(targets))
    results = context.Queue()
    processes = [context.Process(target=target, args=(*args, barrier, results)) for target, args in targets]
    for process in processes:
        process.start()
    outcomes = [results.get(timeout=240) for _ in processes]
    for process in processes:
        process.join(timeout=60)
        assert process.exitcode == 0
    return outcomes


def test_parallel_issuers_share_one_gapless_register(class_setup, database_url, instance_root):
    classes = [class_setup(names=[f"Nguyễn Văn Học Viên {c}-{n}" for n in range(16)]) for c in range(3)]
    catalog = classes[0].catalog
    db.session.commit()
    # Three issuers for three classes of one school, and one more racing for the first class again.
    class_ids = [s.klass.id for s in classes] + [classes[0].klass.id]
    outcomes = _run([(workers.issue_class, (database_url, str(instance_root), catalog, class_id))
                     for class_id in class_ids])
    assert [o for o in outcomes if o[3] is not None] == []
    assert sum(o[2] for o in outcomes) == 48

    db.session.expire_all()
    rows = db.session.execute(select(Certificate.register_seq, Certificate.official_id, Certificate.serial)).all()
    assert sorted(r.register_seq for r in rows) == list(range(1, 49))
    assert len({r.official_id for r in rows}) == 48
    assert len({r.serial for r in rows}) == 48


def test_a_replayed_completion_in_parallel_issues_one_certificate(class_setup, database_url, instance_root):
    setup = class_setup(names=("Đặng Quốc Bảo", "Nguyễn Thị Ngọc Hường"))
    db.session.commit()
    targets = []
    for user, _official in setup.learners:
        payload = events.CourseCompleted(user_id=user.id, course_id=setup.course.id, course_key=setup.course.key,
                                         enrolment_id=user.id, completed_at=datetime(2025, 3, 28, tzinfo=timezone.utc),
                                         class_id=setup.klass.id, final_score=0.9, attendance_rate=1.0)
        targets += [(workers.complete_course, (database_url, str(instance_root), setup.catalog, payload))] * 2
    outcomes = _run(targets)
    assert [o for o in outcomes if o[3] is not None] == []
    db.session.expire_all()
    rows = db.session.execute(select(Certificate.register_seq, Certificate.official_id)).all()
    assert sorted(r.register_seq for r in rows) == [1, 2]
    assert sorted(r.official_id for r in rows) == sorted(o.id for _u, o in setup.learners)
