"""Every programme predicate × every role × the phases that matter, and the services agree in each cell.

The ``may_*`` predicates decide what pages and the API offer; each service raises the same rule's
refusal. For each cell the predicate is asked now and the service is called now (rolled back).
"""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.utils import timezone

from sprintlab.core.errors import ServiceError
from sprintlab.programme import permissions, services, services_resources
from sprintlab.programme.models import SessionKind
from sprintlab.sprints.models import SprintRole
from tests.factories import (
    LocalSiteFactory,
    PartnerFactory,
    RegistrationFactory,
    SiteOrganiserFactory,
    SprintFactory,
    SprintMembershipFactory,
    StaffFactory,
    UserFactory,
)
from tests.programme.factories import SessionFactory

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "someone", "participant", "cohost", "site_organiser", "sprint_organiser", "staff")
PHASES = ("before_kickoff", "running", "after_results")
RUNNERS = {"sprint_organiser", "staff"}
ALL_PHASES_BUT_AFTER = {"before_kickoff", "running"}

# Where each action is allowed: {role: phases}; every other cell is refused.
EXPECTED = {
    "create_online_session": {role: ALL_PHASES_BUT_AFTER for role in RUNNERS},
    "create_session_at_site": {role: ALL_PHASES_BUT_AFTER for role in RUNNERS | {"site_organiser"}},
    "change_online_session": {role: ALL_PHASES_BUT_AFTER for role in RUNNERS},
    "change_site_session": {role: ALL_PHASES_BUT_AFTER for role in RUNNERS | {"site_organiser"}},
    # The session starts an hour after kickoff and lasts an hour: over once results are out.
    "add_to_agenda": {"participant": ALL_PHASES_BUT_AFTER},
    "manage_speakers": {role: set(PHASES) for role in RUNNERS},
    "manage_resources": {role: set(PHASES) for role in RUNNERS},
}
# The present moment, counted from kickoff.
PRESENT_AFTER_KICKOFF = {
    "before_kickoff": -timedelta(days=3),
    "running": timedelta(minutes=5),
    "after_results": timedelta(days=30),
}


@dataclass
class World:
    people: dict
    sprint: object
    site: object
    online_session: object
    site_session: object


def build_world(phase: str) -> World:
    now = timezone.now()
    kickoff = now - PRESENT_AFTER_KICKOFF[phase]
    sprint = SprintFactory(
        announced_at=kickoff - timedelta(days=40),
        registration_opens_at=kickoff - timedelta(days=30),
        kickoff_at=kickoff,
    )
    site = LocalSiteFactory(sprint=sprint)
    people = {
        "anonymous": AnonymousUser(),
        "someone": UserFactory(),
        "participant": RegistrationFactory(sprint=sprint, site=site).user,
        "cohost": SprintMembershipFactory(sprint=sprint, role=SprintRole.COHOST, partner=PartnerFactory()).user,
        "site_organiser": SiteOrganiserFactory(site=site).user,
        "sprint_organiser": SprintMembershipFactory(sprint=sprint, role=SprintRole.ORGANISER).user,
        "staff": StaffFactory(),
    }
    return World(
        people=people,
        sprint=sprint,
        site=site,
        online_session=SessionFactory(sprint=sprint),
        site_session=SessionFactory(sprint=sprint, site=site, online_url=""),
    )


def _times(world):
    starts = world.sprint.kickoff_at + timedelta(hours=3)
    return {"starts_at": starts, "ends_at": starts + timedelta(hours=1)}


def ask(action: str, user, world: World, now) -> bool:
    sprint = world.sprint
    return {
        "create_online_session": lambda: permissions.may_create_session(user, sprint, None, now=now),
        "create_session_at_site": lambda: permissions.may_create_session(user, sprint, world.site, now=now),
        "change_online_session": lambda: permissions.may_change_session(user, world.online_session, now=now),
        "change_site_session": lambda: permissions.may_change_session(user, world.site_session, now=now),
        "add_to_agenda": lambda: permissions.may_add_to_agenda(user, world.online_session, now=now),
        "manage_speakers": lambda: permissions.may_manage_speakers(user, sprint),
        "manage_resources": lambda: permissions.may_manage_resources(user, sprint),
    }[action]()


def call(action: str, user, world: World) -> None:
    sprint = world.sprint
    online = {"kind": SessionKind.TALK, "title": "T", "online_url": "https://meet.example.org/t", **_times(world)}
    {
        "create_online_session": lambda: services.session_create(actor=user, sprint=sprint, **online),
        "create_session_at_site": lambda: services.session_create(
            actor=user, sprint=sprint, kind=SessionKind.CHECK_IN, title="T", site=world.site, **_times(world)
        ),
        "change_online_session": lambda: services.session_update(actor=user, session=world.online_session, title="New"),
        "change_site_session": lambda: services.session_cancel(actor=user, session=world.site_session),
        "add_to_agenda": lambda: services.agenda_add(actor=user, session=world.online_session),
        "manage_speakers": lambda: services.speaker_create(actor=user, sprint=sprint, name="Ana"),
        "manage_resources": lambda: services_resources.resource_create(
            actor=user, sprint=sprint, category="reading", title="R", url="https://example.org/r"
        ),
    }[action]()


def service_allows(action: str, user, world: World) -> bool:
    try:
        with transaction.atomic():
            call(action, user, world)
            transaction.set_rollback(True)
    except ServiceError:
        return False
    return True


@pytest.mark.parametrize("phase", PHASES)
@pytest.mark.parametrize("action", list(EXPECTED))
def test_predicates_and_services_agree_for_every_role(action, phase):
    world = build_world(phase)
    now = timezone.now()
    for role in ROLES:
        user = world.people[role]
        expected = phase in EXPECTED[action].get(role, set())
        assert ask(action, user, world, now) is expected, f"{action} for {role} in {phase}: predicate"
        assert service_allows(action, user, world) is expected, f"{action} for {role} in {phase}: service"


def test_the_sprint_feed_and_pages_are_as_public_as_the_sprint(client):
    from django.urls import reverse

    draft = SprintFactory(is_published=False)
    organiser = SprintMembershipFactory(sprint=draft, role=SprintRole.ORGANISER).user
    for name in ("programme:schedule", "programme:schedule_ics", "programme:resources"):
        url = reverse(name, kwargs={"slug": draft.slug})
        assert client.get(url).status_code == 404
        client.force_login(organiser)
        assert client.get(url).status_code == 200
        client.logout()
