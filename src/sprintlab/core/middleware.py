"""Request-wide behaviour: the Content-Security-Policy header, the viewer's time zone, busy answers."""

from urllib.parse import unquote

from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from sprintlab.core.errors import is_api_request
from sprintlab.core.timezones import resolve_timezone
from sprintlab.core.transactions import RETRY_AFTER_SECONDS, is_transient_conflict

TIMEZONE_COOKIE = "sprintlab_tz"


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


class BrandedNotFoundMiddleware:
    """With DEBUG on, answer a page's 404 with the branded page too, not Django's debug page.

    Without DEBUG, Django already renders ``404.html``. With it, Django shows its technical 404
    page instead; people trying the app in development mode should see what production shows.
    A path that matches no route still gets the debug page, which lists the routes. The API
    keeps its JSON errors (``sprintlab.api.errors.ApiErrorMiddleware``).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not settings.DEBUG or not isinstance(exception, Http404) or is_api_request(request):
            return None
        return render(request, "404.html", {"request_path": request.path}, status=404)
