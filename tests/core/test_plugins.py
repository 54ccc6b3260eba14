"""Plugin loading: entry points, the enable list, clear failures, any subset, a third-party plugin."""
from __future__ import annotations

import importlib.metadata
import sys

import pytest

from lms.core import events
from lms.core.db import utcnow
from lms.core.plugins import PluginError


@pytest.fixture
def installed_test_plugins(tmp_path, monkeypatch):
    """Install tests/plugins/* as a real distribution: a dist-info folder with entry points."""
    dist = tmp_path / "lms_test_plugins-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: lms-test-plugins\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text(
        "[lms.plugins]\nhello = tests.plugins.hello:plugin\nbroken = tests.plugins.broken:plugin\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    importlib.invalidate_caches()
    yield
    sys.modules.pop("tests.plugins.broken", None)


def test_every_entry_point_of_the_project_resolves():
    names = {ep.name: ep for ep in importlib.metadata.entry_points(group="lms.plugins")}
    assert {"courses", "quizzes", "certificates"} <= set(names)
    for name, entry_point in names.items():
        if entry_point.value.startswith("lms."):
            assert entry_point.load().name == name


def test_unknown_plugin_stops_start_up(app_factory):
    with pytest.raises(PluginError, match="Unknown plugin 'nosuch'"):
        app_factory(PLUGINS=["courses", "nosuch"])


def test_broken_plugin_stops_start_up_naming_it(app_factory, installed_test_plugins):
    with pytest.raises(PluginError, match="Plugin 'broken' failed to load.*nonexistent_lib"):
        app_factory(PLUGINS=["broken"])


@pytest.mark.parametrize("enabled", [[], ["courses"], ["quizzes"], ["certificates"], ["courses", "quizzes"],
                                     ["courses", "quizzes", "certificates"]])
def test_app_boots_with_any_subset(app_factory, enabled):
    app = app_factory(PLUGINS=enabled)
    client = app.test_client()
    assert client.get("/").status_code == 200
    assert client.get("/healthz").json == {"status": "ok", "database": "ok"}
    assert set(app.extensions["lms"]["plugins"]) == set(enabled)
    for name in ("courses", "quizzes", "certificates"):
        assert (name in app.blueprints) == (name in enabled)


def test_a_plugin_from_tests_adds_a_page_a_job_and_a_receiver(app_factory, installed_test_plugins):
    from tests.plugins import hello

    app = app_factory(PLUGINS=["hello"])
    response = app.test_client().get("/hello/")
    assert response.status_code == 200 and b"Hello plugin" in response.data
    jobs = {job.id: job for job in app.extensions["lms"]["jobs"]}
    assert "hello.count" in jobs
    jobs["hello.count"].func()
    assert hello.job_runs
    payload = events.CourseCompleted(user_id=1, course_id=2, course_key="k", enrolment_id=3, completed_at=utcnow())
    with app.app_context():
        events.send(events.course_completed, payload)
    assert hello.received[-1] == payload


def test_receiver_of_a_disabled_plugin_does_not_run(app_factory, installed_test_plugins):
    from tests.plugins import hello

    app_factory(PLUGINS=["hello"])  # connects the receiver process-wide
    other = app_factory(PLUGINS=[])
    before = len(hello.received)
    with other.app_context():
        events.send(events.course_completed, events.CourseCompleted(
            user_id=1, course_id=2, course_key="k", enrolment_id=3, completed_at=utcnow()))
    assert len(hello.received) == before


def test_requires_orders_plugins_and_missing_requirement_fails():
    from lms.core.plugins import Plugin, _order_by_requirements

    class A(Plugin):
        name = "a"
        requires = ("b",)

    class B(Plugin):
        name = "b"

    assert list(_order_by_requirements({"a": A(), "b": B()})) == ["b", "a"]
    with pytest.raises(PluginError, match="requires plugin 'b'"):
        _order_by_requirements({"a": A()})
