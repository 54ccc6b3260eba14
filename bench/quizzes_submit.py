"""Benchmark: an exam rush on one quiz of 30 questions. Prints figures; asserts nothing about time.

    .venv/bin/python bench/quizzes_submit.py                 # PostgreSQL scratch database (SQLite if none)
    .venv/bin/python bench/quizzes_submit.py --officials 2000 --workers 4
    .venv/bin/python bench/quizzes_submit.py --sqlite        # SQLite file in a temporary folder

What it measures, each phase committing like a request does:
- start: each official starts an attempt (questions drawn, shuffled, 30 rows written);
- save: every answer saved on its own (30 per official), as the page's script posts them;
- submit: SQL statements and latency of one submit (lock, grade 30 answers set-based, grade, event);
- rush: the remaining officials submit at once from N worker processes (each its own connection);
- http: the same answer and submit requests through Flask (session, routing, JSON).
Then it checks that no answer was lost: every attempt graded, every answer saved.
PostgreSQL on 127.0.0.1:5432 (or LMS_BENCH_POSTGRES_URL); the scratch database is dropped at the end.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
POSTGRES_SERVER = os.environ.get("LMS_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


@contextmanager
def scratch_database(use_sqlite: bool):
    if not use_sqlite:
        try:
            import psycopg
            server = POSTGRES_SERVER.replace("+psycopg", "")
            name = f"lms_bench_quizzes_{uuid.uuid4().hex[:8]}"
            with psycopg.connect(server, autocommit=True, connect_timeout=3) as conn:
                conn.execute(f'CREATE DATABASE "{name}"')
        except Exception as error:  # no server: say so and fall back
            print(f"PostgreSQL not reachable ({type(error).__name__}); using SQLite")
        else:
            try:
                yield server.rsplit("/", 1)[0] + "/" + name
            finally:
                with psycopg.connect(server, autocommit=True) as conn:
                    conn.execute(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'")
                    conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            return
    with tempfile.TemporaryDirectory() as folder:
        yield f"sqlite:///{folder}/bench.sqlite3"


class Counter:
    """SQL statements run on the engine (all threads), for "queries per operation"."""

    def __init__(self, engine):
        from sqlalchemy import event
        self.count = 0
        self.lock = threading.Lock()
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, *args):
        with self.lock:
            self.count += 1


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def seed(db, officials: int, questions: int):
    from datetime import date

    from lms.core.models import Official, OfficialKind, Unit, UnitLevel, User
    from lms.quizzes.services.banks import create_bank, ensure_category, save_question
    from lms.quizzes.services.quizzes import add_questions, create_quiz
    unit = Unit(code="BENCH", name_vi="Sở Nội vụ", level=UnitLevel.province, path="/")
    db.session.add(unit)
    db.session.flush()
    people = [Official(employee_code=f"B{n:06d}", full_name=f"Học viên {n}", date_of_birth=date(1985, 1, 1),
                       unit_id=unit.id, kind=OfficialKind.civil_servant) for n in range(officials)]
    db.session.add_all(people)
    db.session.flush()
    template = User(display_name="x")
    template.set_password("bench-password")  # one scrypt: every bench account shares the hash
    users = [User(login_code=p.employee_code, display_name=p.full_name, official_id=p.id,
                  password_hash=template.password_hash) for p in people]
    db.session.add_all(users)
    bank = create_bank("bench", "Bench")
    category = ensure_category(bank, "Thi")
    kinds = [
        ("single_choice", {"options": [{"text": t, "fraction": 1 if n == 0 else 0} for n, t in enumerate("ABCD")]}),
        ("multiple_choice", {"options": [{"text": "A", "fraction": .5}, {"text": "B", "fraction": .5},
                                         {"text": "C", "fraction": -.5}, {"text": "D", "fraction": -.5}]}),
        ("true_false", {"answer": True}),
        ("short_answer", {"answers": [{"text": "Hà Nội", "fraction": 1}], "diacritics_sensitive": False}),
        ("numerical", {"answers": [{"value": 45, "tolerance": 1, "fraction": 1}]}),
        ("matching", {"pairs": [{"left": "1", "right": "một"}, {"left": "2", "right": "hai"},
                                {"left": "3", "right": "ba"}]}),
    ]
    made = [save_question(bank, None, qtype=kinds[n % len(kinds)][0], name=f"Q{n}", category=category,
                          text=f"Câu {n}?", data=kinds[n % len(kinds)][1]) for n in range(questions)]
    quiz = create_quiz(bank, title_vi="Thi", settings={"time_limit_minutes": 60, "questions_per_page": 10,
                                                       "shuffle_questions": True})
    add_questions(quiz, made)
    db.session.commit()
    return quiz.id, [u.id for u in users]


def answer_for(aq) -> dict:
    """A right (or half right) answer to each generated question, as the form posts it."""
    data, field = aq.question.data, f"q{aq.id}"
    kind = aq.question.qtype
    if kind == "single_choice":
        return {field: [data["options"][0]["id"]]}
    if kind == "multiple_choice":
        return {field: [data["options"][0]["id"], data["options"][1]["id"]]}
    if kind == "true_false":
        return {field: ["true"]}
    if kind == "short_answer":
        return {field: ["ha noi"]}
    if kind == "numerical":
        return {field: ["45,5"]}
    return {f"{field}-{p['id']}": [p["id"]] for p in data["pairs"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--officials", type=int, default=300)
    parser.add_argument("--questions", type=int, default=30)
    parser.add_argument("--workers", type=int, default=4, help="processes submitting at once (like gunicorn workers)")
    parser.add_argument("--http", type=int, default=20, help="officials measured through Flask")
    parser.add_argument("--sqlite", action="store_true")
    parser.add_argument("--smoke", action="store_true", help="a few officials: checks the script works")
    args = parser.parse_args()
    if args.smoke:
        args.officials, args.http, args.workers = 20, 4, 2
    args.officials = max(args.officials, 2 * args.http + 2 * args.workers)

    with scratch_database(args.sqlite) as url, tempfile.TemporaryDirectory() as instance:
        os.environ["LMS_INSTANCE_PATH"] = instance
        from lms.core.app import create_app
        from lms.core.db import db
        app = create_app({"TESTING": True, "SECRET_KEY": "bench", "DATABASE_URL": url, "WTF_CSRF_ENABLED": False,
                          "STORAGE_PATH": instance})
        from flask import g
        # Requests made while this script holds an app context share it: give each its own `g`, as in production.
        app.before_request_funcs.setdefault(None, []).insert(0, lambda: g.__dict__.clear())
        with app.app_context():
            from lms.core import migrate
            migrate.upgrade()
            backend = db.engine.dialect.name
            quiz_id, user_ids = seed(db, args.officials, args.questions)
            counter = Counter(db.engine)
            figures = run(app, db, quiz_id, user_ids, args, counter)
        print_report(backend, args, figures)


def run(app, db, quiz_id, user_ids, args, counter) -> dict:
    from sqlalchemy import func, select

    from lms.quizzes.models import Attempt, AttemptQuestion, AttemptState, Quiz
    from lms.quizzes.services.attempts import save_answer, start_attempt, submit_attempt
    figures: dict = {}
    quiz = db.session.get(Quiz, quiz_id)
    http_users, service_users = user_ids[:args.http], user_ids[args.http:]

    started, queries, attempts = time.perf_counter(), counter.count, {}
    for user_id in user_ids:
        attempts[user_id] = start_attempt(quiz, user_id).id
        db.session.commit()
    figures["start"] = (time.perf_counter() - started) / len(user_ids), (counter.count - queries) / len(user_ids)

    latencies, queries = [], counter.count
    for user_id in service_users:
        attempt = db.session.get(Attempt, attempts[user_id])
        for aq in attempt.questions:
            values = answer_for(aq)
            began = time.perf_counter()
            save_answer(attempt.id, user_id, aq.id, lambda suffix, v=values, f=f"q{aq.id}": v.get(f + suffix, []),
                        seq=int(time.time() * 1000))
            db.session.commit()
            latencies.append(time.perf_counter() - began)
        db.session.expunge_all()
    figures["save"] = latencies, (counter.count - queries) / len(latencies)

    sequential = service_users[: len(service_users) // 2]
    latencies, per_submit = [], []
    for user_id in sequential:
        before, began = counter.count, time.perf_counter()
        submit_attempt(attempts[user_id], user_id=user_id)
        db.session.commit()
        latencies.append(time.perf_counter() - began)
        per_submit.append(counter.count - before)
    figures["submit"] = latencies, statistics.median(per_submit)

    rush = service_users[len(service_users) // 2:]
    figures["rush"] = rush_phase(args, [(attempts[u], u) for u in rush])

    figures["http"] = http_phase(app, db, attempts, http_users)

    db.session.expire_all()
    graded = db.session.scalar(select(func.count()).select_from(Attempt).where(Attempt.quiz_id == quiz_id,
                                                                             Attempt.state == AttemptState.graded))
    saved = db.session.scalar(select(func.count()).select_from(AttemptQuestion).where(
        AttemptQuestion.response.is_not(None)))
    perfect = db.session.scalar(select(func.count()).select_from(Attempt).where(Attempt.score > 0.99))
    figures["check"] = graded, len(user_ids), saved, len(user_ids) * args.questions, perfect
    return figures


def _rush_worker(url: str, instance: str, chunk: list, ready, go, out) -> None:
    """One worker process (like one gunicorn worker): its own app, engine and connection."""
    os.environ["LMS_INSTANCE_PATH"] = instance
    from lms.core.app import create_app
    from lms.core.db import db
    from lms.quizzes.services.attempts import submit_attempt
    app = create_app({"TESTING": True, "SECRET_KEY": "bench", "DATABASE_URL": url, "STORAGE_PATH": instance})
    latencies = []
    with app.app_context():
        db.session.execute(db.text("SELECT 1"))  # connected and warm before the start
        db.session.rollback()
        ready.put(os.getpid())
        go.wait(timeout=600)
        for attempt_id, user_id in chunk:
            began = time.perf_counter()
            submit_attempt(attempt_id, user_id=user_id)
            db.session.commit()
            latencies.append(time.perf_counter() - began)
    out.put((latencies, time.time()))


def rush_phase(args, work: list):
    """Everyone left submits at once, spread over worker processes started and connected beforehand."""
    import multiprocessing

    from lms.core.db import db
    context = multiprocessing.get_context("spawn")
    url = db.engine.url.render_as_string(hide_password=False)
    ready, go, out = context.Queue(), context.Event(), context.Queue()
    workers = [context.Process(target=_rush_worker, args=(url, os.environ["LMS_INSTANCE_PATH"],
                                                          work[n::args.workers], ready, go, out))
               for n in range(args.workers)]
    for worker in workers:
        worker.start()
    for _ in workers:
        ready.get(timeout=300)
    started = time.time()
    go.set()
    results = [out.get(timeout=600) for _ in workers]
    for worker in workers:
        worker.join(timeout=60)
    latencies = [value for chunk, _ in results for value in chunk]
    finished = max(done for _, done in results)
    return latencies, len(work) / max(1e-6, finished - started)


def http_phase(app, db, attempts, http_users):
    from lms.core.models import User
    from lms.quizzes.models import Attempt
    answer_latencies, submit_latencies = [], []
    for user_id in http_users:
        client = app.test_client()
        login = db.session.get(User, user_id).login_code
        client.post("/login", data={"identifier": login, "password": "bench-password"})
        attempt = db.session.get(Attempt, attempts[user_id])
        for aq in attempt.questions:
            data = {"slot": aq.id, "seq": int(time.time() * 1000), **answer_for(aq)}
            began = time.perf_counter()
            response = client.post(f"/quizzes/attempts/{attempt.id}/answer", data=data)
            answer_latencies.append(time.perf_counter() - began)
            assert response.status_code == 200, response.data[:200]
        began = time.perf_counter()
        assert client.post(f"/quizzes/attempts/{attempt.id}/submit").status_code == 302
        submit_latencies.append(time.perf_counter() - began)
        db.session.expunge_all()
    return answer_latencies, submit_latencies


def ms(value: float) -> str:
    return f"{value * 1000:.1f} ms"


def print_report(backend: str, args, figures: dict) -> None:
    start_time, start_queries = figures["start"]
    save_latencies, save_queries = figures["save"]
    submit_latencies, submit_queries = figures["submit"]
    rush_latencies, rush_rate = figures["rush"]
    http_answers, http_submits = figures["http"]
    graded, attempts, saved, answers, perfect = figures["check"]
    print(f"Quiz exam rush on {backend}: {attempts} officials, {args.questions} questions, "
          f"{args.workers} worker processes, {os.cpu_count()} CPUs")
    print(f"  start an attempt          {ms(start_time)} each, {start_queries:.1f} SQL statements")
    print(f"  save one answer (service) p50 {ms(percentile(save_latencies, .5))}, "
          f"p95 {ms(percentile(save_latencies, .95))}, {save_queries:.1f} SQL statements")
    print(f"  submit 30 answers         p50 {ms(percentile(submit_latencies, .5))}, "
          f"p95 {ms(percentile(submit_latencies, .95))}, {submit_queries} SQL statements (set-based grading)")
    print(f"  rush: {len(rush_latencies)} submit at once   {rush_rate:.1f} per second; "
          f"p50 {ms(percentile(rush_latencies, .5))}, p95 {ms(percentile(rush_latencies, .95))}")
    print(f"  http: POST answer         p50 {ms(percentile(http_answers, .5))}, "
          f"p95 {ms(percentile(http_answers, .95))}")
    print(f"  http: POST submit         p50 {ms(percentile(http_submits, .5))}, "
          f"p95 {ms(percentile(http_submits, .95))}")
    print(f"  2,000 submits in 60 s need 33.3 per second: measured {rush_rate:.1f} per second with "
          f"{args.workers} workers on {os.cpu_count()} CPUs ({'enough' if rush_rate >= 33.3 else 'short'}; "
          f"submits of different officials lock different rows, so more workers and cores add up)")
    print(f"  no lost answer: {graded}/{attempts} attempts graded, {saved}/{answers} answers saved, "
          f"{perfect} full-mark attempts")
    if graded != attempts or saved != answers:
        raise SystemExit("answers or attempts were lost")


if __name__ == "__main__":
    main()
