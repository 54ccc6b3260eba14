"""A quiz in a course folder (COURSE_FORMAT.md): import it from its GIFT file and export it back.

The questions go into the bank keyed by the course key (created if missing), under a category named
by the activity key, so two quizzes of one course never mix. Re-importing updates in place: each
question of the file is matched with the one it was (by name and type, else text and type); unchanged
questions stay as they are, changed ones are corrected in place (their version goes up, attempts keep
the responses they saved and their grades until a lecturer regrades), new ones are added, and those
no longer in the file are retired from the bank (kept for the attempts that asked them). Attempts
are never deleted or changed by a re-import. Settings may also name random draws:
`random: [{category: "chuong-2", count: 5}]`, drawn from the file's `$CATEGORY: chuong-2` questions.
"""
from __future__ import annotations

from pathlib import Path, PurePosixPath

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from lms.core.db import db
from lms.core.errors import DomainError
from lms.quizzes.formats import join_category_path, split_category_path
from lms.quizzes.models import Category, Question, Quiz
from lms.quizzes.services import quizzes as quiz_service
from lms.quizzes.services.banks import ensure_category, get_or_create_bank
from lms.quizzes.services.importing import bank_questions, export_questions, import_questions


class CourseContentError(DomainError, ValueError):
    """A quiz of a course folder cannot be imported or exported (the message says why)."""


def _source_path(folder: Path, source) -> Path:
    if not isinstance(source, str) or not source.strip():
        raise CourseContentError(_l("The quiz activity names no source file (source: quiz.gift)."))
    relative = PurePosixPath(source.strip())
    if relative.is_absolute() or ".." in relative.parts:
        raise CourseContentError(_l("The quiz source \"%(source)s\" must be a file inside the course folder."),
                                 source=source)
    path = Path(folder) / relative
    if not path.is_file():
        raise CourseContentError(_l("The quiz source \"%(source)s\" is missing from the course folder."), source=source)
    return path


def _random_specs(settings: dict) -> list[tuple[str, int]]:
    specs = settings.get("random") or []
    if not isinstance(specs, list):
        raise CourseContentError(_l("settings.random must be a list of {category, count}."))
    found = []
    for spec in specs:
        if not isinstance(spec, dict) or not isinstance(spec.get("category"), str):
            raise CourseContentError(_l("settings.random must be a list of {category, count}."))
        try:
            count = int(spec.get("count", 1))
        except (TypeError, ValueError):
            raise CourseContentError(_l("settings.random must be a list of {category, count}.")) from None
        found.append((join_category_path(split_category_path(spec["category"])), count))
    return found


