"""`lms certificates ...`: verify a downloaded certificate offline, issue a class, run the daily work,
manage the schools' signing keys."""
from __future__ import annotations

import json
import time
from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from lms.certificates import signing
from lms.certificates.models import SchoolKey
from lms.certificates.verification import trusted_keys_from_document, verify_file
from lms.core.cli_output import emit
from lms.core.db import db, utcnow
from lms.core.errors import DomainError
from lms.core.models import School


@click.group("certificates", help="Certificates: verify, issue, expire, keys.")
def group():
    pass


@group.command("verify", help="Check a downloaded certificate (its PDF, or the JSON of its verify page) offline; "
                              "exits non-zero if anything was altered.")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--keys", "keys_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The school's published keys (the JSON of /verify/keys/<school>). Default: this platform's keys.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON report.")
@with_appcontext
def verify(path: Path, keys_file: Path | None, as_json: bool):
    if keys_file is not None:
        try:
            keys = trusted_keys_from_document(json.loads(keys_file.read_text(encoding="utf-8")))
        except ValueError:
            emit({"ok": False, "checks": [{"check": "keys", "ok": False, "detail": "the keys file is not JSON"}]},
                 as_json, [f"{keys_file.name}: not a keys file"], ok=False)
            return
    else:
        keys = {k.kid: k.public_key for k in db.session.scalars(select(SchoolKey))}
    result = verify_file(path.read_bytes(), keys)
    report = dict(result.as_dict(), file=str(path))
    facts = result.facts or {}
    lines = [f"{path.name}: {'VALID SIGNATURES' if result.ok else 'NOT VALID'}"]
    if facts:
        lines.append(f"  {facts.get('holder', {}).get('name', '')} - {facts.get('course', {}).get('title_vi', '')} - "
                     f"{facts.get('register_number', '')} ({facts.get('school', {}).get('name_vi', '')})")
    lines += [f"  [{'ok' if c.ok else 'FAIL'}] {c.name}: {c.detail}" for c in result.checks]
    if result.status:
        lines.append(f"  status {result.status.get('state')} as of {result.status.get('as_of')}")
    elif result.kind == "pdf" and result.ok:
        lines.append("  (a PDF cannot know later revocations: check the verify page for the current status)")
    emit(report, as_json, lines, ok=result.ok)


@group.command("issue-class", help="Issue the certificates of a class (eligible learners only).")
@click.argument("class_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON report.")
@with_appcontext
def issue_class(class_id: int, as_json: bool):
    from lms.certificates.services.issuing import issue_for_class
    started = time.perf_counter()
    try:
        report, eligibility = issue_for_class(class_id, actor_id=None)
    except DomainError as problem:
        db.session.rollback()
        emit({"ok": False, "error": str(problem)}, as_json, [str(problem)], ok=False)
        return
    db.session.commit()
    seconds = round(time.perf_counter() - started, 2)
    not_eligible = [{"user_id": v.candidate.user_id, "official_id": v.candidate.official_id,
                     "reasons": [str(r) for r in v.reasons]} for v in eligibility.verdicts if v.reasons]
    emit({"ok": True, "issued": len(report.issued), "already": report.already, "not_eligible": not_eligible,
          "seconds": seconds}, as_json,
         [f"class {class_id}: {len(report.issued)} issued, {report.already} already held, "
          f"{len(not_eligible)} not eligible ({seconds} s)"], ok=True)


@group.command("daily", help="Run the daily work now: expire certificates, open renewals, forget old counters.")
@with_appcontext
def daily():
    from lms.certificates.jobs import daily_job
    summary = daily_job()
    db.session.commit()
    click.echo(json.dumps(summary, ensure_ascii=False))


@group.command("rotate-key", help="Give a school a new signing key (old certificates keep verifying).")
@click.argument("school_code")
@with_appcontext
def rotate_key(school_code: str):
    school = db.session.scalar(select(School).where(School.code == school_code))
    if school is None:
        raise click.ClickException(f"no school with code {school_code}")
    for key in db.session.scalars(select(SchoolKey).where(SchoolKey.school_id == school.id,
                                                          SchoolKey.retired_at.is_(None))):
        key.retired_at = utcnow()
    key = signing.new_key(school.id)
    db.session.commit()
    click.echo(f"{school.code}: new key {key.kid}")


@group.command("rewrap-keys", help="Seal the private keys again after changing CERTIFICATES_KEY_PASSPHRASE.")
@click.option("--old-passphrase", prompt=True, hide_input=True)
@with_appcontext
def rewrap_keys(old_passphrase: str):
    from flask import current_app
    new = current_app.config.get("CERTIFICATES_KEY_PASSPHRASE") or current_app.config["SECRET_KEY"]
    count = signing.rewrap_keys(old_passphrase, new)
    db.session.commit()
    click.echo(f"{count} keys sealed with the current passphrase")
