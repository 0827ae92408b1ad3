"""``sprintlab create-api-token``: a token for an existing account, printed once."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from sprintlab.accounts.models import ApiToken
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_it_prints_a_secret_that_authenticates_its_owner(client):
    user = UserFactory(email="ops@example.org")
    out = StringIO()
    call_command("create_api_token", "OPS@example.org", "--name", "nightly export", stdout=out)
    secret = out.getvalue().strip()
    assert ApiToken.objects.get(user=user, name="nightly export").key_hash == ApiToken.hash_key(secret)
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert response.json()["email"] == "ops@example.org"


def test_an_unknown_address_is_refused_and_creates_nothing():
    with pytest.raises(CommandError, match="No account"):
        call_command("create_api_token", "nobody@example.org", stdout=StringIO())
    assert not ApiToken.objects.exists()
