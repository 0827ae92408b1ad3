"""A small sprint for the team finder's tests: a site, two tracks, an organiser and people looking."""

from dataclasses import dataclass

from sprintlab.sprints.models import SprintRole
from tests.factories import LocalSiteFactory, RegistrationFactory, SprintFactory, SprintMembershipFactory, UserFactory
from tests.teamfinder.factories import FinderProfileFactory
from tests.teams.factories import TrackFactory


@dataclass
class FinderWorld:
    sprint: object
    site: object
    tracks: list
    organiser: object

    def looking(self, *, site=None, **profile):
        """A confirmed participant (remote unless ``site``) with a card marked as looking."""
        user = UserFactory()
        RegistrationFactory(sprint=self.sprint, user=user, site=site)
        return FinderProfileFactory(sprint=self.sprint, user=user, **profile).user

    def confirmed(self, *, site=None):
        return RegistrationFactory(sprint=self.sprint, site=site).user


def finder_world(**sprint_fields) -> FinderWorld:
    sprint = SprintFactory(team_size_min=1, team_size_max=4, **sprint_fields)
    organiser = UserFactory()
    SprintMembershipFactory(sprint=sprint, user=organiser, role=SprintRole.ORGANISER)
    return FinderWorld(
        sprint=sprint,
        site=LocalSiteFactory(sprint=sprint),
        tracks=[TrackFactory(sprint=sprint, name="Evaluations"), TrackFactory(sprint=sprint, name="Governance")],
        organiser=organiser,
    )
