"""API authentication: a personal token (``Authorization: Bearer slt_…``) or the browser session."""

from django.contrib.auth.models import AnonymousUser
from ninja.security import HttpBearer, django_auth

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


token_auth = TokenAuth()
# Writes accept a token, or the browser session (with its CSRF check) for the site's own pages.
write_auth = [token_auth, django_auth]


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


__all__ = ["TokenAuth", "token_auth", "viewer", "write_auth"]
