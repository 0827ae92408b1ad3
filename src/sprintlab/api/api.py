"""The JSON API under /api/v1/: one NinjaAPI, a router per app, errors always as JSON."""

import json
import logging
import math

from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation, ValidationError
from django.db import OperationalError
from django.http import Http404
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser

from sprintlab.api.errors import STATUS_MEANINGS, WWW_AUTHENTICATE
from sprintlab.core.errors import ServiceError, error_body, field_errors_body
from sprintlab.core.transactions import RETRY_AFTER_SECONDS, RetryTransaction, is_transient_conflict
from sprintlab.core.unstorable_text import multipart_errors, unstorable_text_errors

logger = logging.getLogger("sprintlab.api")
DEFAULT_RETRY_AFTER_SECONDS = 60


class RequestBodyError(ValueError):
    """A body that is not valid JSON (400); ninja wraps it, on_http_error answers with its message."""

    status_code = 400


class BodyNotAnObject(RequestBodyError):
    """Valid JSON, but not the object every operation's schema asks for."""

    status_code = 422


class UnstorableBody(RequestBodyError):
    """A JSON body holding NUL or a lone surrogate (a key or a value, at any depth): 422 naming each path."""

    status_code = 422

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(field_errors_body(errors)["detail"])
        self.errors = errors


class UnstorableForm(UnstorableBody):
    """Form fields of a multipart body holding NUL or a lone surrogate: 400 naming each field, as on the pages."""

    status_code = 400


def _refuse_constant(name: str):
    raise RequestBodyError(f"The request body is not valid JSON: {name} is not a JSON number.")


class JsonObjectParser(Parser):
    """Every body the API takes is a JSON object of storable text: anything else is refused, never read as ``{}``."""

    def parse_body(self, request):
        try:
            data = json.loads(request.body, parse_constant=_refuse_constant)
        except RequestBodyError:
            raise
        except (ValueError, RecursionError) as error:  # RecursionError: nested deeper than Python recurses
            raise RequestBodyError(f"The request body is not valid JSON: {error}.") from error
        if not isinstance(data, dict):
            raise BodyNotAnObject("The request body must be a JSON object.")
        errors = unstorable_text_errors(data.items())
        if errors:
            raise UnstorableBody(errors)
        return data

    def parse_querydict(self, data, list_fields, request):
        """Form fields of a multipart body (the query string was checked by the middleware).

        The middleware parses multipart bodies keeping invalid UTF-8 visible (``core.unstorable_text``),
        so a lone surrogate sent in a field is refused here with 400 naming the field, not stored as U+FFFD.
        """
        if data is request.POST:
            errors = multipart_errors(request.POST)
            if errors:
                raise UnstorableForm(errors)
        return super().parse_querydict(data, list_fields, request)


api = NinjaAPI(
    title="SprintLab API",
    version="1",
    description="Sprints, local sites and registrations. Reads are public where the page is; "
    "writes need `Authorization: Bearer <personal token>` (create one under Account → API tokens).",
    urls_namespace="api",
    # No validator badge: it is an image from another origin, which the Content-Security-Policy refuses.
    docs=Swagger(settings={"validatorUrl": None}),
    parser=JsonObjectParser(),
)


def validation_error_body(exc: ValidationError) -> dict:
    if hasattr(exc, "error_dict"):
        errors = {field: [str(m) for m in messages] for field, messages in exc.message_dict.items()}
        first = next(iter(errors.values()))[0]
        return error_body(first, errors)
    messages = [str(m) for m in exc.messages]
    return error_body(" ".join(messages), {"__all__": messages})


@api.exception_handler(ServiceError)
def on_service_error(request, exc: ServiceError):
    response = api.create_response(request, validation_error_body(exc), status=exc.status_code)
    if exc.status_code == 429:
        # A rate limit that knows its window says so (``retry_after``); the others ask for a minute.
        response["Retry-After"] = str(math.ceil(getattr(exc, "retry_after", None) or DEFAULT_RETRY_AFTER_SECONDS))
    return response


@api.exception_handler(ValidationError)
def on_django_validation_error(request, exc: ValidationError):
    return api.create_response(request, validation_error_body(exc), status=400)


@api.exception_handler(NinjaValidationError)
def on_schema_error(request, exc: NinjaValidationError):
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        location = [str(part) for part in error.get("loc", []) if part not in ("body", "payload", "query", "path")]
        errors.setdefault(".".join(location) or "__all__", []).append(error.get("msg", "Invalid value."))
    return api.create_response(request, field_errors_body(errors or {"__all__": ["Invalid input."]}), status=422)


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return api.create_response(request, error_body("Not found."), status=404)


