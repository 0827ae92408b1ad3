"""The team pages' buttons: each POST calls one service and goes back where the person was.

The team finder posts to ``teams:join_request_create`` and ``teams:invite`` with ``from_finder=1``
and a ``next`` URL on this site; these URL names are part of its contract.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sprintlab.core.errors import ServiceError
from sprintlab.sprints.selectors import sprint_for_viewer
from sprintlab.teams import selectors, services

MESSAGE_FIELD_LIMIT = 500


def _next_or(request, fallback: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return fallback


def _flag(request, name: str) -> bool:
    return request.POST.get(name, "") in ("1", "true", "on")


def _run(request, service, fallback: str, success: str, **kwargs):
    try:
        service(actor=request.user, **kwargs)
    except ServiceError as exc:
        messages.error(request, exc.text)
    else:
        messages.success(request, success)
    return redirect(_next_or(request, fallback))


def _team(request, slug: str, team_id: int):
    sprint = sprint_for_viewer(slug, request.user)
    return selectors.get_team(sprint=sprint, team_id=team_id)


@login_required
@require_POST
def join_request_create(request, slug, team_id):
    team = _team(request, slug, team_id)
    return _run(
        request,
        services.join_request_create,
        team.get_absolute_url(),
        _("Your request was sent to the team lead."),
        team=team,
        message=request.POST.get("message", "")[: MESSAGE_FIELD_LIMIT * 2],
        from_finder=_flag(request, "from_finder"),
    )


@login_required
@require_POST
def invite(request, slug, team_id):
    team = _team(request, slug, team_id)
    invitee = selectors.invitable_user(request.POST.get("user_id", ""))
    if invitee is None:
        messages.error(request, _("Choose a person to invite."))
        return redirect(_next_or(request, team.get_absolute_url()))
    return _run(
        request,
        services.invitation_create,
        team.get_absolute_url(),
        _("%(name)s is invited.") % {"name": invitee.name},
        team=team,
        user=invitee,
        message=request.POST.get("message", "")[: MESSAGE_FIELD_LIMIT * 2],
        from_finder=_flag(request, "from_finder"),
    )


def _join_request(request, slug, request_id):
    sprint = sprint_for_viewer(slug, request.user)
    join_request = selectors.join_request_for_user(sprint=sprint, request_id=request_id, user=request.user)
    if join_request is None:
        raise Http404("No such request.")
    return join_request


@login_required
@require_POST
def join_request_accept(request, slug, request_id):
    join_request = _join_request(request, slug, request_id)
    return _run(
        request,
        services.join_request_accept,
        join_request.team.get_absolute_url(),
        _("Accepted: %(name)s is in %(team)s.") % {"name": join_request.user.name, "team": join_request.team.name},
        join_request=join_request,
    )


@login_required
@require_POST
def join_request_decline(request, slug, request_id):
    join_request = _join_request(request, slug, request_id)
    return _run(
        request,
        services.join_request_decline,
        join_request.team.get_absolute_url(),
        _("Declined."),
        join_request=join_request,
    )


@login_required
@require_POST
def join_request_withdraw(request, slug, request_id):
    join_request = _join_request(request, slug, request_id)
    return _run(
        request,
        services.join_request_withdraw,
        join_request.team.get_absolute_url(),
        _("Withdrawn."),
        join_request=join_request,
    )


@login_required
@require_POST
def leave(request, slug, team_id):
    team = _team(request, slug, team_id)
    return _run(
        request, services.team_leave, team.sprint.get_absolute_url(), _("You left %(team)s.") % {"team": team.name},
        team=team,
    )  # fmt: skip


@login_required
@require_POST
def hand_over(request, slug, team_id):
    team = _team(request, slug, team_id)
    new_lead = selectors.member_user(team=team, user_id=request.POST.get("user_id", ""))
    if new_lead is None:
        messages.error(request, _("Choose a member of the team to lead it."))
        return redirect(team.get_absolute_url())
    return _run(
        request,
        services.team_hand_over,
        team.get_absolute_url(),
        _("%(name)s now leads the team.") % {"name": new_lead.name},
        team=team,
        new_lead=new_lead,
    )


@login_required
@require_POST
def remove_member(request, slug, team_id):
    team = _team(request, slug, team_id)
    member = selectors.member_user(team=team, user_id=request.POST.get("user_id", ""))
    if member is None:
        messages.error(request, _("This person is not in the team."))
        return redirect(team.get_absolute_url())
    return _run(
        request,
        services.team_member_remove,
        team.get_absolute_url(),
        _("%(name)s is no longer in the team.") % {"name": member.name},
        team=team,
        user=member,
    )


@login_required
@require_POST
def disband(request, slug, team_id):
    team = _team(request, slug, team_id)
    return _run(
        request,
        services.team_disband,
        team.sprint.get_absolute_url(),
        _("%(team)s is disbanded.") % {"team": team.name},
        team=team,
    )


@login_required
@require_POST
def regenerate_code(request, slug, team_id):
    team = _team(request, slug, team_id)
    return _run(
        request,
        services.team_regenerate_code,
        team.get_absolute_url(),
        _("The team has a new invite code; the old one and its link no longer work."),
        team=team,
    )
