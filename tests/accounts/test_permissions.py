"""Who may use the account pages: every role against every sensitive action."""

import pytest
from django.urls import reverse

from sprintlab.accounts.models import ApiToken
from sprintlab.accounts.services import api_token_create
from tests.factories import UserFactory
from tests.roles import ROLES, make_person

pytestmark = pytest.mark.django_db


def signed_in(client, role):
    person = make_person(role)
    if person is not None:
        client.force_login(person)
    return person


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url_name", ["accounts:profile", "accounts:tokens"])
def test_own_account_pages(client, role, url_name):
    signed_in(client, role)
    response = client.get(reverse(url_name))
    if role == "anonymous":
        assert response.status_code == 302 and reverse("account_login") in response["Location"]
    else:
        assert response.status_code == 200


@pytest.mark.parametrize("role", ROLES)
def test_revoking_someone_elses_token_is_404_for_everyone(client, role):
    token, _secret = api_token_create(actor=UserFactory(), name="theirs")
    signed_in(client, role)
    response = client.post(reverse("accounts:token_revoke", args=[token.pk]))
    assert response.status_code == (302 if role == "anonymous" else 404)
    if role == "anonymous":
        assert reverse("account_login") in response["Location"]
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None


@pytest.mark.parametrize("role", ROLES[1:])
def test_everyone_may_revoke_their_own_token(client, role):
    person = signed_in(client, role)
    token, _secret = api_token_create(actor=person, name="mine")
    assert client.post(reverse("accounts:token_revoke", args=[token.pk])).status_code == 302
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None


@pytest.mark.parametrize("role", ROLES)
def test_public_profiles_are_readable_by_everyone(client, role):
    person = UserFactory(display_name="Public Person")
    signed_in(client, role)
    response = client.get(reverse("accounts:public_profile", args=[person.pk]))
    assert response.status_code == 200 and "Public Person" in response.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_the_api_tokens_list_shows_only_the_callers_tokens(client, role):
    api_token_create(actor=UserFactory(), name="not yours")
    person = signed_in(client, role)
    response = client.get("/api/v1/me/tokens")
    if person is None:
        assert response.status_code == 401
    else:
        assert response.status_code == 200 and response.json() == []


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("owner", True),
        ("other_user", False),
        ("participant", False),
        ("site_organiser", False),
        ("sprint_organiser", False),
        ("cohost", False),
        ("staff", True),
    ],
)
def test_revoke_token_rule(role, allowed):
    owner = UserFactory()
    token, _secret = api_token_create(actor=owner, name="t")
    person = owner if role == "owner" else make_person(role)
    assert person.has_perm("accounts.revoke_token", token) is allowed
