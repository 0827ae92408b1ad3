"""Who may do what with a sprint's teams, and when.

Roles are ``rules`` predicates: ``user.has_perm("teams.manage_team", team)``. Whether an action is
possible *now* (teams still forming, the team live and not full, the person confirmed and not
already in a team) is written once as a ``*_refusal(user, obj, *, now)`` that returns the
``ServiceError`` the service raises, or None; its boolean twin ``may_*`` is what pages, the API
and templates ask (docs/style-guide.md). Services call the refusals again under their locks.
"""

from __future__ import annotations

from datetime import datetime

import rules
from django.utils.translation import gettext as _

from sprintlab.core.dates import format_local
from sprintlab.core.errors import Conflict, PermissionDeniedError, ServiceError
from sprintlab.core.permissions import is_signed_in, is_staff
from sprintlab.localsites.models import SiteOrganiser
from sprintlab.registrations.models import ACTIVE_STATUSES, Registration, RegistrationStatus
from sprintlab.sprints.permissions import is_sprint_organiser
from sprintlab.teams.models import JoinDirection, JoinRequest, JoinStatus, Team, TeamMember

# --- Roles ------------------------------------------------------------------------------------


@rules.predicate
def is_team_member(user, team) -> bool:
    if not (is_signed_in(user) and team is not None and team.pk):
        return False
    cached = getattr(team, "member_ids", None)
    if cached is not None:
        return user.pk in cached
    return TeamMember.objects.filter(team=team, user=user).exists()


@rules.predicate
def is_team_lead(user, team) -> bool:
    return bool(is_signed_in(user) and team is not None and team.lead_id == user.pk)


@rules.predicate
def organises_team_sprint(user, team) -> bool:
    return team is not None and is_sprint_organiser(user, team.sprint)


@rules.predicate
def organises_a_site_of_team_sprint(user, team) -> bool:
    if not (is_signed_in(user) and team is not None):
        return False
    return SiteOrganiser.objects.filter(site__sprint_id=team.sprint_id, user=user).exists()


@rules.predicate
def registered_for_team_sprint(user, team) -> bool:
    if not (is_signed_in(user) and team is not None):
        return False
    return Registration.objects.filter(sprint_id=team.sprint_id, user=user, status__in=ACTIVE_STATUSES).exists()


# Sprint organisers and staff oversee every team of the sprint: they see them all and may disband
# a team or take someone out of it.
oversees_team = is_staff | organises_team_sprint
# Who sees the people in a team (names, sites, local times): the sprint's participants look for
# teammates there, the organisers run it; a visitor sees the team but not its members.
may_see_members_as = is_team_member | registered_for_team_sprint | oversees_team | organises_a_site_of_team_sprint
may_manage_as = is_team_lead | oversees_team
rules.add_perm("teams.view_members", may_see_members_as)
rules.add_perm("teams.see_invite_code", is_team_member | oversees_team)
rules.add_perm("teams.manage_team", may_manage_as)
rules.add_perm("teams.disband_team", may_manage_as)


# --- State helpers ----------------------------------------------------------------------------


def formation_closed_reason(sprint, *, now: datetime) -> str:
    """Why teams of ``sprint`` cannot form or change at ``now``; "" while they can."""
    if not sprint.is_published:
        return _("This sprint is not published yet, so no teams form in it.")
    if now >= sprint.team_formation_deadline:
        return _("Teams closed on %(when)s: nobody joins, leaves or forms a team any more.") % {
            "when": format_local(sprint.team_formation_deadline)
        }
    return ""


def teams_are_forming(sprint, *, now: datetime) -> bool:
    return not formation_closed_reason(sprint, now=now)


def confirmed_registration(user, sprint) -> Registration | None:
    if not is_signed_in(user):
        return None
    return Registration.objects.filter(sprint=sprint, user=user, status=RegistrationStatus.CONFIRMED).first()


def member_count(team: Team) -> int:
    cached = getattr(team, "member_count", None)
    if cached is not None:
        return cached
    return TeamMember.objects.filter(team=team).count()


def team_is_full(team: Team) -> bool:
    return member_count(team) >= team.sprint.team_size_max


def _team_of(user, sprint) -> Team | None:
    membership = TeamMember.objects.filter(sprint=sprint, user=user).select_related("team").first()
    return membership.team if membership else None


def _joiner_facts(user, sprint) -> tuple[bool, Team | None]:
    """Whether ``user`` is confirmed for ``sprint`` and the team they are in (or None).

    A selector that lists many people may have read both for all of them at once
    (``user.team_facts = {sprint_id: (confirmed, team)}``); otherwise two queries.
    """
    known = getattr(user, "team_facts", {}).get(sprint.pk)
    if known is not None:
        return known
    return confirmed_registration(user, sprint) is not None, _team_of(user, sprint)


