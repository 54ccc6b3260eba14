"""Electing one scheduler among several processes (one per machine) through the database.

- PostgreSQL: `pg_try_advisory_lock` on a dedicated connection kept for the process's lifetime. When
  the process dies, however it dies, the server ends its session and the lock is free at once.
- SQLite (one machine): a lease row with an expiry, renewed by the holder's heartbeat; a standby
  takes the lease once it is older than SCHEDULER_LEASE_SECONDS (under a minute).

Both write the lease row (holder, renewed) so the admin page can say which node leads.
"""
from __future__ import annotations

import logging
from datetime import timedelta

from flask import Flask
from sqlalchemy import create_engine, delete, or_, select, text, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.pool import NullPool

from lms.core.db import db, utcnow
from lms.core.scheduler.models import SchedulerLease

log = logging.getLogger("lms.scheduler")
LEASE_NAME = "scheduler"


class Leadership:
    """`acquire()` -> bool, then `renew()` -> bool on every heartbeat while leading, `release()` at the end."""

    def __init__(self, app: Flask, node: str) -> None:
        self.app = app
        self.node = node
        self.lease_seconds = int(app.config["SCHEDULER_LEASE_SECONDS"])

    def acquire(self) -> bool:
        raise NotImplementedError

    def renew(self) -> bool:
        raise NotImplementedError

    def release(self) -> None:
        raise NotImplementedError

    # The lease row: the lock itself on SQLite, a notice board on PostgreSQL.
    def _take_lease(self, *, force: bool) -> bool:
        now = utcnow()
        expires = now + timedelta(seconds=self.lease_seconds)
        with self.app.app_context():
            try:
                condition = [SchedulerLease.name == LEASE_NAME]
                if not force:
                    condition.append(or_(SchedulerLease.holder == self.node, SchedulerLease.expires_at < now))
                taken = db.session.execute(update(SchedulerLease).where(*condition).values(
                    holder=self.node, acquired_at=now, renewed_at=now, expires_at=expires)).rowcount
                if not taken:
                    exists = db.session.scalar(select(SchedulerLease.name).where(SchedulerLease.name == LEASE_NAME))
                    if exists:
                        db.session.rollback()
                        return False
                    db.session.add(SchedulerLease(name=LEASE_NAME, holder=self.node, acquired_at=now,
                                                  renewed_at=now, expires_at=expires))
                db.session.commit()
                return True
            except IntegrityError:  # another standby inserted the first lease row at the same moment
                db.session.rollback()
                return False

    def _renew_lease(self) -> bool:
        now = utcnow()
        with self.app.app_context():
            renewed = db.session.execute(update(SchedulerLease).where(
                SchedulerLease.name == LEASE_NAME, SchedulerLease.holder == self.node).values(
                renewed_at=now, expires_at=now + timedelta(seconds=self.lease_seconds))).rowcount
            db.session.commit()
            return bool(renewed)

    def _drop_lease(self) -> None:
        with self.app.app_context():
            db.session.execute(delete(SchedulerLease).where(SchedulerLease.name == LEASE_NAME,
                                                            SchedulerLease.holder == self.node))
            db.session.commit()


class LeaseLeadership(Leadership):
    """SQLite: the lease row is the lock."""

    def acquire(self) -> bool:
        return self._take_lease(force=False)

    def renew(self) -> bool:
        return self._renew_lease()

    def release(self) -> None:
        self._drop_lease()


class AdvisoryLockLeadership(Leadership):
    """PostgreSQL: a session-level advisory lock on a connection of its own."""

    def __init__(self, app: Flask, node: str) -> None:
        super().__init__(app, node)
        self.key = int(app.config["SCHEDULER_LOCK_KEY"])
        # Outside the pool: this connection lives as long as the process and is never shared.
        self.engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"], poolclass=NullPool,
                                    isolation_level="AUTOCOMMIT",
                                    connect_args={"application_name": f"lms-scheduler {node}"[:63],
                                                  "keepalives": 1, "keepalives_idle": 10,
                                                  "keepalives_interval": 5, "keepalives_count": 3})
        self.connection: Connection | None = None

    def acquire(self) -> bool:
        try:
            if self.connection is None:
                self.connection = self.engine.connect()
            got = self.connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": self.key}).scalar()
        except SQLAlchemyError as problem:
            log.warning("scheduler lock: database unreachable (%s)", problem.__class__.__name__)
            self._close()
            return False
        if got:
            self._take_lease(force=True)
        return bool(got)

    def renew(self) -> bool:
        """Still holding? The connection must answer and the server must still list our lock."""
        try:
            held = self.connection.execute(text(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
                "AND objsubid = 1 AND pid = pg_backend_pid() AND ((classid::bigint << 32) | objid::bigint) = :key"),
                {"key": self.key}).scalar()
        except (SQLAlchemyError, AttributeError) as problem:
            log.warning("scheduler lock: lost the lock connection (%s)", problem.__class__.__name__)
            self._close()
            return False
        if not held:
            return False
        try:
            if not self._renew_lease():
                self._take_lease(force=True)
        except SQLAlchemyError:
            log.warning("scheduler lock: could not update the lease row", exc_info=True)
        return True

    def release(self) -> None:
        try:
            if self.connection is not None:
                self.connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": self.key})
            self._drop_lease()
        except SQLAlchemyError:
            log.warning("scheduler lock: could not release cleanly", exc_info=True)
        finally:
            self._close()

    def _close(self) -> None:
        if self.connection is not None:
            try:
                self.connection.close()
            except SQLAlchemyError:
                pass
            self.connection = None


def leadership_for(app: Flask, node: str) -> Leadership:
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        return AdvisoryLockLeadership(app, node)
    return LeaseLeadership(app, node)
