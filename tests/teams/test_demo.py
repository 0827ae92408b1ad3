"""The demo's teams look like a sprint weekend: formed, forming, mixed, and the demo participant in one."""

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone

from sprintlab.registrations.models import Registration, RegistrationStatus
from sprintlab.sprints.models import Sprint
from sprintlab.teams.models import JoinRequest, JoinStatus, Team, TeamMember, TeamOrigin
from sprintlab.teams.selectors import team_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    call_command("seed_demo", "--scale", "small", "--verbosity", "0")


def test_demo_teams_follow_the_rules(demo):
    now = timezone.now()
    assert Team.objects.filter(sprint__submission_deadline_at__lt=now).count() > 50
    forming = Sprint.objects.filter(registration_opens_at__lte=now, kickoff_at__gt=now, is_published=True)
    assert Team.objects.filter(sprint__in=forming).count() > 5
    assert JoinRequest.objects.filter(team__sprint__in=forming, status=JoinStatus.PENDING).count() > 5
    assert set(Team.objects.values_list("origin", flat=True)) == set(TeamOrigin.values)
    sizes = Team.objects.filter(disbanded_at__isnull=True).annotate(n=Count("members"))
    assert all(1 <= team.n <= team.sprint.team_size_max for team in sizes.select_related("sprint"))
    assert Team.objects.filter(disbanded_at__isnull=False).exists()
    members = TeamMember.objects.values_list("sprint_id", "user_id")
    confirmed = set(
        Registration.objects.filter(status=RegistrationStatus.CONFIRMED).values_list("sprint_id", "user_id")
    )
    assert set(members) <= confirmed
    mixed = [
        team
        for team in Team.objects.prefetch_related("members")
        if len({_site_of(m) is None for m in team.members.all()}) == 2
    ]
    assert mixed


def _site_of(member):
    return Registration.objects.get(sprint_id=member.sprint_id, user_id=member.user_id).site_id


def test_the_demo_participant_leads_a_team_in_the_open_sprint(demo):
    from sprintlab.accounts.models import User
    from sprintlab.demo.catalogue import OPEN_SPRINT_TITLE

    participant = User.objects.get(email="participant@example.org")
    sprint = Sprint.objects.get(title=OPEN_SPRINT_TITLE)
    team = team_of(user=participant, sprint=sprint)
    assert team is not None and team.lead == participant
    assert team.join_requests.filter(status=JoinStatus.PENDING).count() >= 2
