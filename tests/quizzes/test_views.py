"""The pages, through the test client: an official's attempt from start to review, and the lecturer's pages."""
from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from lms.core.db import db, utcnow
from lms.quizzes.models import Attempt, AttemptQuestion, AttemptState, Question, Quiz
from tests.quizzes.conftest import INTEROP, SAMPLES, in_course


def every_type_quiz(make_quiz, make_question, **settings):
    questions = [make_question(kind, name=f"Câu {kind}") for kind in SAMPLES]
    questions.append(make_question("description", name="Tình huống", data={}, text="Đọc kỹ tình huống sau."))
    return make_quiz(questions, **settings)


def start(client, quiz) -> Attempt:
    response = client.post(f"/quizzes/{quiz.id}/start")
    assert response.status_code == 302, response.data[:300]
    return db.session.scalar(select(Attempt).where(Attempt.quiz_id == quiz.id).order_by(Attempt.id.desc()))


def slots(attempt) -> dict[str, AttemptQuestion]:
    db.session.expire_all()
    return {aq.question.qtype: aq for aq in db.session.get(Attempt, attempt.id).questions}


def test_official_takes_a_quiz_with_every_type_from_start_to_review(client, login, official_user, make_quiz,
                                                                   make_question, recorded_events):
    quiz = every_type_quiz(make_quiz, make_question, questions_per_page=3, pass_mark=0.5)
    in_course(quiz, official_user)
    login(official_user)
    page = client.get(f"/quizzes/{quiz.id}")
    assert page.status_code == 200 and "Bài kiểm tra".encode() in page.data
    attempt = start(client, quiz)
    first = client.get(f"/quizzes/attempts/{attempt.id}")
    assert first.status_code == 200
    assert b'data-answer-url' in first.data and b"attempt.js" in first.data
    by_type = slots(attempt)
    for aq in by_type.values():  # every page renders its types
        assert client.get(f"/quizzes/attempts/{attempt.id}?page={aq.page}").status_code == 200
    choice = by_type["single_choice"]
    right = next(o["id"] for o in choice.question.data["options"] if o["fraction"] == 1)
    saved = client.post(f"/quizzes/attempts/{attempt.id}/answer", data={"slot": choice.id, "seq": 1,
                                                                        f"q{choice.id}": right})
    assert saved.status_code == 200 and saved.json["ok"] and saved.json["saved"]
    matching = by_type["matching"]
    pairs = {p["left"]: p["id"] for p in matching.question.data["pairs"]}
    choices = {p["right"]: p["id"] for p in matching.question.data["pairs"]}
    form = {f"q{matching.id}-{pairs['Căn cước']}": choices["Công an"],
            f"q{matching.id}-{pairs['Khai sinh']}": choices["UBND xã"], "go": "next"}
    moved = client.post(f"/quizzes/attempts/{attempt.id}/page/{matching.page}", data=form)
    assert moved.status_code == 302
    short = by_type["short_answer"]
    client.post(f"/quizzes/attempts/{attempt.id}/answer", data={"slot": short.id, f"q{short.id}": "ha noi"})
    number = by_type["numerical"]
    client.post(f"/quizzes/attempts/{attempt.id}/answer", data={"slot": number.id, f"q{number.id}": "45,0"})
    summary = client.get(f"/quizzes/attempts/{attempt.id}/summary")
    assert summary.status_code == 200 and "Nộp bài".encode() in summary.data
    done = client.post(f"/quizzes/attempts/{attempt.id}/submit")
    assert done.status_code == 302 and done.location.endswith(f"/quizzes/attempts/{attempt.id}/review")
    again = client.post(f"/quizzes/attempts/{attempt.id}/submit")  # double click, second tab
    assert again.status_code == 302
    graded = db.session.get(Attempt, attempt.id)
    db.session.refresh(graded)
    assert graded.state is AttemptState.graded and graded.score == pytest.approx(4 / 8)
    assert [name for name, _ in recorded_events].count("attempt_graded") == 1
    review = client.get(f"/quizzes/attempts/{attempt.id}/review")
    assert review.status_code == 200 and b"50%" in review.data
    mine = client.get("/quizzes/mine")
    assert mine.status_code == 200 and "Bài kiểm tra".encode() in mine.data