@api.exception_handler(PermissionDenied)
def on_forbidden(request, exc):
    return api.create_response(request, error_body(str(exc) or "You may not do this."), status=403)


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request, exc):
    response = api.create_response(request, error_body(STATUS_MEANINGS[401]), status=401)
    response["WWW-Authenticate"] = WWW_AUTHENTICATE
    return response


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    if isinstance(exc.__cause__, RequestBodyError):
        # ninja wraps a parser's error in a 400 "Cannot parse request body"; ours says what was wrong.
        body_error = exc.__cause__
        body = (
            field_errors_body(body_error.errors)
            if isinstance(body_error, UnstorableBody)
            else error_body(str(body_error))
        )
        return api.create_response(request, body, status=body_error.status_code)
    response = api.create_response(request, error_body(str(exc)), status=exc.status_code)
    if isinstance(exc, Throttled) and exc.wait is not None:
        response["Retry-After"] = str(math.ceil(exc.wait))  # whole seconds (RFC 9110 §10.2.3)
    return response


@api.exception_handler(SuspiciousOperation)
def on_suspicious_request(request, exc: SuspiciousOperation):
    # Django raises these while reading a request it refuses (too many fields, a body over the limit).
    status = 413 if isinstance(exc, RequestDataTooBig) else 400
    return api.create_response(request, error_body(STATUS_MEANINGS[status]), status=status)


@api.exception_handler(UnstorableForm)
def on_unstorable_form(request, exc: UnstorableForm):
    return api.create_response(request, field_errors_body(exc.errors), status=exc.status_code)


@api.exception_handler(MultiPartParserError)
def on_unreadable_upload(request, exc: MultiPartParserError):
    # A multipart body Django cannot read (no boundary, cut short): the client's fault, not ours.
    message = _("The upload could not be read as multipart/form-data (%(why)s).") % {"why": exc}
    return api.create_response(request, error_body(message), status=400)


@api.exception_handler(Exception)
def on_unexpected_error(request, exc: Exception):
    # JSON even with DEBUG on; the traceback goes to the log, never to the client.
    logger.exception("Unhandled error in %s %s", request.method, request.path)
    return api.create_response(request, error_body(STATUS_MEANINGS[500]), status=500)


@api.exception_handler(OperationalError)
@api.exception_handler(RetryTransaction)
def on_transient_conflict(request, exc):
    """A write still collided after its retries (see core.transactions): nothing was saved, send it again."""
    if not is_transient_conflict(exc):
        return on_unexpected_error(request, exc)
    response = api.create_response(
        request,
        error_body("A conflicting change happened at the same moment; nothing was saved. Try again."),
        status=503,
    )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def register_routers() -> None:
    from sprintlab.accounts.api import people_router
    from sprintlab.accounts.api import router as accounts_router
    from sprintlab.announcements.api import router as announcements_router
    from sprintlab.judging.api import router as judging_router
    from sprintlab.judging.api_pairwise import router as judging_pairwise_router
    from sprintlab.judging.api_ranking import router as judging_ranking_router
    from sprintlab.judging.api_reviews import router as judging_reviews_router
    from sprintlab.library.api import router as library_router
    from sprintlab.localsites.api import router as sites_router
    from sprintlab.mentoring.api import router as mentoring_router
    from sprintlab.notifications.api import router as notifications_router
    from sprintlab.programme.api import router as programme_router
    from sprintlab.registrations.api import router as registrations_router
    from sprintlab.registrations.api_attendance import router as attendance_router
    from sprintlab.registrations.api_organising import router as organising_router
    from sprintlab.sprints.api import router as sprints_router
    from sprintlab.submissions.api import router as submissions_router
    from sprintlab.teamfinder.api import router as teamfinder_router
    from sprintlab.teams.api import router as teams_router

    api.add_router("/me", accounts_router)
    api.add_router("/me", notifications_router)
    api.add_router("/sprints", sprints_router)
    api.add_router("/sprints", teamfinder_router)
    api.add_router("/", sites_router)
    api.add_router("/", attendance_router)
    api.add_router("/registrations", registrations_router)
    api.add_router("/me/organising", organising_router)
    api.add_router("/people", people_router)
    api.add_router("/", programme_router)
    api.add_router("/", mentoring_router)
    api.add_router("/", announcements_router)
    api.add_router("/", teams_router)
    api.add_router("/", judging_router)
    api.add_router("/", judging_reviews_router)
    api.add_router("/", judging_ranking_router)
    api.add_router("/", judging_pairwise_router)
    api.add_router("/submissions", submissions_router)
    api.add_router("/", library_router)


register_routers()
