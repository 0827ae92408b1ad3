"""Every API error is JSON in the documented shape, whatever produced it (api/errors.py, api/api.py)."""

import json
import logging

import pytest
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.test import Client, override_settings
from django.urls import include, path
from ninja.errors import Throttled

from sprintlab.core.errors import ServiceError
from sprintlab.sprints import api as sprints_api
from tests.factories import SprintFactory, UserFactory
from tests.helpers import bearer_for

pytestmark = pytest.mark.django_db
SPRINTS = "/api/v1/sprints"
REGISTRATIONS = "/api/v1/registrations"


def assert_error(response, status: int) -> dict:
    """``response`` is a JSON error in the shape docs/api.md promises; its body is returned."""
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"detail", "errors"}
    assert isinstance(body["detail"], str) and body["detail"]
    assert isinstance(body["errors"], dict)
    assert all(isinstance(m, str) for messages in body["errors"].values() for m in messages)
    return body


@pytest.fixture
def quiet_client():
    """A client that answers server errors as a browser would see them instead of raising them."""
    return Client(raise_request_exception=False)


def test_a_body_over_the_upload_limit_answers_413_before_anything_reads_it(client):
    six_megabytes = json.dumps({"motivation": "x" * (6 * 1024 * 1024)})
    response = client.post(
        REGISTRATIONS, six_megabytes, content_type="application/json", headers=bearer_for(UserFactory())
    )
    assert "too large" in assert_error(response, 413)["detail"]


def test_a_large_body_is_refused_even_anonymously_and_on_unknown_paths(client):
    response = client.post("/api/v1/no-such-thing", "x" * (6 * 1024 * 1024), content_type="application/json")
    assert_error(response, 413)


def test_a_body_django_refuses_while_the_api_reads_it_answers_413(client, monkeypatch):
    # Without the middleware's early check (e.g. a body without Content-Length), Django raises while ninja reads.
    def too_big(**kwargs):
        raise RequestDataTooBig("Request body exceeded settings.DATA_UPLOAD_MAX_MEMORY_SIZE.")

    monkeypatch.setattr(sprints_api, "published_sprints", too_big)
    assert_error(client.get(SPRINTS), 413)


def test_malformed_json_answers_400_saying_so(client):
    headers = bearer_for(UserFactory())
    response = client.post(REGISTRATIONS, "{not json", content_type="application/json", headers=headers)
    assert assert_error(response, 400)["detail"].startswith("The request body is not valid JSON")


def test_a_multipart_body_without_a_boundary_answers_400_saying_so(client):
    # The submissions upload takes multipart/form-data; a client that forgets the boundary gets a
    # sentence, not a server error (found by the API fuzzer).
    sprint = SprintFactory()
    response = client.generic(
        "POST",
        f"/api/v1/submissions/sprints/{sprint.slug}/mine",
        b"--x\r\n",
        content_type="multipart/form-data",
        headers=bearer_for(UserFactory()),
    )
    assert "could not be read as multipart/form-data" in assert_error(response, 400)["detail"]


@pytest.mark.parametrize("body", ["false", "null", "0", "[]", '"text"', "[{}]"])
def test_a_body_that_is_not_a_json_object_is_refused_not_read_as_empty(client, body):
    headers = bearer_for(UserFactory())
    response = client.patch("/api/v1/me", body, content_type="application/json", headers=headers)
    assert assert_error(response, 422)["detail"] == "The request body must be a JSON object."


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_numbers_json_does_not_have_are_refused(client, constant):
    headers = bearer_for(UserFactory())
    body = '{"latitude": ' + constant + "}"
    response = client.patch("/api/v1/site-applications/1", body, content_type="application/json", headers=headers)
    assert constant.lstrip("-") in assert_error(response, 400)["detail"]


