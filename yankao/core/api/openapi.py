"""The /api/v1 OpenAPI document states the refusals too: every operation may answer with
problem JSON (RFC 9457) for the statuses in ERROR_STATUSES, so clients (and the fuzzing in
core/tests/test_fuzz.py) can rely on the format of every answer, not only of a 200."""

from __future__ import annotations

from typing import Any

from ninja import NinjaAPI

PROBLEM = {
    "type": "object",
    "required": ["type", "title", "status", "detail", "code"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "code": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {"type": "object", "properties": {
                "field": {"type": "string", "nullable": True},
                "message": {"type": "string"}}},
        },
    },
}
ERROR_STATUSES = {
    "400": "The request could not be read",
    "401": "No valid API token",
    "403": "The token's user may not do this",
    "404": "No such record, or not one the user may see",
    "405": "The operation does not take this method",
    "409": "Conflicts with a record, or the record's state does not allow it",
    "413": "The request is too large",
    "415": "The file's type is not accepted",
    "422": "The input is not valid",
    "429": "Too many requests",
}


class YankaoAPI(NinjaAPI):
    def get_openapi_schema(self, **kwargs: Any):
        schema = super().get_openapi_schema(**kwargs)
        schema["components"].setdefault("schemas", {})["Problem"] = PROBLEM
        refusal = {"content": {"application/problem+json": {
            "schema": {"$ref": "#/components/schemas/Problem"}}}}
        for methods in schema["paths"].values():
            for operation in methods.values():
                responses = operation.setdefault("responses", {})
                for status, description in ERROR_STATUSES.items():
                    responses.setdefault(status, {"description": description, **refusal})
        return schema
