"""Factories for mentor help: a running sprint, teams, mentors, office-hour slots and help requests."""

from datetime import timedelta

import factory
from django.utils import timezone

from sprintlab.mentoring.models import HelpRequest, HelpStatus, MentorProfile, OfficeHourSlot, SlotBooking
from sprintlab.registrations.models import RegistrationStatus
from sprintlab.sprints.models import SprintRole
from sprintlab.teams.models import JoinedVia, Team, TeamMember
from tests.factories import RegistrationFactory, SprintFactory, SprintMembershipFactory, UserFactory


class RunningSprintFactory(SprintFactory):
    """A sprint that kicked off an hour ago; submissions close in two days."""

    registration_opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=20))
    kickoff_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1))


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    sprint = factory.SubFactory(RunningSprintFactory)
    name = factory.Sequence(lambda n: f"Team {n}")


class MentorProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MentorProfile

    user = factory.SubFactory(UserFactory)
    expertise = factory.LazyFunction(lambda: ["interpretability", "ml_engineering"])
    bio = "Works on sparse autoencoders."
    timezone = "Europe/Berlin"


class OfficeHourSlotFactory(factory.django.DjangoModelFactory):
    """A one-hour online slot starting in two hours."""

    class Meta:
        model = OfficeHourSlot

    sprint = factory.SubFactory(RunningSprintFactory)
    mentor = factory.SubFactory(UserFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(hours=2))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=1))
    topic = "Probing and patching"
    online_link = "https://meet.example.org/probing"
    capacity = 1


class HelpRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HelpRequest

    sprint = factory.SubFactory(RunningSprintFactory)
    requester = factory.SubFactory(UserFactory)
    topic = "Our probe does not train"
    description = "Loss stays flat after the first epoch."
    contact = "https://meet.example.org/team"
    status = HelpStatus.OPEN
    waiting_since = factory.LazyFunction(timezone.now)


def make_mentor(sprint, user=None):
    """A mentor of ``sprint`` with a profile."""
    user = user or UserFactory()
    SprintMembershipFactory(sprint=sprint, user=user, role=SprintRole.MENTOR)
    MentorProfile.objects.get_or_create(user=user, defaults={"expertise": ["evaluations"], "bio": "Evals person."})
    return user


def make_participant(sprint, user=None):
    """A confirmed remote participant of ``sprint``."""
    user = user or UserFactory()
    RegistrationFactory(sprint=sprint, user=user, status=RegistrationStatus.CONFIRMED)
    return user


def make_team_member(sprint, team=None, user=None):
    """A confirmed participant in ``team`` (a new team of ``sprint`` when none is given)."""
    team = team or TeamFactory(sprint=sprint)
    user = make_participant(sprint, user)
    TeamMember.objects.create(team=team, sprint=sprint, user=user, joined_via=JoinedVia.FOUNDED)
    return user


def book(slot, team, user=None):
    return SlotBooking.objects.create(slot=slot, team=team, booked_by=user)