def test_json_nested_too_deeply_answers_400(client):
    headers = bearer_for(UserFactory())
    body = "[" * 100_000 + "]" * 100_000
    response = client.patch("/api/v1/me", body, content_type="application/json", headers=headers)
    assert_error(response, 400)


def test_a_body_of_the_wrong_type_answers_422(client):
    response = client.post(REGISTRATIONS, "[1, 2]", content_type="application/json", headers=bearer_for(UserFactory()))
    assert_error(response, 422)


@pytest.mark.parametrize("debug", [False, True])
def test_a_path_that_matches_no_route_answers_json_404(client, settings, debug):
    settings.DEBUG = debug
    for url in ("/api/v1/no-such-thing", "/api/v1/sprints/a/b/c/d", "/api/v2/sprints", "/api/v1/registrations/abc"):
        assert_error(client.get(url), 404)


def test_a_method_the_route_does_not_take_answers_json_405_with_allow(client):
    response = client.delete(SPRINTS)
    body = assert_error(response, 405)
    assert set(response["Allow"].replace(" ", "").split(",")) == {"GET", "POST"}
    assert "GET" in body["detail"]


@pytest.mark.parametrize("debug", [False, True])
def test_an_unhandled_exception_in_a_view_answers_json_500_and_is_logged(
    quiet_client, settings, monkeypatch, caplog, debug
):
    settings.DEBUG = debug

    def broken(**kwargs):
        raise RuntimeError("the selector broke")

    monkeypatch.setattr(sprints_api, "published_sprints", broken)
    with caplog.at_level(logging.ERROR, logger="sprintlab.api"):
        response = quiet_client.get(SPRINTS)
    body = assert_error(response, 500)
    assert "the selector broke" not in body["detail"]  # no internals leak to the client
    assert any(record.exc_info and "the selector broke" in str(record.exc_info[1]) for record in caplog.records)


def raise_outside_ninja(request):
    raise RuntimeError("a plain Django view under /api/ broke")


urlpatterns = [path("api/v1/plain-view", raise_outside_ninja), path("", include("sprintlab.urls"))]


@override_settings(ROOT_URLCONF=__name__)
def test_an_error_django_answers_outside_ninja_is_json_too(quiet_client):
    assert_error(quiet_client.get("/api/v1/plain-view"), 500)
    # Pages outside the API keep Django's HTML error pages.
    page = quiet_client.get("/no-such-page/")
    assert page.status_code == 404
    assert not page["Content-Type"].startswith("application/json")


def test_a_suspicious_request_answers_json_400(client, monkeypatch):
    def suspicious(**kwargs):
        raise SuspiciousOperation("too many fields")

    monkeypatch.setattr(sprints_api, "published_sprints", suspicious)
    assert_error(client.get(SPRINTS), 400)


def test_a_throttled_request_answers_json_429_with_retry_after(client, monkeypatch):
    def throttled(**kwargs):
        raise Throttled(wait=12.5)

    monkeypatch.setattr(sprints_api, "published_sprints", throttled)
    response = client.get(SPRINTS)
    assert_error(response, 429)
    assert response["Retry-After"] == "13"


def test_a_rate_limited_service_answers_json_429_with_retry_after(client, monkeypatch):
    class LookupBudgetSpent(ServiceError):
        status_code = 429

    def refused(**kwargs):
        raise LookupBudgetSpent("You have looked up too many addresses; try again later.")

    monkeypatch.setattr(sprints_api, "published_sprints", refused)
    response = client.get(SPRINTS)
    assert "try again later" in assert_error(response, 429)["detail"]
    assert int(response["Retry-After"]) > 0


def test_a_session_write_without_its_csrf_token_answers_json_403():
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory())
    response = client.patch("/api/v1/me", json.dumps({"city": "Hanoi"}), content_type="application/json")
    assert "CSRF" in assert_error(response, 403)["detail"]


def test_successful_non_json_api_pages_are_left_alone(client):
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    assert docs["Content-Type"].startswith("text/html")
