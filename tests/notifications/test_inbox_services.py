"""The inbox's writes: other apps add items in bulk and idempotently; people mark their own read."""

import pytest
from django.contrib.auth.models import AnonymousUser

from sprintlab.core.audit import AuditEntry
from sprintlab.core.errors import PermissionDeniedError
from sprintlab.notifications import inbox
from sprintlab.notifications.models import InboxItem, NotificationKind
from tests.factories import UserFactory
from tests.notifications.factories import InboxItemFactory

pytestmark = pytest.mark.django_db


def test_inbox_add_sanitises_and_is_idempotent_on_its_key():
    person = UserFactory()
    item = inbox.inbox_add(
        key="announcement:1:7",
        user=person,
        kind=NotificationKind.ANNOUNCEMENT,
        title="  Kickoff\nmoved ",
        body_html='<p onclick="x()">Hi <script>alert(1)</script><a href="javascript:x()">x</a></p>',
        url="javascript:alert(1)",
    )
    assert item.title == "Kickoff moved"
    assert "script" not in item.body_html and "onclick" not in item.body_html and "javascript" not in item.body_html
    assert item.url == ""
    again = inbox.inbox_add(key="announcement:1:7", user=person, kind=NotificationKind.ANNOUNCEMENT, title="Other")
    assert again is None
    assert InboxItem.objects.get().title == "Kickoff moved"


def test_inbox_add_many_inserts_in_batches_and_skips_existing_keys(django_assert_max_num_queries):
    people = UserFactory.create_batch(5)
    InboxItemFactory(key="reminder:3:0", user=people[0])
    items = [
        InboxItem(key=f"reminder:3:{n}", user=person, kind=NotificationKind.REMINDER, title="Tomorrow", url="/me/")
        for n, person in enumerate(people)
    ]
    with django_assert_max_num_queries(12):
        added = inbox.inbox_add_many(items=items, batch_size=2)
    assert added == 4
    assert InboxItem.objects.count() == 5


def test_mark_read_is_only_for_the_owner_and_audited():
    item = InboxItemFactory()
    with pytest.raises(PermissionDeniedError):
        inbox.inbox_mark_read(actor=UserFactory(), item=item)
    item.refresh_from_db()
    assert item.read_at is None
    inbox.inbox_mark_read(actor=item.user, item=item)
    item.refresh_from_db()
    assert item.read_at is not None
    assert AuditEntry.objects.filter(action="inbox.mark_read").count() == 1


def test_mark_all_read_touches_only_the_actors_items():
    mine = InboxItemFactory.create_batch(3, user=UserFactory())
    theirs = InboxItemFactory()
    assert inbox.inbox_mark_all_read(actor=mine[0].user) == 3
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert inbox.inbox_mark_all_read(actor=mine[0].user) == 0
    with pytest.raises(PermissionDeniedError):
        inbox.inbox_mark_all_read(actor=AnonymousUser())
