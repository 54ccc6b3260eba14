"""The exam rush through gunicorn on PostgreSQL: 2,000 officials submit a 30-question quiz within 60 s.

Targets (quizzes issue): submitting a 30-question attempt has p95 under 150 ms at 32 concurrent
officials; 2,000 submissions in 60 s with no error and no lost answer. Unlike bench/quizzes_submit.py
(the services in worker processes), everything here goes over HTTP, from this process, to gunicorn:

1. prepare (32 at once): each official logs in and starts the attempt (POST /quizzes/<id>/start);
2. answer (32 at once): each posts its 30 answers one by one, as the page's script does;
3. rush (32 at once, back to back; or with --rate R, paced arrivals of R per second, e.g. 33.3 for
   2,000 in 60 s): all 2,000 submit, sent by bench/rawhttp.py (a lean client, so that the load
   generator leaves the server's cores alone); the figures are the submit latencies and the wall time;
then the database is counted: every attempt graded, every answer there, every score as answered.

    .venv/bin/python bench/quizzes_http_rush.py [--officials 2000] [--concurrency 32]
    .venv/bin/python bench/quizzes_http_rush.py --smoke
"""
from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.common import save_result, scratch_postgres  # noqa: E402
from bench.harness import Server, cookie_header, csrf_token, login, run_journeys, timed  # noqa: E402
from bench.quizzes_submit import answer_for, seed  # noqa: E402
from bench.rawhttp import Post  # noqa: E402
from bench.rawhttp import rush as raw_rush  # noqa: E402

PASSWORD = "bench-password"  # the one bench/quizzes_submit.py's seed gives every official
ATTEMPT_URL = re.compile(r"/quizzes/attempts/(\d+)")


def seed_quiz(server: Server, officials: int, questions: int) -> tuple[int, list[str]]:
    os.environ["LMS_INSTANCE_PATH"] = str(server.instance)
    from lms.core.app import create_app
    from lms.core.db import db
    from lms.core.models import User
    app = create_app({"TESTING": True, "SECRET_KEY": "bench", "DATABASE_URL": server.database_url,
                      "STORAGE_PATH": str(server.instance / "storage")})
    with app.app_context():
        quiz_id, user_ids = seed(db, officials, questions)
        codes = [db.session.get(User, user_id).login_code for user_id in user_ids]
        db.engine.dispose()
    return quiz_id, codes


def answers_by_attempt(server: Server, attempt_ids: list[int]) -> dict[int, list[dict]]:
    """The form fields of a right answer to each question of each attempt, read from the database."""
    from lms.core.app import create_app
    from lms.core.db import db
    from lms.quizzes.models import Attempt
    app = create_app({"TESTING": True, "SECRET_KEY": "bench", "DATABASE_URL": server.database_url,
                      "STORAGE_PATH": str(server.instance / "storage")})
    with app.app_context():
        posts = {attempt_id: [{"slot": aq.id, **answer_for(aq)} for aq in db.session.get(Attempt, attempt_id).questions]
                 for attempt_id in attempt_ids}
        db.engine.dispose()
    return posts


