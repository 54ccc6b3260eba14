"""Two nodes on one machine: two gunicorn instances behind nginx (round robin, no stickiness), one
PostgreSQL, one shared storage folder, and an `lms scheduler` beside each gunicorn.

Each node is set up as if it were its own machine: its own instance folder and its own environment;
what the nodes share is what the README's production section says they must share (the database
URL, SECRET_KEY, PUBLIC_BASE_URL, STORAGE_PATH on the shared mount, which holds the transcript signing key
too; PROXY_COUNT=1).

1. The official's journey through nginx: log in, My learning, the course, its five lessons, the
   final quiz (start, save every answer, submit, review), the certificate it earns (the PDF rendered
   on one node, downloaded again from the other), the signed transcript verified on both nodes, log
   out. Every request must be answered by the other node than the one before (nginx adds
   `X-Upstream: $upstream_addr`), so the session cookie, CSRF tokens and files work across nodes.
2. The two schedulers: exactly one leads (one advisory lock, one lease holder), every job's runs are
   recorded once per trigger (core.mail_outbox every 2 s here, via MAIL_DRAIN_SECONDS), and the mail
   of a password reset (asked for, opened and completed across the nodes) is delivered exactly once
   (a local SMTP server counts Message-IDs). Then the leader is killed (SIGKILL): the standby takes
   over (seconds measured), a second password reset is mailed by the new leader, exactly once, and
   the new leader stops cleanly on SIGTERM, releasing the lease.

    .venv/bin/python bench/two_nodes.py           # about 50 s; figures to bench/results/two_nodes.json
    .venv/bin/python bench/two_nodes.py --smoke   # the same checks, nothing recorded (CI)

Needs nginx (Debian package) and PostgreSQL (LMS_BENCH_POSTGRES_URL, default 127.0.0.1:5432).
Everything listens on 127.0.0.1 only; every wait is bounded.
"""
from __future__ import annotations

import argparse
import email
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.policy import default as default_policy
from itertools import pairwise
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.common import LMS, lms_env, save_result, scratch_postgres  # noqa: E402
from bench.harness import Server, csrf_token, free_port  # noqa: E402

OFFICIAL, PASSWORD = "CB00001", "sonha-demo-2026"  # from `lms demo seed`
NEW_PASSWORD = "two-nodes-new-password"  # set by the password resets (CB00002, CB00003)
COURSE = "chuyen-doi-so-co-quan-nha-nuoc"
QUIZ_ACTIVITY = "kiem-tra-cuoi-khoa"
MAIL_EVERY = 2  # seconds between core.mail_outbox runs (MAIL_DRAIN_SECONDS), the short job watched here
NGINX_CONF = """\
daemon off;
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 256; }}
http {{
    access_log {prefix}/access.log;
    client_body_temp_path {prefix}/client_body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    client_max_body_size 200m;
    # Round robin over the two nodes, no ip_hash / sticky cookie: any request may go to any node.
    upstream lms {{
        server 127.0.0.1:{port_a} max_fails=0;
        server 127.0.0.1:{port_b} max_fails=0;
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://lms;
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_next_upstream off;  # a failed request is reported, not silently retried elsewhere
            add_header X-Upstream $upstream_addr always;
        }}
    }}
}}
"""


def nginx_binary() -> str | None:
    """Debian puts nginx in /usr/sbin, which a non-root PATH may lack."""
    return shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx")
                                          if os.access(p, os.X_OK)), None)


class Failed(Exception):
    pass


def check(condition, message: str) -> None:
    if not condition:
        raise Failed(message)


# --- the nodes ------------------------------------------------------------------------------------

@dataclass
class Node(Server):
    """A gunicorn (and later a scheduler) with the environment of one machine."""

    name: str = "a"
    shared_env: dict = field(default_factory=dict)  # what every machine is given alike
    scheduler: subprocess.Popen | None = None

    @property
    def env(self) -> dict:
        return {**lms_env(self.database_url, self.instance), **self.shared_env}

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start_scheduler(self) -> None:
        log = open(self.instance / "scheduler.log", "wb")
        self.scheduler = subprocess.Popen([LMS, "scheduler"], env=self.env, stdout=log, stderr=subprocess.STDOUT)

    @property
    def scheduler_node(self) -> str:
        """How core_job_runs and the lease name this node's scheduler (host:pid)."""
        return f"{os.uname().nodename}:{self.scheduler.pid}"

    def scheduler_log(self) -> str:
        path = self.instance / "scheduler.log"
        return path.read_text(errors="replace") if path.exists() else ""


