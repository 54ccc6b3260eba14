"""The real chain into the training record (the core's ledger): issue adds a credit, a copy adds none,
revoking withdraws it, a correction swaps it."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from lms.certificates.services import lifecycle
from lms.core.db import db
from lms.records.models import TrainingCredit


def counting(official_id: int) -> list[TrainingCredit]:
    db.session.expire_all()
    return list(db.session.scalars(select(TrainingCredit).where(TrainingCredit.official_id == official_id,
                                                                TrainingCredit.withdrawn_at.is_(None))))


def test_the_training_record_follows_the_certificate(issue_class):
    _, (cert,) = issue_class(names=("Nguyễn Thị Ngọc Hường",))
    credits = counting(cert.official_id)
    assert [(c.certificate_id, float(c.periods), c.content_area) for c in credits] == [(cert.id, 40.0,
                                                                                         "state_management")]
    lifecycle.reissue_copy(cert, reason="Mất", actor_id=None, today=date(2025, 6, 1))
    assert [c.certificate_id for c in counting(cert.official_id)] == [cert.id]
    fixed = lifecycle.Correction(holder_name=cert.holder_name, holder_birth_date=cert.holder_birth_date,
                                 course_title_vi=cert.course_title_vi, course_title_en=cert.course_title_en,
                                 periods=32, starts_on=cert.starts_on, ends_on=cert.ends_on, content_area="")
    new = lifecycle.correct(cert, fixed, reason="Sai số tiết", actor_id=None, today=date(2025, 6, 2))
    assert [(c.certificate_id, float(c.periods)) for c in counting(cert.official_id)] == [(new.id, 32.0)]
    lifecycle.revoke(new, ground="fraud", note="Gian lận", actor_id=None)
    assert counting(cert.official_id) == []
