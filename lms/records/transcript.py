"""Transcripts: the record's facts, signed with the platform's Ed25519 key, printed as PDF with a QR code.

A transcript is issued once per distinct set of facts: downloading the same record twice gives the
same verification code. The verify page (/records/verify/<code>) checks the signature and says which
credits were withdrawn since the transcript was printed.
"""
from __future__ import annotations

import hashlib
import io
import json
import secrets
from dataclasses import dataclass
from datetime import datetime

import segno
from flask import current_app, url_for
from flask_babel import gettext as _
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from sqlalchemy import select

from lms.core import audit, fonts
from lms.core.db import db, utcnow
from lms.core.i18n import format_day, format_moment
from lms.core.models import Official
from lms.core.vocab import CONTENT_AREAS, area_label
from lms.records import signing
from lms.records.models import TrainingCredit, Transcript
from lms.records.record import YearRecord, issuer_name

FACTS_KIND = "lms.training-transcript"


def canonical(data) -> bytes:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def facts_of(record: YearRecord) -> dict:
    """What a transcript states: who, which year, periods per area, and each counting credit."""
    person = record.official
    return {
        "kind": FACTS_KIND, "version": 1,
        "official": {"employee_code": person.employee_code, "full_name": person.full_name,
                     "date_of_birth": person.date_of_birth.isoformat() if person.date_of_birth else None,
                     "unit": person.unit.name_vi if person.unit else ""},
        "year": record.year,
        "total_periods": record.total,
        "areas": {area: periods for area, periods in record.areas.items()},
        "credits": [{"id": c.id, "earned_on": c.earned_on.isoformat(), "title_vi": c.title_vi, "title_en": c.title_en,
                     "content_area": c.content_area, "periods": float(c.periods), "issuer": issuer_name(c),
                     "source": c.source.value, "certificate_code": c.verification_code}
                    for c in record.credits],
    }


def signed_message(code: str, issued_at: str, facts: dict) -> bytes:
    return canonical({"code": code, "issued_at": issued_at, "facts": facts})


def issue(record: YearRecord, *, actor_id: int | None = None) -> Transcript:
    """The transcript for these facts: the existing one if nothing changed, else a new signed one."""
    facts = facts_of(record)
    digest = hashlib.sha256(canonical(facts)).hexdigest()
    existing = db.session.scalar(select(Transcript).where(Transcript.official_id == record.official.id,
                                                          Transcript.facts_sha256 == digest)
                                 .order_by(Transcript.id.desc()).limit(1))
    if existing is not None and existing.key_id == signing.key_id():
        return existing
    code = secrets.token_urlsafe(12)
    issued_at = utcnow().replace(microsecond=0)
    transcript = Transcript(code=code, official_id=record.official.id, year=record.year, issued_at=issued_at,
                            facts=facts, facts_sha256=digest, key_id=signing.key_id(),
                            signature=signing.sign(signed_message(code, issued_at.isoformat(), facts)))
    db.session.add(transcript)
    db.session.flush()
    audit.record("transcript.issued", "official", record.official.id, actor_id=actor_id,
                 data={"code": code, "year": record.year})
    return transcript


@dataclass
class Verification:
    transcript: Transcript
    signature_valid: bool
    withdrawn_since: list[TrainingCredit]


def verify(code: str) -> Verification | None:
    transcript = db.session.scalar(select(Transcript).where(Transcript.code == code))
    if transcript is None:
        return None
    message = signed_message(transcript.code, _stored_issued_at(transcript), transcript.facts)
    valid = transcript.key_id == signing.key_id() and signing.verify(message, transcript.signature)
    ids = [c["id"] for c in transcript.facts.get("credits", [])]
    withdrawn = list(db.session.scalars(select(TrainingCredit).where(TrainingCredit.id.in_(ids),
                                                                     TrainingCredit.withdrawn_at.is_not(None))
                                        .order_by(TrainingCredit.earned_on))) if ids else []
    return Verification(transcript, valid, withdrawn)


def _stored_issued_at(transcript: Transcript) -> str:
    return transcript.issued_at.replace(microsecond=0).isoformat()


def verify_url(code: str) -> str:
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    return base + url_for("records.verify", code=code)


# --- PDF ----------------------------------------------------------------------------------------

class _TranscriptPDF(FPDF):
    footer_text = ""

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("DejaVu", "", 7.5)
        self.set_text_color(90, 90, 90)
        self.cell(0, 5, f"{self.footer_text} · {self.page_no()}/{{nb}}", align="C")