def test_answer_endpoint_refuses_tampering_and_other_peoples_attempts(client, login, official_user, make_user,
                                                                      make_quiz, make_question):
    quiz = make_quiz([make_question("single_choice")])
    intruder = make_user()
    in_course(quiz, official_user, intruder)
    login(official_user)
    attempt = start(client, quiz)
    aq = slots(attempt)["single_choice"]
    bad = client.post(f"/quizzes/attempts/{attempt.id}/answer", data={"slot": aq.id, f"q{aq.id}": "a42"})
    assert bad.status_code == 400 and bad.json["code"] == "invalid" and bad.json["error"]
    foreign = client.post(f"/quizzes/attempts/{attempt.id}/answer", data={"slot": 99999, "q99999": "a1"})
    assert foreign.status_code == 400
    assert client.post(f"/quizzes/attempts/{attempt.id}/answer", data={}).status_code == 400
    huge = client.post(f"/quizzes/attempts/{attempt.id}/answer", data={"slot": aq.id, "seq": str(10 ** 30),
                                                                       f"q{aq.id}": "a1"})
    assert huge.status_code == 400
    client.post("/logout")
    login(intruder)
    assert client.post(f"/quizzes/attempts/{attempt.id}/answer",
                       data={"slot": aq.id, f"q{aq.id}": "a1"}).status_code == 404
    assert client.get(f"/quizzes/attempts/{attempt.id}").status_code == 404
    assert client.get(f"/quizzes/attempts/{attempt.id}/review").status_code == 404
    assert db.session.get(AttemptQuestion, aq.id).response is None


def test_a_late_answer_is_refused_clearly_and_the_attempt_is_graded_on_what_was_saved(
        client, login, official_user, make_quiz, make_question):
    quiz = make_quiz([make_question("single_choice"), make_question("true_false")], time_limit_minutes=10)
    in_course(quiz, official_user)
    login(official_user)
    attempt = start(client, quiz)
    by_type = slots(attempt)
    client.post(f"/quizzes/attempts/{attempt.id}/answer",
                data={"slot": by_type["true_false"].id, f"q{by_type['true_false'].id}": "true"})
    db.session.execute(Attempt.__table__.update().where(Attempt.id == attempt.id)
                       .values(deadline=utcnow() - timedelta(minutes=1)))
    db.session.commit()
    late = client.post(f"/quizzes/attempts/{attempt.id}/answer",
                       data={"slot": by_type["single_choice"].id, f"q{by_type['single_choice'].id}": "a1"})
    assert late.status_code == 409 and late.json["code"] == "closed"
    assert "deadline" in late.json["error"] or "hạn" in late.json["error"]
    assert late.json["redirect"].endswith(f"/attempts/{attempt.id}/review")
    db.session.expire_all()
    graded = db.session.get(Attempt, attempt.id)
    assert graded.state is AttemptState.graded and graded.score == 0.5
    assert graded.questions[0].response is None


def test_a_closed_browser_resumes_where_it_was_and_the_next_request_submits_when_time_is_up(
        client, login, official_user, make_quiz, make_question):
    quiz = make_quiz([make_question("true_false", name=f"T{n}") for n in range(4)], questions_per_page=2,
                     time_limit_minutes=30)
    in_course(quiz, official_user)
    login(official_user)
    attempt = start(client, quiz)
    second_page = [aq for aq in slots(attempt).values()]  # any
    client.post(f"/quizzes/attempts/{attempt.id}/page/0", data={"go": "next"})
    client.post(f"/quizzes/attempts/{attempt.id}/answer",
                data={"slot": second_page[0].id, f"q{second_page[0].id}": "true", "page": "1"})
    # the browser closes; later the official comes back through the quiz page
    again = client.post(f"/quizzes/{quiz.id}/start")
    assert again.location.endswith(f"/quizzes/attempts/{attempt.id}")
    resumed = client.get(f"/quizzes/attempts/{attempt.id}")
    assert b"Trang 2 / 2" in resumed.data or b"Page 2 of 2" in resumed.data
    db.session.execute(Attempt.__table__.update().where(Attempt.id == attempt.id)
                       .values(deadline=utcnow() - timedelta(minutes=5)))
    db.session.commit()
    gone = client.get(f"/quizzes/attempts/{attempt.id}")
    assert gone.status_code == 302 and gone.location.endswith("/review")
    db.session.expire_all()
    assert db.session.get(Attempt, attempt.id).state is AttemptState.graded


