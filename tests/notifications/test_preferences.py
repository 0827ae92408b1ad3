"""Notification preferences: the page, the service, and channels_by_user honouring them."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from sprintlab.core.audit import AuditEntry
from sprintlab.core.errors import PermissionDeniedError, ServiceError
from sprintlab.notifications.models import NotificationKind, NotificationPreference
from sprintlab.notifications.preferences import Channels, notification_preferences_update
from sprintlab.notifications.selectors import channels_by_user
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_page_lists_optional_kinds_and_transactional_as_always_on(client):
    client.force_login(UserFactory())
    html = client.get(reverse("notifications:preferences")).content.decode()
    for kind in ("announcement", "reminder", "team", "mentoring"):
        assert f'name="{kind}_email"' in html and f'name="{kind}_in_app"' in html
    assert "transactional_email" not in html
    assert "checked disabled" in html


def test_saving_the_page_is_honoured_by_channels_by_user(client):
    me, other = UserFactory(), UserFactory()
    client.force_login(me)
    # Every switch on except announcements by email and reminders in the app.
    data = {
        f"{kind}_{channel}": "on"
        for kind in ("announcement", "reminder", "team", "mentoring")
        for channel in ("email", "in_app")
    }
    del data["announcement_email"], data["reminder_in_app"]
    assert client.post(reverse("notifications:preferences"), data).status_code == 302
    email, in_app = channels_by_user(kind=NotificationKind.ANNOUNCEMENT, user_ids=[me.pk, other.pk])
    assert email == {other.pk} and in_app == {me.pk, other.pk}
    email, in_app = channels_by_user(kind=NotificationKind.REMINDER, user_ids=[me.pk, other.pk])
    assert email == {me.pk, other.pk} and in_app == {other.pk}
    # Transactional messages ignore preferences.
    assert channels_by_user(kind=NotificationKind.TRANSACTIONAL, user_ids=[me.pk])[0] == {me.pk}
    assert NotificationPreference.objects.filter(user=me).count() == 2
    assert AuditEntry.objects.filter(action="notifications.preferences_update").count() == 1


def test_transactional_cannot_be_switched_off_and_nothing_changes():
    me = UserFactory()
    with pytest.raises(ServiceError):
        notification_preferences_update(
            actor=me,
            channels={
                NotificationKind.TEAM: Channels(email=False),
                NotificationKind.TRANSACTIONAL: Channels(email=False),
            },
        )
    assert not NotificationPreference.objects.exists()
    with pytest.raises(PermissionDeniedError):
        notification_preferences_update(actor=AnonymousUser(), channels={})


def test_unchanged_preferences_write_nothing():
    me = UserFactory()
    notification_preferences_update(actor=me, channels={NotificationKind.TEAM: Channels()})
    assert not NotificationPreference.objects.exists() and not AuditEntry.objects.exists()
