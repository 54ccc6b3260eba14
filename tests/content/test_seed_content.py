"""The seed courses in content/ follow COURSE_FORMAT.md and carry real substance.

Checks every course folder: course.yaml parses and has the shared contract's fields, every file it
names exists, each Vietnamese lesson has at least 400 words in NFC with a sources section, each has an
English twin, and quiz.gift is a well-formed GIFT bank (named questions, one right answer per
single-choice question, weights that add up, feedback on every answer, special characters escaped).
"""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
import yaml

from lms.core.vocab import CONTENT_AREAS, TOPICS

CONTENT = Path(__file__).resolve().parents[2] / "content"
SEED_KEYS = {
    "chuyen-doi-so-co-quan-nha-nuoc",
    "chuyen-doi-xanh",
    "ung-dung-ai-trong-cong-viec",
    "nghi-quyet-57-nq-tw",
}
KEY_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LESSON_RE = re.compile(r"^lessons/\d{2}-[a-z0-9-]+\.md$")
QUIZ_SETTINGS = {
    "pass_mark": 0.5,
    "time_limit_minutes": 20,
    "attempts_allowed": 3,
    "questions_per_page": 5,
    "shuffle_answers": True,
    "grading_method": "highest",
}
MIN_VI_WORDS = 400
MIN_EN_WORDS = 250
MIN_QUESTIONS = 12
GIFT_SPECIALS = set("~=#{}:")


def course_dirs() -> list[Path]:
    return sorted(p for p in CONTENT.iterdir() if (p / "course.yaml").is_file())


def load(folder: Path) -> dict:
    return yaml.safe_load((folder / "course.yaml").read_text(encoding="utf-8"))


def activities(spec: dict) -> list[dict]:
    return [a for section in spec["sections"] for a in section["activities"]]


def pages(spec: dict) -> list[str]:
    return [a["source"] for a in activities(spec) if a["type"] == "page"]


def words(text: str) -> int:
    return len(re.findall(r"\w+", text))


def bilingual(value) -> bool:
    return (isinstance(value, dict) and isinstance(value.get("vi"), str) and value["vi"].strip() != ""
            and isinstance(value.get("en"), str) and value["en"].strip() != "")


COURSES = course_dirs()
IDS = [p.name for p in COURSES]


def test_the_four_seed_courses_are_there():
    assert SEED_KEYS <= {p.name for p in COURSES}


@pytest.mark.parametrize("folder", COURSES, ids=IDS)
def test_course_yaml_has_the_contract_fields(folder):
    spec = load(folder)
    assert spec["key"] == folder.name and KEY_RE.match(spec["key"])
    assert isinstance(spec["version"], int) and spec["version"] >= 1
    assert spec["sample"] is True
    assert bilingual(spec["title"]) and bilingual(spec["summary"])
    assert spec["content_area"] in CONTENT_AREAS
    assert spec["topics"] and set(spec["topics"]) <= set(TOPICS)
    assert isinstance(spec["periods"], int) and 1 <= spec["periods"] <= 40
    assert spec["level"] in {"province", "commune", "all"}
    assert spec["school"] == "TCT-T01"
    assert spec["self_enrol"] is True
    assert spec["status"] == "published"
    assert spec["completion"] == {"prerequisites": [], "min_attendance": None}
    assert isinstance(spec["sources"], list) and len(spec["sources"]) >= 3
    assert all(isinstance(s, str) and s.strip() for s in spec["sources"])


@pytest.mark.parametrize("folder", COURSES, ids=IDS)
def test_sections_and_activities_are_well_formed(folder):
    spec = load(folder)
    section_keys = [s["key"] for s in spec["sections"]]
    assert len(section_keys) == len(set(section_keys))
    acts = activities(spec)
    keys = [a["key"] for a in acts]
    assert len(keys) == len(set(keys))
    for section in spec["sections"]:
        assert KEY_RE.match(section["key"]) and bilingual(section["title"])
        assert section["activities"]
    for act in acts:
        assert KEY_RE.match(act["key"]) and bilingual(act["title"])
        assert act["type"] in {"page", "quiz"}
        assert act["required"] is True
        assert (folder / act["source"]).is_file(), act["source"]
    lessons = pages(spec)
    assert len(lessons) >= 4
    assert all(LESSON_RE.match(src) for src in lessons)
    assert lessons == sorted(lessons)


@pytest.mark.parametrize("folder", COURSES, ids=IDS)
def test_the_final_activity_is_the_quiz(folder):
    last = activities(load(folder))[-1]
    assert last["type"] == "quiz" and last["source"] == "quiz.gift"
    for name, value in QUIZ_SETTINGS.items():
        assert last["settings"][name] == value, name


@pytest.mark.parametrize("folder", COURSES, ids=IDS)
def test_periods_fit_the_amount_of_content(folder):
    # One period is 45 minutes: the lessons with their exercises and the quiz must fill the periods
    # credited, at roughly 1.5 periods per lesson and one for revision and the quiz.
    spec = load(folder)
    expected = 1.5 * len(pages(spec)) + 1
    assert abs(spec["periods"] - expected) <= 2


