"""Request-wide behaviour: the Content-Security-Policy header, the viewer's time zone, busy answers."""

import zoneinfo
from urllib.parse import unquote

from django.conf import settings
from django.shortcuts import render
from django.utils import timezone

from sprintlab.core.transactions import RETRY_AFTER_SECONDS, is_transient_conflict

TIMEZONE_COOKIE = "sprintlab_tz"


def resolve_timezone(name: str | None) -> zoneinfo.ZoneInfo | None:
    """Return the zone called ``name``, or None when it is empty or unknown."""
    if not name:
        return None
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


class ContentSecurityPolicyMiddleware:
    """The one policy on every response: pages, errors, the admin, the API docs and static files."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        return response


class TimezoneMiddleware:
    """Show every time in the viewer's zone: their profile's, else the one their browser reported."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        zone = None
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            zone = resolve_timezone(user.timezone)
        zone = zone or resolve_timezone(unquote(request.COOKIES.get(TIMEZONE_COOKIE, "")))
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
