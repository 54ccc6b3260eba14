"""A third-party plugin that lives only in the tests: it adds a question type to the quizzes plugin.

"Estimate": the official types a number; an answer within the tolerance earns full marks, and the
credit falls linearly to nothing at twice the tolerance. It is installed like any package (an entry
point in `lms.plugins`), requires the quizzes plugin and registers its type in `setup(app)`.
"""
from __future__ import annotations

from flask import render_template_string
from markupsafe import Markup

from lms.core.plugins import Plugin
from lms.quizzes.types import InvalidQuestion, InvalidResponse, QuestionType, clean_number, register_type

TEMPLATE = """<div class="field"><label for="{{ qv.field }}-input">Estimate</label>
<input id="{{ qv.field }}-input" name="{{ qv.field }}" value="{{ qv.response or '' }}"\
{% if qv.readonly %} readonly{% endif %}>
</div>"""


class Estimate(QuestionType):
    name = "estimate"
    label = "Estimate"

    def validate(self, data: dict) -> dict:
        data = super().validate(data)
        value = clean_number(data.get("value"))
        tolerance = clean_number(data.get("tolerance", 0))
        if tolerance <= 0:
            raise InvalidQuestion("The tolerance of an estimate must be above zero.")
        return {"value": value, "tolerance": tolerance}

    def check_response(self, data: dict, response):
        if response in (None, ""):
            return None
        try:
            number = float(str(response).replace(",", "."))
        except ValueError:
            raise InvalidResponse("Type a number.") from None
        if number != number or abs(number) > 1e12:
            raise InvalidResponse("Type a usable number.")
        return str(number)

    def grade(self, data: dict, response) -> float:
        if response is None:
            return 0.0
        error = abs(float(response) - data["value"])
        if error <= data["tolerance"]:
            return 1.0
        return max(0.0, 1.0 - (error - data["tolerance"]) / data["tolerance"])

    def render(self, qv) -> Markup:
        return Markup(render_template_string(TEMPLATE, qv=qv))

    def right_answer_text(self, data: dict) -> str:
        return f"{data['value']:g} ± {data['tolerance']:g}"


class EstimatePlugin(Plugin):
    name = "quizestimate"
    requires = ("quizzes",)

    def setup(self, app) -> None:
        register_type(app, Estimate())


plugin = EstimatePlugin()