def test_page_form_without_script_saves_and_names_bad_answers(client, login, official_user, make_quiz, make_question):
    quiz = make_quiz([make_question("numerical"), make_question("short_answer")], questions_per_page=0)
    in_course(quiz, official_user)
    login(official_user)
    attempt = start(client, quiz)
    by_type = slots(attempt)
    response = client.post(f"/quizzes/attempts/{attempt.id}/page/0", data={
        f"q{by_type['numerical'].id}": "bốn lăm", f"q{by_type['short_answer'].id}": "Hà Nội", "go": "summary"},
        follow_redirects=True)
    assert response.status_code == 200 and "bốn lăm".encode() in response.data
    db.session.expire_all()
    assert db.session.get(AttemptQuestion, by_type["short_answer"].id).response == "Hà Nội"
    assert db.session.get(AttemptQuestion, by_type["numerical"].id).response is None


def test_csrf_protects_the_answer_endpoint(app_factory, make_user, make_official):
    app = app_factory(WTF_CSRF_ENABLED=True)
    with app.app_context():
        from lms.quizzes.services.attempts import start_attempt
        from lms.quizzes.services.banks import create_bank, ensure_category, save_question
        from lms.quizzes.services.quizzes import add_questions, create_quiz
        bank = create_bank("csrf")
        question = save_question(bank, None, qtype="true_false", name="T", category=ensure_category(bank, "A"),
                                 text="T?", data={"answer": True})
        quiz = create_quiz(bank, title_vi="Q")
        add_questions(quiz, [question])
        user = make_user(official=make_official())
        attempt = start_attempt(quiz, user.id)
        aq_id, attempt_id = attempt.questions[0].id, attempt.id
        db.session.commit()
        client = app.test_client()
        login_page = client.get("/login")
        token = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', login_page.data) or \
            re.search(rb'name="csrf-token" content="([^"]+)"', login_page.data)
        token = token.group(1).decode()
        client.post("/login", data={"identifier": user.email, "password": "correct horse", "csrf_token": token})
        refused = client.post(f"/quizzes/attempts/{attempt_id}/answer", data={"slot": aq_id, f"q{aq_id}": "true"})
        assert refused.status_code == 400
        page = client.get(f"/quizzes/attempts/{attempt_id}")
        token = re.search(rb'name="csrf-token" content="([^"]+)"', page.data).group(1).decode()
        accepted = client.post(f"/quizzes/attempts/{attempt_id}/answer", data={"slot": aq_id, f"q{aq_id}": "true"},
                               headers={"X-CSRFToken": token})
        assert accepted.status_code == 200 and accepted.json["ok"]


# -- lecturers --------------------------------------------------------------------------------------

def test_officials_cannot_reach_banks_and_lecturers_only_their_schools(client, login, official_user, lecturer, bank,
                                                                       make_user, make_school):
    login(official_user)
    assert client.get("/quizzes/banks").status_code == 403
    assert client.get(f"/quizzes/banks/{bank.id}").status_code == 403
    assert "Ngân hàng câu hỏi".encode() not in client.get("/quizzes/mine").data
    client.post("/logout")
    other = make_user(roles=[("lecturer", {"school_id": make_school(name="Trường khác").id})])
    login(other)
    assert client.get("/quizzes/banks").status_code == 200
    assert client.get(f"/quizzes/banks/{bank.id}").status_code == 403
    client.post("/logout")
    login(lecturer)
    page = client.get("/quizzes/banks")
    assert page.status_code == 200 and "Ngân hàng thử".encode() in page.data
    assert "Ngân hàng câu hỏi".encode() in page.data  # the nav entry


