"""Revoking, re-issuing a copy, correcting: audited, announced to the training record, shown on the
verify page, done once however often the form is sent."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from lms.certificates.models import Certificate, Status, Variant
from lms.certificates.pdf import render
from lms.certificates.services import lifecycle
from lms.certificates.services.eligibility import class_eligibility
from lms.core.db import db
from lms.core.errors import DomainError
from lms.core.models import AuditEntry, Role
from tests.certificates.conftest import english
from tests.certificates.test_pdf import text_of

DAY = date(2025, 5, 6)


@pytest.fixture
def admin_of(make_user):
    def factory(school):
        return make_user(roles=[(Role.school_admin, {"school_id": school.id})], name="Đỗ Thị Hồng Nhung")
    return factory


def audits(action: str) -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def test_revoking_withdraws_the_credit_and_shows_on_the_verify_page(issue_class, admin_of, school, client,
                                                                    recorded_events):
    _, (cert, other) = issue_class(names=("Nguyễn Thị Ngọc Hường", "Đặng Quốc Bảo"))
    actor = admin_of(school)
    copy = lifecycle.reissue_copy(cert, reason="Mất bản gốc", actor_id=actor.id, today=DAY)
    revoked = lifecycle.revoke(cert, ground="fraud", note="Thi hộ, biên bản số 12", actor_id=actor.id)
    db.session.commit()
    assert [c.id for c in revoked] == [cert.id, copy.id]
    assert cert.status is Status.revoked and copy.status is Status.revoked and other.status is Status.valid
    assert cert.revoked_by == actor.id and cert.revocation_ground == "fraud"
    sent = [p for name, p in recorded_events if name == "certificate_revoked"]
    assert [(p.certificate_id, p.ground, p.superseded_by) for p in sent] == [(cert.id, "fraud", None),
                                                                              (copy.id, "fraud", None)]
    entry = audits("certificate.revoked")[0]
    assert (entry.actor_id, entry.reason, entry.data["ground"]) == (actor.id, "Thi hộ, biên bản số 12", "fraud")

    page = client.get(f"/verify/{cert.verification_code}").get_data(as_text=True)
    assert "verdict-revoked" in page and "Fraud in enrolment or study" in page
    assert "Thi hộ" not in page  # the note is for the register, not the public
    status = client.get(f"/verify/{cert.verification_code}.json").get_json()["status"]
    assert (status["state"], status["revocation_ground"]) == ("revoked", "fraud")
    # Nothing is issued again for the revoked certificate without a new completion.
    verdict = next(v for v in class_eligibility(cert.class_id, DAY).verdicts
                   if v.candidate.official_id == cert.official_id)
    assert verdict.outcome == "not_eligible" and [r.code for r in verdict.reasons] == ["revoked"]


def test_revoking_twice_does_it_once(issue_class, recorded_events):
    _, (cert,) = issue_class(names=("Đặng Quốc Bảo",))
    lifecycle.revoke(cert, ground="lent", note="Cho người khác mượn", actor_id=None)
    with pytest.raises(lifecycle.AlreadyDone):
        lifecycle.revoke(cert, ground="lent", note="Cho người khác mượn", actor_id=None)
    assert [n for n, _ in recorded_events].count("certificate_revoked") == 1
    assert len(audits("certificate.revoked")) == 1


@pytest.mark.parametrize("ground, note, message", [("fraud", "   ", "Write down why"),
                                                   ("because", "x", "legal grounds")])
def test_revoking_needs_a_legal_ground_and_a_note(issue_class, ground, note, message):
    _, (cert,) = issue_class(names=("Đặng Quốc Bảo",))
    with pytest.raises(DomainError) as raised:
        lifecycle.revoke(cert, ground=ground, note=note, actor_id=None)
    assert message in english(raised.value)
    assert cert.status is Status.valid


def test_a_copy_points_to_the_original_and_adds_no_credit(issue_class, client, recorded_events):
    _, (cert,) = issue_class(names=("Nguyễn Thị Ngọc Hường",))
    copy = lifecycle.reissue_copy(cert, reason="Bị mất khi chuyển công tác", actor_id=None, request_key="k1",
                                  today=DAY)
    again = lifecycle.reissue_copy(cert, reason="Bị mất khi chuyển công tác", actor_id=None, request_key="k1",
                                   today=DAY)
    db.session.commit()
    assert again.id == copy.id
    assert db.session.scalar(select(func.count()).select_from(Certificate)) == 2
    assert (copy.variant, copy.original_id, copy.register_number) == (Variant.copy, cert.id, "00002/2025")
    assert copy.verification_code != cert.verification_code and copy.holder_name == cert.holder_name
    assert cert.status is Status.valid
    issued = [p for n, p in recorded_events if n == "certificate_issued" and p.certificate_id == copy.id]
    assert issued[0].copy_of == cert.id
    assert audits("certificate.copied")[0].reason == "Bị mất khi chuyển công tác"
    original_page = client.get(f"/verify/{cert.verification_code}").get_data(as_text=True)
    assert "Copies issued" in original_page and "00002/2025" in original_page
    copy_page = client.get(f"/verify/{copy.verification_code}").get_data(as_text=True)
    assert "Re-issued copy of" in copy_page and cert.register_number in copy_page
    assert "BẢN CẤP LẠI" in text_of(render.render_pdf(copy))
    # A copy of a copy is a copy of the original.
    second = lifecycle.reissue_copy(copy, reason="Lại mất", actor_id=None, today=DAY)
    assert second.original_id == cert.id


def test_a_correction_supersedes_the_old_certificate(issue_class, client, recorded_events):
    _, (cert,) = issue_class(names=("Nguyễn Thị Ngọc Hương",))
    copy = lifecycle.reissue_copy(cert, reason="Mất", actor_id=None, today=DAY)
    fixed = lifecycle.Correction(holder_name="Nguyễn Thị Ngọc Hường", holder_birth_date=date(1987, 6, 15),
                                 course_title_vi=cert.course_title_vi, course_title_en=cert.course_title_en,
                                 periods=cert.periods, starts_on=cert.starts_on, ends_on=cert.ends_on, content_area="")
    new = lifecycle.correct(cert, fixed, reason="Sai dấu trong tên", actor_id=None, request_key="c1", today=DAY)
    assert lifecycle.correct(cert, fixed, reason="Sai dấu trong tên", actor_id=None, request_key="c1",
                             today=DAY).id == new.id
    db.session.commit()
    assert (new.variant, new.supersedes_id, new.holder_name) == (Variant.correction, cert.id, "Nguyễn Thị Ngọc Hường")
    assert (cert.status, cert.superseded_by_id) == (Status.superseded, new.id)
    assert (copy.status, copy.superseded_by_id) == (Status.superseded, new.id)
    revoked = [(p.certificate_id, p.ground, p.superseded_by) for n, p in recorded_events if n == "certificate_revoked"]
    assert revoked == [(cert.id, "superseded", new.id), (copy.id, "superseded", new.id)]
    assert [p.certificate_id for n, p in recorded_events if n == "certificate_issued"][-1] == new.id
    old_page = client.get(f"/verify/{cert.verification_code}").get_data(as_text=True)
    assert "verdict-superseded" in old_page and f"/verify/{new.verification_code}" in old_page
    assert client.get(f"/verify/{cert.verification_code}.json").get_json()["status"]["superseded_by"].endswith(
        new.verification_code)
    assert "Thay thế giấy chứng nhận số vào sổ" in text_of(render.render_pdf(new))
    with pytest.raises(lifecycle.AlreadyDone):
        lifecycle.correct(cert, fixed, reason="again", actor_id=None, today=DAY)
    # The class is not issued again: the corrected certificate is the official's current one.
    verdict = next(v for v in class_eligibility(cert.class_id, DAY).verdicts)
    assert verdict.outcome == "issued" and verdict.current.id == new.id


def test_a_correction_must_change_something(issue_class):
    _, (cert,) = issue_class(names=("Đặng Quốc Bảo",))
    same = lifecycle.Correction(holder_name=cert.holder_name, holder_birth_date=cert.holder_birth_date,
                                course_title_vi=cert.course_title_vi, course_title_en=cert.course_title_en,
                                periods=cert.periods, starts_on=cert.starts_on, ends_on=cert.ends_on, content_area="")
    with pytest.raises(DomainError) as raised:
        lifecycle.correct(cert, same, reason="x", actor_id=None)
    assert "Nothing was changed" in english(raised.value)


def test_who_may_act_follows_mergers(issue_class, school, make_school, admin_of, make_user):
    _, (cert,) = issue_class(names=("Đặng Quốc Bảo",))
    own, stranger = admin_of(school), admin_of(make_school("Trường khác", code="KHAC"))
    assert lifecycle.may_manage(own, cert) and not lifecycle.may_manage(stranger, cert)
    successor = make_school("Trường sau sáp nhập", code="MOI")
    school.successor_id, school.active = successor.id, False
    assert not lifecycle.may_manage(own, cert) and lifecycle.may_manage(admin_of(successor), cert)
    successor.active = False  # dissolved: only the body above (platform administrators)
    assert not lifecycle.may_manage(admin_of(successor), cert)
    assert lifecycle.may_manage(make_user(roles=[Role.admin]), cert)
    # A copy made now is registered and signed by the successor.
    successor.active = True
    copy = lifecycle.reissue_copy(cert, reason="Mất", actor_id=None, today=DAY)
    assert (copy.school_id, copy.register_number, copy.layout["school_name"]) == (successor.id, "00001/2025",
                                                                                  "Trường sau sáp nhập")


def test_the_revoke_form_is_for_the_school_and_works_once(issue_class, school, admin_of, login, make_user):
    _, (cert,) = issue_class(names=("Đặng Quốc Bảo",))
    holder = db.session.get(Certificate, cert.id)
    client = login(admin_of(school))
    page = client.get(f"/certificates/{cert.id}").get_data(as_text=True)
    assert "Revoke the certificate" in page
    data = {"ground": "school_error", "note": "Nhầm lớp"}
    response = client.post(f"/certificates/{cert.id}/revoke", data=data)
    assert response.status_code == 302
    response = client.post(f"/certificates/{cert.id}/revoke", data=data, follow_redirects=True)
    assert "already revoked" in response.get_data(as_text=True)
    assert len(audits("certificate.revoked")) == 1
    assert holder.status is Status.revoked
    page = client.get(f"/certificates/{cert.id}").get_data(as_text=True)
    assert "Nhầm lớp" in page and "History" in page


def test_others_cannot_act(issue_class, login, make_user, make_school, admin_of):
    setup, (cert,) = issue_class(names=("Đặng Quốc Bảo",))
    client = login(admin_of(make_school("Trường khác", code="KHAC2")))
    assert client.post(f"/certificates/{cert.id}/revoke", data={"ground": "fraud", "note": "x"}).status_code == 404
    db.session.refresh(cert)
    assert cert.status is Status.valid


def test_the_holder_sees_but_cannot_act(issue_class, login):
    setup, (cert,) = issue_class(names=("Đặng Quốc Bảo",))
    user, _ = setup.learners[0]
    client = login(user)
    page = client.get(f"/certificates/{cert.id}").get_data(as_text=True)
    assert "Revoke the certificate" not in page
    assert client.post(f"/certificates/{cert.id}/copy", data={"reason": "x"}).status_code == 403


def test_correct_and_copy_forms(issue_class, school, admin_of, login):
    _, (cert,) = issue_class(names=("Nguyễn Thị Ngọc Hương",))
    client = login(admin_of(school))
    response = client.post(f"/certificates/{cert.id}/copy", data={"reason": "Mất", "request_key": "abc"})
    assert response.status_code == 302
    assert client.post(f"/certificates/{cert.id}/copy", data={"reason": "Mất", "request_key": "abc"}).status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Certificate)) == 2
    form = {"holder_name": "Nguyễn Thị Ngọc Hường", "holder_birth_date": "1987-06-15",
            "course_title_vi": cert.course_title_vi, "course_title_en": cert.course_title_en, "periods": "40",
            "starts_on": "2025-03-03", "ends_on": "2025-03-28", "content_area": "", "reason": "Sai tên",
            "request_key": "fix-1"}
    response = client.post(f"/certificates/{cert.id}/correct", data=form)
    assert response.status_code == 302
    new = db.session.scalar(select(Certificate).where(Certificate.variant == Variant.correction))
    assert new.holder_name == "Nguyễn Thị Ngọc Hường" and response.headers["Location"].endswith(f"/{new.id}")
    bad = dict(form, ends_on="2025-01-01", request_key="fix-2")
    response = client.post(f"/certificates/{new.id}/correct", data=bad)
    assert response.status_code == 400 and "cannot end before it starts" in response.get_data(as_text=True)
