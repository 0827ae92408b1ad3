"""Token and session authentication of the API (api/auth.py)."""

import json

import pytest
from django.middleware.csrf import _get_new_csrf_string, _mask_cipher_secret
from django.test import Client

from sprintlab.accounts.models import ApiToken
from sprintlab.accounts.services import api_token_create, api_token_revoke
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
ME = "/api/v1/me"


def bearer(secret: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_a_valid_token_authenticates_and_records_its_use(client):
    user = UserFactory()
    token, secret = api_token_create(actor=user, name="ci")
    response = client.get(ME, **bearer(secret))
    assert response.status_code == 200
    assert response.json()["email"] == user.email
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_a_revoked_token_is_refused(client):
    user = UserFactory()
    token, secret = api_token_create(actor=user, name="ci")
    api_token_revoke(token=token, actor=user)
    assert client.get(ME, **bearer(secret)).status_code == 401


@pytest.mark.parametrize("secret", ["slt_wrong", "not-even-prefixed", "slt_" + "x" * 500, "' OR 1=1 --"])
def test_a_wrong_token_is_refused(client, secret):
    api_token_create(actor=UserFactory(), name="ci")
    assert client.get(ME, **bearer(secret)).status_code == 401


def test_a_token_of_a_deactivated_person_is_refused(client):
    user = UserFactory()
    _token, secret = api_token_create(actor=user, name="ci")
    user.is_active = False
    user.save()
    assert client.get(ME, **bearer(secret)).status_code == 401


def test_a_missing_header_gets_a_json_401(client):
    response = client.get(ME)
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert "Bearer" in response.json()["detail"]


def test_only_the_hash_is_stored():
    _token, secret = api_token_create(actor=UserFactory(), name="ci")
    assert not ApiToken.objects.filter(key_hash=secret).exists()
    assert ApiToken.objects.filter(key_hash=ApiToken.hash_key(secret)).exists()


def test_session_writes_need_the_csrf_token():
    user = UserFactory()
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    assert client.get(ME).status_code == 200  # reads need no CSRF token
    body = json.dumps({"city": "Hanoi"})
    refused = client.patch(ME, body, content_type="application/json")
    assert refused.status_code == 403
    user.refresh_from_db()
    assert user.city != "Hanoi"

    secret = _get_new_csrf_string()
    client.cookies["csrftoken"] = secret
    accepted = client.patch(ME, body, content_type="application/json", HTTP_X_CSRFTOKEN=_mask_cipher_secret(secret))
    assert accepted.status_code == 200
    user.refresh_from_db()
    assert user.city == "Hanoi"


def test_token_writes_need_no_csrf_token():
    _token, secret = api_token_create(actor=UserFactory(), name="ci")
    client = Client(enforce_csrf_checks=True)
    response = client.patch(ME, json.dumps({"city": "Hanoi"}), content_type="application/json", **bearer(secret))
    assert response.status_code == 200


WRITES = [
    ("patch", ME, {"city": "Hanoi"}),
    ("post", "/api/v1/registrations", {"sprint": "any", "experience_level": "none"}),
    ("post", "/api/v1/sprints", {"title": "x"}),
    ("delete", "/api/v1/me/tokens/1", None),
]


def assert_401_asking_for_a_token(response):
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer ")
    assert response.json() == {
        "detail": "Authentication required: send 'Authorization: Bearer <token>'.",
        "errors": {},
    }


@pytest.mark.parametrize(("method", "url", "body"), WRITES)
def test_an_anonymous_write_answers_401_not_a_csrf_403(method, url, body):
    client = Client(enforce_csrf_checks=True)
    response = getattr(client, method)(url, json.dumps(body) if body else "", content_type="application/json")
    assert_401_asking_for_a_token(response)


@pytest.mark.parametrize(("method", "url", "body"), WRITES)
def test_a_revoked_token_write_answers_401_not_a_csrf_403(method, url, body):
    user = UserFactory()
    token, secret = api_token_create(actor=user, name="ci")
    api_token_revoke(token=token, actor=user)
    client = Client(enforce_csrf_checks=True)
    response = getattr(client, method)(
        url, json.dumps(body) if body else "", content_type="application/json", **bearer(secret)
    )
    assert_401_asking_for_a_token(response)


def test_an_anonymous_read_of_a_private_endpoint_asks_for_a_token(client):
    assert_401_asking_for_a_token(client.get(ME))


def test_a_refused_token_never_falls_back_to_the_session():
    user = UserFactory()
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    assert client.get(ME).status_code == 200
    assert_401_asking_for_a_token(client.get(ME, **bearer("slt_wrong")))


def test_a_session_write_with_a_wrong_csrf_token_is_refused():
    user = UserFactory()
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    client.cookies["csrftoken"] = _get_new_csrf_string()
    response = client.patch(
        ME, json.dumps({"city": "Hanoi"}), content_type="application/json", HTTP_X_CSRFTOKEN=_get_new_csrf_string()
    )
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    user.refresh_from_db()
    assert user.city != "Hanoi"


def test_token_writes_need_no_csrf_token_even_with_a_session_cookie():
    user = UserFactory()
    _token, secret = api_token_create(actor=user, name="ci")
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.patch(ME, json.dumps({"city": "Hanoi"}), content_type="application/json", **bearer(secret))
    assert response.status_code == 200


def test_openapi_schema_documents_the_me_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {"get", "patch"} <= set(paths["/api/v1/me"])
    assert "get" in paths["/api/v1/me/tokens"]
