"""The team finder's predicates × every role × before and after teams close, and the services agree."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.utils import timezone

from sprintlab.core.errors import ServiceError
from sprintlab.registrations.models import RegistrationStatus
from sprintlab.sprints.models import SprintRole
from sprintlab.teamfinder import permissions, services
from sprintlab.teamfinder.models import ProposedMember
from tests.factories import PartnerFactory, RegistrationFactory, SprintMembershipFactory, StaffFactory, UserFactory
from tests.teamfinder.helpers import finder_world

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "someone", "waitlisted", "participant", "other_participant", "cohost", "organiser", "staff")
PHASES = ("teams_forming", "teams_closed")
CARD = {
    "is_looking": True,
    "interests": [],
    "skills": [],
    "free_tags": [],
    "timezone_name": "UTC",
    "waking_start": 8,
    "waking_end": 23,
    "preferred_track": None,
    "note": "",
}
EXPECTED = {
    "may_use_finder": {"participant": {"teams_forming"}, "other_participant": {"teams_forming"}},
    "may_run_grouping": {"organiser": {"teams_forming"}, "staff": {"teams_forming"}},
    # The proposed place is the participant's own.
    "may_respond": {"participant": {"teams_forming"}},
    "teamfinder.view_outcomes": {role: set(PHASES) for role in ("cohost", "organiser", "staff")},
}


def build(phase: str):
    world = finder_world()
    people = {
        "anonymous": AnonymousUser(),
        "someone": UserFactory(),
        "waitlisted": RegistrationFactory(sprint=world.sprint, status=RegistrationStatus.WAITLISTED).user,
        "participant": world.looking(),
        "other_participant": world.looking(),
        "cohost": SprintMembershipFactory(sprint=world.sprint, role=SprintRole.COHOST, partner=PartnerFactory()).user,
        "organiser": world.organiser,
        "staff": StaffFactory(),
    }
    run = services.grouping_run_create(actor=world.organiser, sprint=world.sprint)
    if phase == "teams_closed":
        world.sprint.team_formation_closes_at = timezone.now() - timedelta(minutes=1)
        world.sprint.save(update_fields=["team_formation_closes_at"])
    member = ProposedMember.objects.select_related("group", "sprint").get(group__run=run, user=people["participant"])
    return world.sprint, people, member


class _RolledBack(Exception):
    pass


def service_allows(call) -> bool:
    try:
        with transaction.atomic():
            call()
            raise _RolledBack
    except _RolledBack:
        return True
    except ServiceError:
        return False


@pytest.mark.parametrize("phase", PHASES)
def test_matrix_and_the_services_agree(phase):
    sprint, people, member = build(phase)
    now = timezone.now()
    for role in ROLES:
        user = people[role]
        fresh_member = ProposedMember.objects.select_related("group", "sprint").get(pk=member.pk)
        cells = {
            "may_use_finder": (
                permissions.may_use_finder(user, sprint, now=now),
                lambda user=user: services.finder_profile_save(actor=user, sprint=sprint, **CARD),
            ),
            "may_run_grouping": (
                permissions.may_run_grouping(user, sprint, now=now),
                lambda user=user: services.grouping_run_create(actor=user, sprint=sprint),
            ),
            "may_respond": (
                permissions.may_respond(user, fresh_member, now=now),
                lambda user=user, m=fresh_member: services.proposal_respond(actor=user, member=m, accept=True),
            ),
            "teamfinder.view_outcomes": (user.has_perm("teamfinder.view_outcomes", sprint), None),
        }
        for name, (allowed, call) in cells.items():
            assert allowed == (phase in EXPECTED[name].get(role, set())), f"{name}: {role} while {phase}"
            if call is not None:
                assert service_allows(call) == allowed, f"{name}: the service disagrees for {role} while {phase}"
