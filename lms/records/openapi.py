"""The OpenAPI 3 document of the training record's JSON API (served at /api/v1/openapi.json)."""
from __future__ import annotations

from lms.core.vocab import CONTENT_AREAS

AREAS = list(CONTENT_AREAS)


def _unit() -> dict:
    return {"type": "object", "required": ["code", "name_vi", "level"], "properties": {
        "code": {"type": "string"}, "name_vi": {"type": "string"}, "name_en": {"type": "string"},
        "level": {"type": "string", "enum": ["central", "province", "commune", "district"]}}}


def _areas() -> dict:
    return {"type": "object", "description": "Periods (of 45 minutes) per content area.",
            "properties": {area: {"type": "number"} for area in AREAS}, "additionalProperties": False}


def _error(description: str) -> dict:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


def document(base_url: str) -> dict:
    year = {"name": "year", "in": "query", "required": False,
            "description": "Calendar year (default: the current year in Asia/Ho_Chi_Minh).",
            "schema": {"type": "integer", "minimum": 2000, "maximum": 2100}}
    lang = {"name": "lang", "in": "query", "required": False, "description": "Language of error messages.",
            "schema": {"type": "string", "enum": ["vi", "en"], "default": "vi"}}
    errors = {"400": _error("The year is not a year."),
              "401": _error("No token, an unknown token, or a revoked one."),
              "403": _error("The token is for another unit: the official or unit is outside its scope."),
              "404": _error("No official has that employee code / no unit has that code.")}
    figures = {
        "officials": {"type": "integer"}, "total_periods": {"type": "number"},
        "periods_by_area": {"$ref": "#/components/schemas/PeriodsByArea"},
        "meeting_requirements": {"type": "array", "description": "Per requirement in force: to how many "
                                 "officials it applies and how many meet it, are on track or behind.",
                                 "items": {"type": "object", "properties": {
                                     "requirement_id": {"type": "integer"}, "applicable": {"type": "integer"},
                                     "met": {"type": "integer"}, "on_track": {"type": "integer"},
                                     "behind": {"type": "integer"}}}},
    }
    return {
        "openapi": "3.0.3",
        "info": {"title": "Training record API", "version": "1.0.0",
                 "description": "Read-only access for HR systems to officials' training records and units' "
                                "summaries. Tokens are created and revoked by an administrator (Training record > "
                                "API tokens) and see one unit and the units below it."},
        "servers": [{"url": base_url.rstrip("/") + "/api/v1"}],
        "security": [{"bearer": []}],
        "paths": {
            "/officials/{employee_code}/record": {"get": {
                "summary": "An official's training record for a year",
                "parameters": [{"name": "employee_code", "in": "path", "required": True, "schema": {"type": "string"}},
                               year, lang],
                "responses": {"200": {"description": "The record.", "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/OfficialRecord"}}}}, **errors}}},
            "/units/{code}/summary": {"get": {
                "summary": "A unit's summary for a year: officials, periods per area, who meets each requirement",
                "parameters": [{"name": "code", "in": "path", "required": True, "schema": {"type": "string"}},
                               year, lang],
                "responses": {"200": {"description": "The summary.", "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/UnitSummary"}}}}, **errors}}},
            "/openapi.json": {"get": {"summary": "This document", "security": [],
                                      "responses": {"200": {"description": "OpenAPI 3 document."}}}},
        },
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                           "description": "Authorization: Bearer lmsrec_..."}},
            "schemas": {
                "Error": {"type": "object", "required": ["error", "message"], "properties": {
                    "error": {"type": "string", "enum": ["bad_year", "unauthorized", "forbidden", "not_found"]},
                    "message": {"type": "string"}}},
                "Unit": _unit(),
                "PeriodsByArea": _areas(),
                "OfficialRecord": {"type": "object", "required": ["official", "year", "total_periods", "credits"],
                                   "properties": {
                    "official": {"type": "object", "properties": {
                        "employee_code": {"type": "string"}, "full_name": {"type": "string"},
                        "date_of_birth": {"type": "string", "format": "date", "nullable": True},
                        "kind": {"type": "string", "enum": ["cadre", "civil_servant", "public_employee"]},
                        "position": {"type": "string"}, "rank": {"type": "string"},
                        "unit": {"$ref": "#/components/schemas/Unit"},
                        "political_theory": {"type": "object", "description": "A qualification on the profile; "
                                             "not counted in periods.", "properties": {
                            "level": {"type": "string", "nullable": True,
                                      "enum": ["elementary", "intermediate", "advanced", None]},
                            "school": {"type": "string", "nullable": True},
                            "year": {"type": "integer", "nullable": True}}}}},
                    "year": {"type": "integer"},
                    "total_periods": {"type": "number"},
                    "periods_by_area": {"$ref": "#/components/schemas/PeriodsByArea"},
                    "requirements": {"type": "array", "items": {"type": "object", "properties": {
                        "id": {"type": "integer"}, "name_vi": {"type": "string"}, "name_en": {"type": "string"},
                        "status": {"type": "string", "enum": ["met", "on_track", "behind"]},
                        "missing_periods": {"type": "number"},
                        "parts": {"type": "array", "items": {"type": "object", "properties": {
                            "content_area": {"type": "string", "nullable": True,
                                             "description": "null: the total over all areas"},
                            "done": {"type": "number"}, "required": {"type": "number"}}}}}}},
                    "credits": {"type": "array", "items": {"type": "object", "properties": {
                        "id": {"type": "integer"}, "title_vi": {"type": "string"}, "title_en": {"type": "string"},
                        "content_area": {"type": "string", "enum": AREAS},
                        "topics": {"type": "array", "items": {"type": "string"}},
                        "periods": {"type": "number"}, "earned_on": {"type": "string", "format": "date"},
                        "source": {"type": "string", "enum": ["certificate", "attendance", "outside"]},
                        "issuer": {"type": "string", "nullable": True},
                        "unit_at_the_time": {"$ref": "#/components/schemas/Unit"},
                        "certificate": {"type": "object", "nullable": True, "properties": {
                            "id": {"type": "integer"}, "verification_code": {"type": "string"},
                            "verify_url": {"type": "string", "format": "uri"}}}}}},
                    "withdrawn_credits": {"type": "array", "items": {"type": "object", "properties": {
                        "id": {"type": "integer"}, "title_vi": {"type": "string"}, "periods": {"type": "number"},
                        "earned_on": {"type": "string", "format": "date"},
                        "withdrawn_at": {"type": "string", "format": "date-time"}, "reason": {"type": "string"}}}},
                }},
                "UnitFigures": {"type": "object", "properties": figures},
                "UnitSummary": {"type": "object", "required": ["unit", "year", "officials"], "properties": {
                    "unit": {"allOf": [{"$ref": "#/components/schemas/Unit"}, {"type": "object", "properties": {
                        "merged_into": {"type": "object", "nullable": True}}}]},
                    "year": {"type": "integer"},
                    "requirements": {"type": "array", "items": {"type": "object", "properties": {
                        "id": {"type": "integer"}, "name_vi": {"type": "string"}, "name_en": {"type": "string"},
                        "min_periods": {"type": "number", "nullable": True},
                        "area_minimums": {"type": "object", "additionalProperties": {"type": "number"}}}}},
                    **figures,
                    "own_officials": {"$ref": "#/components/schemas/UnitFigures"},
                    "sub_units": {"type": "array", "items": {"allOf": [
                        {"$ref": "#/components/schemas/UnitFigures"},
                        {"type": "object", "properties": {"unit": {"$ref": "#/components/schemas/Unit"}}}]}},
                }},
            },
        },
    }
