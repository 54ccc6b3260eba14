"""The wheel built from the checkout is the whole platform: installed into a fresh virtual environment and run
away from the checkout, it migrates a database, seeds the demo (templates, course folders, notifications) and
serves the log-in page in Vietnamese, a lesson and a certificate PDF (fonts, compiled catalogues).

The build reads a copy of the checkout without compiled catalogues, as a fresh clone has, so the wheel's .mo
files can only come from the build itself. To stay fast and offline the build uses this venv's setuptools (no
isolated build environment) and the new venv borrows this venv's dependencies through a .pth file, which adds
their folder to sys.path without running the .pth files in it (so this checkout's editable `lms` stays out)."""
from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import sysconfig
import time
from io import BytesIO
from pathlib import Path

import httpx
import pytest
from pypdf import PdfReader

# What it checks is packaging, not the database: it runs once, in the SQLite pass.
pytestmark = [pytest.mark.slow, pytest.mark.once]

ROOT = Path(__file__).resolve().parents[2]
BUILD_INPUTS = ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "lms", "templates", "content")
PASSWORD = "sonha-demo-2026"
LESSON = "/courses/c/chuyen-doi-so-co-quan-nha-nuoc/a/bai-1"


def run(args: list, env: dict, cwd: Path, timeout: int = 120) -> str:
    done = subprocess.run([str(a) for a in args], env=env, cwd=cwd, capture_output=True, text=True,
                          timeout=timeout)
    assert done.returncode == 0, f"{args} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}"
    return done.stdout


def build_wheel(work: Path) -> Path:
    source = work / "source"
    source.mkdir()
    for name in BUILD_INPUTS:
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(path, source / name, ignore=shutil.ignore_patterns("*.mo", "__pycache__", "*.pyc"))
        else:
            shutil.copy2(path, source / name)
    run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "--no-index",
         "--wheel-dir", work / "dist", source], os.environ.copy(), work, timeout=300)
    (wheel,) = (work / "dist").glob("lms-*.whl")
    return wheel


def install(wheel: Path, work: Path) -> Path:
    venv = work / "venv"
    run([sys.executable, "-m", "venv", "--without-pip", venv], os.environ.copy(), work)
    python = venv / "bin" / "python"
    site_packages = Path(run([python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                             os.environ.copy(), work).strip())
    (site_packages / "borrowed_dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")
    run([sys.executable, "-m", "pip", "--python", python, "install", "--quiet", "--no-deps", "--no-index", wheel],
        os.environ.copy(), work, timeout=300)
    return venv


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_ready(base: str, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert server.poll() is None, f"the server stopped:\n{log.read_text()}"
        try:
            if httpx.get(base + "/healthz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    raise AssertionError(f"no answer from {base}/healthz within 60 s:\n{log.read_text()}")


def log_in(client: httpx.Client, identifier: str) -> None:
    page = client.get("/login")
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text).group(1)
    answer = client.post("/login", data={"csrf_token": token, "identifier": identifier, "password": PASSWORD})
    assert answer.status_code == 302, f"log-in as {identifier} refused ({answer.status_code})"


def log_out(client: httpx.Client) -> None:
    home = client.get("/")
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', home.text).group(1)
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302


def test_the_wheel_installs_seeds_and_serves_without_the_checkout(tmp_path):
    wheel = build_wheel(tmp_path)
    venv = install(wheel, tmp_path)
    instance = tmp_path / "instance"
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("LMS_", "PYTHON", "FLASK_", "VIRTUAL_ENV"))}
    env.update(LMS_INSTANCE_PATH=str(instance), LMS_SECRET_KEY=json.dumps(secrets.token_urlsafe(32)),
               LMS_SESSION_COOKIE_SECURE="false", LMS_REMEMBER_COOKIE_SECURE="false")
    where = tmp_path / "elsewhere"  # not the checkout: nothing may be read from it by accident
    where.mkdir()

    located = run([venv / "bin" / "python", "-c", "import lms; from lms.core.folders import top_level_folder; "
                   "print(lms.__file__); print(top_level_folder('templates')); print(top_level_folder('content'))"],
                  env, where).split()
    package = venv.resolve() / "lib"
    assert all(Path(p).resolve().is_relative_to(package) for p in located), located
    assert not any(Path(p).resolve().is_relative_to(ROOT) for p in located), located

    lms = venv / "bin" / "lms"
    run([lms, "db", "upgrade"], env, where)
    seeded = run([lms, "demo", "seed"], env, where, timeout=180)
    assert "courses: 4 imported" in seeded, seeded

    port, log = free_port(), tmp_path / "server.log"
    with log.open("w") as output:
        server = subprocess.Popen([venv / "bin" / "python", "-m", "gunicorn", "--workers", "1",
                                   "--bind", f"127.0.0.1:{port}", "lms.core.app:create_app()"],
                                  env=env, cwd=where, stdout=output, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_ready(base, server, log)
        with httpx.Client(base_url=base, timeout=30) as client:
            login_page = client.get("/login")
            assert login_page.status_code == 200
            assert 'lang="vi"' in login_page.text and "Mật khẩu" in login_page.text  # the compiled catalogue
            runtime = client.get("/static/vendor/scorm-again/scorm12.min.js")  # copied by the build (setup.py)
            assert runtime.status_code == 200 and "Scorm12API" in runtime.text

            log_in(client, "CB00001")
            lesson = client.get(LESSON)
            assert lesson.status_code == 200
            assert "Mục tiêu bài học" in lesson.text  # the lesson's body, from the shipped course folder

            log_out(client)
            log_in(client, "truong@sonha.example.vn")
            listing = client.get("/certificates/templates")
            template_link = re.search(r'href="(/certificates/templates/\d+/preview\.pdf)"', listing.text).group(1)
            pdf = client.get(template_link)
            assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
            text = PdfReader(BytesIO(pdf.content)).pages[0].extract_text()
            assert "GIẤY CHỨNG NHẬN" in text  # Vietnamese set in the shipped fonts
    finally:
        server.terminate()
        server.wait(timeout=30)
