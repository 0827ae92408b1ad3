"""Small helpers shared by the tests of several apps: API tokens, query counts, a clean cache."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sprintlab.accounts.models import ApiToken


def api_key_for(user, name: str = "tests") -> str:
    """The secret of a fresh personal API token of ``user``."""
    key = ApiToken.generate_key()
    ApiToken.objects.create(user=user, name=name, key_hash=ApiToken.hash_key(key), hint=key[:8])
    return key


def bearer_for(user) -> dict:
    """HTTP headers carrying a fresh personal API token of ``user``."""
    return {"Authorization": f"Bearer {api_key_for(user)}"}


def count_queries(client, url) -> int:
    """How many SQL queries a GET of ``url`` makes (the page must answer 200)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """allauth counts sign-ups and logins in the cache; start every test with a clean slate.

    Autouse where a conftest imports it (accounts, api)."""
    cache.clear()
    yield
    cache.clear()


# A lone surrogate as a browser or curl sends it in a multipart field: its (invalid) UTF-8 bytes.
LONE_SURROGATE_BYTES = b"\xed\xa0\x80"
MULTIPART_BOUNDARY = "RaWbOuNdArY"


def multipart_with_raw_bytes(data: dict, raw: dict[str, bytes]) -> tuple[bytes, str]:
    """A multipart body of ``data`` whose fields named in ``raw`` carry those bytes as they are.

    Django's test client encodes every value as UTF-8, which cannot hold invalid bytes; this puts them in
    afterwards. Returns the body and its content type, for ``client.post(url, body, content_type=...)``.
    """
    from django.test.client import encode_multipart

    markers = {name: f"raw-bytes-of-{name}-here" for name in raw}
    body = encode_multipart(MULTIPART_BOUNDARY, {**data, **markers})
    for name, marker in markers.items():
        body = body.replace(marker.encode(), raw[name])
    return body, f"multipart/form-data; boundary={MULTIPART_BOUNDARY}"
