"""Where everything goes on an A4 certificate (landscape or portrait), in Vietnamese.

The wording follows the usual Vietnamese layout: the governing body and school top left, the national
heading and motto top right, the title, the holder and course, then place and date of issue with the
signer's title, signature, seal and name bottom right, and serial, register number and QR code bottom
left. Long names and titles shrink, then wrap; nothing is cut off.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import segno

from lms.certificates.pdf.fonts import font
from lms.certificates.pdf.writer import Page, PreparedImage

A4 = (841.89, 595.28)
RED = (0.64, 0.09, 0.12)
GOLD = (0.72, 0.55, 0.2)
GREY = (0.3, 0.3, 0.3)
QR_MASK = 0


@dataclass
class CertificateView:
    """Everything a certificate prints (from an issued certificate, or sample data for a preview)."""

    orientation: str
    national_heading: str
    national_motto: str
    governing_body: str
    school_name: str
    title: str
    subtitle: str
    body: str
    honorific: str
    holder_name: str
    birth_date: date | None
    course_title: str
    periods: float
    starts_on: date | None
    ends_on: date | None
    completed_on: date | None
    place: str
    issued_on: date
    expires_on: date | None
    signer_title: str
    signer_name: str
    serial: str
    register_number: str
    code: str
    verify_url: str
    note: str = ""  # "BẢN CẤP LẠI ..." on copies, "Thay thế ..." on corrections
    signature: PreparedImage | None = None
    seal: PreparedImage | None = None
    background: PreparedImage | None = None


def vn_date(day: date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def periods_text(periods: float) -> str:
    return f"{periods:g}".replace(".", ",")


def wrap(text: str, style: str, size: float, width: float) -> list[str]:
    """Break a text into lines no wider than `width` (a word longer than a line stays whole)."""
    face = font(style)
    lines, current = [], ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if current and face.width(candidate, size) > width:
            lines.append(current)
            current = word
        else:
            current = candidate
    if current:
        lines.append(current)
    return lines or [""]


def fit(text: str, style: str, size: float, minimum: float, width: float, max_lines: int) -> tuple[float, list[str]]:
    """The largest size (down to `minimum`) at which the text fits in `max_lines` lines of `width`."""
    while True:
        lines = wrap(text, style, size, width)
        fits = len(lines) <= max_lines and all(font(style).width(line, size) <= width for line in lines)
        if fits or size <= minimum:
            return size, lines
        size = max(minimum, size - 0.5)


def draw(view: CertificateView) -> Page:
    landscape = view.orientation != "portrait"
    width, height = A4 if landscape else (A4[1], A4[0])
    page = Page(width, height)
    if view.background is not None:
        page.image(view.background, 0, 0, width, height)
    else:
        page.rect(18, 18, width - 36, height - 36, stroke=RED, line_width=2.5)
        page.rect(25, 25, width - 50, height - 50, stroke=GOLD, line_width=0.8)
    margin = 62 if landscape else 48
    block = (width * 0.40) if landscape else (width * 0.42)
    y = _header(page, view, landscape, block)
    y = _title(page, view, landscape, y, margin)
    y = _statement(page, view, landscape, y, margin)
    _signature(page, view, landscape, y, block)
    _verification(page, view, landscape, margin)
    return page


def _header(page: Page, view: CertificateView, landscape: bool, block: float) -> float:
    """Governing body and school (left), national heading and motto (right); returns where the title may start."""
    width = page.width
    left_x, right_x = (width * 0.25, width * 0.71) if landscape else (width * 0.27, width * 0.70)
    heading_size = 11.5 if landscape else 10
    y = 68 if landscape else 72
    left_y = y
    if view.governing_body:
        for line in wrap(view.governing_body.upper(), "regular", heading_size, block):
            page.text(left_x, left_y, line, size=heading_size, align="center")
            left_y += heading_size + 4
    size, lines = fit(view.school_name.upper(), "bold", heading_size, 8, block, 2)
    for line in lines:
        page.text(left_x, left_y, line, style="bold", size=size, align="center")
        left_y += size + 4
    page.line(left_x - 35, left_y - 1, left_x + 35, left_y - 1, line_width=0.7)
    size, lines = fit(view.national_heading, "bold", heading_size, 8, block, 1)
    page.text(right_x, y, lines[0], style="bold", size=size, align="center")
    motto_width = page.text(right_x, y + heading_size + 5, view.national_motto, style="bold", size=heading_size + 1,
                            align="center")
    page.line(right_x - motto_width / 2, y + 2 * heading_size + 9, right_x + motto_width / 2, y + 2 * heading_size + 9,
              line_width=0.7)
    if view.note:
        for i, line in enumerate(wrap(view.note, "italic", 9, block)[:2]):
            page.text(right_x, y + 2 * heading_size + 24 + 11 * i, line, style="italic", size=9, color=RED,
                      align="center")
    return max(left_y, y + 2 * heading_size + 24)


def _title(page: Page, view: CertificateView, landscape: bool, y: float, margin: float) -> float:
    """The title and subtitle, centred in red; returns the last line's baseline."""
    centre, width = page.width / 2, page.width
    y += 44 if landscape else 70
    size, lines = fit(view.title.upper(), "bold", 30 if landscape else 26, 16, width - 2 * margin, 1)
    page.text(centre, y, lines[0], style="bold", size=size, color=RED, align="center")
    if view.subtitle:
        y += 24
        size, lines = fit(view.subtitle.upper(), "bold", 15, 10, width - 2 * margin, 2)
        for line in lines:
            page.text(centre, y, line, style="bold", size=size, color=RED, align="center")
            y += size + 4
        y -= size + 4
    return y


