"""Importing into banks (service and `lms quizzes import`), exporting, and the course-folder contract."""
from __future__ import annotations

import io
import json

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from lms.core.db import db
from lms.quizzes.formats import canonical
from lms.quizzes.models import Category, Question, QuestionBank
from tests.quizzes.conftest import INTEROP

INTEROP_COUNTS = [("gift/questions.gift.txt", "gift", 9), ("gift/options1.gift", "gift", 14),
                  ("gift/escapeAll.gift", "gift", 1), ("aiken/questions.aiken.txt", "aiken", 2),
                  ("moodle-xml/nested_categories_with_questions.xml", "moodle-xml", 5)]


@pytest.mark.parametrize("path,fmt,count", INTEROP_COUNTS)
def test_interop_files_import_with_the_counts_their_readme_gives(app, bank, path, fmt, count):
    from lms.quizzes.services.importing import import_questions
    report = import_questions(bank, fmt, (INTEROP / path).read_bytes(), filename=path)
    assert report.as_dict() == {"imported": count, "skipped": 0, "problems": []}
    assert db.session.scalar(select(func.count()).select_from(Question).where(Question.bank_id == bank.id)) == count


def test_moodle_xml_categories_become_the_bank_tree(app, bank):
    from lms.quizzes.services.importing import import_questions
    import_questions(bank, "moodle-xml", (INTEROP / "moodle-xml/nested_categories_with_questions.xml").read_bytes())
    paths = {c.path: c for c in db.session.scalars(select(Category).where(Category.bank_id == bank.id))}
    assert set(paths) == {"Iota", "Iota/Kappa", "Iota/Kappa/Lambda", "Iota/Mu"}
    assert paths["Iota/Kappa"].parent_id == paths["Iota"].id and paths["Iota"].info == "This is Iota category for test"
    essay = db.session.scalar(select(Question).where(Question.qtype == "essay"))
    assert essay.category.path == "Iota/Kappa"


