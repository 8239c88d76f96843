"""The error body of the SensorThings endpoints.

OGC 18-088 leaves the body of an error to the implementation (§9.2 names only the HTTP
status codes); Yankao answers with the JSON object SensorThings servers and clients
commonly use: ``{"code": 400, "type": "error", "message": "..."}`` (decision 0703).
"""

from __future__ import annotations

from http import HTTPStatus

from django.http import JsonResponse


class StaError(Exception):
    def __init__(self, message: str, status: int = HTTPStatus.BAD_REQUEST):
        super().__init__(message)
        self.message = message
        self.status = int(status)

    def response(self) -> JsonResponse:
        response = JsonResponse({"code": self.status, "type": "error", "message": self.message},
                                status=self.status, json_dumps_params={"ensure_ascii": False})
        if self.status == HTTPStatus.UNAUTHORIZED:
            response["WWW-Authenticate"] = 'Basic realm="SensorThings", charset="UTF-8"'
        return response


def not_found(what: str) -> StaError:
    return StaError(f"{what} does not exist.", HTTPStatus.NOT_FOUND)
