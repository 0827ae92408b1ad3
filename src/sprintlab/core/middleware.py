"""Request-wide behaviour: the Content-Security-Policy header, the viewer's time zone, busy answers, error pages."""

import logging
from urllib.parse import unquote

from django.conf import settings
from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.http import Http404
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.translation import gettext as _

from sprintlab.core.errors import is_api_request
from sprintlab.core.timezones import resolve_timezone
from sprintlab.core.transactions import RETRY_AFTER_SECONDS, is_transient_conflict

TIMEZONE_COOKIE = "sprintlab_tz"
logger = logging.getLogger("sprintlab.errors")
# Errors Django answers with their own status (403, 400), not with a server error.
ANSWERED_BY_DJANGO = (PermissionDenied, BadRequest, SuspiciousOperation, MultiPartParserError)


class ContentSecurityPolicyMiddleware:
    """The one policy on every response: pages, errors, the admin, the API docs and static files."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        return response


class TimezoneMiddleware:
    """Show every time in the viewer's zone: their profile's, else the one their browser reported.

    ``request.timezone_source`` says which: "profile", "browser", or "" when neither is known yet
    (a first visit): then pages render in the default zone and ``sprintlab/app.js`` converts
    every ``<time>`` to the browser's zone.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        zone, request.timezone_source = None, ""
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            zone = resolve_timezone(user.timezone)
            request.timezone_source = "profile" if zone else ""
        if zone is None:
            zone = resolve_timezone(unquote(request.COOKIES.get(TIMEZONE_COOKIE, "")))
            request.timezone_source = "browser" if zone else ""
        if zone:
            timezone.activate(zone)
        else:
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


class TransientConflictMiddleware:
    """Answer 503 "try again" when a write still hit a deadlock or serialization failure after its retries.

    Services retry such conflicts themselves (``core.transactions.retry_on_conflict``); this is
    for the rare request whose retries all collided, or for writes nested in a transaction
    that cannot restart (the admin's). Nothing was written, so sending it again is safe.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_transient_conflict(exception):
            return None
        response = render(request, "busy.html", status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response


class BrandedErrorPagesMiddleware:
    """With DEBUG on, answer 404s and server errors with the branded pages too, not Django's debug pages.

    Without DEBUG, Django already renders ``404.html`` and ``500.html`` (and ``403.html`` either
    way). With it, Django shows its technical pages instead; people trying the app in development
    mode should see what production shows. A short hint under the branded text (only with DEBUG)
    keeps what a developer needs: the path that matched no route, or the exception, whose
    traceback goes to the log. The API keeps its JSON errors (``sprintlab.api.errors.ApiErrorMiddleware``).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # A path that matches no route fails before any view runs, so ``process_exception`` never sees it:
        # Django answers it with its debug page, which this replaces.
        if response.status_code == 404 and settings.DEBUG and not is_api_request(request):
            try:
                resolve(request.path_info, getattr(request, "urlconf", None))
            except Resolver404:
                hint = _("Development mode: no route matches %(path)s.") % {"path": request.path}
                return render(request, "404.html", {"debug_hint": hint}, status=404)
        return response

    def process_exception(self, request, exception):
        if not settings.DEBUG or is_api_request(request) or isinstance(exception, ANSWERED_BY_DJANGO):
            return None  # Django's 403 and 400 are not debug pages; without DEBUG its 404 and 500 are branded too.
        if isinstance(exception, Http404):
            reason = str(exception) or type(exception).__name__
            hint = _("Development mode: the view raised “%(reason)s”.") % {"reason": reason}
            return render(request, "404.html", {"debug_hint": hint}, status=404)
        logger.error("Server error on %s", request.path, exc_info=exception)
        hint = _("Development mode: %(error)s (the traceback is in the log).") % {
            "error": f"{type(exception).__name__}: {exception}"
        }
        return render(request, "500.html", {"debug_hint": hint}, status=500)
