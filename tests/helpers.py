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
