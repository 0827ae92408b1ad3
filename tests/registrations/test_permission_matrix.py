"""Every time-aware permission predicate × every role × every phase of a sprint, and the services agree.

The ``may_*`` predicates decide the buttons on pages and in templates; the services raise the
same rule's refusal. For each cell this test builds a sprint whose timeline puts the present moment in
that phase, asks the predicate now, and calls the service now (rolled back): one may not allow what
the other refuses.
"""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from sprintlab.core.errors import ServiceError
from sprintlab.localsites import permissions as site_permissions
from sprintlab.localsites import services as site_services
from sprintlab.registrations import attendance, check_in_codes, services
from sprintlab.registrations import permissions as registration_permissions
from sprintlab.registrations.models import RegistrationStatus
from sprintlab.sprints.models import SprintRole
from tests.factories import (
    LocalSiteFactory,
    RegistrationFactory,
    SiteOrganiserFactory,
    SprintFactory,
    SprintMembershipFactory,
    StaffFactory,
    UserFactory,
)
from tests.localsites.helpers import application_data
from tests.registrations.helpers import ANSWERS

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "someone", "participant", "site_organiser", "sprint_organiser", "staff")
PHASES = ("before_registration", "registration_open", "registration_closed", "running", "after_the_sprint")
SIGNED_IN = set(ROLES) - {"anonymous"}
UNTIL_KICKOFF = {"before_registration", "registration_open", "registration_closed"}
UNTIL_THE_END = UNTIL_KICKOFF | {"running"}

# Where each predicate says yes: {role: phases}; every other cell is no.
EXPECTED = {
    "may_register": {role: {"registration_open"} for role in SIGNED_IN},
    "may_register_again": {"participant": {"registration_open"}},
    "may_cancel": {role: UNTIL_THE_END for role in ("participant", "site_organiser", "sprint_organiser", "staff")},
    "may_switch": {role: {"registration_open"} for role in ("participant", "sprint_organiser", "staff")},
    # The offer's deadline is kickoff.
    "may_confirm_offer": {"participant": UNTIL_KICKOFF},
    "may_apply_to_host": {role: UNTIL_THE_END for role in SIGNED_IN},
    # Until the site's doors open (at kickoff).
    "may_withdraw_site": {role: UNTIL_KICKOFF for role in ("site_organiser", "staff")},
    # From a set time before the doors open (CHECK_IN_OPENS_HOURS_BEFORE), for the site's organisers.
    "may_check_in": {role: {"running", "after_the_sprint"} for role in ("site_organiser", "sprint_organiser", "staff")},
    # The same, by the QR code or short code scanned at the site's door.
    "may_check_in_by_code": {
        role: {"running", "after_the_sprint"} for role in ("site_organiser", "sprint_organiser", "staff")
    },
    # The participant's own QR code, for a confirmed seat at a site, until the sprint is over.
    "may_show_check_in_code": {"participant": UNTIL_THE_END},
}


@dataclass
class World:
    people: dict
    sprint: object
    site: object
    empty_site: object
    confirmed: object
    offered: object
    cancelled: object


# Where the present moment falls, counted from the moment registration opens.
KICKOFF_AFTER_OPENING = timedelta(days=14)
PRESENT_AFTER_OPENING = {
    "before_registration": -timedelta(days=1),
    "registration_open": timedelta(days=1),
    "registration_closed": KICKOFF_AFTER_OPENING - timedelta(days=2),  # closes 3 days before kickoff
    "running": KICKOFF_AFTER_OPENING + timedelta(hours=1),
    "after_the_sprint": KICKOFF_AFTER_OPENING + timedelta(days=3),  # the deadline is 2 days after kickoff
}


def build_world(phase: str) -> World:
    opens = timezone.now() - PRESENT_AFTER_OPENING[phase]
    kickoff = opens + KICKOFF_AFTER_OPENING
    sprint = SprintFactory(
        announced_at=opens - timedelta(days=10),
        registration_opens_at=opens,
        registration_closes_at=kickoff - timedelta(days=3),
        kickoff_at=kickoff,
        remote_allowed=True,
    )
    site_organiser, sprint_organiser = UserFactory(), UserFactory()
    SprintMembershipFactory(sprint=sprint, user=sprint_organiser, role=SprintRole.ORGANISER)
    site = LocalSiteFactory(sprint=sprint, applicant=site_organiser)
    empty_site = LocalSiteFactory(sprint=sprint, applicant=site_organiser)
    for place in (site, empty_site):
        SiteOrganiserFactory(site=place, user=site_organiser)
    people = {
        "anonymous": AnonymousUser(),
        "someone": UserFactory(),
        "site_organiser": site_organiser,
        "sprint_organiser": sprint_organiser,
        "staff": StaffFactory(),
    }
    return World(
        people=people,
        sprint=sprint,
        site=site,
        empty_site=empty_site,
        confirmed=RegistrationFactory(sprint=sprint, site=site),
        offered=RegistrationFactory(sprint=sprint, site=site, status=RegistrationStatus.OFFERED, confirm_by=kickoff),
        cancelled=RegistrationFactory(sprint=sprint, status=RegistrationStatus.CANCELLED),
    )


def _fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


