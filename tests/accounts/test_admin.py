"""The admin is usable by staff: list pages with search and filters load for every model here."""

import pytest
from django.urls import reverse

from sprintlab.accounts.models import ApiToken
from sprintlab.accounts.services import api_token_create
from sprintlab.notifications.models import OutboxMessage, OutboxStatus
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("model", "params"),
    [
        ("accounts_user", {"q": "person", "is_staff__exact": "1", "country": "GB", "career_stage": "grad"}),
        ("accounts_tag", {"q": "evals"}),
        ("accounts_apitoken", {"q": "ci", "revoked_at__isempty": "1"}),
        ("notifications_outboxmessage", {"q": "hello", "status__exact": "failed"}),
    ],
)
def test_changelists_search_and_filter(admin_client, model, params):
    user = UserFactory(country="GB", career_stage="grad")
    api_token_create(actor=user, name="ci")
    OutboxMessage.objects.create(
        key="k", to_email="a@example.org", subject="hello", body_text="x", status=OutboxStatus.FAILED
    )
    url = reverse(f"admin:{model}_changelist")
    assert admin_client.get(url).status_code == 200
    assert admin_client.get(url, params).status_code == 200


def test_user_change_page_groups_the_profile(admin_client):
    user = UserFactory()
    html = admin_client.get(reverse("admin:accounts_user_change", args=[user.pk])).content.decode()
    assert "Profile" in html and "Links" in html and 'name="orcid"' in html


def test_token_admin_shows_the_hash_read_only_and_can_revoke(admin_client):
    token, _secret = api_token_create(actor=UserFactory(), name="ci")
    html = admin_client.get(reverse("admin:accounts_apitoken_change", args=[token.pk])).content.decode()
    assert token.key_hash in html and 'name="key_hash"' not in html
    admin_client.post(
        reverse("admin:accounts_apitoken_changelist"), {"action": "revoke", "_selected_action": [token.pk]}
    )
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None


def test_outbox_admin_resends_failed_messages(admin_client, django_capture_on_commit_callbacks, mailoutbox):
    message = OutboxMessage.objects.create(
        key="k", to_email="a@example.org", subject="S", body_text="x", status=OutboxStatus.FAILED
    )
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            reverse("admin:notifications_outboxmessage_changelist"),
            {"action": "resend_failed", "_selected_action": [message.pk]},
        )
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT and len(mailoutbox) == 1
