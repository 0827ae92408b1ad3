"""/api/v1/me: same rules as the profile page, errors as JSON per field."""

import json

import pytest

from sprintlab.accounts.services import api_token_create
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
ME = "/api/v1/me"


@pytest.fixture
def person():
    user = UserFactory(display_name="Before")
    _token, secret = api_token_create(actor=user, name="tests")
    return user, {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def patch(client, headers, body):
    return client.patch(ME, json.dumps(body), content_type="application/json", **headers)


def test_get_me_returns_the_own_profile(client, person):
    user, headers = person
    data = client.get(ME, **headers).json()
    assert data["id"] == user.pk and data["display_name"] == "Before"
    assert data["interests"] == [] and data["public_fields"] == []


def test_patch_changes_only_the_sent_fields(client, person):
    user, headers = person
    user.city = "Oxford"
    user.save()
    response = patch(
        client,
        headers,
        {
            "display_name": "After",
            "interests": ["Evals", "evals", " governance "],
            "orcid": "https://orcid.org/0000-0002-1825-0097",
        },
    )
    assert response.status_code == 200, response.json()
    data = response.json()
    assert data["display_name"] == "After"
    assert data["interests"] == ["Evals", "governance"]
    assert data["orcid"] == "0000-0002-1825-0097"
    assert data["city"] == "Oxford"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"timezone": "Mars/Base"}, "timezone"),
        ({"orcid": "0000-0002-1825-0098"}, "orcid"),
        ({"github_url": "https://example.org/me"}, "github_url"),
        ({"interests": [f"t{i}" for i in range(21)]}, "interests"),
        ({"skills": ["a,b"]}, "skills"),
        ({"career_stage": "wizard"}, "career_stage"),
        ({"public_fields": ["email"]}, "public_fields"),
        ({"country": "XX"}, "country"),
        ({"display_name": "x" * 101}, "display_name"),
    ],
)
def test_bad_values_get_a_400_with_a_message_for_the_field(client, person, body, field):
    user, headers = person
    response = patch(client, headers, {**body, "display_name": body.get("display_name", "Changed")})
    assert response.status_code == 400
    assert field in response.json()["errors"]
    user.refresh_from_db()
    assert user.display_name == "Before"


@pytest.mark.parametrize("body", [{"interests": "not a list"}, {"display_name": 12}, {"skills": [{"x": 1}]}])
def test_wrongly_typed_values_get_a_422_per_field(client, person, body):
    _user, headers = person
    response = patch(client, headers, body)
    assert response.status_code == 422
    assert set(response.json()["errors"]) & {"interests", "display_name", "skills", "skills.0"}


def test_an_empty_patch_is_refused(client, person):
    _user, headers = person
    assert patch(client, headers, {}).status_code == 400


def test_malformed_json_is_refused_without_a_crash(client, person):
    _user, headers = person
    response = client.patch(ME, "{not json", content_type="application/json", **headers)
    assert 400 <= response.status_code < 500


def test_fields_outside_the_profile_are_ignored(client, person):
    user, headers = person
    assert patch(client, headers, {"is_staff": True, "city": "Pune"}).status_code == 200
    user.refresh_from_db()
    assert not user.is_staff and user.city == "Pune"


def test_tokens_list_never_shows_secrets(client, person):
    user, headers = person
    api_token_create(actor=user, name="second")
    response = client.get(f"{ME}/tokens", **headers)
    assert response.status_code == 200
    tokens = response.json()
    assert [t["name"] for t in tokens] == ["second", "tests"]
    assert all(set(t) == {"id", "name", "hint", "created_at", "last_used_at"} for t in tokens)


def test_tokens_list_needs_authentication(client):
    assert client.get(f"{ME}/tokens").status_code == 401


def test_delete_revokes_an_own_token(client, person):
    user, headers = person
    other, _secret = api_token_create(actor=user, name="old laptop")
    assert client.delete(f"{ME}/tokens/{other.pk}", **headers).status_code == 204
    other.refresh_from_db()
    assert other.revoked_at is not None
    assert [t["name"] for t in client.get(f"{ME}/tokens", **headers).json()] == ["tests"]


def test_delete_of_someone_elses_token_is_404(client, person):
    _user, headers = person
    theirs, _secret = api_token_create(actor=UserFactory(), name="theirs")
    response = client.delete(f"{ME}/tokens/{theirs.pk}", **headers)
    assert response.status_code == 404 and response.json()["detail"] == "Not found."
    theirs.refresh_from_db()
    assert theirs.revoked_at is None
