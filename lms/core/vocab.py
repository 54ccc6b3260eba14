"""The training vocabulary shared by every plugin: content areas and topics (DOMAIN.md)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

PERIOD_MINUTES = 45  # one period (tiết); a learning day is 8 periods, a week 40

# The five content areas of the 2025 decree on training civil servants.
CONTENT_AREAS = {
    "political_theory": ("Lý luận chính trị", "Political theory"),
    "defence_security": ("Quốc phòng và an ninh", "National defence and security"),
    "state_management": ("Kiến thức, kỹ năng quản lý nhà nước", "State-management knowledge and skills"),
    "job_position": ("Kiến thức, kỹ năng theo vị trí việc làm", "Job-position knowledge and skills"),
    "science_technology_digital": ("Khoa học, công nghệ, đổi mới sáng tạo và kỹ năng số",
                                   "Science, technology, innovation and digital skills"),
}

# Topics sit inside the areas; a course has one area and any number of topics. New ones may be added.
TOPICS = {
    "digital_transformation": ("Chuyển đổi số", "Digital transformation"),
    "green_transformation": ("Chuyển đổi xanh", "Green transformation"),
    "ai_skills": ("Kỹ năng trí tuệ nhân tạo", "AI skills"),
    "political_theory_update": ("Cập nhật kiến thức lý luận chính trị", "Political theory update"),
    "public_administration": ("Cải cách hành chính", "Public administration reform"),
    "data_security": ("An toàn thông tin", "Information security"),
}

KIND_LABELS = {
    "cadre": _l("Cadre"),
    "civil_servant": _l("Civil servant"),
    "public_employee": _l("Public employee"),
}


def area_label(code: str, locale: str = "vi") -> str:
    vi, en = CONTENT_AREAS.get(code, (code, code))
    return en if locale == "en" else vi


def topic_label(code: str, locale: str = "vi") -> str:
    vi, en = TOPICS.get(code, (code, code))
    return en if locale == "en" else vi