class Nginx:
    def __init__(self, prefix: Path, upstreams: list[Node]) -> None:
        self.prefix = prefix
        self.port = free_port()
        self.conf = prefix / "nginx.conf"
        self.conf.write_text(NGINX_CONF.format(prefix=prefix, port=self.port, port_a=upstreams[0].port,
                                               port_b=upstreams[1].port))
        self.process: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        # -e: the error log from the first moment (not /var/log/nginx); -p: relative paths under the prefix.
        self.process = subprocess.Popen([nginx_binary(), "-e", str(self.prefix / "error.log"), "-p", str(self.prefix),
                                         "-c", str(self.conf)], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        deadline = time.time() + 20
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise Failed("nginx exited: " + self.error_log())
            try:
                if httpx.get(self.base_url + "/healthz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise Failed("nginx did not answer /healthz: " + self.error_log())

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)

    def error_log(self) -> str:
        path = self.prefix / "error.log"
        return path.read_text(errors="replace")[-2000:] if path.exists() else ""


# --- a mail server that counts what it is given ----------------------------------------------------

class Inbox:
    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.messages.append(email.message_from_bytes(envelope.content, policy=default_policy))
        return "250 2.0.0 Accepted"

    def message_ids(self) -> list[str]:
        with self.lock:
            return [m["Message-ID"] for m in self.messages]

    def to(self, address: str) -> list[email.message.EmailMessage]:
        with self.lock:
            return [m for m in self.messages if address.lower() in str(m["To"]).lower()]


# --- the journey ---------------------------------------------------------------------------------

class Journey:
    """One browser-like client through nginx; every response's upstream is kept, in order."""

    def __init__(self, base_url: str) -> None:
        self.client = httpx.Client(base_url=base_url, follow_redirects=False, timeout=60)
        self.hops: list[tuple[str, str, int, str]] = []  # (method, path, status, upstream)

    def request(self, method: str, url: str, expect=(200,), **kwargs) -> httpx.Response:
        response = self.client.request(method, url, **kwargs)
        upstream = response.headers.get("x-upstream", "")
        self.hops.append((method, url, response.status_code, upstream))
        check(response.status_code in expect,
              f"{method} {url} answered {response.status_code} by {upstream or '?'} (expected {expect}): "
              f"{response.text[:300]}")
        return response

    def get(self, url: str, **kwargs) -> httpx.Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs) -> httpx.Response:
        return self.request("POST", url, **kwargs)

    def login(self, identifier: str, password: str) -> None:
        token = csrf_token(self.get("/login").text)
        done = self.post("/login", expect=(302,), data={"csrf_token": token, "identifier": identifier,
                                                         "password": password})
        check("/login" not in done.headers.get("location", ""), f"log-in of {identifier} was refused")


def right_answers(database_url: str, attempt_id: int) -> list[dict]:
    """The official's crib sheet: a right answer to each question of the attempt, as the page posts it."""
    import psycopg
    with psycopg.connect(database_url) as conn:
        rows = conn.execute(
            "SELECT aq.id, q.qtype, q.data FROM quizzes_attempt_questions aq "
            "JOIN quizzes_questions q ON q.id = aq.question_id WHERE aq.attempt_id = %s ORDER BY aq.id",
            (attempt_id,)).fetchall()
    posts = []
    for slot, qtype, data in rows:
        name = f"q{slot}"
        if qtype == "true_false":
            values = ["true" if data["answer"] else "false"]
        elif qtype == "single_choice":
            values = [max(data["options"], key=lambda o: o["fraction"])["id"]]
        elif qtype == "multiple_choice":
            values = [o["id"] for o in data["options"] if o["fraction"] > 0]
        else:
            raise Failed(f"the course quiz has a {qtype} question this journey cannot answer")
        posts.append({"slot": str(slot), name: values})
    return posts


def scalar(database_url: str, sql: str, *params):
    import psycopg
    with psycopg.connect(database_url) as conn:
        row = conn.execute(sql, params).fetchone()
    return row[0] if row else None