def joiner_refusal(user, team: Team, *, now: datetime) -> ServiceError | None:
    """Why ``user`` cannot become a member of ``team`` now (whoever asks for it)."""
    if not team.is_live:
        return Conflict(_("This team was disbanded."))
    reason = formation_closed_reason(team.sprint, now=now)
    if reason:
        return Conflict(reason)
    confirmed, current = _joiner_facts(user, team.sprint)
    if not confirmed:
        return Conflict(
            _("%(name)s needs a confirmed registration for this sprint to be in a team.") % {"name": user.name}
        )
    if current is not None:
        if current.pk == team.pk:
            return Conflict(_("%(name)s is already in this team.") % {"name": user.name})
        return Conflict(
            _("%(name)s is already in the team “%(team)s”; a person is in one team per sprint.")
            % {"name": user.name, "team": current.name}
        )
    if team_is_full(team):
        return Conflict(
            _("This team is full (%(size)d people, the most this sprint allows).") % {"size": team.sprint.team_size_max}
        )
    return None


# --- What a person may do now -----------------------------------------------------------------


def create_team_refusal(user, sprint, *, now: datetime) -> ServiceError | None:
    if not is_signed_in(user):
        return PermissionDeniedError(_("Sign in to create a team."))
    reason = formation_closed_reason(sprint, now=now)
    if reason:
        return Conflict(reason)
    if confirmed_registration(user, sprint) is None:
        return PermissionDeniedError(_("Only people with a confirmed registration for this sprint create teams."))
    current = _team_of(user, sprint)
    if current is not None:
        return Conflict(
            _("You are already in the team “%(team)s”; a person is in one team per sprint.") % {"team": current.name}
        )
    return None


def may_create_team(user, sprint, *, now: datetime) -> bool:
    return create_team_refusal(user, sprint, now=now) is None


def solo_team_refusal(user, sprint, *, now: datetime) -> ServiceError | None:
    """A confirmed participant who is in no team becomes a team of one, to submit on their own.

    Unlike forming a team, this stays possible after teams close, until the sprint is over: a
    person who worked alone still submits. The submissions app asks it when someone submits alone.
    """
    if not is_signed_in(user):
        return PermissionDeniedError(_("Sign in to submit."))
    if not sprint.is_published:
        return Conflict(_("This sprint is not published yet."))
    if now >= sprint.judging_ends_at:
        return Conflict(_("This sprint is over; its teams no longer change."))
    if confirmed_registration(user, sprint) is None:
        return PermissionDeniedError(_("Only people with a confirmed registration for this sprint submit."))
    current = _team_of(user, sprint)
    if current is not None:
        return Conflict(_("You are already in the team “%(team)s”; submit with your team.") % {"team": current.name})
    return None


def join_refusal(user, team: Team, *, now: datetime) -> ServiceError | None:
    """Joining ``team`` straight away with its invite code or link."""
    if not is_signed_in(user):
        return PermissionDeniedError(_("Sign in to join a team."))
    return joiner_refusal(user, team, now=now)


def may_join(user, team: Team, *, now: datetime) -> bool:
    return join_refusal(user, team, now=now) is None


def request_refusal(user, team: Team, *, now: datetime) -> ServiceError | None:
    """Asking ``team``'s lead to take ``user`` in."""
    if not is_signed_in(user):
        return PermissionDeniedError(_("Sign in to ask to join a team."))
    return joiner_refusal(user, team, now=now)


def may_request(user, team: Team, *, now: datetime) -> bool:
    return request_refusal(user, team, now=now) is None


def invite_refusal(user, team: Team, *, now: datetime) -> ServiceError | None:
    """Inviting someone into ``team`` (any member may); the invitee is checked by ``joiner_refusal``."""
    if not is_team_member(user, team):
        return PermissionDeniedError(_("Only the team's members invite people into it."))
    if not team.is_live:
        return Conflict(_("This team was disbanded."))
    reason = formation_closed_reason(team.sprint, now=now)
    if reason:
        return Conflict(reason)
    if team_is_full(team):
        return Conflict(_("This team is full; nobody else can join it."))
    return None


def may_invite(user, team: Team, *, now: datetime) -> bool:
    return invite_refusal(user, team, now=now) is None


def answerer_refusal(user, join_request: JoinRequest) -> ServiceError | None:
    """Only the other side answers: the lead a request, the invited person an invitation."""
    if join_request.direction == JoinDirection.REQUEST:
        if not is_team_lead(user, join_request.team):
            return PermissionDeniedError(_("Only the team lead answers requests to join."))
    elif not (is_signed_in(user) and join_request.user_id == user.pk):
        return PermissionDeniedError(_("Only the invited person answers an invitation."))
    if join_request.status != JoinStatus.PENDING:
        return Conflict(
            _("This was already answered: %(status)s.") % {"status": join_request.get_status_display().lower()}
        )
    return None