@pytest.mark.parametrize("folder", COURSES, ids=IDS)
def test_lessons_have_substance_in_both_languages(folder):
    for src in pages(load(folder)):
        vi = (folder / src).read_text(encoding="utf-8")
        en_path = folder / src.replace(".md", ".en.md")
        assert en_path.is_file(), en_path
        en = en_path.read_text(encoding="utf-8")
        assert unicodedata.is_normalized("NFC", vi), src
        assert unicodedata.is_normalized("NFC", en), en_path.name
        assert words(vi) >= MIN_VI_WORDS, (src, words(vi))
        assert words(en) >= MIN_EN_WORDS, (en_path.name, words(en))
        assert re.search(r"^## ", vi, re.M) and re.search(r"^## ", en, re.M)
        assert re.search(r"^## Nguồn tham khảo\s*$", vi, re.M), src
        assert re.search(r"^## Sources\s*$", en, re.M), en_path.name
        assert re.search(r"^[-*] ", vi, re.M) or re.search(r"^\d+\. ", vi, re.M)
        # Vietnamese prose really is Vietnamese: plenty of letters with diacritics.
        assert len(re.findall(r"[ăâđêôơưàáảãạèéẻẽẹìíỉĩịòóỏõọùúủũụỳýỷỹỵ]", vi.lower())) > 200


# --- GIFT ---------------------------------------------------------------------------------------

def split_unescaped(text: str, seps: str) -> list[tuple[str, str]]:
    """Split on unescaped separator characters; returns (separator, chunk) pairs."""
    out, sep, buf, i = [], "", [], 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            buf.append(text[i:i + 2])
            i += 2
            continue
        if ch in seps:
            out.append((sep, "".join(buf)))
            sep, buf = ch, []
        else:
            buf.append(ch)
        i += 1
    out.append((sep, "".join(buf)))
    return out


def unescaped(text: str, chars: set[str]) -> set[str]:
    found, i = set(), 0
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text[i] in chars:
            found.add(text[i])
        i += 1
    return found


def parse_gift(source: str) -> list[dict]:
    lines = [ln for ln in source.splitlines() if not ln.lstrip().startswith("//")]
    blocks = [b.strip() for b in re.split(r"\n\s*\n", "\n".join(lines)) if b.strip()]
    questions = []
    for block in blocks:
        m = re.match(r"^::(.+?)::(.*)$", block, re.S)
        assert m, f"question without a ::name:: {block[:60]!r}"
        name, rest = m.group(1).strip(), m.group(2)
        opens = [i for i, _ in enumerate(rest) if rest[i] == "{" and (i == 0 or rest[i - 1] != "\\")]
        closes = [i for i, _ in enumerate(rest) if rest[i] == "}" and (i == 0 or rest[i - 1] != "\\")]
        assert len(opens) == 1 and len(closes) == 1 and opens[0] < closes[0], name
        stem, body, tail = rest[:opens[0]].strip(), rest[opens[0] + 1:closes[0]].strip(), rest[closes[0] + 1:]
        assert tail.strip() == "", name
        assert stem and not unescaped(stem, GIFT_SPECIALS), (name, unescaped(stem, GIFT_SPECIALS))
        questions.append({"name": name, "stem": stem, "body": body})
    return questions


def classify(q: dict) -> tuple[str, list[tuple[str, float, str, str]]]:
    body = q["body"]
    tf = re.match(r"^(T|F|TRUE|FALSE)(#.*)?$", body, re.S)
    if tf:
        feedback = [c for _, c in split_unescaped(tf.group(2) or "", "#")][1:]
        assert len(feedback) == 2 and all(f.strip() for f in feedback), q["name"]
        return "truefalse", []
    answers = []
    for sep, chunk in split_unescaped(body, "=~")[1:]:
        chunk = chunk.strip()
        weight = None
        w = re.match(r"^%(-?\d+(?:\.\d+)?)%", chunk)
        if w:
            weight, chunk = float(w.group(1)), chunk[w.end():]
        parts = split_unescaped(chunk, "#")
        text = parts[0][1].strip()
        feedback = " ".join(c for _, c in parts[1:]).strip()
        answers.append((sep, weight, text, feedback))
    assert split_unescaped(body, "=~")[0][1].strip() == "", q["name"]
    assert len(answers) >= 3, q["name"]
    for _, _, text, feedback in answers:
        assert text and feedback, (q["name"], text)
        assert not unescaped(text, GIFT_SPECIALS), (q["name"], text)
        assert not unescaped(feedback, GIFT_SPECIALS - {"#"}), (q["name"], feedback)
    if any(weight is not None for _, weight, _, _ in answers):
        assert all(sep == "~" and weight is not None for sep, weight, _, _ in answers), q["name"]
        positive = sum(weight for _, weight, _, _ in answers if weight > 0)
        assert abs(positive - 100) < 0.01, q["name"]
        assert any(weight < 0 for _, weight, _, _ in answers), q["name"]
        return "multichoice_multi", answers
    assert [sep for sep, *_ in answers].count("=") == 1, q["name"]
    return "multichoice_single", answers


@pytest.mark.parametrize("folder", COURSES, ids=IDS)
def test_quiz_is_a_well_formed_gift_bank(folder):
    source = (folder / "quiz.gift").read_text(encoding="utf-8")
    assert unicodedata.is_normalized("NFC", source)
    questions = parse_gift(source)
    assert len(questions) >= MIN_QUESTIONS
    assert len(re.findall(r"^::[^:]+::", source, re.M)) == len(questions)
    names = [q["name"] for q in questions]
    assert len(names) == len(set(names))
    kinds = [classify(q)[0] for q in questions]
    assert kinds.count("multichoice_multi") >= 1
    assert 2 <= kinds.count("truefalse") <= 4
    assert kinds.count("multichoice_single") >= len(questions) // 2
