"""Every team predicate × every role × before and after the formation deadline, and the services agree.

For each cell the test builds a sprint whose teams close after (or before) now, asks the ``may_*``
predicate, then calls the service (rolled back): one may not allow what the other refuses.
"""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.utils import timezone

from sprintlab.core.errors import ServiceError
from sprintlab.registrations.models import RegistrationStatus
from sprintlab.sprints.models import SprintRole
from sprintlab.teams import permissions, services
from sprintlab.teams.models import JoinDirection
from tests.factories import (
    LocalSiteFactory,
    RegistrationFactory,
    SiteOrganiserFactory,
    SprintFactory,
    SprintMembershipFactory,
    StaffFactory,
    UserFactory,
)
from tests.teams.factories import JoinRequestFactory, TeamFactory, add_member

pytestmark = pytest.mark.django_db

ROLES = (
    "visitor",
    "someone",
    "waitlisted",
    "confirmed",
    "team_member",
    "team_lead",
    "site_organiser",
    "sprint_organiser",
    "staff",
)
PHASES = ("teams_forming", "teams_closed")
BOTH = set(PHASES)
FORMING = {"teams_forming"}

# Where each predicate says yes: {role: phases}; every other cell is no.
EXPECTED = {
    "may_create_team": {"confirmed": FORMING},
    "may_join": {"confirmed": FORMING},
    "may_request": {"confirmed": FORMING},
    "may_invite": {"team_member": FORMING, "team_lead": FORMING},
    "may_accept": {"team_lead": FORMING},
    "may_accept_invitation": {"confirmed": FORMING},
    "may_leave": {"team_member": FORMING},
    "may_hand_over": {"team_lead": BOTH, "sprint_organiser": BOTH, "staff": BOTH},
    "may_disband": {"team_lead": FORMING, "sprint_organiser": BOTH, "staff": BOTH},
    "may_manage_team": {"team_lead": BOTH, "sprint_organiser": BOTH, "staff": BOTH},
}


@dataclass
class Cell:
    actor: object
    sprint: object
    team: object
    member: object
    request: object
    invitation: object
    solo: object


def build(role: str, phase: str, *, invited: bool) -> Cell:
    now = timezone.now()
    closes = now + timedelta(days=1) if phase == "teams_forming" else now - timedelta(hours=1)
    sprint = SprintFactory(team_formation_closes_at=closes)
    team = TeamFactory(sprint=sprint)
    member = add_member(team)
    solo = UserFactory()
    RegistrationFactory(sprint=sprint, user=solo)
    request = JoinRequestFactory(team=team, user=solo)
    actor = {
        "visitor": lambda: AnonymousUser(),
        "team_member": lambda: member,
        "team_lead": lambda: team.lead,
        "staff": StaffFactory,
    }.get(role, UserFactory)()
    if role == "waitlisted":
        RegistrationFactory(sprint=sprint, user=actor, status=RegistrationStatus.WAITLISTED, confirmed_at=None)
    elif role == "confirmed":
        RegistrationFactory(sprint=sprint, user=actor)
    elif role == "site_organiser":
        SiteOrganiserFactory(site=LocalSiteFactory(sprint=sprint), user=actor)
    elif role == "sprint_organiser":
        SprintMembershipFactory(sprint=sprint, user=actor, role=SprintRole.ORGANISER)
    invitation = None
    if invited and actor.is_authenticated:
        invitation = JoinRequestFactory(team=team, user=actor, direction=JoinDirection.INVITATION)
    return Cell(actor, sprint, team, member, request, invitation, solo)


def predicate(action: str, cell: Cell, now) -> bool:
    user = cell.actor
    if action == "may_create_team":
        return permissions.may_create_team(user, cell.sprint, now=now)
    if action == "may_accept":
        return permissions.may_accept(user, cell.request, now=now)
    if action == "may_accept_invitation":
        return cell.invitation is not None and permissions.may_accept(user, cell.invitation, now=now)
    return getattr(permissions, action)(user, cell.team, now=now)


def service(action: str, cell: Cell) -> None:
    user, team = cell.actor, cell.team
    calls = {
        "may_create_team": lambda: services.team_create(actor=user, sprint=cell.sprint, name="New team"),
        "may_join": lambda: services.team_join_by_code(actor=user, code=team.invite_code),
        "may_request": lambda: services.join_request_create(actor=user, team=team),
        "may_invite": lambda: services.invitation_create(actor=user, team=team, user=_fresh_solo(cell)),
        "may_accept": lambda: services.join_request_accept(actor=user, join_request=cell.request),
        "may_leave": lambda: services.team_leave(actor=user, team=team),
        "may_hand_over": lambda: services.team_hand_over(actor=user, team=team, new_lead=cell.member),
        "may_disband": lambda: services.team_disband(actor=user, team=team),
        "may_manage_team": lambda: services.team_update(actor=user, team=team, name="Renamed"),
    }
    if action == "may_accept_invitation":
        if cell.invitation is None:
            raise ServiceError("A visitor has no invitation.")
        services.join_request_accept(actor=user, join_request=cell.invitation)
        return
    calls[action]()


def _fresh_solo(cell: Cell):
    person = UserFactory()
    RegistrationFactory(sprint=cell.sprint, user=person)
    return person


class Rollback(Exception):
    pass


@pytest.mark.parametrize("phase", PHASES)
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", sorted(EXPECTED))
def test_predicate_and_service_agree(action, role, phase):
    cell = build(role, phase, invited=action == "may_accept_invitation")
    now = timezone.now()
    allowed = predicate(action, cell, now)
    assert allowed == (phase in EXPECTED[action].get(role, set())), (action, role, phase)
    refusal = None
    try:
        with transaction.atomic():
            service(action, cell)
            raise Rollback
    except Rollback:
        pass
    except ServiceError as exc:
        refusal = exc
    assert (refusal is None) == allowed, (action, role, phase, refusal)
