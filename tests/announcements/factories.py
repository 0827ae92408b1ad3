import factory

from sprintlab.announcements.models import Announcement, AnnouncementStatus, Audience
from tests.factories import SprintFactory, UserFactory


class AnnouncementFactory(factory.django.DjangoModelFactory):
    """A draft to everyone registered."""

    class Meta:
        model = Announcement

    sprint = factory.SubFactory(SprintFactory)
    author = factory.SubFactory(UserFactory)
    audience = Audience.EVERYONE
    title = factory.Sequence(lambda n: f"Welcome, everyone ({n})")
    body = "Kickoff is on **Saturday**. Bring a laptop."
    status = AnnouncementStatus.DRAFT