def test_lecturer_writes_a_question_of_each_type_with_the_editor(client, login, lecturer, bank):
    login(lecturer)
    assert client.get(f"/quizzes/banks/{bank.id}").status_code == 200
    from lms.quizzes.services.banks import ensure_category
    category = ensure_category(bank, "Soạn")
    db.session.commit()
    forms = {
        "single_choice": {"row-0-text": "Đúng", "row-0-fraction": "100", "row-1-text": "Sai", "flag-shuffle": "1"},
        "multiple_choice": {"row-0-text": "A", "row-0-fraction": "50", "row-1-text": "B", "row-1-fraction": "50",
                            "row-2-text": "C", "row-2-fraction": "-50"},
        "true_false": {"flag-answer": "1", "flag-feedback_true": "Đúng"},
        "short_answer": {"row-0-text": "Hà Nội", "row-0-fraction": ""},
        "numerical": {"row-0-value": "3,5", "row-0-tolerance": "0,1", "row-0-fraction": "100"},
        "matching": {"row-0-left": "1", "row-0-right": "một", "row-1-left": "2", "row-1-right": "hai"},
        "ordering": {"row-0-text": "Một", "row-1-text": "Hai", "row-2-text": "Ba"},
        "essay": {"flag-min_words": "10", "flag-max_words": "100"},
        "description": {},
    }
    for qtype, extra in forms.items():
        assert client.get(f"/quizzes/banks/{bank.id}/questions/new?type={qtype}").status_code == 200
        response = client.post(f"/quizzes/banks/{bank.id}/questions/new?type={qtype}", data={
            "name": f"Soạn {qtype}", "category_id": category.id, "text": f"Câu {qtype}", "text_format": "plain",
            "default_mark": "1", "tags": "soạn, thử", **extra})
        assert response.status_code == 302, (qtype, response.data[:2000])
    saved = {q.qtype: q for q in db.session.scalars(select(Question).where(Question.name.startswith("Soạn")))}
    assert set(saved) == set(forms)
    assert (saved["numerical"].data["answers"][0]["value"] == 3.5
            and saved["numerical"].data["answers"][0]["tolerance"] == 0.1)
    assert saved["essay"].data["min_words"] == 10 and saved["single_choice"].tags == ["soạn", "thử"]
    bad = client.post(f"/quizzes/banks/{bank.id}/questions/new?type=single_choice", data={
        "category_id": category.id, "text": "Không có đáp án đúng", "text_format": "plain",
        "row-0-text": "a", "row-0-fraction": "10", "row-1-text": "b"})
    assert bad.status_code == 200 and b"100%" in bad.data
    edit = client.get(f"/quizzes/questions/{saved['matching'].id}/edit")
    assert edit.status_code == 200 and "một".encode() in edit.data
    preview = client.get(f"/quizzes/questions/{saved['ordering'].id}")
    assert preview.status_code == 200


def test_lecturer_imports_exports_and_downloads_the_template(client, login, lecturer, bank):
    login(lecturer)
    data = {"format": "gift", "file": (io.BytesIO((INTEROP / "gift/questions.gift.txt").read_bytes()), "q.gift")}
    report = client.post(f"/quizzes/banks/{bank.id}/import", data=data, content_type="multipart/form-data")
    assert report.status_code == 200 and report.data.count(b"badge ok") == 9
    broken = {"format": "moodle-xml", "file": (io.BytesIO(b"<quiz><question>"), "b.xml")}
    report = client.post(f"/quizzes/banks/{bank.id}/import", data=broken, content_type="multipart/form-data")
    assert report.status_code == 200 and b"XML" in report.data
    exported = client.get(f"/quizzes/banks/{bank.id}/export?format=moodle-xml")
    assert exported.status_code == 200 and exported.data.startswith(b"<?xml")
    gift = client.get(f"/quizzes/banks/{bank.id}/export?format=gift")
    assert b"::Moodle activities::" in gift.data
    template = client.get("/quizzes/template.xlsx")
    assert template.status_code == 200 and load_workbook(io.BytesIO(template.data)).sheetnames[0] == "Câu hỏi"


