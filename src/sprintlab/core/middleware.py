"""Request-wide behaviour: the Content-Security-Policy header and the viewer's time zone."""

import zoneinfo
from urllib.parse import unquote

from django.conf import settings
from django.utils import timezone

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
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # The admin and the API docs bring inline scripts and styles of their own.
        if not request.path.startswith(("/admin/", "/api/v1/docs")):
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
