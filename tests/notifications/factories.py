"""Factories for the inbox and notification preferences."""

import factory

from sprintlab.notifications.models import InboxItem, NotificationKind, NotificationPreference
from tests.factories import UserFactory


class InboxItemFactory(factory.django.DjangoModelFactory):
    """An unread announcement in someone's inbox (pass ``read_at=`` for a read one)."""

    class Meta:
        model = InboxItem

    key = factory.Sequence(lambda n: f"tests-inbox:{n}")
    user = factory.SubFactory(UserFactory)
    kind = NotificationKind.ANNOUNCEMENT
    title = factory.Sequence(lambda n: f"Kickoff moves to 10:{n % 60:02d} UTC")
    body_html = "<p>See you in the main room.</p>"
    url = "/sprints/"


class NotificationPreferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NotificationPreference

    user = factory.SubFactory(UserFactory)
    kind = NotificationKind.ANNOUNCEMENT
    email = True
    in_app = True
