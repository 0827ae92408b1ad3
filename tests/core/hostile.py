"""What the hostile-input walkers share: the values, a world with one person per role, a database snapshot.

The walkers (test_hostile_api.py, test_hostile_pages.py) send these values to every API operation and
every form, and expect a 4xx with a message and an unchanged database.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.apps import apps
from django.utils import timezone

from sprintlab.accounts.models import ApiToken, User
from sprintlab.localsites.models import LocalSite, SiteStatus
from sprintlab.notifications.models import OutboxMessage, OutboxStatus
from sprintlab.registrations.models import Registration, RegistrationStatus
from sprintlab.sprints.models import AdmissionMode, Partner, Sprint, SprintMembership, SprintRole
from sprintlab.teamfinder.models import GroupingRun
from sprintlab.teamfinder.services import grouping_run_create
from sprintlab.teams.models import JoinRequest, Team
from tests.factories import (
    LocalSiteFactory,
    OutboxMessageFactory,
    PartnerFactory,
    RegistrationFactory,
    SiteOrganiserFactory,
    SprintFactory,
    SprintMembershipFactory,
    StaffFactory,
    UserFactory,
)
from tests.helpers import api_key_for
from tests.teamfinder.factories import FinderProfileFactory
from tests.teams.factories import JoinRequestFactory, TeamFactory, add_member

NUL = "a\x00b"
LONE_SURROGATE = "\udfff"
# Years a database or Python's datetime cannot hold once converted to UTC.
OUT_OF_RANGE_DATES = ["0001-01-01", "9999-12-31T23:30:00-01:00"]
OUT_OF_RANGE_NUMBERS = [100_000_000, 10**20, -1]
HUGE_LIMIT = "100000000000000000000"
HUGE_BODY_BYTES = 6 * 1024 * 1024

# Rows that a refused request may still touch: the session and "last seen" stamps.
VOLATILE_FIELDS = {"last_login", "last_used_at"}
VOLATILE_TABLES = {"django_session"}


@dataclass
class World:
    staff: User
    participant: User
    applicant: User
    site_lead: User
    sprint: Sprint
    reviewed_sprint: Sprint
    open_sprint: Sprint
    partner: Partner
    site: LocalSite
    application: LocalSite
    registration: Registration
    offer: Registration
    applied: Registration
    cohost: SprintMembership
    token: ApiToken
    failed_email: OutboxMessage
    # Teams in ``sprint``: a lead and a member, someone asking to join, someone free to join.
    team: Team
    team_lead: User
    team_member: User
    joiner: User
    loner: User
    join_request: JoinRequest
    # The team finder: someone else looking at the participant's site, both proposed in one group.
    finder_peer: User
    grouping_run: GroupingRun

    def user(self, role: str) -> User:
        return getattr(self, role)


def build_world() -> World:
    """Every state some form or operation needs: an offer to confirm, an application to decide, …"""
    now = timezone.now()
    staff = StaffFactory(is_superuser=True)
    participant, applicant, site_lead = UserFactory(), UserFactory(), UserFactory()
    partner = PartnerFactory()
    sprint = SprintFactory(capacity=100)
    sprint.partners.add(partner)
    reviewed_sprint = SprintFactory(admission_mode=AdmissionMode.REVIEWED)
    open_sprint = SprintFactory()
    SprintMembershipFactory(sprint=sprint, user=staff, role=SprintRole.ORGANISER)
    cohost = SprintMembershipFactory(sprint=sprint, role=SprintRole.COHOST, partner=partner)
    site = LocalSiteFactory(sprint=sprint, capacity=30, doors_open_soon=True)
    SiteOrganiserFactory(site=site, user=site_lead, is_lead=True)
    application = LocalSiteFactory(sprint=sprint, status=SiteStatus.PENDING, applicant=applicant)
    SiteOrganiserFactory(site=application, user=applicant, is_lead=True)
    registration = RegistrationFactory(sprint=sprint, user=participant, site=site)
    offer = RegistrationFactory(
        sprint=reviewed_sprint,
        user=participant,
        status=RegistrationStatus.OFFERED,
        confirmed_at=None,
        confirm_by=now + timedelta(days=2),
    )
    applied = RegistrationFactory(sprint=reviewed_sprint, status=RegistrationStatus.APPLIED, confirmed_at=None)
    api_key_for(participant, name="laptop")
    team = TeamFactory(sprint=sprint, name="Circuit Breakers")
    team_member = add_member(team)
    joiner, loner = UserFactory(), UserFactory()
    RegistrationFactory(sprint=sprint, user=joiner)
    RegistrationFactory(sprint=sprint, user=loner)
    join_request = JoinRequestFactory(team=team, user=joiner, message="I write evals")
    finder_peer = RegistrationFactory(sprint=sprint, site=site).user
    FinderProfileFactory(sprint=sprint, user=participant)
    FinderProfileFactory(sprint=sprint, user=finder_peer)
    return World(
        staff=staff,
        participant=participant,
        applicant=applicant,
        site_lead=site_lead,
        sprint=sprint,
        reviewed_sprint=reviewed_sprint,
        open_sprint=open_sprint,
        partner=partner,
        site=site,
        application=application,
        registration=registration,
        offer=offer,
        applied=applied,
        cohost=cohost,
        token=ApiToken.objects.get(user=participant, name="laptop"),
        failed_email=OutboxMessageFactory(status=OutboxStatus.FAILED, user=participant),
        team=team,
        team_lead=team.lead,
        team_member=team_member,
        joiner=joiner,
        loner=loner,
        join_request=join_request,
        finder_peer=finder_peer,
        grouping_run=grouping_run_create(actor=staff, sprint=sprint),
    )


def database_snapshot() -> dict[str, list[tuple]]:
    """Every row of every table (but the volatile ones), to compare before and after a request."""
    snapshot = {}
    for model in apps.get_models():
        if model._meta.db_table in VOLATILE_TABLES:
            continue
        fields = [f.attname for f in model._meta.concrete_fields if f.attname not in VOLATILE_FIELDS]
        snapshot[model._meta.label] = list(model._base_manager.order_by("pk").values_list(*fields))
    return snapshot


def assert_database_unchanged(before: dict[str, list[tuple]]) -> None:
    after = database_snapshot()
    changed = sorted(label for label in before if before[label] != after[label])
    assert not changed, f"the refused request changed {changed}"
