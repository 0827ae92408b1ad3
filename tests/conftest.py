import os
import shutil
import socket

# pytest-playwright keeps an event loop running for the whole session; Django's guard against
# sync database calls inside an event loop would then fail every later test (tests only).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import pytest

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


def pytest_collection_modifyitems(config, items):
    """Browser tests need Debian's Chromium: skip them without it, except in CI where it must exist."""
    if shutil.which(CHROMIUM):
        return
    if os.environ.get("CI"):
        raise pytest.UsageError(f"CI needs {CHROMIUM} for the browser tests (apt-get install chromium).")
    skip = pytest.mark.skip(reason=f"{CHROMIUM} is not installed (apt-get install chromium)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def admin_client(client):
    """A client signed in as a staff superuser (replaces pytest-django's, whose user skips the factories)."""
    from tests.factories import StaffFactory

    client.force_login(StaffFactory(is_superuser=True))
    return client


@pytest.fixture
def on_postgres():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: run with DATABASE_URL=postgres://…")


@pytest.fixture(scope="session", autouse=True)
def cache_of_this_test_process():
    """With REDIS_URL and parallel test processes (pytest -n), each process gets a Redis database of
    its own: tests clear the cache, and a clear must not wipe another process's rate-limit counts."""
    from django.conf import settings
    from django.test import override_settings

    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not settings.REDIS_URL or not worker.startswith("gw"):
        yield
        return
    database = 1 + int(worker.removeprefix("gw")) % 15
    location = f"{settings.REDIS_URL.rsplit('/', 1)[0]}/{database}"
    with override_settings(CACHES={"default": {**settings.CACHES["default"], "LOCATION": location}}):
        yield


@pytest.fixture(autouse=True)
def empty_cache(cache_of_this_test_process):
    """Every test starts with an empty cache: what is remembered per person is keyed by ids, and
    a rolled-back test hands the same ids out again."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def page(page):
    """Playwright's page with generous timeouts and the htmx request counter (tests/browser_support.py)."""
    from tests.browser_support import prepare_page

    prepare_page(page)
    return page


# How many gunicorn worker processes the live-server race tests run: enough for real parallelism.
GUNICORN_WORKERS = 3


@pytest.fixture(scope="module")
def gunicorn_api(django_db_setup, django_db_blocker, tmp_path_factory):
    """The API root of a gunicorn server with GUNICORN_WORKERS processes on the PostgreSQL test
    database, for one module's race tests (skipped on SQLite)."""
    from urllib.parse import quote

    from django.db import connection

    from benchmarks.servers import gunicorn, server_env

    with django_db_blocker.unblock():
        if connection.vendor != "postgresql":
            pytest.skip("needs PostgreSQL: run with DATABASE_URL=postgres://…")
        db = connection.settings_dict
    database_url = f"postgres://{quote(db['USER'])}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    if db.get("PASSWORD"):
        database_url = database_url.replace("@", f":{quote(db['PASSWORD'])}@", 1)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = server_env(database_url, tmp_path_factory.mktemp("static"), settings_module="sprintlab.settings_test")
    with gunicorn(env, port=port, workers=GUNICORN_WORKERS):
        yield f"http://127.0.0.1:{port}/api/v1"