# predicate name → (the predicate, the object it is asked about, who "participant" is, the service call)
def cases(world: World) -> dict:
    return {
        "may_register": (
            registration_permissions.may_register,
            lambda: world.sprint,
            world.cancelled.user,
            lambda actor: services.registration_create_or_get(actor=actor, sprint=_fresh(world.sprint), **ANSWERS),
        ),
        "may_register_again": (
            registration_permissions.may_register_again,
            lambda: _fresh(world.cancelled),
            world.cancelled.user,
            # Registering again is the participant's own registration: others would register themselves.
            lambda actor: (
                services.registration_create_or_get(actor=actor, sprint=_fresh(world.sprint), **ANSWERS)
                if actor == world.cancelled.user
                else None
            ),
        ),
        "may_cancel": (
            registration_permissions.may_cancel,
            lambda: _fresh(world.confirmed),
            world.confirmed.user,
            lambda actor: services.registration_cancel(actor=actor, registration=_fresh(world.confirmed)),
        ),
        "may_switch": (
            registration_permissions.may_switch,
            lambda: _fresh(world.confirmed),
            world.confirmed.user,
            lambda actor: services.registration_switch(actor=actor, registration=_fresh(world.confirmed), site=None),
        ),
        "may_confirm_offer": (
            registration_permissions.may_confirm_offer,
            lambda: _fresh(world.offered),
            world.offered.user,
            lambda actor: services.registration_confirm_offer(actor=actor, registration=_fresh(world.offered)),
        ),
        "may_apply_to_host": (
            site_permissions.may_apply_to_host,
            lambda: world.sprint,
            world.cancelled.user,
            lambda actor: site_services.site_application_submit(
                actor=actor, sprint=_fresh(world.sprint), data=application_data(world.sprint)
            ),
        ),
        "may_withdraw_site": (
            site_permissions.may_withdraw_site,
            lambda: _fresh(world.empty_site),
            world.confirmed.user,
            lambda actor: site_services.site_application_withdraw(actor=actor, site=_fresh(world.empty_site)),
        ),
        "may_check_in": (
            registration_permissions.may_check_in,
            lambda: _fresh(world.confirmed),
            world.confirmed.user,
            lambda actor: attendance.site_check_in(actor=actor, registration=_fresh(world.confirmed)),
        ),
        "may_check_in_by_code": (
            lambda user, registration, now: registration_permissions.may_check_in_by_code(
                user, world.site, registration, now=now
            ),
            lambda: _fresh(world.confirmed),
            world.confirmed.user,
            lambda actor: attendance.site_check_in_by_code(
                actor=actor, site=_fresh(world.site), code=check_in_codes.short_code(world.confirmed.pk)
            ),
        ),
        "may_show_check_in_code": (
            registration_permissions.may_show_check_in_code,
            lambda: _fresh(world.confirmed),
            world.confirmed.user,
            # No write: the page, its image and the API read the code when the predicate allows it.
            lambda actor: None,
        ),
    }


class _RolledBack(Exception):
    pass


def service_allows(call, actor) -> bool | None:
    """Whether the service did it (then undone), or None when the cell has no service call."""
    try:
        with transaction.atomic():
            if call(actor) is None:
                return None
            raise _RolledBack
    except _RolledBack:
        return True
    except ServiceError:
        return False


@pytest.mark.parametrize("phase", PHASES)
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_predicate_matrix_and_the_service_agrees(settings, name, phase):
    settings.CHECK_IN_OPENS_HOURS_BEFORE = 24
    world = build_world(phase)
    predicate, subject, participant, call = cases(world)[name]
    people = {**world.people, "participant": participant}
    expected = EXPECTED[name]
    for role in ROLES:
        allowed = predicate(people[role], subject(), now=timezone.now())
        assert allowed == (phase in expected.get(role, set())), f"{name}: {role} during {phase}"
        by_service = service_allows(call, people[role])
        assert by_service in (None, allowed), f"{name}: the service disagrees for {role} during {phase}"


# --- Pages show what the predicates decide ----------------------------------------------------------


def test_my_sprints_offers_no_confirm_button_once_the_offer_has_expired(client):
    """The page once showed "Confirm my seat" for any offer, and the service then refused it."""
    expired = RegistrationFactory(
        status=RegistrationStatus.OFFERED, confirm_by=timezone.now() - timedelta(hours=1), site=None
    )
    live = RegistrationFactory(status=RegistrationStatus.OFFERED, confirm_by=timezone.now() + timedelta(days=1))
    client.force_login(expired.user)
    assert "Confirm my seat" not in client.get(reverse("registrations:mine")).content.decode()
    client.force_login(live.user)
    assert "Confirm my seat" in client.get(reverse("registrations:mine")).content.decode()


def test_the_sprint_page_offers_hosting_a_site_while_the_sites_app_takes_applications(client):
    """The page once decided by phase (until kickoff) while the service took applications until the end."""
    running = build_world("running").sprint
    apply_url = reverse("localsites:apply", kwargs={"sprint_slug": running.slug})
    assert apply_url in client.get(running.get_absolute_url()).content.decode()
    over = build_world("after_the_sprint").sprint
    assert reverse("localsites:apply", kwargs={"sprint_slug": over.slug}) not in (
        client.get(over.get_absolute_url()).content.decode()
    )
