"""Printing: the PDF shows correct Vietnamese in an embedded font, carries the QR of the verify page,
is cached on first download, and is signed so that any change is noticed offline."""
from __future__ import annotations

import io
import json
import unicodedata

import pytest
import segno
from pypdf import PdfReader

from lms.certificates import signing
from lms.certificates.pdf import layout, render
from lms.certificates.pdf.writer import Document
from lms.certificates.verification import verify_file, verify_pdf
from lms.core import storage
from tests.certificates.conftest import english


def text_of(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    return unicodedata.normalize("NFC", reader.pages[0].extract_text())


def trusted(cert) -> dict[str, str]:
    return {cert.key.kid: cert.key.public_key}


def test_the_pdf_prints_vietnamese_names_in_an_embedded_font(issue_class):
    _, certs = issue_class(names=("Nguyễn Thị Ngọc Hường", "Đặng Quốc Bảo"))
    for cert in certs:
        data = render.render_pdf(cert)
        text = text_of(data)
        assert cert.holder_name.upper() in text
        assert "Sinh ngày: 15/06/1987" in text
        assert "GIẤY CHỨNG NHẬN" in text and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
        assert "Bồi dưỡng kiến thức quản lý nhà nước" in text
        assert f"Số vào sổ: {cert.register_number}" in text and f"Số hiệu: {cert.serial}" in text
        assert "Sơn Hà, ngày 02 tháng 04 năm 2025" in text and "thời lượng: 40 tiết" in text
        reader = PdfReader(io.BytesIO(data))
        fonts = reader.pages[0]["/Resources"]["/Font"]
        for ref in fonts.values():
            descendant = ref.get_object()["/DescendantFonts"][0].get_object()
            assert "/FontFile2" in descendant["/FontDescriptor"]
            assert "DejaVuSerif" in str(descendant["/BaseFont"])
        assert reader.attachments["certificate.json"]


def test_the_qr_code_is_the_verify_address(issue_class, app):
    _, (cert,) = issue_class(names=("Đặng Quốc Bảo",))
    url = render.verify_url(cert.verification_code)
    assert url == f"{app.config['PUBLIC_BASE_URL']}/verify/{cert.verification_code}"
    page = layout.draw(render.certificate_view(cert))
    drawn = [op for op in page.ops if isinstance(op, tuple) and op[0] == "modules"]
    expected = [[bool(v) for v in row] for row in segno.make(url, error="m", micro=False, mask=layout.QR_MASK).matrix]
    assert [op[4] for op in drawn] == [expected]
    assert url in text_of(render.render_pdf(cert))


def test_rendering_is_deterministic_and_cached_on_first_download(issue_class, monkeypatch):
    _, (cert,) = issue_class(names=("Đặng Quốc Bảo",))
    assert render.render_pdf(cert) == render.render_pdf(cert)
    path = render.cached_pdf(cert)
    assert path.read_bytes() == render.render_pdf(cert)
    monkeypatch.setattr(render, "render_pdf", lambda cert: pytest.fail("rendered twice"))
    assert render.cached_pdf(cert) == path


def test_a_downloaded_pdf_verifies_offline_and_any_change_is_noticed(issue_class):
    _, (cert,) = issue_class(names=("Nguyễn Thị Ngọc Hường",))
    data = render.render_pdf(cert)
    result = verify_pdf(data, trusted(cert))
    assert result.ok, result.as_dict()
    assert {c.name for c in result.checks} >= {"key", "facts signature", "date of birth", "file signature"}
    assert result.facts["holder"]["name"] == "Nguyễn Thị Ngọc Hường"

    # A byte of the page changed (the visible text is compressed: flip one byte of its stream).
    content_at = data.index(b"stream\n", data.index(b"/Contents")) + 20
    altered_page = data[:content_at] + bytes([data[content_at] ^ 1]) + data[content_at + 1:]
    checks = {c.name: c.ok for c in verify_pdf(altered_page, trusted(cert)).checks}
    assert checks["file signature"] is False and checks["facts signature"] is True

    # A field of the embedded record changed (same length, so the PDF stays readable).
    record = data[data.index(b'{"lms_certificate":'):]
    name_escaped = json.dumps("Hường")[1:-1].encode()
    assert name_escaped in record
    altered_name = data.replace(name_escaped, json.dumps("Hương")[1:-1].encode().ljust(len(name_escaped), b" "), 1)
    result = verify_pdf(altered_name, trusted(cert))
    assert not result.ok
    assert {c.name: c.ok for c in result.checks}["facts signature"] is False

    # The date of birth disclosed in the file no longer matches the signed digest.
    altered_birth = data.replace(b'"birth_date":"1987-06-15"', b'"birth_date":"1988-06-15"', 1)
    assert {c.name: c.ok for c in verify_pdf(altered_birth, trusted(cert)).checks}["date of birth"] is False

    # Signed by a key nobody published.
    assert not verify_pdf(data, {"someone-else": cert.key.public_key}).ok
    other = signing.new_key(cert.school_id)
    assert not verify_pdf(data, {cert.key.kid: other.public_key}).ok
    assert not verify_file(b"%PDF-1.7 nothing here", trusted(cert)).ok


def test_overlong_names_and_titles_shrink_and_wrap_without_losing_text(issue_class, fake_catalog):
    long_name = "Tôn Nữ Thị Phương Thảo Nguyễn Ngọc Hường Bích Diệp Hoàng Quốc Bảo"
    setup, (cert,) = issue_class(names=(long_name,))
    cert.course_title_vi = ("Bồi dưỡng cập nhật kiến thức, kỹ năng chuyển đổi số, chuyển đổi xanh và ứng dụng trí tuệ "
                            "nhân tạo trong quản lý nhà nước cho cán bộ, công chức cấp xã năm 2025")
    text = " ".join(text_of(render.render_pdf(cert)).split())
    assert long_name.upper() in text
    assert "ứng dụng trí tuệ nhân tạo trong quản lý nhà nước" in text


def test_portrait_templates_print_too(issue_class, template):
    from lms.certificates.models import Orientation
    template.orientation = Orientation.portrait
    _, (cert,) = issue_class(names=("Đặng Quốc Bảo",))
    reader = PdfReader(io.BytesIO(render.render_pdf(cert)))
    box = reader.pages[0].mediabox
    assert float(box.width) < float(box.height)


def test_signature_and_seal_images_are_embedded(issue_class, template, stored_image):
    template.signature_file_id = stored_image().id
    template.seal_file_id = stored_image(seal=True).id
    _, (cert,) = issue_class(names=("Đặng Quốc Bảo",))
    reader = PdfReader(io.BytesIO(render.render_pdf(cert)))
    images = reader.pages[0]["/Resources"]["/XObject"]
    assert len(images) == 2
    assert any("/SMask" in ref.get_object() for ref in images.values())


def test_a_missing_image_is_a_clear_error(issue_class, template, stored_image):
    stored = stored_image(seal=True)
    template.seal_file_id = stored.id
    _, (cert,) = issue_class(names=("Đặng Quốc Bảo",))
    storage.path_for(stored.sha256).unlink()
    with pytest.raises(render.MissingImage) as raised:
        render.render_pdf(cert)
    assert "seal image is missing" in english(raised.value)


def test_a_template_preview_uses_sample_data(template, school):
    text = text_of(render.render_sample(template, school))
    assert "NGUYỄN THỊ NGỌC HƯỜNG" in text and "BẢN MẪU" in text


def test_download_names_are_safe(issue_class):
    _, (cert,) = issue_class(names=("Nguyễn Thị Ngọc Hường",))
    assert render.download_name(cert) == f"2025-{cert.register_seq:05d}_Nguyen-Thi-Ngoc-Huong.pdf"


def test_writer_output_has_a_valid_cross_reference_table():
    page = layout.Page(200, 100)
    page.text(10, 50, "Đặng Quốc Bảo")
    data = Document(page).render()
    start = int(data[data.rindex(b"startxref") + 10:].split()[0])
    assert data[start:start + 4] == b"xref"
    table = data[start:].split(b"\n")
    count = int(table[1].split()[1])
    for ref in range(1, count):
        offset = int(table[2 + ref][:10])
        assert data[offset:].startswith(f"{ref} 0 obj".encode())
    assert "Đặng Quốc Bảo" in text_of(data)
