"""Every role × every inbox and preference action: a person's inbox is theirs alone, whatever their role.

The owner of the item is a separate person; each role, staff included, may only use their own inbox,
change their own preferences, and never read or mark another person's item — the predicate, the page
and the service agree in every cell.
"""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from sprintlab.core.errors import PermissionDeniedError
from sprintlab.notifications import inbox
from sprintlab.notifications.preferences import Channels, notification_preferences_update
from tests.notifications.factories import InboxItemFactory
from tests.roles import ROLES, make_person

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ROLES)
def test_someone_elses_item(client, role):
    person = make_person(role) or AnonymousUser()
    item = InboxItemFactory()
    assert not person.has_perm("notifications.read_inbox_item", item)
    if person.is_authenticated:
        client.force_login(person)
        assert client.post(reverse("notifications:inbox_mark_read", args=[item.pk])).status_code == 404
    with pytest.raises(PermissionDeniedError):
        inbox.inbox_mark_read(actor=person, item=item)
    item.refresh_from_db()
    assert item.read_at is None


@pytest.mark.parametrize("role", ROLES)
def test_own_inbox_and_preferences(client, role):
    person = make_person(role)
    if person is None:
        visitor = AnonymousUser()
        for perm in ("notifications.use_inbox", "notifications.change_preferences"):
            assert not visitor.has_perm(perm)
        with pytest.raises(PermissionDeniedError):
            inbox.inbox_mark_all_read(actor=visitor)
        with pytest.raises(PermissionDeniedError):
            notification_preferences_update(actor=visitor, channels={})
        assert client.get(reverse("notifications:inbox")).status_code == 302
        return
    item = InboxItemFactory(user=person)
    assert person.has_perm("notifications.use_inbox")
    assert person.has_perm("notifications.read_inbox_item", item)
    assert person.has_perm("notifications.change_preferences")
    client.force_login(person)
    assert client.get(reverse("notifications:inbox")).status_code == 200
    assert client.post(reverse("notifications:inbox_mark_read", args=[item.pk])).status_code == 302
    notification_preferences_update(actor=person, channels={"team": Channels(email=False)})
    item.refresh_from_db()
    assert item.read_at is not None