def render_pdf(transcript: Transcript, official: Official, locale: str = "vi") -> bytes:
    """The transcript as an A4 PDF: facts, a table of credits, totals per area, QR code to the verify page."""
    facts = transcript.facts
    url = verify_url(transcript.code)
    pdf = _TranscriptPDF(format="A4")
    pdf.add_font("DejaVu", "", str(fonts.SANS))
    pdf.add_font("DejaVu", "B", str(fonts.SANS_BOLD))
    pdf.set_title(_("Training transcript") + f" {facts['official']['full_name']}")
    pdf.set_creator(current_app.config["SITE_NAME"])
    pdf.footer_text = _("Verification code %(code)s, %(url)s", code=transcript.code, url=url)
    pdf.set_auto_page_break(True, margin=18)
    pdf.set_margins(15, 15, 15)
    pdf.add_page()

    pdf.set_font("DejaVu", "B", 10)
    pdf.cell(0, 5, current_app.config["SITE_NAME"].upper(), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(4)
    pdf.set_font("DejaVu", "B", 15)
    pdf.cell(0, 8, _("TRAINING TRANSCRIPT").upper(), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("DejaVu", "", 10)
    year = facts["year"]
    pdf.cell(0, 6, _("Year %(year)s", year=year) if year else _("All years"), align="C",
             new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(4)

    person = facts["official"]
    born = datetime.fromisoformat(person["date_of_birth"]).date() if person["date_of_birth"] else None
    details = [(_("Full name"), person["full_name"]), (_("Date of birth"), format_day(born) or "—"),
               (_("Employee code"), person["employee_code"]), (_("Unit"), person["unit"] or "—")]
    if official.political_theory_level:
        details.append((_("Political theory"), _political_theory(official)))
    for label, value in details:
        pdf.set_font("DejaVu", "B", 10)
        pdf.cell(42, 6, label + ":")
        pdf.set_font("DejaVu", "", 10)
        pdf.multi_cell(0, 6, value, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)

    pdf.set_font("DejaVu", "B", 11)
    pdf.cell(0, 7, _("Periods by content area"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("DejaVu", "", 9)
    with pdf.table(col_widths=(140, 40), text_align=("LEFT", "RIGHT"), line_height=5.5,
                   headings_style=_heading_style()) as table:
        table.row([_("Content area"), _("Periods")])
        for area in CONTENT_AREAS:
            table.row([area_label(area, locale), _number(facts["areas"].get(area, 0))])
        total = table.row()
        bold = _heading_style()
        total.cell(_("Total"), style=bold)
        total.cell(_number(facts["total_periods"]), style=bold)
    pdf.ln(4)

    pdf.set_font("DejaVu", "B", 11)
    pdf.cell(0, 7, _("Credits"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("DejaVu", "", 8.5)
    if facts["credits"]:
        with pdf.table(col_widths=(20, 62, 38, 16, 44), text_align=("LEFT", "LEFT", "LEFT", "RIGHT", "LEFT"),
                       line_height=4.6, headings_style=_heading_style()) as table:
            table.row([_("Date"), _("Title"), _("Content area"), _("Periods"), _("Issued by")])
            for credit in facts["credits"]:
                title = credit["title_en"] if locale == "en" and credit["title_en"] else credit["title_vi"]
                if credit.get("certificate_code"):
                    title += "\n" + _("Certificate %(code)s", code=credit["certificate_code"])
                table.row([format_day(datetime.fromisoformat(credit["earned_on"]).date()), title,
                           area_label(credit["content_area"], locale), _number(credit["periods"]), credit["issuer"]])
    else:
        pdf.cell(0, 6, _("No training recorded."), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    # The signature block and the QR code stay together on one page.
    if pdf.get_y() > pdf.h - 62:
        pdf.add_page()
    pdf.ln(6)
    top = pdf.get_y()
    qr = io.BytesIO()
    segno.make(url, error="m").save(qr, kind="png", scale=6, border=2)
    qr.seek(0)
    pdf.image(qr, x=pdf.l_margin, y=top, w=34, h=34, alt_text=_("QR code to the verify page"))
    pdf.set_xy(pdf.l_margin + 40, top)
    pdf.set_font("DejaVu", "", 9)
    lines = [
        _("Issued on %(when)s by %(site)s.", when=format_moment(transcript.issued_at),
          site=current_app.config["SITE_NAME"]),
        _("Digitally signed (Ed25519); key %(key)s.", key=transcript.key_id[:16]),
        _("Check this transcript at %(url)s or scan the QR code.", url=url),
    ]
    pdf.multi_cell(pdf.w - pdf.r_margin - pdf.get_x(), 5, "\n".join(lines), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    return bytes(pdf.output())


def _heading_style():
    from fpdf.fonts import FontFace
    return FontFace(emphasis="BOLD", fill_color=(235, 238, 241))


def _number(value) -> str:
    value = float(value or 0)
    return f"{value:g}" if value == int(value) else f"{value:.2f}".rstrip("0")


def _political_theory(official: Official) -> str:
    from lms.records.labels import political_theory_label
    parts = [political_theory_label(official.political_theory_level)]
    if official.political_theory_school:
        parts.append(official.political_theory_school)
    if official.political_theory_year:
        parts.append(str(official.political_theory_year))
    return ", ".join(parts)