def test_cli_import_json_report_creates_the_bank(runner, app):
    result = runner.invoke(args=["quizzes", "import", str(INTEROP / "gift/questions.gift.txt"), "--format", "gift",
                                 "--bank", "moodle-fixture", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {"imported": 9, "skipped": 0, "problems": []}
    assert db.session.scalar(select(QuestionBank).where(QuestionBank.key == "moodle-fixture")) is not None


def test_cli_import_reports_a_bad_question_by_line_and_imports_the_others(runner, app, tmp_path):
    path = tmp_path / "bank.gift"
    path.write_text("::A:: Một {=a ~b}\n\n::B:: Hai {=a ~b\n\n::C:: Ba {T}\n", encoding="utf-8")
    result = runner.invoke(args=["quizzes", "import", str(path), "--bank", "k", "--json"])
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert report["imported"] == 2 and report["skipped"] == 1
    assert report["problems"][0]["line"] == 3 and report["problems"][0]["message"]
    assert db.session.scalar(select(func.count()).select_from(Question)) == 2
    plain = runner.invoke(args=["quizzes", "import", str(path), "--bank", "k"])
    assert "line 3" in plain.output and "skipped" in plain.output


def test_cli_refuses_a_billion_laughs_file_and_changes_nothing(runner, app, tmp_path):
    from tests.quizzes.test_formats import BILLION_LAUGHS
    path = tmp_path / "evil.xml"
    path.write_bytes(BILLION_LAUGHS)
    result = runner.invoke(args=["quizzes", "import", str(path), "--format", "moodle-xml", "--bank", "k", "--json"])
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert report["imported"] == 0 and "DTD" in report["problems"][0]["message"]
    assert db.session.scalar(select(func.count()).select_from(Question)) == 0


def _xlsx(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_xlsx_template_imports_and_a_formula_row_is_refused(app, bank):
    from lms.quizzes.formats.xlsx import HEADER, xlsx_template
    from lms.quizzes.services.importing import import_questions
    report = import_questions(bank, "xlsx", xlsx_template(), filename="template.xlsx")
    assert report.as_dict() == {"imported": 8, "skipped": 0, "problems": []}
    kinds = sorted(db.session.scalars(select(Question.qtype)))
    assert kinds == sorted(["single_choice", "multiple_choice", "true_false", "short_answer", "numerical", "matching",
                            "ordering", "essay"])
    raw = _xlsx([HEADER, ["", "một lựa chọn", "", "=1+1", "a", "b", "", "", "", "", "", "", "A"],
                 ["", "", "", "Câu không loại", "", "", "", "", "", "", "", "", ""],
                 ["", "số", "", "Bao nhiêu?", "", "", "", "", "", "", "", "", "nhiều"],
                 ["", "một lựa chọn", "", "Đúng?", "x", "y", "", "", "", "", "", "", "C"]])
    report = import_questions(bank, "xlsx", raw, filename="x.xlsx")
    assert report.imported == 0 and [p["line"] for p in report.problems] == [2, 3, 4, 5]
    assert "ormula" in report.problems[0]["message"] or "công thức" in report.problems[0]["message"].lower()


def test_export_then_import_gives_the_same_bank(app, bank):
    from lms.quizzes.services.banks import create_bank
    from lms.quizzes.services.importing import bank_questions, export_questions, import_questions, to_parsed
    for path, fmt, _count in INTEROP_COUNTS:
        import_questions(bank, fmt, (INTEROP / path).read_bytes(), filename=path, default_category="Nhập/" + fmt)
    originals = [canonical(to_parsed(q)) for q in bank_questions(bank)]
    for fmt in ("gift", "moodle-xml"):
        copy = create_bank(f"copy-{fmt}")
        text = export_questions(bank_questions(bank), fmt)
        report = import_questions(copy, fmt, text.encode("utf-8"))
        assert report.ok and report.imported == len(originals)
        assert [canonical(to_parsed(q)) for q in bank_questions(copy)] == originals


def test_cli_export_writes_a_file_that_imports_back(runner, app, tmp_path):
    runner.invoke(args=["quizzes", "import", str(INTEROP / "moodle-xml/nested_categories_with_questions.xml"),
                        "--bank", "xml-bank"])
    out = tmp_path / "out.xml"
    result = runner.invoke(args=["quizzes", "export", "--bank", "xml-bank", "--format", "moodle-xml",
                                 "--output", str(out)])
    assert result.exit_code == 0, result.output
    again = runner.invoke(args=["quizzes", "import", str(out), "--bank", "xml-copy", "--json"])
    assert json.loads(again.output)["imported"] == 5
    assert "This is Kappa category for test" in out.read_text(encoding="utf-8")


# -- the course-folder contract -------------------------------------------------------------------

GIFT = """::q1:: Thủ đô của Việt Nam? {=Hà Nội ~Huế ~Đà Nẵng}

::q2:: Một tiết học bao nhiêu phút? {#45}

::q3:: Chữ ký số có giá trị pháp lý. {T}
"""


def _folder(tmp_path, text=GIFT):
    folder = tmp_path / "course"
    folder.mkdir(exist_ok=True)
    (folder / "quiz.gift").write_text(text, encoding="utf-8")
    return folder


def _spec(**settings):
    return {"source": "quiz.gift", "settings": {"pass_mark": 0.5, "time_limit_minutes": 20, "attempts_allowed": 3,
                                                "questions_per_page": 5, "shuffle_questions": True,
                                                "shuffle_answers": True, "grading_method": "highest", **settings}}


def test_activity_type_imports_a_course_quiz_and_exports_it_back(app, school, tmp_path):
    from lms.core import activities
    from lms.quizzes.models import Quiz
    quiz_type = activities.get("quiz")
    ref = quiz_type.import_content(course_id=7, course_key="chuyen-doi-so", school_id=school.id, key="kiem-tra",
                                   title={"vi": "Bài kiểm tra", "en": "Final quiz"}, spec=_spec(),
                                   folder=_folder(tmp_path), existing_ref=None)
    quiz = db.session.get(Quiz, int(ref))
    assert quiz.bank.key == "chuyen-doi-so" and quiz.bank.school_id == school.id and quiz.course_id == 7
    assert [s.question.name for s in quiz.slots] == ["q1", "q2", "q3"]
    assert quiz.time_limit_seconds == 1200 and quiz.attempts_allowed == 3 and quiz.shuffle_questions
    assert quiz.title_en == "Final quiz"
    assert (str(quiz.id), "Bài kiểm tra") in quiz_type.choices(7, None)
    with app.test_request_context():
        info = activities.ActivityInfo(id=1, course_id=7, course_key="chuyen-doi-so", school_id=school.id, key="kt",
                                       type="quiz", ref=ref, title="Bài kiểm tra")
        assert quiz_type.launch_url(info) == f"/quizzes/{ref}"
    out = tmp_path / "export"
    spec = quiz_type.export_content(ref, out)
    assert spec == {"source": "quiz.gift", "settings": _spec()["settings"]}
    second = quiz_type.import_content(course_id=8, course_key="ban-sao", school_id=None, key="kiem-tra",
                                      title={"vi": "Bản sao"}, spec=spec, folder=out, existing_ref=None)
    copy = db.session.get(Quiz, int(second))
    assert [canonical_question(s.question) for s in copy.slots] == [canonical_question(s.question) for s in quiz.slots]


def canonical_question(question):
    from lms.quizzes.services.importing import to_parsed
    value = canonical(to_parsed(question))
    value.pop("category")
    return value


def test_reimport_updates_in_place_and_keeps_attempts(app, school, tmp_path, official_user):
    from lms.core import activities
    from lms.quizzes.models import Attempt, Quiz
    from lms.quizzes.services.attempts import save_answer, start_attempt, submit_attempt
    from tests.quizzes.conftest import answer_getter
    quiz_type = activities.get("quiz")
    ref = quiz_type.import_content(course_id=7, course_key="cds", school_id=school.id, key="kt", title={"vi": "KT"},
                                   spec=_spec(shuffle_questions=False), folder=_folder(tmp_path), existing_ref=None)
    quiz = db.session.get(Quiz, int(ref))
    attempt = start_attempt(quiz, official_user.id)
    first = attempt.questions[0]
    right = next(o["id"] for o in first.question.data["options"] if o["text"] == "Hà Nội")
    save_answer(attempt.id, official_user.id, first.id, answer_getter({"": right}))
    submit_attempt(attempt.id, user_id=official_user.id)
    db.session.commit()
    q1_id, version = first.question_id, first.question.version
    changed = GIFT.replace("~Đà Nẵng", "~Đà Nẵng ~Cần Thơ").replace("::q3:: Chữ ký số có giá trị pháp lý. {T}\n",
                                                                    "::q4:: Câu mới? {F}\n")
    ref2 = quiz_type.import_content(course_id=7, course_key="cds", school_id=school.id, key="kt", title={"vi": "KT 2"},
                                    spec=_spec(), folder=_folder(tmp_path, changed), existing_ref=ref)
    db.session.commit()
    assert ref2 == ref
    quiz = db.session.get(Quiz, int(ref))
    assert [s.question.name for s in quiz.slots] == ["q1", "q2", "q4"] and quiz.title_vi == "KT 2"
    q1 = db.session.get(Question, q1_id)
    assert q1.version == version + 1 and len(q1.data["options"]) == 4
    assert next(o["id"] for o in q1.data["options"] if o["text"] == "Hà Nội") == right  # response keeps its meaning
    kept = db.session.get(Attempt, attempt.id)
    assert kept.score == pytest.approx(1 / 3) and kept.questions[0].response == right
    retired = db.session.scalar(select(Question).where(Question.name == "q3"))
    assert retired.hidden
    # unchanged file: nothing changes
    quiz_type.import_content(course_id=7, course_key="cds", school_id=school.id, key="kt", title={"vi": "KT 2"},
                             spec=_spec(), folder=_folder(tmp_path, changed), existing_ref=ref)
    assert db.session.get(Question, q1_id).version == version + 1


@pytest.mark.parametrize("spec,fragment", [({"source": "../etc/passwd"}, "nằm trong thư mục"),
                                           ({"source": "missing.gift"}, "thiếu tệp nguồn"), ({}, "không ghi tệp nguồn"),
                                           ({"source": "quiz.gift", "settings": {"pass_mark": 5}}, "Điểm đạt")])
def test_course_import_refuses_bad_specs_clearly(app, tmp_path, spec, fragment):
    from lms.core import activities
    from lms.quizzes.services.course_content import CourseContentError
    with pytest.raises(CourseContentError, match=fragment):
        activities.get("quiz").import_content(course_id=1, course_key="k", school_id=None, key="a", title={},
                                              spec=spec, folder=_folder(tmp_path), existing_ref=None)
    with pytest.raises(ValueError):  # the courses plugin may catch ValueError
        activities.get("quiz").import_content(course_id=1, course_key="k", school_id=None, key="a", title={},
                                              spec={"source": "x/../../y"}, folder=_folder(tmp_path), existing_ref=None)


def test_course_import_with_a_broken_question_names_its_line(app, tmp_path):
    from lms.core import activities
    from lms.quizzes.services.course_content import CourseContentError
    with pytest.raises(CourseContentError, match="quiz.gift:3"):
        activities.get("quiz").import_content(course_id=1, course_key="k", school_id=None, key="a", title={},
                                              spec=_spec(), folder=_folder(tmp_path, "::a:: A {T}\n\n::b:: B {=x\n"),
                                              existing_ref=None)


def test_course_quiz_with_random_draws_round_trips(app, tmp_path):
    from lms.core import activities
    from lms.quizzes.models import Quiz
    text = GIFT + "\n$CATEGORY: chuong-2\n\n::r1:: R1 {T}\n\n::r2:: R2 {F}\n\n::r3:: R3 {T}\n"
    quiz_type = activities.get("quiz")
    ref = quiz_type.import_content(course_id=1, course_key="k", school_id=None, key="kt", title={"vi": "KT"},
                                   spec=_spec(random=[{"category": "chuong-2", "count": 2}]),
                                   folder=_folder(tmp_path, text), existing_ref=None)
    quiz = db.session.get(Quiz, int(ref))
    assert [s.question.name for s in quiz.slots if s.question] == ["q1", "q2", "q3"]
    (random_slot,) = [s for s in quiz.slots if s.is_random]
    assert random_slot.random_count == 2 and random_slot.random_category.path == "kt/chuong-2"
    spec = quiz_type.export_content(ref, tmp_path / "out")
    assert spec["settings"]["random"] == [{"category": "chuong-2", "count": 2}]
    assert "$CATEGORY: $course$/chuong-2" in (tmp_path / "out" / "quiz.gift").read_text(encoding="utf-8")


def test_demo_content_is_seeded_once(app):
    from lms.core.plugins import enabled_plugins
    from lms.quizzes.models import Quiz
    from lms.quizzes.types import get_type
    for _ in range(2):
        enabled_plugins()["quizzes"].seed_demo()
    (quiz,) = db.session.scalars(select(Quiz)).all()
    kinds = {s.question.qtype for s in quiz.slots}
    assert {"true_false", "single_choice", "multiple_choice", "short_answer", "numerical", "matching", "ordering",
            "essay"} == kinds
    for slot in quiz.slots:  # every demo question is valid for its type
        get_type(slot.question.qtype).validate(slot.question.data)


def test_a_gift_file_with_a_nul_character_imports_without_it(app, bank):
    from lms.quizzes.services.importing import import_questions
    report = import_questions(bank, "gift", "::q::Thủ\x00 đô {=Hà Nội ~Huế}\n".encode(), filename="nul.gift")
    assert report.as_dict()["imported"] == 1, report.as_dict()
    db.session.flush()
    question = db.session.scalar(select(Question).where(Question.bank_id == bank.id))
    assert "\x00" not in question.text and "Thủ đô" in question.text
