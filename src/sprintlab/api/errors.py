"""The API's one error shape, its OpenAPI documentation, and the guarantee that every error under /api/ has it.

Errors answered by ninja's exception handlers (api.py) already carry the shape. ``ApiErrorMiddleware``
covers what happens outside them: bodies over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (refused before anything
reads them), paths that match no route, methods a route does not take, and Django's own error pages
(400, 403, 404, 500), which become the same JSON with the same status and headers.
"""

import json
from http import HTTPStatus

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import Schema

from sprintlab.core.errors import error_body, is_api_request

# What each status means, in the words of docs/api.md; the detail of an error nothing more specific explains.
STATUS_MEANINGS = {
    400: "The input is invalid: see the messages per field.",
    401: "Authentication required: send 'Authorization: Bearer <token>'.",
    403: "You may not do this.",
    404: "Not found.",
    405: "Method not allowed.",
    409: "The current state refuses this request.",
    413: "The request body is too large.",
    422: "The request does not match the schema.",
    429: "Too many requests: wait before you try again.",
    500: "Server error: the request failed and changed nothing; it has been logged.",
    503: "A conflicting change happened at the same moment; nothing was saved. Try again.",
}

# Sent with every 401, so clients know which credentials the API wants (RFC 9110 §11.6.1).
WWW_AUTHENTICATE = 'Bearer realm="SprintLab API"'


class ErrorOut(Schema):
    """Every error: a sentence for people, and where input was at fault the messages per field."""

    detail: str
    errors: dict[str, list[str]]


def errors(*statuses: int) -> dict[int, type[ErrorOut]]:
    """The error responses an operation documents: ``response={200: X, **errors(401, 404, 422)}``."""
    unknown = set(statuses) - set(STATUS_MEANINGS)
    if unknown:
        raise ValueError(f"No meaning documented for status {sorted(unknown)}.")
    return dict.fromkeys(statuses, ErrorOut)


def error_response(status: int, detail: str) -> JsonResponse:
    return JsonResponse(error_body(detail), status=status, content_type="application/json; charset=utf-8")


def _is_json_error(response: HttpResponse) -> bool:
    """True when ``response`` already has the error shape (ninja's handlers made it)."""
    if not response.get("Content-Type", "").startswith("application/json") or response.streaming:
        return False
    try:
        body = json.loads(response.content)
    except ValueError:
        return False
    return isinstance(body, dict) and isinstance(body.get("detail"), str) and isinstance(body.get("errors"), dict)


def _detail_for(response: HttpResponse) -> str:
    status = response.status_code
    if status == 405 and response.has_header("Allow"):
        return f"Method not allowed: use {response['Allow']}."
    return STATUS_MEANINGS.get(status) or HTTPStatus(status).phrase


def _body_limit(request: HttpRequest) -> int | None:
    """Multipart bodies carry files, which upload handlers stream to disk (``core.uploads``)."""
    if request.content_type == "multipart/form-data":
        return settings.UPLOAD_REQUEST_MAX_BYTES
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def _request_body_too_large(request: HttpRequest) -> bool:
    """Checked from the header, before anything reads the body (Django would raise RequestDataTooBig)."""
    limit = _body_limit(request)
    try:
        return limit is not None and int(request.META.get("CONTENT_LENGTH") or 0) > limit
    except ValueError:
        return False


class ApiErrorMiddleware:
    """Under /api/, every error response is JSON in the error shape, whatever produced it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_api_request(request):
            return self.get_response(request)
        if _request_body_too_large(request):
            limit_mb = _body_limit(request) / (1024 * 1024)
            return error_response(413, f"The request body is too large: the limit is {limit_mb:g} MB.")
        response = self.get_response(request)
        if response.status_code < 400 or _is_json_error(response):
            return response
        replacement = error_response(response.status_code, _detail_for(response))
        for header, value in response.items():
            if header.lower() not in {"content-type", "content-length"}:
                replacement[header] = value
        replacement.cookies = response.cookies
        return replacement