def _statement(page: Page, view: CertificateView, landscape: bool, y: float, margin: float) -> float:
    """Who certifies, who, what, when; returns where the text ends."""
    centre, width = page.width / 2, page.width
    text_width = width - 2 * margin - (60 if landscape else 0)
    x = margin + (30 if landscape else 0)
    y += 34 if landscape else 44
    intro = f"{view.signer_title} {view.school_name} chứng nhận:".strip()
    size, lines = fit(intro, "regular", 13, 10, text_width, 2)
    for line in lines:
        page.text(centre, y, line, size=size, align="center")
        y += size + 5
    y += 10
    label = f"{view.honorific}: "
    label_width = page.text(x, y, label, size=13)
    size, lines = fit(view.holder_name.upper(), "bold", 20, 12, text_width - label_width, 2)
    for line in lines:
        page.text(x + label_width, y, line, style="bold", size=size, color=RED)
        y += size + 6
    y += 4
    if view.birth_date:
        page.text(x, y, f"Sinh ngày: {vn_date(view.birth_date)}", size=13)
        y += 22
    body = (view.body or "Đã hoàn thành khóa bồi dưỡng").rstrip(":")
    page.text(x, y, f"{body}:", size=13)
    y += 24
    size, lines = fit(view.course_title, "bold", 15, 10, text_width, 3)
    for line in lines:
        page.text(centre, y, line, style="bold", size=size, align="center")
        y += size + 6
    y += 6
    when = _when(view)
    if when:
        for line in wrap(when, "regular", 13, text_width):
            page.text(x, y, line, size=13)
            y += 20
    if view.expires_on:
        page.text(x, y, f"Có giá trị đến ngày {vn_date(view.expires_on)}", size=13)
        y += 20
    return y


def _when(view: CertificateView) -> str:
    """The training's dates (or completion date) and length in periods, as one sentence, or ""."""
    if view.starts_on and view.ends_on:
        when = f"Thời gian: từ ngày {vn_date(view.starts_on)} đến ngày {vn_date(view.ends_on)}"
    elif view.completed_on:
        when = f"Hoàn thành ngày {vn_date(view.completed_on)}"
    else:
        when = ""
    if view.periods:
        when = f"{when}; thời lượng: {periods_text(view.periods)} tiết" if when else \
            f"Thời lượng: {periods_text(view.periods)} tiết"
    return when


def _signature(page: Page, view: CertificateView, landscape: bool, y: float, block: float) -> None:
    """Bottom right: place and date, signer, signature and seal."""
    sign_x = page.width * (0.72 if landscape else 0.68)
    sign_y = max(y + 16, page.height - (205 if landscape else 250))
    page.text(sign_x, sign_y, f"{view.place}, ngày {view.issued_on.day:02d} tháng {view.issued_on.month:02d} "
                              f"năm {view.issued_on.year}".lstrip(", "), style="italic", size=12, align="center")
    size, lines = fit(view.signer_title.upper(), "bold", 12.5, 9, block, 2)
    for i, line in enumerate(lines):
        page.text(sign_x, sign_y + 20 + i * (size + 3), line, style="bold", size=size, align="center")
    art_top = sign_y + 24 + len(lines) * (size + 3)
    if view.signature is not None:
        _picture(page, view.signature, sign_x - 70, art_top, 140, 62)
    if view.seal is not None:
        _picture(page, view.seal, sign_x - 110, art_top - 12, 92, 92)
    name_size, lines = fit(view.signer_name, "bold", 13.5, 10, block, 1)
    page.text(sign_x, art_top + 92, lines[0], style="bold", size=name_size, align="center")


def _verification(page: Page, view: CertificateView, landscape: bool, margin: float) -> None:
    """Bottom left: QR code of the verify page, serial, register number, code."""
    # A fixed mask pattern: choosing the "best" of eight costs 5 ms a page in pure Python, and every
    # reader decodes any mask.
    qr = segno.make(view.verify_url, error="m", micro=False, mask=QR_MASK)
    rows = [[bool(v) for v in row] for row in qr.matrix]
    side = 78
    module = side / (len(rows) + 8)
    qr_x, qr_y = margin - 10, page.height - side - (44 if landscape else 52)
    page.modules(qr_x + 4 * module, qr_y + 4 * module, module, rows)
    info_x = qr_x + side + 6
    info_y = qr_y + 16
    for text in (f"Số hiệu: {view.serial}", f"Số vào sổ: {view.register_number}",
                 f"Mã xác minh: {view.code}"):
        page.text(info_x, info_y, text, size=9.5)
        info_y += 14
    page.text(info_x, info_y, view.verify_url, size=7.5, color=GREY)


def _picture(page: Page, image: PreparedImage, x: float, y: float, box_w: float, box_h: float) -> None:
    """Fit an image into a box, keeping its proportions, centred."""
    scale = min(box_w / image.width, box_h / image.height)
    w, h = image.width * scale, image.height * scale
    page.image(image, x + (box_w - w) / 2, y + (box_h - h) / 2, w, h)
