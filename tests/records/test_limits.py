"""Outside-training files past the limits are refused; a refused import keeps no credit and no evidence file."""
from __future__ import annotations

from sqlalchemy import func, select

from lms.core.db import db
from lms.core.models import StoredFile
from lms.records.models import TrainingCredit
from tests.limits_support import lying_zip, stored_files
from tests.records.test_outside import import_file, school_admin  # noqa: F401  (the fixture, shared)

HEADER = "Mã cán bộ,Tên khóa học,Nội dung bồi dưỡng,Chủ đề,Số tiết,Ngày hoàn thành,Cơ sở đào tạo\n"
ROW = "A001,Kỹ năng số cơ bản,job_position,,8,15/03/2025,Nền tảng Bình dân học vụ số\n"


def _state() -> tuple:
    rows = tuple(db.session.scalar(select(func.count()).select_from(m)) for m in (TrainingCredit, StoredFile))
    return rows, stored_files()


def test_refused_files_record_nothing_and_keep_no_evidence(app, make_official, school_admin, login, client):  # noqa: F811
    make_official("Người A", code="A001")
    user, school = school_admin
    login(user)
    app.config["IMPORT_MAX_ROWS"] = 3
    before = _state()
    cases = {
        "dai.csv": (HEADER + ROW.replace("Nền tảng", "x" * 100_001)).encode(),
        "nhieu.csv": (HEADER + ROW * 4).encode(),
        "bom.xlsx": lying_zip({"[Content_Types].xml": 100, "xl/worksheets/sheet1.xml": 300 * 1024 * 1024}),
    }
    for name, data in cases.items():
        page = import_file(client, school, data, name=name).get_data(as_text=True)
        assert any(text in page for text in ("100000", "hơn 3 dòng", "200 MB")), name
        assert _state() == before, name
    assert import_file(client, school, (HEADER + ROW).encode(), name="mot.csv").status_code == 200
    assert _state() != before  # the same form records a file within the limits