def test_lecturer_builds_a_quiz_then_reads_results_and_grades_essays(client, login, lecturer, bank, make_question,
                                                                     official_user, make_user):
    from lms.quizzes.services.attempts import save_answer, start_attempt, submit_attempt
    from tests.quizzes.conftest import answer_getter
    tf = make_question("true_false", name="Đúng sai")
    essay = make_question("essay", name="Tự luận", mark=2)
    for n in range(3):
        make_question("true_false", name=f"Ngẫu nhiên {n}", category="Kho")
    db.session.commit()
    login(lecturer)
    created = client.post(f"/quizzes/banks/{bank.id}/quizzes/new", data={
        "title_vi": "Kiểm tra cuối khóa", "time_limit_minutes": "20", "attempts_allowed": "2",
        "grading_method": "highest", "pass_mark_percent": "50", "questions_per_page": "5", "shuffle_answers": "y",
        "review_score_after": "y", "review_feedback_after": "y"})
    assert created.status_code == 302
    quiz = db.session.scalar(select(Quiz).where(Quiz.title_vi == "Kiểm tra cuối khóa"))
    assert quiz.time_limit_seconds == 1200 and quiz.attempts_allowed == 2
    client.post(f"/quizzes/{quiz.id}/questions", data={"action": "add", "question": [tf.id, essay.id]})
    from lms.quizzes.services.banks import ensure_category
    kho = ensure_category(bank, "Kho")
    client.post(f"/quizzes/{quiz.id}/questions", data={"action": "random", "random-category_id": kho.id,
                                                        "random-count": "2", "random-subcategories": "y"})
    db.session.expire_all()
    quiz = db.session.get(Quiz, quiz.id)
    assert len(quiz.slots) == 3 and quiz.slots[2].random_count == 2
    assert client.get(f"/quizzes/{quiz.id}/questions").status_code == 200
    assert client.get(f"/quizzes/{quiz.id}/edit").status_code == 200
    for person, answer in ((official_user, "true"), (make_user(), "false")):
        attempt = start_attempt(quiz, person.id)
        by_name = {aq.question.name: aq for aq in attempt.questions}
        save_answer(attempt.id, person.id, by_name["Đúng sai"].id, answer_getter({"": answer}))
        save_answer(attempt.id, person.id, by_name["Tự luận"].id, answer_getter({"": "Bài viết"}))
        submit_attempt(attempt.id)
    db.session.commit()
    queue = client.get("/quizzes/grading")
    assert queue.status_code == 200 and "Tự luận".encode() in queue.data
    pending = db.session.scalars(select(AttemptQuestion).where(AttemptQuestion.needs_manual.is_(True))).all()
    assert len(pending) == 2
    page = client.get(f"/quizzes/grading/{pending[0].id}")
    assert page.status_code == 200 and "Bài viết".encode() in page.data
    graded = client.post(f"/quizzes/grading/{pending[0].id}", data={"points": "1,5" if False else "1.5",
                                                                     "comment": "Tốt"})
    assert graded.status_code == 302
    too_much = client.post(f"/quizzes/grading/{pending[1].id}", data={"points": "3"})
    assert too_much.status_code == 200
    client.post(f"/quizzes/grading/{pending[1].id}", data={"points": "0"})
    results = client.get(f"/quizzes/{quiz.id}/results")
    assert results.status_code == 200 and "Nguyễn Văn An".encode() in results.data
    workbook = load_workbook(io.BytesIO(client.get(f"/quizzes/{quiz.id}/results.xlsx").data))
    assert len(workbook.sheetnames) == 4 and workbook.worksheets[0].max_row == 3
    assert client.post(f"/quizzes/{quiz.id}/regrade").status_code == 302