def rows(database_url: str, sql: str, *params) -> list[tuple]:
    import psycopg
    with psycopg.connect(database_url) as conn:
        return conn.execute(sql, params).fetchall()


def official_journey(base_url: str, database_url: str, storage: Path) -> tuple[Journey, dict]:
    j = Journey(base_url)
    facts: dict = {}
    j.login(OFFICIAL, PASSWORD)

    mine = j.get("/courses/my").text
    check(f"/courses/c/{COURSE}" in mine, "My learning does not list the demo course")
    course = j.get(f"/courses/c/{COURSE}").text
    lessons = sorted(set(re.findall(rf'href="(/courses/c/{COURSE}/a/bai-\d+)"', course)))
    check(len(lessons) == 5, f"the course page shows {len(lessons)} lessons, not 5")
    for lesson in lessons:
        j.get(lesson)

    quiz_page = j.get(f"/courses/c/{COURSE}/a/{QUIZ_ACTIVITY}").text
    quiz_links = re.findall(r'href="(/quizzes/\d+)"', quiz_page)
    check(quiz_links, "the quiz activity links to no quiz")
    quiz = j.get(quiz_links[0]).text
    started = j.post(quiz_links[0] + "/start", expect=(302,), data={"csrf_token": csrf_token(quiz)})
    match = re.search(r"/quizzes/attempts/(\d+)", started.headers.get("location", ""))
    check(match, f"starting the quiz led to {started.headers.get('location')}")
    attempt_id = int(match.group(1))
    attempt = j.get(f"/quizzes/attempts/{attempt_id}").text
    token = csrf_token(attempt)
    answers = right_answers(database_url, attempt_id)
    for seq, fields in enumerate(answers, start=1):
        saved = j.post(f"/quizzes/attempts/{attempt_id}/answer", data={**fields, "seq": str(seq)},
                       headers={"X-CSRFToken": token}).json()
        check(saved.get("ok"), f"answer {seq} was not saved: {saved}")
    summary = j.get(f"/quizzes/attempts/{attempt_id}/summary").text
    submitted = j.post(f"/quizzes/attempts/{attempt_id}/submit", expect=(302,),
                       data={"csrf_token": csrf_token(summary)})
    check(f"/quizzes/attempts/{attempt_id}/review" in submitted.headers.get("location", ""),
          f"submitting led to {submitted.headers.get('location')}")
    j.get(f"/quizzes/attempts/{attempt_id}/review")
    state, score = rows(database_url, "SELECT state, score FROM quizzes_attempts WHERE id = %s", attempt_id)[0]
    check(state == "graded" and score is not None and float(score) > 0.99,
          f"the attempt is {state} with score {score}, not graded with full marks")
    facts.update(questions=len(answers), score=float(score))

    # The course is complete, so the certificate is issued: render on one node, download from the other.
    certificates = j.get("/certificates/mine").text
    pdf_links = sorted(set(re.findall(r'href="(/certificates/\d+/pdf)"', certificates)))
    check(len(pdf_links) == 1, f"My certificates shows {len(pdf_links)} certificate PDFs, not 1")
    first = j.get(pdf_links[0])
    second = j.get(pdf_links[0])
    check(first.content.startswith(b"%PDF") and first.content == second.content,
          "the certificate PDF differs between the nodes (is STORAGE_PATH shared?)")
    cached = list((storage / "certificates" / "pdf").rglob("*.pdf"))
    check(len(cached) == 1, f"{len(cached)} cached certificate PDFs in the shared storage, not 1 (rendered twice?)")
    facts["certificate_pdf_bytes"] = len(first.content)

    # The signed transcript: issued (signed) by one node, verified by both.
    official_id = scalar(database_url, "SELECT official_id FROM core_users WHERE login_code = %s", OFFICIAL)
    transcript = j.get(f"/records/officials/{official_id}/transcript.pdf")
    check(transcript.content.startswith(b"%PDF"), "the transcript is not a PDF")
    code = scalar(database_url, "SELECT code FROM records_transcripts WHERE official_id = %s "
                                "ORDER BY id DESC LIMIT 1", official_id)
    check(code, "no transcript row was written")
    verified = [j.get(f"/records/verify/{code}/signed.json").json() for _ in range(2)]
    check(all(v["signature_valid"] for v in verified),
          f"the transcript's signature is valid on {sum(v['signature_valid'] for v in verified)} of 2 nodes "
          "(is the signing key under the shared STORAGE_PATH?)")

    home = j.get("/").text
    j.post("/logout", expect=(302,), data={"csrf_token": csrf_token(home)})
    j.get("/courses/my", expect=(302,))  # logged out on every node: the cookie is the session
    return j, facts


