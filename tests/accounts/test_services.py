import pytest
from django.core.exceptions import ValidationError

from sprintlab.accounts.models import ApiToken, Tag
from sprintlab.accounts.services import MAX_ACTIVE_TOKENS, api_token_create, api_token_revoke, profile_update
from sprintlab.core.errors import Conflict, PermissionDeniedError
from sprintlab.core.models import AuditEntry
from tests.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_profile_update_writes_fields_and_tags():
    user = UserFactory()
    profile_update(
        actor=user,
        display_name="Ada",
        city="Nairobi",
        country="KE",
        timezone="Africa/Nairobi",
        interests=["Interpretability", "evals"],
        skills=["PyTorch"],
        public_fields=["city", "interests"],
    )
    user.refresh_from_db()
    assert (user.display_name, user.city, user.country.code, user.timezone) == (
        "Ada",
        "Nairobi",
        "KE",
        "Africa/Nairobi",
    )
    assert sorted(t.name for t in user.interests.all()) == ["Interpretability", "evals"]
    assert [t.name for t in user.skills.all()] == ["PyTorch"]
    assert user.public_fields == ["city", "interests"]


def test_tags_are_shared_between_people_ignoring_case():
    Tag.objects.create(name="Evals")
    profile_update(actor=UserFactory(), interests=["evals"])
    assert Tag.objects.count() == 1


def test_an_unknown_timezone_changes_nothing():
    user = UserFactory(timezone="Europe/London")
    with pytest.raises(ValidationError) as error:
        profile_update(actor=user, timezone="Mars/Olympus_Mons", display_name="New")
    assert "timezone" in error.value.message_dict
    user.refresh_from_db()
    assert (user.timezone, user.display_name) != ("Mars/Olympus_Mons", "New")


def test_fields_outside_the_profile_are_refused():
    user = UserFactory()
    with pytest.raises(ValidationError) as error:
        profile_update(actor=user, is_staff=True)
    assert "is_staff" in error.value.message_dict
    user.refresh_from_db()
    assert not user.is_staff


def test_unknown_public_fields_are_refused():
    with pytest.raises(ValidationError):
        profile_update(actor=UserFactory(), public_fields=["email"])


def test_token_create_stores_only_a_hash_and_returns_the_secret_once():
    user = UserFactory()
    token, secret = api_token_create(actor=user, name="  laptop   script ")
    assert secret.startswith(ApiToken.PREFIX)
    assert token.name == "laptop script"
    assert token.key_hash == ApiToken.hash_key(secret)
    assert secret not in {token.key_hash, token.hint}
    assert secret.startswith(token.hint)
    assert AuditEntry.objects.filter(action="api_token.create", target_id=str(token.pk)).exists()


@pytest.mark.parametrize("name", ["", "   ", "x" * 101])
def test_token_names_must_be_present_and_short(name):
    with pytest.raises(ValidationError) as error:
        api_token_create(actor=UserFactory(), name=name)
    assert "name" in error.value.message_dict


def test_at_most_twenty_active_tokens():
    user = UserFactory()
    for i in range(MAX_ACTIVE_TOKENS):
        api_token_create(actor=user, name=f"t{i}")
    with pytest.raises(Conflict):
        api_token_create(actor=user, name="one too many")
    api_token_revoke(token=user.api_tokens.first(), actor=user)
    api_token_create(actor=user, name="after revoking one")
    assert user.api_tokens.filter(revoked_at__isnull=True).count() == MAX_ACTIVE_TOKENS


def test_revoke_is_audited_and_idempotent():
    user = UserFactory()
    token, _secret = api_token_create(actor=user, name="ci")
    api_token_revoke(token=token, actor=user)
    first = ApiToken.objects.get(pk=token.pk).revoked_at
    api_token_revoke(token=token, actor=user)
    assert ApiToken.objects.get(pk=token.pk).revoked_at == first
    assert AuditEntry.objects.filter(action="api_token.revoke", target_id=str(token.pk)).count() == 1


def test_only_the_owner_or_staff_may_revoke():
    token, _secret = api_token_create(actor=UserFactory(), name="ci")
    with pytest.raises(PermissionDeniedError):
        api_token_revoke(token=token, actor=UserFactory())
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None
    api_token_revoke(token=token, actor=StaffFactory())
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