def test_list_pages_run_a_fixed_number_of_queries(client, login, lecturer, bank, make_question, make_quiz, make_user,
                                                  count_queries):
    from lms.quizzes.services.attempts import start_attempt, submit_attempt

    def load(url):
        with count_queries() as counter:
            assert client.get(url).status_code == 200
        return counter.count

    quiz = make_quiz([make_question("true_false")])
    login(lecturer)

    def add_rows():
        from lms.quizzes.services.banks import create_bank
        create_bank(f"extra-{make_user().id}", school_id=bank.school_id)
        make_question("true_false", name=f"extra {make_user().id}")
        person = make_user()
        submit_attempt(start_attempt(quiz, person.id).id)
        db.session.commit()

    add_rows()
    urls = ["/quizzes/banks", f"/quizzes/banks/{bank.id}", f"/quizzes/{quiz.id}/results", "/quizzes/grading",
            "/quizzes/mine"]
    before = [load(url) for url in urls]
    for _ in range(4):
        add_rows()
    assert [load(url) for url in urls] == before
    assert db.session.scalar(select(func.count()).select_from(Attempt)) == 5


def test_lecturer_renames_a_bank_but_cannot_give_it_to_another_school(client, login, lecturer, bank, make_school):
    login(lecturer)
    other = make_school(name="Trường khác")
    db.session.commit()
    client.post(f"/quizzes/banks/{bank.id}/settings", data={"bank-title": "Ngân hàng mới", "bank-school_id": other.id})
    db.session.expire_all()
    assert bank.title == "Ngân hàng thử" and bank.school_id != other.id
    client.post(f"/quizzes/banks/{bank.id}/settings",
                data={"bank-title": "Ngân hàng Luật", "bank-school_id": bank.school_id})
    db.session.expire_all()
    assert bank.title == "Ngân hàng Luật"
    created = client.post("/quizzes/banks", data={"key": "Không hợp lệ!", "title": "X",
                                                  "school_id": bank.school_id})
    assert created.status_code == 200 and "Mã khóa ngân hàng".encode() in created.data


def test_a_question_of_a_type_no_longer_installed_leaves_the_others_numbered(client, login, official_user, make_quiz,
                                                                             make_question):
    """A plugin's question type removed after attempts began: its question is left out, and the questions after
    it keep their own numbers (the page once paired views with questions by index and shifted them)."""
    questions = [make_question(name=f"Câu {n}", text=f"Nội dung câu số {n}") for n in (1, 2, 3)]
    quiz = make_quiz(questions, questions_per_page=3)
    in_course(quiz, official_user)
    login(official_user)
    attempt = start(client, quiz)
    gone = min(db.session.get(Attempt, attempt.id).questions, key=lambda aq: aq.position)
    gone.question.qtype = "removed_plugin_type"
    db.session.flush()
    text = client.get(f"/quizzes/attempts/{attempt.id}").get_data(as_text=True)
    numbered = re.findall(r'class="q-number">\s*Câu (\d+)', text)
    assert numbered == ["1", "2"], numbered


def test_a_quiz_outside_the_learners_courses_cannot_be_opened_or_started(client, login, official_user, lecturer,
                                                                         make_quiz, make_question):
    """Issue 22: an official started an attempt on another school's quiz that belongs to no course of theirs."""
    quiz = make_quiz([make_question("single_choice")])
    login(official_user)
    assert client.get(f"/quizzes/{quiz.id}").status_code == 404
    assert client.post(f"/quizzes/{quiz.id}/start").status_code == 404
    assert db.session.scalar(select(func.count()).select_from(Attempt)) == 0
    in_course(quiz, official_user)
    assert client.get(f"/quizzes/{quiz.id}").status_code == 200
    client.post("/logout")
    login(lecturer)  # the bank's lecturer previews it without a course
    assert client.get(f"/quizzes/{quiz.id}").status_code == 200
