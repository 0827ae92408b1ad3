"""Errors that services raise, so that pages and the API answer the same way, and the API's error shape.

The shape lives here, not in the API app, because core's middleware answers API requests too.
"""

from django.core.exceptions import ValidationError

API_PATH_PREFIX = "/api/"


def is_api_request(request) -> bool:
    return request.path_info.startswith(API_PATH_PREFIX)


def error_body(message: str, errors: dict[str, list[str]] | None = None) -> dict:
    """The API's one error shape: a sentence for people and, where input was at fault, messages per field."""
    return {"detail": message, "errors": errors or {}}


def field_errors_body(errors: dict[str, list[str]]) -> dict:
    """The error shape for messages per field, its ``detail`` naming the first field and its first message."""
    field, messages = next(iter(errors.items()))
    return error_body(f"{field}: {messages[0]}", errors)


class ServiceError(ValidationError):
    """A write was refused: the message says why, and nothing was changed.

    It is a ``ValidationError`` so forms can attach it to fields (``error_dict``) and the API
    can answer 400/409 with the same messages.
    """

    status_code = 400

    @property
    def text(self) -> str:
        """Every message as one sentence run, for a flash message or a status line."""
        return " ".join(str(message) for message in self.messages)


class Conflict(ServiceError):
    """The request is valid but the current state forbids it (full sprint, closed registration)."""

    status_code = 409


class PermissionDeniedError(ServiceError):
    status_code = 403


class TooManyRequests(ServiceError):
    """A rate limit refused the request; trying again later works."""

    status_code = 429
