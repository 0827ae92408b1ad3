import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """allauth counts sign-ups and logins in the cache; start every test with a clean slate."""
    cache.clear()
    yield
    cache.clear()