def count_outcome(server: Server, quiz_id: int) -> dict:
    from sqlalchemy import func, select

    from lms.core.app import create_app
    from lms.core.db import db
    from lms.quizzes.models import Attempt, AttemptQuestion, AttemptState
    app = create_app({"TESTING": True, "SECRET_KEY": "bench", "DATABASE_URL": server.database_url,
                      "STORAGE_PATH": str(server.instance / "storage")})
    with app.app_context():
        of_quiz = select(Attempt.id).where(Attempt.quiz_id == quiz_id)
        figures = {
            "attempts": db.session.scalar(select(func.count()).select_from(Attempt).where(Attempt.quiz_id == quiz_id)),
            "graded": db.session.scalar(select(func.count()).select_from(Attempt).where(
                Attempt.quiz_id == quiz_id, Attempt.state == AttemptState.graded)),
            "answers_saved": db.session.scalar(select(func.count()).select_from(AttemptQuestion).where(
                AttemptQuestion.attempt_id.in_(of_quiz), AttemptQuestion.response.is_not(None))),
            "full_marks": db.session.scalar(select(func.count()).select_from(Attempt).where(
                Attempt.quiz_id == quiz_id, Attempt.score > 0.99)),
        }
        db.engine.dispose()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--officials", type=int, default=2000)
    parser.add_argument("--questions", type=int, default=30)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument("--rate", type=float, default=0,
                        help="submissions per second, paced (2000 in 60 s: 33.3); default: closed loop")
    parser.add_argument("--smoke", action="store_true", help="a handful of officials: checks the script works")
    args = parser.parse_args()
    if args.smoke:
        args.officials, args.concurrency = 12, 4
        os.environ["LMS_BENCH_SMOKE"] = "1"  # checks, does not record

    with scratch_postgres() as url:
        server = Server(url, workers=args.workers)
        server.lms("db", "upgrade")
        quiz_id, codes = seed_quiz(server, args.officials, args.questions)
        server.start()
        try:
            sessions: dict[str, tuple] = {}

            def prepare(code):
                timings = []
                client = login(server.base_url, code, PASSWORD)
                token = csrf_token(timed(client, "GET", f"/quizzes/{quiz_id}", timings).text)
                started = timed(client, "POST", f"/quizzes/{quiz_id}/start", timings, expect=(302,),
                                headers={"X-CSRFToken": token})
                sessions[code] = (client, token, int(ATTEMPT_URL.search(started.headers["location"]).group(1)))
                return timings

            prepared = run_journeys(server, prepare, codes, concurrency=args.concurrency)
            posts = answers_by_attempt(server, [attempt for _, _, attempt in sessions.values()])

            def answer(code):
                client, token, attempt_id = sessions[code]
                timings = []
                for number, fields in enumerate(posts[attempt_id]):
                    response = timed(client, "POST", f"/quizzes/attempts/{attempt_id}/answer", timings, expect=(200,),
                                     data={**fields, "seq": str(number + 1)}, headers={"X-CSRFToken": token})
                    if not response.json().get("ok"):
                        raise RuntimeError(f"answer refused: {response.text[:200]}")
                return timings

            answered = run_journeys(server, answer, codes, concurrency=args.concurrency)

            # The submits go out from bench/rawhttp.py, not httpx: this process then takes a fifth of the CPU
            # it would from the two cores the server runs on. Closed loop: `concurrency` officials submit
            # back to back. Paced: the n-th submits at n / rate seconds, with enough connections that none
            # waits for a free one.
            posts = [Post(f"/quizzes/attempts/{attempt_id}/submit", cookie_header(client),
                          (("X-CSRFToken", token),), start_at=n / args.rate if args.rate else None)
                     for n, (client, token, attempt_id) in enumerate(sessions[code] for code in codes)]
            with server.sample_memory() as memory:
                rush = raw_rush(server.base_url, posts, concurrency=args.concurrency if not args.rate else 256)
            rush["peak_worker_mb"] = memory.peak_mb
            for client, _, _ in sessions.values():
                client.close()
        finally:
            server.stop()
        outcome = count_outcome(server, quiz_id)

    expected_answers = args.officials * args.questions
    lost = {"attempts_not_graded": args.officials - outcome["graded"],
            "answers_missing": expected_answers - outcome["answers_saved"],
            "scores_not_full": args.officials - outcome["full_marks"]}
    figures = {
        "officials": args.officials, "questions": args.questions, "concurrency": args.concurrency,
        "paced_rate_per_s": args.rate or None,
        "gunicorn_workers": args.workers, "cpus": os.cpu_count(),
        "submit_p50_ms": rush["p50_ms"], "submit_p95_ms": rush["p95_ms"], "submit_p99_ms": rush["p99_ms"],
        "submits_per_s": rush["rps"], "rush_seconds": rush["duration_s"], "submit_errors": rush["errors"],
        "answer_p50_ms": answered["p50_ms"], "answer_p95_ms": answered["p95_ms"], "answers_per_s": answered["rps"],
        "answer_errors": answered["errors"], "prepare_errors": prepared["errors"],
        "peak_worker_mb": max(prepared["peak_worker_mb"], answered["peak_worker_mb"], rush["peak_worker_mb"]),
        **outcome, **lost,
    }
    how = f"{args.rate:g} per second" if args.rate else f"{args.concurrency} at once"
    save_result("quizzes_http_rush" + ("_paced" if args.rate else ""),
                {"name": f"exam rush over HTTP ({args.officials} officials, {args.questions} questions, {how})",
                 **figures})
    samples = prepared["error_samples"] + answered["error_samples"] + rush["error_samples"]
    if samples:
        print("error samples:", samples, file=sys.stderr)
    if any(lost.values()) or rush["errors"] or answered["errors"] or prepared["errors"]:
        raise SystemExit(f"the rush lost something or failed: {lost}")


if __name__ == "__main__":
    main()