def accept_refusal(user, join_request: JoinRequest, *, now: datetime) -> ServiceError | None:
    refusal = answerer_refusal(user, join_request)
    if refusal is not None:
        return refusal
    return joiner_refusal(join_request.user, join_request.team, now=now)


def may_accept(user, join_request: JoinRequest, *, now: datetime) -> bool:
    return accept_refusal(user, join_request, now=now) is None


def decline_refusal(user, join_request: JoinRequest) -> ServiceError | None:
    return answerer_refusal(user, join_request)


def may_decline(user, join_request: JoinRequest) -> bool:
    return decline_refusal(user, join_request) is None


def withdraw_refusal(user, join_request: JoinRequest) -> ServiceError | None:
    """The side that asked takes it back: the person their request, a team member the team's invitation."""
    if join_request.direction == JoinDirection.REQUEST:
        if not (is_signed_in(user) and join_request.user_id == user.pk):
            return PermissionDeniedError(_("Only the person who asked withdraws a request to join."))
    elif not is_team_member(user, join_request.team):
        return PermissionDeniedError(_("Only the team's members withdraw its invitations."))
    if join_request.status != JoinStatus.PENDING:
        return Conflict(
            _("This was already answered: %(status)s.") % {"status": join_request.get_status_display().lower()}
        )
    return None


def may_withdraw(user, join_request: JoinRequest) -> bool:
    return withdraw_refusal(user, join_request) is None


def leave_refusal(user, team: Team, *, now: datetime) -> ServiceError | None:
    if not is_team_member(user, team):
        return PermissionDeniedError(_("You are not in this team."))
    reason = formation_closed_reason(team.sprint, now=now)
    if reason:
        return Conflict(reason)
    if is_team_lead(user, team) and member_count(team) > 1:
        return Conflict(_("Hand the lead over to another member before you leave."))
    return None


def may_leave(user, team: Team, *, now: datetime) -> bool:
    return leave_refusal(user, team, now=now) is None


def _live_and_running(team: Team, *, now: datetime) -> ServiceError | None:
    if not team.is_live:
        return Conflict(_("This team was disbanded."))
    if now >= team.sprint.submission_deadline_at:
        return Conflict(_("This sprint is over; its teams no longer change."))
    return None


def hand_over_refusal(user, team: Team, *, now: datetime) -> ServiceError | None:
    """The lead (or an organiser) names another member lead, until the sprint is over."""
    if not may_manage_as(user, team):
        return PermissionDeniedError(_("Only the team lead hands the lead over."))
    refusal = _live_and_running(team, now=now)
    if refusal is not None:
        return refusal
    if member_count(team) < 2:
        return Conflict(_("Nobody else is in this team to take the lead."))
    return None


def may_hand_over(user, team: Team, *, now: datetime) -> bool:
    return hand_over_refusal(user, team, now=now) is None


def manage_team_refusal(user, team: Team, *, now: datetime) -> ServiceError | None:
    """Edit the team's name, description, track and needs, or renew its code, until the sprint is over."""
    if not may_manage_as(user, team):
        return PermissionDeniedError(_("Only the team lead changes the team."))
    return _live_and_running(team, now=now)


def may_manage_team(user, team: Team, *, now: datetime) -> bool:
    return manage_team_refusal(user, team, now=now) is None


def disband_refusal(user, team: Team, *, now: datetime) -> ServiceError | None:
    """The lead while teams form; the sprint's organisers and staff at any time."""
    if not may_manage_as(user, team):
        return PermissionDeniedError(_("Only the team lead or the sprint's organisers disband a team."))
    if not team.is_live:
        return Conflict(_("This team was already disbanded."))
    if oversees_team(user, team):
        return None
    reason = formation_closed_reason(team.sprint, now=now)
    return Conflict(reason) if reason else None


def may_disband(user, team: Team, *, now: datetime) -> bool:
    return disband_refusal(user, team, now=now) is None


def remove_member_refusal(user, team: Team, member_user, *, now: datetime) -> ServiceError | None:
    """Taking someone else out of a team: the lead while teams form, organisers and staff at any time."""
    if not may_manage_as(user, team):
        return PermissionDeniedError(_("Only the team lead or the sprint's organisers take someone out of a team."))
    if not team.is_live:
        return Conflict(_("This team was disbanded."))
    if member_user.pk == team.lead_id:
        return Conflict(_("The lead cannot be taken out; hand the lead over first."))
    if oversees_team(user, team):
        return None
    reason = formation_closed_reason(team.sprint, now=now)
    return Conflict(reason) if reason else None


def may_remove_member(user, team: Team, member_user, *, now: datetime) -> bool:
    return remove_member_refusal(user, team, member_user, now=now) is None
