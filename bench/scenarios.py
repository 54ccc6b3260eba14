"""The load scenarios. Each takes the running server and the run's settings and returns its figures.

A scenario whose plugin or page is missing says so (`skipped`) instead of failing the run.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from bench.harness import Server, cookie_header, csrf_token, login, query, run_journeys, run_wrk, timed

PASSWORD = "bench12345"


@dataclass
class Settings:
    seconds: int = 15
    connections: int = 32
    users: int = 32
    smoke: bool = False


def official_logins(n: int) -> list[str]:
    return [f"BS{i * 7:07d}" for i in range(n)]


def _sessions(server: Server, identifiers: list[str]) -> list[str]:
    return [cookie_header(login(server.base_url, identifier, PASSWORD)) for identifier in identifiers]


def bare(server: Server, settings: Settings) -> dict:
    """The ceiling: a route that touches nothing, on the same server in the same run."""
    return run_wrk(server, ["/ping"], [], connections=settings.connections, seconds=settings.seconds)


def log_in(server: Server, settings: Settings) -> dict:
    """GET the form, POST the credentials (scrypt makes this deliberately costly)."""
    def journey(identifier):
        timings = []
        client = httpx.Client(base_url=server.base_url, timeout=60)
        page = timed(client, "GET", "/login", timings)
        timed(client, "POST", "/login", timings, expect=(302,),
              data={"csrf_token": csrf_token(page.text), "identifier": identifier, "password": PASSWORD})
        return timings
    users = official_logins(settings.users * (1 if settings.smoke else 4))
    return run_journeys(server, journey, users, concurrency=settings.connections)


def officials_list(server: Server, settings: Settings) -> dict:
    """A unit manager's searchable list of the officials of the province (50 a page)."""
    cookies = _sessions(server, ["bench-manager@binhson.example.vn"])
    return run_wrk(server, ["/org/officials", "/org/officials?q=nguyen", "/org/officials?page=40"], cookies,
                   connections=settings.connections, seconds=settings.seconds)


def home_page(server: Server, settings: Settings) -> dict:
    """The home page of a logged-in official."""
    cookies = _sessions(server, official_logins(settings.users))
    return run_wrk(server, ["/"], cookies, connections=settings.connections, seconds=settings.seconds)


def records_manager_pages(server: Server, settings: Settings) -> dict:
    """The training record for the province's unit manager: the dashboard, the report, a commune's who-is-behind."""
    cookies = _sessions(server, ["bench-manager@binhson.example.vn"])
    return run_wrk(server, ["/records/dashboard", "/records/report", "/records/dashboard/behind?unit=2"], cookies,
                   connections=settings.connections, seconds=settings.seconds)


def records_own_record(server: Server, settings: Settings) -> dict:
    """An official's own training record page (this year, with requirement progress)."""
    cookies = _sessions(server, official_logins(settings.users))
    return run_wrk(server, ["/records/"], cookies, connections=settings.connections, seconds=settings.seconds)


# --- courses and quizzes -----------------------------------------------------------------------

# The courses issue's target: at 32 concurrent users the lesson page serves at least half the requests
# per second of the bare endpoint; so it is measured at 32 connections whatever the run's default.
LESSON_CONNECTIONS = 32


def enrolled_logins(server: Server, n: int, *, course_id: int | None = None, at_least: int = 1) -> list[str]:
    """Officials with active enrolments (in `course_id`, or in `at_least` courses), by login code."""
    if course_id is not None:
        rows = query(server, "SELECT u.login_code FROM core_users u JOIN courses_enrolments e ON e.user_id = u.id "
                             "WHERE e.course_id = %s AND e.status = 'active' AND u.login_code LIKE 'BS%%' "
                             "ORDER BY u.login_code LIMIT %s", (course_id, n))
    else:
        rows = query(server, "SELECT u.login_code FROM core_users u JOIN courses_enrolments e ON e.user_id = u.id "
                             "WHERE e.status = 'active' AND u.login_code LIKE 'BS%%' GROUP BY u.login_code "
                             "HAVING count(*) >= %s ORDER BY u.login_code LIMIT %s", (at_least, n))
    return [r[0] for r in rows]


def busiest_course(server: Server) -> tuple[int, str] | None:
    """The seed course (from content/) with the most learners, else any course with learners."""
    rows = query(server, "SELECT c.id, c.key FROM courses_courses c JOIN courses_enrolments e ON e.course_id = c.id "
                         "WHERE e.status = 'active' GROUP BY c.id, c.key, c.sample "
                         "ORDER BY c.sample DESC, count(*) DESC, c.key LIMIT 1")
    return (rows[0][0], rows[0][1]) if rows else None


def my_learning(server: Server, settings: Settings) -> dict:
    """An enrolled official's "My learning": every course they are in, with progress and due dates."""
    users = enrolled_logins(server, settings.users, at_least=2) or enrolled_logins(server, settings.users)
    if not users:
        return {"skipped": "nobody is enrolled (courses plugin off?)"}
    return run_wrk(server, ["/courses/my"], _sessions(server, users), connections=settings.connections,
                   seconds=settings.seconds)


