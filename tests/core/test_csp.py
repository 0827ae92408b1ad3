"""The Content-Security-Policy: one strict policy on every response, the admin and the API docs included."""

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import path

pytestmark = pytest.mark.django_db

COVERED_PATHS = [
    "/sprints/",  # a normal page
    "/no-such-page/",  # an error page (404)
    "/admin/login/",
    "/api/v1/docs",
    "/api/v1/openapi.json",
    "/static/sprintlab/app.css",  # static files, served before any view
]


def fail(request):
    raise RuntimeError("a bug")


urlpatterns = [path("fail/", fail)]


@override_settings(ROOT_URLCONF=__name__)
def test_server_errors_carry_the_policy(client):
    client.raise_request_exception = False
    response = client.get("/fail/")
    assert response.status_code == 500
    assert response["Content-Security-Policy"] == settings.CONTENT_SECURITY_POLICY


def directives(policy: str) -> dict[str, list[str]]:
    parsed = {}
    for part in policy.split(";"):
        name, *sources = part.split()
        parsed[name] = sources
    return parsed


@pytest.mark.parametrize("path", COVERED_PATHS)
def test_every_response_carries_the_policy(client, path):
    response = client.get(path)
    assert response.status_code in (200, 404)
    assert response["Content-Security-Policy"] == settings.CONTENT_SECURITY_POLICY


def test_the_policy_allows_no_wildcard_origin_and_nothing_inline():
    policy = directives(settings.CONTENT_SECURITY_POLICY)
    for name, sources in policy.items():
        for source in sources:
            assert source not in {"https:", "http:", "*", "'unsafe-inline'", "'unsafe-eval'"}, (name, source)
            assert "*" not in source, (name, source)
    assert policy["form-action"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "data:"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]


def test_the_api_docs_load_swagger_ui_from_this_site(client):
    html = client.get("/api/v1/docs").content.decode()
    assert '<html lang="en">' in html
    assert "cdn" not in html.lower()
    assert "/static/ninja/swagger-ui-bundle.js" in html and "/static/ninja/swagger-ui.css" in html
