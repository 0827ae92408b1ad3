"""Every submission predicate × every role × every phase of the deadline, and the services agree.

Phases: before kickoff, open, within the grace period, locked (deadline and grace passed), and
locked for everyone but extended for this team. For each cell the predicate is asked, then the
service is called (rolled back): one may not allow what the other refuses. File access and the
organisers' list are asked per role too.
"""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.utils import timezone

from sprintlab.core.errors import ServiceError
from sprintlab.sprints.models import SprintRole
from sprintlab.submissions import permissions, services
from sprintlab.submissions.models import DeadlineExtension
from tests.factories import (
    RegistrationFactory,
    SiteOrganiserFactory,
    SprintMembershipFactory,
    StaffFactory,
    UserFactory,
)
from tests.submissions import factories as f
from tests.teams.factories import add_member

pytestmark = pytest.mark.django_db

ROLES = ("visitor", "someone", "participant", "team_member", "team_lead", "site_organiser", "cohost",
         "sprint_organiser", "staff")  # fmt: skip
PHASES = ("before_kickoff", "open", "grace", "locked", "extended")
SUBMITTING = {"open", "grace"}

# Where each answer is yes: {role: phases}; every other cell is no.
EXPECTED = {
    "may_submit": {"team_member": SUBMITTING | {"extended"}, "team_lead": SUBMITTING | {"extended"}},
    "may_submit_solo": {"participant": SUBMITTING},
    "may_extend": {"sprint_organiser": set(PHASES), "staff": set(PHASES)},
    "may_view_files": {role: set(PHASES) for role in ("team_member", "team_lead", "sprint_organiser", "staff")},
    "manage_submissions": {"sprint_organiser": set(PHASES), "staff": set(PHASES)},
}


def _sprint(phase: str):
    now = timezone.now()
    if phase == "before_kickoff":
        return f.running_sprint(kickoff_at=now + timedelta(hours=2), submission_deadline_at=now + timedelta(days=2),
                                team_formation_closes_at=None)  # fmt: skip
    if phase == "open":
        return f.running_sprint()
    if phase == "grace":
        return f.running_sprint(submission_deadline_at=now - timedelta(minutes=5), submission_grace_minutes=30)
    return f.running_sprint(submission_deadline_at=now - timedelta(minutes=5), submission_grace_minutes=1)


def _person(role: str, team):
    sprint = team.sprint
    if role == "visitor":
        return AnonymousUser()
    if role == "someone":
        return UserFactory()
    if role == "participant":
        return RegistrationFactory(sprint=sprint).user
    if role == "team_member":
        return add_member(team)
    if role == "team_lead":
        return team.lead
    if role == "site_organiser":
        return SiteOrganiserFactory(site__sprint=sprint).user
    if role == "cohost":
        from tests.factories import PartnerFactory

        return SprintMembershipFactory(sprint=sprint, role=SprintRole.COHOST, partner=PartnerFactory()).user
    if role == "sprint_organiser":
        return SprintMembershipFactory(sprint=sprint, role=SprintRole.ORGANISER).user
    return StaffFactory()


def _cell(role: str, phase: str):
    team = f.team_in(_sprint(phase))
    submission = f.save(team, actor=team.lead).submission if phase == "open" else None
    if phase == "extended":
        DeadlineExtension.objects.create(team=team, until=timezone.now() + timedelta(hours=1))
    return team, submission, _person(role, team)


def _service_agrees(call) -> bool:
    try:
        with transaction.atomic():
            call()
            raise _RolledBack
    except _RolledBack:
        return True
    except ServiceError:
        return False


class _RolledBack(Exception):
    pass


@pytest.mark.parametrize("phase", PHASES)
@pytest.mark.parametrize("role", ROLES)
def test_submitting_and_extending(role, phase):
    team, _submission, person = _cell(role, phase)
    now = timezone.now()
    in_team = role in ("team_member", "team_lead")
    may_submit = permissions.may_submit(person, team, now=now)
    assert may_submit == (phase in EXPECTED["may_submit"].get(role, set())), (role, phase)
    may_solo = not in_team and permissions.may_submit_solo(person, team.sprint, now=now)
    assert may_solo == (phase in EXPECTED["may_submit_solo"].get(role, set())), (role, phase)
    may_extend = permissions.may_extend(person, team, now=now)
    assert may_extend == (phase in EXPECTED["may_extend"].get(role, set())), (role, phase)
    if person.is_authenticated:
        saved = _service_agrees(
            lambda: services.submission_save(
                actor=person,
                sprint=team.sprint,
                team=team if in_team else None,
                title="T",
                abstract="A",
                report=f.pdf_upload(),
            )
        )
        assert saved == (may_submit if in_team else may_solo), (role, phase)
        extended = _service_agrees(
            lambda: services.submission_extension_grant(
                actor=person, team=team, until=team.sprint.submission_deadline_at + timedelta(hours=3)
            )
        )
        assert extended == may_extend, (role, phase)


@pytest.mark.parametrize("role", ROLES)
def test_files_and_the_list(role):
    team, submission, person = _cell(role, "open")
    assert permissions.may_view_files(person, submission) == ("open" in EXPECTED["may_view_files"].get(role, set()))
    manages = person.has_perm("submissions.manage_submissions", team.sprint)
    assert manages == ("open" in EXPECTED["manage_submissions"].get(role, set())), role