def lesson_page(server: Server, settings: Settings) -> dict:
    """Officials enrolled in a course opening its lesson pages (a first view records progress; repeats write
    nothing)."""
    course = busiest_course(server)
    if course is None:
        return {"skipped": "no course has learners"}
    course_id, key = course
    pages = [r[0] for r in query(server, "SELECT a.key FROM courses_activities a JOIN courses_sections s "
                                         "ON s.id = a.section_id WHERE a.course_id = %s AND a.type = 'page' "
                                         "ORDER BY s.position, a.position", (course_id,))]
    users = enrolled_logins(server, settings.users, course_id=course_id)
    if not pages or not users:
        return {"skipped": f"course {key} has no lesson pages or learners"}
    return run_wrk(server, [f"/courses/c/{key}/a/{page}" for page in pages], _sessions(server, users),
                   connections=settings.connections if settings.smoke else LESSON_CONNECTIONS,
                   seconds=settings.seconds)


def course_page(server: Server, settings: Settings) -> dict:
    """The course page of an enrolled official: the outline with their progress on every activity."""
    course = busiest_course(server)
    if course is None:
        return {"skipped": "no course has learners"}
    course_id, key = course
    users = enrolled_logins(server, settings.users, course_id=course_id)
    return run_wrk(server, [f"/courses/c/{key}"], _sessions(server, users), connections=settings.connections,
                   seconds=settings.seconds)


ANSWER_FIELD = re.compile(r'name="q(\d+)" value="([^"]+)"')


def quiz_attempt(server: Server, settings: Settings) -> dict:
    """A course's quiz taken over HTTP: the quiz page, start, each page of questions with every answer
    saved as the page's script does (one POST each), the summary, submit, the review. Officials enrolled
    in the course who have not tried it yet; logging in is not timed."""
    rows = query(server, "SELECT a.course_id, a.ref FROM courses_activities a JOIN courses_courses c "
                         "ON c.id = a.course_id WHERE a.type = 'quiz' ORDER BY c.sample DESC, c.key, a.id LIMIT 1")
    if not rows:
        return {"skipped": "no course has a quiz (quizzes plugin off?)"}
    course_id, quiz_id = rows[0][0], int(rows[0][1])
    wanted = settings.users * (1 if settings.smoke else 2)
    users = [r[0] for r in query(
        server, "SELECT u.login_code FROM core_users u JOIN courses_enrolments e ON e.user_id = u.id "
                "WHERE e.course_id = %s AND u.login_code LIKE 'BS%%' AND NOT EXISTS (SELECT 1 FROM quizzes_attempts t "
                "WHERE t.user_id = u.id AND t.quiz_id = %s) ORDER BY u.login_code LIMIT %s",
        (course_id, quiz_id, wanted))]
    if not users:
        return {"skipped": "everyone enrolled has tried the quiz"}

    def journey(identifier):
        timings = []
        client = login(server.base_url, identifier, PASSWORD)
        page = timed(client, "GET", f"/quizzes/{quiz_id}", timings, expect=(200,))
        started = timed(client, "POST", f"/quizzes/{quiz_id}/start", timings, expect=(302,),
                        data={"csrf_token": csrf_token(page.text)})
        attempt_url = started.headers["location"]
        attempt_id = int(re.search(r"/attempts/(\d+)", attempt_url).group(1))
        page = timed(client, "GET", attempt_url, timings, expect=(200,))
        pages = max([int(p) for p in re.findall(r'value="page-(\d+)"', page.text)] or [0]) + 1
        token, seq = csrf_token(page.text), 0
        for number in range(pages):
            if number:
                page = timed(client, "GET", f"/quizzes/attempts/{attempt_id}?page={number}", timings, expect=(200,))
            answered = set()
            for slot, value in ANSWER_FIELD.findall(page.text):
                if slot in answered:
                    continue
                answered.add(slot)
                seq += 1
                timed(client, "POST", f"/quizzes/attempts/{attempt_id}/answer", timings, expect=(200,),
                      data={"csrf_token": token, "slot": slot, f"q{slot}": value, "seq": seq, "page": number})
        timed(client, "GET", f"/quizzes/attempts/{attempt_id}/summary", timings, expect=(200,))
        timed(client, "POST", f"/quizzes/attempts/{attempt_id}/submit", timings, expect=(302,),
              data={"csrf_token": token})
        timed(client, "GET", f"/quizzes/attempts/{attempt_id}/review", timings, expect=(200,))
        if not seq:
            raise RuntimeError("the attempt showed no question to answer")
        return timings
    return run_journeys(server, journey, users, concurrency=settings.connections)


SCENARIOS: dict[str, Callable[[Server, Settings], dict]] = {
    "bare endpoint (/ping)": bare,
    "log in": log_in,
    "official's home page": home_page,
    "officials list (unit manager)": officials_list,
    "training record: official's own record": records_own_record,
    "training record: dashboard, report, who is behind (province manager)": records_manager_pages,
    "courses: My learning (enrolled official)": my_learning,
    "courses: lesson page (enrolled official, 32 connections)": lesson_page,
    "courses: course page (enrolled official)": course_page,
    "quizzes: take a course quiz (start, answer, submit, review)": quiz_attempt,
}
