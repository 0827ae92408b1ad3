"""Who may use the team finder and the organisers' grouping, and when.

Roles: ``user.has_perm("teamfinder.run_grouping", sprint)`` (the sprint's organisers and staff) and
``teamfinder.view_outcomes`` (also its partner co-hosts). Whether an action is possible *now* —
a confirmed registration, teams still forming, the person not yet in a team — is written once as a
``*_refusal`` and asked through its ``may_*`` twin by services, pages and the API alike.
"""

from datetime import datetime

import rules
from django.utils.translation import gettext as _

from sprintlab.core.errors import Conflict, PermissionDeniedError, ServiceError
from sprintlab.core.permissions import is_signed_in
from sprintlab.registrations.models import Registration, RegistrationStatus
from sprintlab.sprints.permissions import can_manage_sprint, is_sprint_cohost
from sprintlab.teamfinder.models import GroupStatus, ProposalResponse
from sprintlab.teams.models import TeamMember

rules.add_perm("teamfinder.run_grouping", can_manage_sprint)
rules.add_perm("teamfinder.view_outcomes", can_manage_sprint | is_sprint_cohost)


def is_confirmed_participant(user, sprint) -> bool:
    if not is_signed_in(user):
        return False
    return Registration.objects.filter(sprint=sprint, user=user, status=RegistrationStatus.CONFIRMED).exists()


def is_in_team(user, sprint) -> bool:
    return is_signed_in(user) and TeamMember.objects.filter(sprint=sprint, user=user).exists()


def _teams_closed(sprint, *, now: datetime) -> bool:
    return now >= sprint.team_formation_deadline


def use_finder_refusal(user, sprint, *, now: datetime) -> ServiceError | None:
    """Marking oneself as looking, editing one's card and seeing suggestions."""
    if not is_signed_in(user):
        return PermissionDeniedError(_("Sign in to use the team finder."))
    if not is_confirmed_participant(user, sprint):
        return PermissionDeniedError(_("The team finder is for confirmed participants of this sprint."))
    if _teams_closed(sprint, now=now):
        return Conflict(_("Teams for this sprint have closed."))
    return None


def may_use_finder(user, sprint, *, now: datetime) -> bool:
    """A confirmed participant, until the sprint's team-formation deadline."""
    return use_finder_refusal(user, sprint, now=now) is None


def run_grouping_refusal(user, sprint, *, now: datetime) -> ServiceError | None:
    if not user.has_perm("teamfinder.run_grouping", sprint):
        return PermissionDeniedError(_("Only the sprint's organisers group the people without a team."))
    if _teams_closed(sprint, now=now):
        return Conflict(_("Teams for this sprint have closed."))
    return None


def may_run_grouping(user, sprint, *, now: datetime) -> bool:
    """The sprint's organisers (and staff), until the team-formation deadline."""
    return run_grouping_refusal(user, sprint, now=now) is None


def respond_refusal(user, member, *, accept: bool, now: datetime) -> ServiceError | None:
    """Answering one's own place in a proposed group: once, while the group waits for answers."""
    if not is_signed_in(user) or member.user_id != user.pk:
        return PermissionDeniedError(_("Only the person proposed answers for themselves."))
    if member.group.status != GroupStatus.OPEN:
        return Conflict(_("This proposal is closed: %(status)s.") % {"status": member.group.get_status_display()})
    if member.response != ProposalResponse.PENDING:
        return Conflict(_("You have already answered this proposal."))
    if _teams_closed(member.sprint, now=now):
        return Conflict(_("Teams for this sprint have closed."))
    if accept and is_in_team(user, member.sprint):
        return Conflict(_("You are already in a team in this sprint."))
    return None


def may_respond(user, member, *, accept: bool = True, now: datetime) -> bool:
    """The proposed person, while their answer is pending and teams are still forming."""
    return respond_refusal(user, member, accept=accept, now=now) is None
