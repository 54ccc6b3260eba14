"""Expiry and renewal, modelled on Totara's certifications.

- active period: a rule's `validity_months`; a certificate without one never expires;
- renewal window: `renewal_window_days` before expiry the window opens: the official is told, and
  `recertification_due` asks courses to open the course again for a new cycle;
- expiry base: a renewal completed on time runs from the old expiry ("expiry"), otherwise from the
  completion ("completion"); see `issuing.expiry_for`;
- on its expiry date a certificate becomes expired (the daily job; the verify page already says so).
"""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, insert, select, update

from lms.certificates.models import Certificate, CertificateRule, Status, Variant
from lms.core import events
from lms.core.db import db, utcnow
from lms.core.models import AuditEntry, Grant, Official, Role, Unit, User

DEFAULT_WINDOW_DAYS = 60


def expire_due(today: date) -> list[int]:
    """Mark every valid certificate whose expiry date has come as expired (audited); returns their ids."""
    ids = list(db.session.scalars(select(Certificate.id).where(
        Certificate.status == Status.valid, Certificate.expires_on.is_not(None), Certificate.expires_on <= today)))
    if not ids:
        return []
    for start in range(0, len(ids), 5000):
        chunk = ids[start:start + 5000]
        db.session.execute(update(Certificate).where(Certificate.id.in_(chunk), Certificate.status == Status.valid)
                           .values(status=Status.expired), execution_options={"synchronize_session": False})
    now = utcnow()
    db.session.execute(insert(AuditEntry), [dict(at=now, actor_id=None, action="certificate.expired",
                                                 target_type="certificate", target_id=str(i), reason="expiry date",
                                                 data={}) for i in ids])
    db.session.expire_all()
    return ids


def window_opens_on(expires_on: date, window_days: int | None) -> date:
    return expires_on - timedelta(days=DEFAULT_WINDOW_DAYS if window_days is None else window_days)


def open_renewals(today: date) -> list[int]:
    """Open the renewal window of certificates that reached it (once each); returns their ids."""
    widest = max(db.session.scalar(select(func.max(CertificateRule.renewal_window_days))) or 0, DEFAULT_WINDOW_DAYS)
    rows = db.session.execute(
        select(Certificate, CertificateRule.renewal_window_days)
        .outerjoin(CertificateRule, Certificate.rule_id == CertificateRule.id)
        .where(Certificate.status == Status.valid, Certificate.expires_on.is_not(None),
               Certificate.renewal_opened_on.is_(None), Certificate.variant != Variant.copy,
               Certificate.expires_on <= today + timedelta(days=widest))).all()
    opened = []
    for cert, window_days in rows:
        if today < window_opens_on(cert.expires_on, window_days):
            continue
        cert.renewal_opened_on = today
        opened.append(cert)
    db.session.flush()
    for cert in opened:
        events.send(events.recertification_due, events.RecertificationDue(
            certificate_id=cert.id, official_id=cert.official_id, user_id=cert.user_id, course_id=cert.course_id,
            course_key=cert.course_key, cycle=cert.cycle + 1, expires_on=cert.expires_on))
    return [c.id for c in opened]


def due_for_reminder(today: date, days_before: int):
    """Certificates (originals and corrections) that expire exactly `days_before` days from today."""
    return list(db.session.scalars(select(Certificate).where(
        Certificate.status == Status.valid, Certificate.variant != Variant.copy,
        Certificate.expires_on == today + timedelta(days=days_before))))


def renewed(cert: Certificate) -> bool:
    """Has the official already got the next cycle's certificate for this course?"""
    return db.session.scalar(select(Certificate.id).where(
        Certificate.official_id == cert.official_id, Certificate.course_key == cert.course_key,
        Certificate.cycle > cert.cycle, Certificate.status.in_([Status.valid, Status.expired])).limit(1)) is not None


def reminder_windows(days: list[int], today: date) -> list[tuple[int, date, date]]:
    """(threshold, first expiry date, last expiry date): 30 covers 8..30 days ahead, 7 covers 1..7."""
    ordered = sorted({d for d in days if d > 0}, reverse=True)
    windows = []
    for i, threshold in enumerate(ordered):
        smaller = ordered[i + 1] if i + 1 < len(ordered) else 0
        windows.append((threshold, today + timedelta(days=smaller + 1), today + timedelta(days=threshold)))
    return windows


def unit_managers(official_ids: set[int]) -> dict[int, list[int]]:
    """Per official, the accounts managing the nearest unit above (or at) theirs that has a manager."""
    if not official_ids:
        return {}
    paths = dict(db.session.execute(select(Official.id, Unit.path).join(Unit, Official.unit_id == Unit.id)
                                    .where(Official.id.in_(official_ids))).all())
    unit_ids = {int(part) for path in paths.values() for part in path.strip("/").split("/") if part}
    managers: dict[int, list[int]] = {}
    for user_id, unit_id in db.session.execute(select(Grant.user_id, Grant.unit_id).join(User, User.id == Grant.user_id)
                                               .where(Grant.role == Role.unit_manager,
                                                      Grant.unit_id.in_(unit_ids or {0}), User.active.is_(True))):
        managers.setdefault(unit_id, []).append(user_id)
    found = {}
    for official_id, path in paths.items():
        chain = [int(part) for part in reversed(path.strip("/").split("/")) if part]
        found[official_id] = next((sorted(managers[u]) for u in chain if u in managers), [])
    return found


def send_reminders(today: date, days: list[int]) -> int:
    """Remind holders, and their unit managers, that a certificate expires soon (once per threshold)."""
    from lms.core.notifications import notify  # built in parallel; imported when the job runs

    sent = 0
    for threshold, first, last in reminder_windows(days, today):
        due = list(db.session.scalars(select(Certificate).where(
            Certificate.status == Status.valid, Certificate.variant != Variant.copy,
            Certificate.expires_on.between(first, last)).order_by(Certificate.expires_on, Certificate.id)))
        due = [c for c in due if not renewed(c)]
        holders = dict(db.session.execute(select(User.official_id, User.id).where(
            User.official_id.in_({c.official_id for c in due} or {0}), User.active.is_(True))).all())
        managers = unit_managers({c.official_id for c in due})
        for cert in due:
            params = {"holder_name": cert.holder_name, "course_title": cert.course_title_vi,
                      "register_number": cert.register_number, "expires_on": cert.expires_on.strftime("%d/%m/%Y"),
                      "days_left": (cert.expires_on - today).days, "school_name": cert.school_name_vi}
            link = f"/certificates/{cert.id}"
            holder = cert.user_id or holders.get(cert.official_id)
            if holder is not None and notify(holder, "certificates/expiry_reminder", params, link=link,
                                             dedupe_key=f"certificates:expiry:{cert.id}:{threshold}"):
                sent += 1
            for manager in managers.get(cert.official_id, []):
                if manager != holder and notify(
                        manager, "certificates/expiry_reminder_manager", params, link=link,
                        dedupe_key=f"certificates:expiry:{cert.id}:{threshold}:manager:{manager}"):
                    sent += 1
    return sent
