"""Request-wide behaviour: the Content-Security-Policy header, the viewer's time zone, unstorable text."""

import zoneinfo
from urllib.parse import unquote, unquote_to_bytes

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.utils import timezone

from sprintlab.core.unstorable_text import decoded_form_pairs, unstorable_text_errors, unstorable_text_message

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


class UnstorableTextMiddleware:
    """Refuse NUL and lone surrogates in the path, the query string and form bodies with a 400.

    One check for every page, form (ours, allauth's, the admin's) and API operation, before any of
    them reads the input. The API checks its JSON bodies itself (``api.api``); form bodies of API
    requests are left to it too.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        errors = self.path_errors(request) or self.query_errors(request)
        if not errors and request.method == "POST" and not is_api_request(request):
            errors = self.form_errors(request)
        if errors:
            return unstorable_text_response(request, errors)
        return self.get_response(request)

    @staticmethod
    def path_errors(request) -> dict[str, list[str]]:
        # Django percent-encodes again the bytes of a path that are not UTF-8 (%ED%BF%BF is U+DFFF,
        # a lone surrogate): decode them once more so that they are refused too.
        path = unquote_to_bytes(request.path_info).decode("utf-8", "surrogateescape")
        message = unstorable_text_message(path)
        if message is None:
            return {}
        # Name the path parameter when the address matches a page, e.g. "slug" in /api/v1/sprints/%00.
        try:
            arguments = resolve(request.path_info, getattr(request, "urlconf", None)).kwargs
        except Resolver404:
            arguments = {}
        names = [name for name, value in arguments.items() if unstorable_text_message(str(value))]
        return {name: [message] for name in names or ["path"]}

    @staticmethod
    def query_errors(request) -> dict[str, list[str]]:
        # The raw bytes (PEP 3333 passes them as Latin-1): request.GET has replaced invalid UTF-8 already.
        raw = request.META.get("QUERY_STRING", "").encode("latin-1", "replace")
        return unstorable_text_errors(decoded_form_pairs(raw, request.encoding or settings.DEFAULT_CHARSET))

    @staticmethod
    def form_errors(request) -> dict[str, list[str]]:
        if request.content_type == "application/x-www-form-urlencoded":
            pairs = decoded_form_pairs(request.body, request.encoding or settings.DEFAULT_CHARSET)
            return unstorable_text_errors(pairs)
        if request.content_type == "multipart/form-data":
            # Django's parser drops NUL from uploaded file names itself.
            return unstorable_text_errors((name, value) for name, values in request.POST.lists() for value in values)
        return {}


def is_api_request(request) -> bool:
    return request.path_info.startswith("/api/")


def unstorable_text_response(request, errors: dict[str, list[str]]):
    field, messages = next(iter(errors.items()))
    if is_api_request(request):
        # The API's error shape (see api.api.error_body); core cannot import the API app.
        return JsonResponse({"detail": f"{field}: {messages[0]}", "errors": errors}, status=400)
    return render(request, "core/unstorable_input.html", {"errors": errors}, status=400)