def alternation(journey: Journey, nodes: list[Node]) -> dict:
    upstreams = [hop[3] for hop in journey.hops]
    known = {node.address for node in nodes}
    strangers = sorted(set(upstreams) - known)
    check(not strangers, f"responses from unknown upstreams {strangers} (or without X-Upstream)")
    repeats = [(a, b) for a, b in pairwise(journey.hops) if a[3] == b[3]]
    check(not repeats, f"{len(repeats)} consecutive requests were answered by the same node, e.g. {repeats[:2]}")
    return {node.name: upstreams.count(node.address) for node in nodes}


# --- the schedulers --------------------------------------------------------------------------------

def wait_for(condition, timeout: float, what: str, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise Failed(f"timed out after {timeout:.0f}s waiting for {what}")


def lease_holder(database_url: str) -> str | None:
    return scalar(database_url, "SELECT holder FROM core_scheduler_leases WHERE name = 'scheduler'")


def advisory_holders(database_url: str) -> int:
    return scalar(database_url, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
                                "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())")


def job_runs(database_url: str) -> list[tuple]:
    return rows(database_url, "SELECT job_id, node, started_at, status FROM core_job_runs ORDER BY started_at, id")


def assert_once_per_trigger(runs: list[tuple], intervals: dict[str, float | None]) -> None:
    """Two runs of one trigger would start at (nearly) the same moment, on two nodes or one."""
    for job_id in sorted({r[0] for r in runs}):
        started = [r[2] for r in runs if r[0] == job_id]
        every = intervals.get(job_id)
        if every is None:  # cron jobs: at most one run in a run this short
            check(len(started) <= 1, f"{job_id} ran {len(started)} times")
            continue
        gaps = [(b - a).total_seconds() for a, b in pairwise(started)]
        check(all(gap >= every / 2 for gap in gaps), f"{job_id} (every {every}s) ran twice for a trigger: gaps {gaps}")


def mail_delivered_once(database_url: str, inbox: Inbox, timeout: float) -> int:
    """Every outbox row is sent, and the SMTP server got each Message-ID exactly once."""
    def drained():
        return not scalar(database_url, "SELECT count(*) FROM core_outbox WHERE status <> 'sent'")
    wait_for(drained, timeout, "the outbox to be drained", interval=0.5)
    sent = [r[0] for r in rows(database_url, "SELECT message_id FROM core_outbox WHERE status = 'sent'")]
    got = inbox.message_ids()
    duplicates = sorted({m for m in got if got.count(m) > 1})
    check(not duplicates, f"mail delivered more than once: {duplicates}")
    check(sorted(got) == sorted(sent), f"{len(sent)} rows sent but {len(got)} messages received")
    return len(sent)


def job_intervals(env: dict) -> dict[str, float | None]:
    out = subprocess.run([LMS, "scheduler", "list", "--json"], env=env, capture_output=True, text=True, timeout=60)
    check(out.returncode == 0, "lms scheduler list failed: " + out.stderr[-1000:])
    intervals = {}
    for job in json.loads(out.stdout)["jobs"]:
        trigger = job["trigger"]
        if trigger.startswith("interval:"):
            units = dict(part.strip().split("=") for part in trigger.split(":", 1)[1].split(","))
            scale = {"weeks": 604800, "days": 86400, "hours": 3600, "minutes": 60, "seconds": 1}
            intervals[job["id"]] = sum(float(v) * scale[k] for k, v in units.items() if k in scale)
        else:
            intervals[job["id"]] = None
    return intervals


def password_reset_across_nodes(base_url: str, inbox: Inbox, identifier: str) -> Journey:
    """Asked for on one node, mailed by the scheduler's leader, the link opened and used on the other nodes."""
    address = f"{identifier.lower()}@sonha.example.vn"  # the demo officials' addresses
    j = Journey(base_url)
    token = csrf_token(j.get("/password/forgot").text)
    j.post("/password/forgot", data={"csrf_token": token, "identifier": identifier})
    mails = wait_for(lambda: inbox.to(address), 30, f"the password reset mail to {address}")
    check(len(mails) == 1, f"{len(mails)} reset mails arrived, not 1")
    link = re.search(r"(/password/reset/[A-Za-z0-9_\-]+)", mails[0].get_content())
    check(link, "the reset mail has no link")
    form = j.get(link.group(1)).text
    j.post(link.group(1), expect=(302,), data={"csrf_token": csrf_token(form), "new": NEW_PASSWORD,
                                               "confirm": NEW_PASSWORD})
    fresh = Journey(base_url)
    fresh.login(identifier, NEW_PASSWORD)
    fresh.get("/courses/my")
    j.hops.extend(fresh.hops)
    return j


# --- the run -----------------------------------------------------------------------------------------

def main() -> None:  # noqa: C901  (one check after another of a scripted two-node run, read top to bottom)
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--smoke", action="store_true", help="check only, record nothing (the run is short anyway)")
    args = parser.parse_args()
    if args.smoke:
        os.environ["LMS_BENCH_SMOKE"] = "1"
    if nginx_binary() is None:
        raise SystemExit("nginx is missing (apt-get install -y nginx, or `make browsers` as root)")
    from aiosmtpd.controller import Controller

    began = time.perf_counter()
    figures: dict = {"name": "two nodes behind nginx (journey hopping nodes, two schedulers)"}
    problem = None
    with scratch_postgres() as url, tempfile.TemporaryDirectory(prefix="lms-two-nodes-") as tmp:
        root = Path(tmp)
        os.chmod(root, 0o755)  # nginx's workers (nobody, when started as root) use its temp folders
        shared_dir = root / "shared"  # the NFS mount of a real deployment
        (shared_dir / "storage").mkdir(parents=True)
        nginx_prefix = root / "nginx"
        nginx_prefix.mkdir()
        inbox = Inbox()
        smtp = Controller(inbox, hostname="127.0.0.1", port=free_port())
        shared_env: dict = {}  # filled once nginx's port (PUBLIC_BASE_URL) is known
        nodes: list[Node] = []
        nginx = None
        try:
            smtp.start()
            for name in ("a", "b"):
                instance = root / f"node-{name}"
                instance.mkdir()
                nodes.append(Node(url, workers=2, instance=instance, name=name, shared_env=shared_env))
            nginx = Nginx(nginx_prefix, nodes)
            shared_env.update(
                LMS_SECRET_KEY="two-nodes-shared-secret", LMS_PUBLIC_BASE_URL=nginx.base_url,
                LMS_STORAGE_PATH=str(shared_dir / "storage"),
                LMS_PROXY_COUNT="1",  # the transcript signing key follows STORAGE_PATH onto the shared mount
                LMS_MAIL_SERVER="127.0.0.1", LMS_MAIL_PORT=str(smtp.port), LMS_MAIL_FROM="lms@sonha.example.vn",
                LMS_MAIL_TIMEOUT_SECONDS="5", LMS_MAIL_DRAIN_SECONDS=str(MAIL_EVERY),
                LMS_SCHEDULER_POLL_SECONDS="1", LMS_SCHEDULER_HEARTBEAT_SECONDS="1")
            a, b = nodes
            a.lms("db", "upgrade")
            seeded = a.lms("demo", "seed", check=False)
            check(seeded.returncode == 0, "lms demo seed failed: " + seeded.stderr[-2000:])
            intervals = job_intervals(a.env)
            for node in nodes:
                node.start()
            nginx.start()
            for node in nodes:  # both at once: they elect a leader between them
                node.start_scheduler()
            started = time.perf_counter()
            figures["setup_seconds"] = round(started - began, 1)

            # 1. the journey, hopping between the nodes
            journey, facts = official_journey(nginx.base_url, url, shared_dir / "storage")
            figures["journey_seconds"] = round(time.perf_counter() - started, 2)
            figures["journey_requests"] = len(journey.hops)
            figures["requests_per_node"] = alternation(journey, nodes)
            figures["journey_ok"] = True
            figures.update(facts)

            # 2. one leader, runs once per trigger, mail once
            holder = wait_for(lambda: lease_holder(url), 30, "a scheduler to lead")
            leader = next((n for n in nodes if n.scheduler_node == holder), None)
            check(leader is not None, f"the lease names {holder}, neither of our schedulers")
            standby = b if leader is a else a
            wait_for(lambda: "standby" in standby.scheduler_log(), 30, "the other scheduler to stand by")
            check(advisory_holders(url) == 1, f"{advisory_holders(url)} advisory locks held, not 1")
            check("leading" not in standby.scheduler_log(), "both schedulers say they lead")
            reset = password_reset_across_nodes(nginx.base_url, inbox, "CB00002")  # mailed by the first leader
            figures["reset_requests_per_node"] = alternation(reset, nodes)
            figures["mails_before_kill"] = mail_delivered_once(url, inbox, 30)
            wait_for(lambda: len([r for r in job_runs(url) if r[0] == "core.mail_outbox"]) >= 3, 20,
                     "three runs of core.mail_outbox")
            before = job_runs(url)
            check({r[1] for r in before} == {holder}, f"runs by {sorted({r[1] for r in before})}, not the leader only")
            assert_once_per_trigger(before, intervals)

            # 3. kill the leader; the standby takes over
            leader.scheduler.send_signal(signal.SIGKILL)
            leader.scheduler.wait(timeout=10)
            killed, killed_at = time.monotonic(), datetime.now(timezone.utc)
            wait_for(lambda: lease_holder(url) == standby.scheduler_node, 60, "the standby to take the lead")
            figures["takeover_seconds"] = round(time.monotonic() - killed, 2)
            wait_for(lambda: [r for r in job_runs(url) if r[1] == standby.scheduler_node], 30,
                     "the new leader's first run")
            figures["first_run_after_kill_seconds"] = round(time.monotonic() - killed, 2)
            reset = password_reset_across_nodes(nginx.base_url, inbox, "CB00003")  # mailed by the new leader
            check(all(hop[3] for hop in reset.hops), "a reset request had no upstream")
            alternation(reset, nodes)
            figures["mails_delivered_once"] = mail_delivered_once(url, inbox, 30)
            check(figures["mails_delivered_once"] > figures["mails_before_kill"], "no mail sent after the takeover")
            time.sleep(MAIL_EVERY * 1.5)
            standby.scheduler.send_signal(signal.SIGTERM)
            check(standby.scheduler.wait(timeout=60) == 0, "the new leader did not stop cleanly on SIGTERM")
            check(lease_holder(url) is None, "the lease was not released on SIGTERM")
            runs = job_runs(url)
            assert_once_per_trigger(runs, intervals)
            check(all(r[1] == (holder if r[2] < killed_at else standby.scheduler_node) for r in runs),
                  "runs by the killed leader after the kill, or by the standby before it")
            bad = [r for r in runs if r[3] not in ("ok", "interrupted")]
            check(not bad, f"job runs that failed: {bad[:3]}")
            counts: dict[str, int] = {}
            for r in runs:
                counts[r[0]] = counts.get(r[0], 0) + 1
            figures["job_runs"] = counts
            figures["jobs_run_once"] = True
            figures["one_leader"] = True
        except Failed as failure:
            problem = str(failure)
        finally:
            for node in nodes:
                if node.scheduler is not None and node.scheduler.poll() is None:
                    node.scheduler.kill()
                    node.scheduler.wait(timeout=10)
            if nginx is not None:
                nginx.stop()
            for node in nodes:
                node.stop()
            try:
                smtp.stop()
            except Exception:  # never started
                pass
            if problem:
                for node in nodes:
                    sys.stderr.write(f"--- node {node.name} scheduler log\n{node.scheduler_log()[-3000:]}\n")
                    log = node.instance / "gunicorn.log"
                    if log.exists():
                        sys.stderr.write(f"--- node {node.name} gunicorn log\n"
                                         f"{log.read_text(errors='replace')[-3000:]}\n")
                if nginx is not None:
                    sys.stderr.write(f"--- nginx error log\n{nginx.error_log()}\n")
    figures["seconds"] = round(time.perf_counter() - began, 1)
    if problem:  # a failed run is shown, not recorded
        figures.setdefault("journey_ok", False)
        print(json.dumps({**figures, "failure": problem}, ensure_ascii=False), file=sys.stderr)
        raise SystemExit("two nodes: " + problem)
    save_result("two_nodes", figures)


if __name__ == "__main__":
    main()