def import_course_quiz(*, course_id: int, course_key: str, school_id: int | None, key: str, title: dict,  # noqa: C901  (parse, check and create or update in place, each step refusing with its own message)
                       spec: dict, folder: Path, existing_ref: str | None) -> Quiz:
    """Create or update (in place) the quiz of a course activity from its GIFT file; returns the quiz."""
    path = _source_path(folder, spec.get("source"))
    settings = spec.get("settings") or {}
    if not isinstance(settings, dict):
        raise CourseContentError(_l("The quiz settings must be a mapping."))
    random_specs = _random_specs(settings)
    bank = get_or_create_bank(course_key, course_key, school_id=school_id, course_id=course_id)
    if bank.school_id is None and school_id is not None:
        bank.school_id = school_id
    quiz = None
    if existing_ref:
        try:
            quiz = db.session.get(Quiz, int(existing_ref))
        except (TypeError, ValueError):
            quiz = None
    if quiz is None:
        quiz = db.session.scalar(select(Quiz).where(Quiz.bank_id == bank.id, Quiz.activity_key == key))
    base = ensure_category(bank, key)
    existing = list(db.session.scalars(select(Question).join(Category, Category.id == Question.category_id).where(
        Question.bank_id == bank.id, Question.hidden.is_(False),
        or_(Category.id == base.id, Category.path.startswith(base.path + "/"))).order_by(Question.id)))
    report = import_questions(bank, "gift", path.read_bytes(), base_category=base.path, existing=existing)
    if report.file_problem or report.skipped:
        details = "; ".join(f"{path.name}:{p['line']}: {p['message']}" for p in report.problems[:10])
        raise CourseContentError(_l("The quiz file cannot be imported: %(details)s"), details=details)
    if not report.questions:
        raise CourseContentError(_l("The quiz file %(name)s has no questions."), name=path.name)
    kept = {q.id for q in report.questions}
    for question in existing:
        if question.id not in kept:
            question.hidden = True
    title_vi = (title or {}).get("vi") or (title or {}).get("en") or key
    title_en = (title or {}).get("en") or ""
    clean_settings = {k: v for k, v in settings.items() if k != "random"}
    try:
        if quiz is None:
            quiz = quiz_service.create_quiz(bank, title_vi=title_vi, title_en=title_en, settings=clean_settings,
                                            course_id=course_id, activity_key=key)
        else:
            quiz_service.update_quiz(quiz, title_vi=title_vi, title_en=title_en, intro=quiz.intro,
                                     settings=clean_settings)
    except CourseContentError:
        raise
    except DomainError as invalid:
        raise CourseContentError(invalid.message, **invalid.params) from None
    quiz.course_id, quiz.activity_key, quiz.source_name, quiz.source_category_id = (
        course_id, key, spec["source"], base.id)
    random_paths = [join_category_path([*split_category_path(base.path), *split_category_path(p)])
                    for p, _ in random_specs]
    fixed = [q for q in report.questions
             if not any(q.category.path == p or q.category.path.startswith(p + "/") for p in random_paths)]
    quiz_service.replace_fixed_slots(quiz, fixed)
    for slot in [s for s in quiz.slots if s.is_random]:
        quiz.slots.remove(slot)
    for full_path, (_, count) in zip(random_paths, random_specs, strict=True):
        category = db.session.scalar(select(Category).where(Category.bank_id == bank.id, Category.path == full_path))
        if category is None:
            raise CourseContentError(_l("settings.random names the category \"%(category)s\", which the quiz file "
                                        "does not have."), category=full_path)
        quiz_service.add_random(quiz, category, count)
    db.session.flush()
    return quiz


def export_course_quiz(ref: str, folder: Path) -> dict:
    """Write the quiz's GIFT file into the course folder; returns the activity's spec (source, settings)."""
    try:
        quiz = db.session.get(Quiz, int(ref))
    except (TypeError, ValueError):
        quiz = None
    if quiz is None:
        raise CourseContentError(_l("The quiz %(ref)s does not exist."), ref=ref)
    source = quiz.source_name or f"quiz-{quiz.activity_key or quiz.id}.gift"
    relative = PurePosixPath(source)
    if relative.is_absolute() or ".." in relative.parts:
        source = f"quiz-{quiz.id}.gift"
    base = db.session.get(Category, quiz.source_category_id) if quiz.source_category_id else None
    fixed = [s.question for s in sorted(quiz.slots, key=lambda s: s.position) if s.question is not None]
    randoms = []
    extra: list[Question] = []
    for slot in sorted(quiz.slots, key=lambda s: s.position):
        if slot.is_random and slot.random_category is not None:
            path = slot.random_category.path
            relative_path = path[len(base.path) + 1:] if base and path.startswith(base.path + "/") else path
            randoms.append({"category": relative_path, "count": slot.random_count})
            extra += [q for q in bank_questions(quiz.bank, [slot.random_category.id]) if not q.hidden]
    seen, questions = set(), []
    for question in fixed + extra:
        if question.id not in seen:
            seen.add(question.id)
            questions.append(question)
    text = export_questions(questions, "gift", base_category=base.path if base else None)
    target = Path(folder) / source
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    settings = quiz_service.settings_of(quiz)
    if randoms:
        settings["random"] = randoms
    return {"source": source, "settings": settings}
