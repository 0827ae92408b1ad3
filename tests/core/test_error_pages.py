"""Branded 403, 404 and 500 pages: they say what happened and where to go, with DEBUG off and on."""

import pytest
from django.core.exceptions import BadRequest, PermissionDenied
from django.test import override_settings
from django.urls import include, path
from django.views.defaults import server_error

from tests.factories import SprintFactory, UserFactory

pytestmark = pytest.mark.django_db


def forbidden(request):
    raise PermissionDenied


def fail(request):
    raise RuntimeError("a bug")


def bad_request(request):
    raise BadRequest("no such thing")


urlpatterns = [
    path("forbidden/", forbidden),
    path("fail/", fail),
    path("bad/", bad_request),
    path("", include("sprintlab.urls")),
]


def assert_branded(response, status: int, heading: str) -> str:
    assert response.status_code == status
    page = response.content.decode()
    assert heading in page
    assert '<main id="main"' in page and 'class="site-header"' in page and 'href="/sprints/"' in page
    return page


@pytest.mark.parametrize("debug", [False, True], ids=["production", "development"])
def test_an_unknown_sprint_shows_the_branded_404(client, settings, debug):
    settings.DEBUG = debug
    response = client.get("/sprints/no-such-sprint/")
    assert_branded(response, 404, "We could not find that page")


def test_a_draft_sprint_is_a_branded_404_for_a_stranger(client):
    draft = SprintFactory(is_published=False)
    client.force_login(UserFactory())
    page = assert_branded(client.get(draft.get_absolute_url()), 404, "We could not find that page")
    assert 'href="/me/sprints/"' in page


def test_an_unknown_path_shows_the_branded_404_in_production(client):
    page = assert_branded(client.get("/no-such-page/"), 404, "We could not find that page")
    assert "Development mode" not in page


@override_settings(DEBUG=True)
def test_an_unknown_path_shows_the_branded_404_in_development_with_a_hint(client):
    page = assert_branded(client.get("/no-such-page/"), 404, "We could not find that page")
    assert "Development mode: no route matches /no-such-page/." in page
    assert "URLconf" not in page  # not Django's technical 404 page


@override_settings(DEBUG=True)
def test_a_path_missing_its_slash_is_still_redirected_in_development(client):
    response = client.get("/sprints")
    assert response.status_code == 301 and response["Location"] == "/sprints/"


@override_settings(DEBUG=True)
def test_an_unknown_api_path_keeps_its_json_404_in_development(client):
    response = client.get("/api/v1/no-such-endpoint")
    assert response.status_code == 404
    assert response.json()["detail"]


def test_the_api_keeps_json_404s_in_development(client, settings):
    settings.DEBUG = True
    response = client.get("/api/v1/sprints/no-such-sprint")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")


@pytest.mark.parametrize("debug", [False, True], ids=["production", "development"])
def test_403_is_branded_and_offers_signing_in(client, settings, debug):
    # Both through the settings fixture: mixed with override_settings, its restore would bring back
    # the test URLconf for every later test in the process.
    settings.ROOT_URLCONF = "tests.core.test_error_pages"
    settings.DEBUG = debug
    page = assert_branded(client.get("/forbidden/"), 403, "You do not have access to this page")
    assert "/accounts/login/?next=/forbidden/" in page


@override_settings(ROOT_URLCONF="tests.core.test_error_pages")
def test_500_is_branded(client):
    client.raise_request_exception = False
    page = assert_branded(client.get("/fail/"), 500, "Something went wrong on our side")
    assert "Browse sprints" in page


@override_settings(ROOT_URLCONF="tests.core.test_error_pages", DEBUG=True)
def test_500_is_branded_in_development_and_names_the_error(client, caplog):
    client.raise_request_exception = False
    page = assert_branded(client.get("/fail/"), 500, "Something went wrong on our side")
    assert "Development mode: RuntimeError: a bug" in page
    assert "Traceback" not in page  # not Django's technical 500 page: the traceback goes to the log
    assert any(record.exc_info and record.exc_info[0] is RuntimeError for record in caplog.records)


def test_500_renders_without_the_request_or_the_database(rf, django_assert_num_queries):
    request = rf.get("/")
    request.user = property(lambda self: 1 / 0)  # touching the user would fail
    with django_assert_num_queries(0):
        response = server_error(request)
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()


@override_settings(ROOT_URLCONF="tests.core.test_error_pages", DEBUG=True)
def test_a_bad_request_stays_a_400_in_development(client):
    client.raise_request_exception = False
    assert client.get("/bad/").status_code == 400
