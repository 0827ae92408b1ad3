"""Factories for teams: each builds exactly what it says, nothing hidden."""

import factory

from sprintlab.sprints.models import Track
from sprintlab.teams.models import JoinDirection, JoinedVia, JoinRequest, Team, TeamMember
from tests.factories import RegistrationFactory, SprintFactory, UserFactory


class TeamFactory(factory.django.DjangoModelFactory):
    """A live team with its lead as its one member (founded), the lead confirmed for the sprint."""

    class Meta:
        model = Team
        skip_postgeneration_save = True

    sprint = factory.SubFactory(SprintFactory)
    name = factory.Sequence(lambda n: f"Team {n}")
    description = "Probing refusal directions in small chat models."
    lead = factory.SubFactory(UserFactory)

    @factory.post_generation
    def founder(self, create, extracted, **kwargs):
        if create and self.lead_id and extracted is not False:
            RegistrationFactory(sprint=self.sprint, user=self.lead)
            TeamMember.objects.create(team=self, sprint=self.sprint, user=self.lead, joined_via=JoinedVia.FOUNDED)


def add_member(team: Team, user=None, *, register: bool = True):
    """``user`` (a new confirmed participant by default) as a member of ``team``."""
    user = user or UserFactory()
    if register:
        RegistrationFactory(sprint=team.sprint, user=user)
    TeamMember.objects.create(team=team, sprint=team.sprint, user=user, joined_via=JoinedVia.CODE)
    return user


class JoinRequestFactory(factory.django.DjangoModelFactory):
    """A pending request to join (pass ``direction=JoinDirection.INVITATION`` for an invitation)."""

    class Meta:
        model = JoinRequest

    team = factory.SubFactory(TeamFactory)
    user = factory.SubFactory(UserFactory)
    direction = JoinDirection.REQUEST
    created_by = factory.LazyAttribute(lambda o: o.user if o.direction == JoinDirection.REQUEST else o.team.lead)


class TrackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Track

    sprint = factory.SubFactory(SprintFactory)
    name = factory.Sequence(lambda n: f"Track {n}")
