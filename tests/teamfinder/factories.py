"""Factories for the team finder's rows."""

import factory

from sprintlab.teamfinder.models import FinderProfile
from tests.factories import RegistrationFactory


class FinderProfileFactory(factory.django.DjangoModelFactory):
    """A looking participant's card; the person gets a confirmed remote registration in the sprint."""

    class Meta:
        model = FinderProfile

    sprint = factory.SubFactory("tests.factories.SprintFactory")
    user = factory.LazyAttribute(lambda o: RegistrationFactory(sprint=o.sprint).user)
    is_looking = True
    interests = factory.LazyFunction(lambda: ["evaluations"])
    skills = factory.LazyFunction(lambda: ["software"])
    timezone = "Europe/London"
