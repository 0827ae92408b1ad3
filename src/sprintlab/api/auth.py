"""API authentication: a personal token (``Authorization: Bearer slt_…``) or the browser session."""

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from sprintlab.accounts.models import ApiToken
from sprintlab.core.precompiled import PrecompiledQuery

TOKEN_WITH_USER = PrecompiledQuery(
    lambda key_hash: ApiToken.objects.select_related("user").filter(
        key_hash=key_hash, revoked_at__isnull=True, user__is_active=True
    )[:1],
    key_hash="\x00key-hash",
)


class TokenAuth(HttpBearer):
    def authenticate(self, request, token: str):
        if not token.startswith(ApiToken.PREFIX):
            return None
        # One query for the token and its person, compiled once per process (see core.precompiled).
        api_token = TOKEN_WITH_USER.first(key_hash=ApiToken.hash_key(token))
        if api_token is None:
            return None
        api_token.touch()
        request.user = api_token.user
        request.api_token = api_token
        return api_token.user


class SessionAuth(APIKeyCookie):
    """The browser session of the site's own pages, which must also pass Django's CSRF check.

    Only a signed-in session is checked for CSRF: a request without one (anonymous, or carrying a
    token that was refused) answers 401, not a CSRF 403. A request that sends a bearer token is
    judged by its token alone, so a refused token never falls back to a session cookie.
    """

    param_name = settings.SESSION_COOKIE_NAME

    def __call__(self, request):
        if "Authorization" in request.headers or not request.user.is_authenticated:
            return None
        if check_csrf(request) is not None:
            raise PermissionDenied("CSRF check failed: send the page's CSRF token in the X-CSRFToken header.")
        return request.user

    def authenticate(self, request, key):  # the base class's hook; __call__ above decides everything
        return request.user if request.user.is_authenticated else None


token_auth = TokenAuth()
session_auth = SessionAuth()
# Writes accept a token, or the browser session (with its CSRF check) for the site's own pages.
write_auth = [token_auth, session_auth]


def viewer(request):
    """Who is reading a public endpoint: the token's or the session's person, else an anonymous user.

    Public reads take no ``auth=``, so a token sent along is checked here: with it a person also
    sees what only they may see (their drafts, pending sites).
    """
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        return token_auth.authenticate(request, header.split(" ", 1)[1].strip()) or AnonymousUser()
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else AnonymousUser()


__all__ = ["SessionAuth", "TokenAuth", "session_auth", "token_auth", "viewer", "write_auth"]
