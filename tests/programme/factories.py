"""Factories for the programme: sessions during the sprint's weekend, speakers, resources."""

from datetime import timedelta

import factory

from sprintlab.programme.models import Resource, ResourceCategory, Session, SessionKind, Speaker
from tests.factories import SprintFactory


class SpeakerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Speaker

    sprint = factory.SubFactory(SprintFactory)
    name = factory.Sequence(lambda n: f"Dr Ada Speaker {n}")
    affiliation = "University of Cambridge"
    bio = "Works on mechanistic interpretability."


class SessionFactory(factory.django.DjangoModelFactory):
    """An online talk an hour after the sprint's kickoff, for an hour."""

    class Meta:
        model = Session

    sprint = factory.SubFactory(SprintFactory)
    kind = SessionKind.TALK
    title = factory.Sequence(lambda n: f"Talk {n}: finding circuits")
    starts_at = factory.LazyAttribute(lambda o: o.sprint.kickoff_at + timedelta(hours=1))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=1))
    online_url = "https://meet.example.org/talk"


class ResourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Resource

    sprint = factory.SubFactory(SprintFactory)
    category = ResourceCategory.READING
    title = factory.Sequence(lambda n: f"Reading {n}")
    url = factory.Sequence(lambda n: f"https://example.org/reading/{n}")
    position = factory.Sequence(lambda n: n + 1)
