"""The printed letters: one half A4 page per official, in Vietnamese, with the code and a QR code; the XLSX list."""
import io
import zipfile

from pypdf import PdfReader

from lms.core.db import db
from lms.core.models import Role
from tests.core.activation_support import CODE, texts_by_half, waiting_account, xlsx_codes


def test_one_half_page_per_official(app, client, login, make_user, make_unit, make_official):
    unit = make_unit("Xã Tà Xùa", code="XTX")
    names = ["Giàng A Páo", "Sùng Thị Dợ", "Mùa A Chư"]
    for number, name in enumerate(names):
        waiting_account(make_official(name, unit=unit, code=f"CB2000{number}"))
    manager = make_user("quanly@example.vn", roles=[(Role.unit_manager, {"unit_id": unit.id})], locale="en")
    login(manager)

    response = client.post(f"/activation/units/{unit.id}/letters", data={"file_format": "zip"})
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    pdf, sheet = archive.read("kich-hoat-XTX.pdf"), archive.read("kich-hoat-XTX.xlsx")
    halves = texts_by_half(pdf)
    assert len(halves) == 2  # three letters: two pages, the second half of the last one blank
    letters = [halves[0][0], halves[0][1], halves[1][0]]
    assert halves[1][1].strip() == ""
    codes = xlsx_codes(sheet)
    for text in letters:
        assert "THƯ KÍCH HOẠT TÀI KHOẢN" in text  # in Vietnamese, though the manager reads English
        assert "http://127.0.0.1:5000/activate" in text  # the address written out
        assert "Xã Tà Xùa" in text
        [employee_code] = [code for code in codes if code in text]
        assert CODE.search(text).group() == codes[employee_code]
    assert {n for n in names if any(n in text for text in letters)} == set(names)
    assert len(PdfReader(io.BytesIO(pdf)).pages[0].images) == 2  # a QR code on each half


def test_the_xlsx_lists_every_letter(app, make_unit, make_official):
    from lms.core.services import activation
    from lms.core.services.activation_letters import letters_xlsx

    unit = make_unit("Phường Đông Kinh", code="PDK")
    for number in range(3):
        waiting_account(make_official(f"Nông Văn {number}", unit=unit, code=f"CB3000{number}"))
    letters = activation.issue_letters(unit, issued_by=None)
    db.session.flush()
    codes = xlsx_codes(letters_xlsx(letters, unit.name_vi))
    assert codes == {letter.employee_code: letter.code for letter in letters}
