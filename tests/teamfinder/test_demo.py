"""The demo data: people looking for a team in the sprints still forming teams, and one grouping run."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from sprintlab.registrations.models import RegistrationStatus
from sprintlab.teamfinder.models import FinderProfile, GroupingRun, ProposedMember
from sprintlab.teams.models import TeamMember

pytestmark = pytest.mark.django_db


def test_the_small_demo_has_cards_and_a_grouping(tmp_path):
    call_command("seed_demo", "--scale", "small", stdout=(tmp_path / "out.txt").open("w"))
    profiles = FinderProfile.objects.select_related("sprint")
    assert profiles.count() > 20
    assert all(profile.sprint.team_formation_deadline > timezone.now() for profile in profiles)
    in_teams = set(TeamMember.objects.values_list("sprint_id", "user_id"))
    assert not any((profile.sprint_id, profile.user_id) in in_teams for profile in profiles)
    assert {len(profile.skills) for profile in profiles} <= {1, 2, 3}
    run = GroupingRun.objects.get()
    assert run.group_count > 0
    members = ProposedMember.objects.filter(group__run=run).select_related("group")
    confirmed = set(
        run.sprint.registrations.filter(status=RegistrationStatus.CONFIRMED).values_list("user_id", "site_id")
    )
    assert all((member.user_id, member.group.site_id) in confirmed for member in members)
