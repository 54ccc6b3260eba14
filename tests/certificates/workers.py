"""Worker processes for the concurrency tests: each builds its own app over the shared test database."""
from __future__ import annotations

from pathlib import Path


def _app(database_url: str, instance_root: str, catalog):
    from lms.core.app import create_app
    from lms.core.catalog import provide
    from tests.conftest import make_config

    app = create_app(make_config(database_url, Path(instance_root)))
    provide(app, catalog)
    return app


def issue_class(database_url: str, instance_root: str, catalog, class_id: int, barrier, results) -> None:
    """Issue a class once every worker is ready; report (class, how many issued, error)."""
    from lms.certificates.services.issuing import issue_for_class
    from lms.core.db import db

    app = _app(database_url, instance_root, catalog)
    with app.app_context():
        try:
            barrier.wait(timeout=120)
            report, _ = issue_for_class(class_id, actor_id=None)
            db.session.commit()
            results.put(("class", class_id, len(report.issued), None))
        except Exception as exc:  # the parent asserts on it
            db.session.rollback()
            results.put(("class", class_id, 0, repr(exc)))
        finally:
            db.session.remove()
            db.engine.dispose()


def complete_course(database_url: str, instance_root: str, catalog, payload, barrier, results) -> None:
    """Send one course_completed event once every worker is ready (the way courses would)."""
    from lms.core import events
    from lms.core.db import db

    app = _app(database_url, instance_root, catalog)
    with app.app_context():
        try:
            barrier.wait(timeout=120)
            events.send(events.course_completed, payload)
            db.session.commit()
            results.put(("event", payload.user_id, 1, None))
        except Exception as exc:
            db.session.rollback()
            results.put(("event", payload.user_id, 0, repr(exc)))
        finally:
            db.session.remove()
            db.engine.dispose()
