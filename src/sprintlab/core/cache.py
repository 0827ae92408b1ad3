"""Short-lived caching of whole public pages for anonymous visitors, and of the parts of pages
that every signed-in viewer shares (``shared_fragment``).

Busy public pages (the sprint list, a sprint page, a sprint's sites) are the same for every
anonymous visitor in the same time zone, and live counts that are a few seconds old are fine.
Serving them from the cache for a few seconds turns a page that costs tens of milliseconds of
SQL and template work into a cache read. Signed-in people always get a fresh page: their pages
show their own registration, roles and messages.

Use it on a view: ``@cache_anonymous_page(seconds=5)``. With ``REDIS_URL`` set the cache is shared
by every app server process; otherwise each process keeps its own copy.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

from sprintlab.core.middleware import TIMEZONE_COOKIE
from sprintlab.core.timezones import canonical_zone_name

KEY_PREFIX = "anon-page:v1:"
# Headers a view may set that belong to the page itself; everything else is added per request
# by middleware (CSP, Vary, cookies) after the view returns.
# A view's own Vary (e.g. HX-Request, when htmx asks for part of the page) is kept too; middleware
# adds its own to it on every response.
KEPT_HEADERS = ("Content-Type", "Content-Language", "Cache-Control", "Last-Modified", "ETag", "Vary")


def _bypasses_cache(request: HttpRequest) -> bool:
    if not settings.PUBLIC_PAGE_CACHE or request.method not in ("GET", "HEAD"):
        return True
    # A session or message cookie can mean "signed in" or "a message to show": render fresh.
    if settings.SESSION_COOKIE_NAME in request.COOKIES or "messages" in request.COOKIES:
        return True
    user = getattr(request, "user", None)
    return user is not None and user.is_authenticated


def page_cache_key(request: HttpRequest) -> str:
    """The page is the same for the same path, query, zone, language and kind of request (htmx or not)."""
    parts = (
        request.get_full_path(),
        request.COOKIES.get(TIMEZONE_COOKIE, ""),
        timezone.get_current_timezone_name(),
        translation.get_language() or "",
        request.headers.get("HX-Request", ""),
        request.headers.get("HX-Target", ""),
    )
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
    return KEY_PREFIX + digest


def _cacheable(request: HttpRequest, response: HttpResponse) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    # The page embeds a fresh CSRF token whose cookie is only set on this response: another
    # visitor with a different cookie could not submit that page's forms.
    return not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")


def cache_anonymous_page(seconds: int = 5, cache_alias: str = "default"):
    """Serve the view's 200 responses to anonymous GET/HEAD requests from the cache for ``seconds``."""

    def decorator(view):
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs):
            if _bypasses_cache(request):
                return view(request, *args, **kwargs)
            cache = caches[cache_alias]
            key = page_cache_key(request)
            cached = cache.get(key)
            if cached is not None:
                response = HttpResponse(cached["content"], status=200)
                for name, value in cached["headers"].items():
                    response.headers[name] = value
                response.headers["X-Page-Cache"] = "hit"
                return response
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and callable(response.render) and not response.is_rendered:
                response = response.render()
            if _cacheable(request, response):
                headers = {name: response.headers[name] for name in KEPT_HEADERS if name in response.headers}
                cache.set(key, {"content": response.content, "headers": headers}, seconds)
                response.headers["X-Page-Cache"] = "miss"
            return response

        return wrapper

    return decorator


# --- Parts of a page that every viewer shares -------------------------------------------------

FRAGMENT_KEY_PREFIX = "shared-fragment:v1:"


def shared_fragment(template_name: str, *vary_on, context: Callable[[], dict]) -> SafeString:
    """``template_name`` (usually a partial, ``page.html#shared``) as every viewer sees it.

    Signed-in people get fresh pages, but most of a busy page is the same for all of them (a
    sprint's content, its sites and their seats). That part is rendered at most once every
    ``SHARED_FRAGMENT_SECONDS`` per ``vary_on``, language and time zone, and the rest of the page
    (the viewer's registration, roles, forms) around it on every request. It is rendered without
    the request, so no user, permission, CSRF token or message can get into it; ``context`` is
    called only when it is rendered. 0 seconds renders it every time.
    """
    zone = canonical_zone_name(timezone.get_current_timezone_name())

    def render() -> str:
        return render_to_string(template_name, {"current_timezone_name": zone, **context()})

    seconds = settings.SHARED_FRAGMENT_SECONDS
    if seconds <= 0:
        return mark_safe(render())
    parts = (template_name, *map(str, vary_on), translation.get_language() or "", zone)
    key = FRAGMENT_KEY_PREFIX + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
    cache = caches["default"]
    html = cache.get(key)
    if html is None:
        html = render()
        cache.set(key, str(html), seconds)
    return mark_safe(html)


# --- Parts of one person's page ----------------------------------------------------------------

PERSONAL_KEY_PREFIX = "personal-fragment:v1:"
# What ``{% csrf_token %}`` writes in a personal fragment's cached copy; each request's own token
# replaces it. It holds "<", which autoescaping turns into "&lt;" in anything a person wrote (a
# sprint title, a site name), so only the token's own place can match it.
CSRF_PLACEHOLDER = mark_safe("<csrf-token>")


def personal_fragments(request: HttpRequest, template_name: str, parts: list[tuple[tuple, dict]]) -> list[SafeString]:
    """``template_name`` rendered once per ``(vary_on, context)`` in ``parts``, for the signed-in viewer.

    A part of a person's own page that costs more to render than its inputs do to read (a card per
    registration on "My sprints") is kept for ``PERSONAL_FRAGMENT_SECONDS`` per person, ``vary_on``,
    language and time zone. ``vary_on`` must name everything the output depends on (the rows'
    ``updated_at``, the answers of the permission predicates, the minute for texts that count
    down): a change to any of them is a new key, so the person's own actions show at once. It is
    rendered without the request (no context processors, messages or other people's data) and with
    a placeholder for the CSRF token, which is this request's own in what is returned. 0 seconds
    renders every time.
    """
    zone = canonical_zone_name(timezone.get_current_timezone_name())
    token = get_token(request)

    def render(context: dict) -> str:
        return render_to_string(
            template_name, {**context, "current_timezone_name": zone, "csrf_token": CSRF_PLACEHOLDER}
        )

    seconds = settings.PERSONAL_FRAGMENT_SECONDS
    language = translation.get_language() or ""
    keys = [
        PERSONAL_KEY_PREFIX
        + hashlib.sha256(
            "\x1f".join((template_name, str(request.user.pk), *map(str, vary_on), language, zone)).encode()
        ).hexdigest()
        for vary_on, _context in parts
    ]
    cache = caches["default"]
    cached = cache.get_many(keys) if seconds > 0 else {}
    fresh = {key: render(context) for key, (_vary_on, context) in zip(keys, parts, strict=True) if key not in cached}
    if fresh and seconds > 0:
        cache.set_many(fresh, seconds)
    html = {**cached, **fresh}
    return [mark_safe(html[key].replace(CSRF_PLACEHOLDER, token)) for key in keys]
