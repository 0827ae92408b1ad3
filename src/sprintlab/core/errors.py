"""Errors that services raise, so that pages and the API answer the same way."""

from django.core.exceptions import ValidationError


class ServiceError(ValidationError):
    """A write was refused: the message says why, and nothing was changed.

    It is a ``ValidationError`` so forms can attach it to fields (``error_dict``) and the API
    can answer 400/409 with the same messages.
    """

    status_code = 400


class Conflict(ServiceError):
    """The request is valid but the current state forbids it (full sprint, closed registration)."""

    status_code = 409


class PermissionDeniedError(ServiceError):
    status_code = 403


class TooManyRequests(ServiceError):
    """A rate limit refused the request; trying again later works."""

    status_code = 429
