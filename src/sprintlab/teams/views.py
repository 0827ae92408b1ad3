"""The team pages of a sprint: the list, one team, forming one, joining by code; thin views."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from sprintlab.core.errors import ServiceError
from sprintlab.core.forms import add_service_error
from sprintlab.sprints.selectors import sprint_for_viewer
from sprintlab.teams import permissions, selectors, services
from sprintlab.teams.forms import JoinCodeForm, JoinRequestForm, TeamForm

# The search box and filters of the list ask for this part of the page when htmx is there.
RESULTS_TARGET = "team-results"
INVITE_RESULTS_TARGET = "invite-results"


def team_list(request, slug):
    sprint = sprint_for_viewer(slug, request.user, with_content=True)
    now = timezone.now()
    tracks = list(sprint.tracks.all())
    track_id = selectors.parse_id(request.GET.get("track"))
    track_id = track_id if any(track.pk == track_id for track in tracks) else None
    open_only = request.GET.get("open") == "1"
    query = " ".join(request.GET.get("q", "").split())[: selectors.SEARCH_MAX_LENGTH]
    teams = selectors.team_list(sprint=sprint, track_id=track_id, open_only=open_only, query=query)
    context = {
        "sprint": sprint,
        "teams": teams,
        "tracks": tracks,
        "track_id": track_id,
        "open_only": open_only,
        "query": query,
        "results_target": RESULTS_TARGET,
    }
    if request.htmx and request.htmx.target == RESULTS_TARGET:
        return render(request, "teams/team_list.html#team-results", context)
    my_team = selectors.team_of(user=request.user, sprint=sprint)
    context.update(
        {
            "my_team": my_team,
            "my_pending": selectors.pending_of_user(user=request.user, sprint=sprint),
            "can_create": permissions.may_create_team(request.user, sprint, now=now),
            "can_join_by_code": my_team is None and request.user.is_authenticated,
            "formation_closed": permissions.formation_closed_reason(sprint, now=now),
            "formation_deadline": sprint.team_formation_deadline,
            "team_count": selectors.live_team_count(sprint),
        }
    )
    return render(request, "teams/team_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def team_create(request, slug):
    sprint = sprint_for_viewer(slug, request.user, with_content=True)
    refusal = permissions.create_team_refusal(request.user, sprint, now=timezone.now())
    form = TeamForm(request.POST or None, sprint=sprint)
    if request.method == "POST" and refusal is None and form.is_valid():
        try:
            team = services.team_create(actor=request.user, sprint=sprint, **form.cleaned_data)
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("%(team)s is formed. Share its invite link with your teammates.") % {
                "team": team.name
            })  # fmt: skip
            return redirect(team.get_absolute_url())
    return render(request, "teams/team_form.html", {"sprint": sprint, "form": form, "refusal": refusal})


@login_required
@require_http_methods(["GET", "POST"])
def team_edit(request, slug, team_id):
    sprint = sprint_for_viewer(slug, request.user, with_content=True)
    team = selectors.get_team(sprint=sprint, team_id=team_id)
    if not request.user.has_perm("teams.manage_team", team):
        raise PermissionDenied
    refusal = permissions.manage_team_refusal(request.user, team, now=timezone.now())
    form = TeamForm(request.POST or None, instance=team, sprint=sprint)
    if request.method == "POST" and refusal is None and form.is_valid():
        try:
            services.team_update(actor=request.user, team=team, **form.cleaned_data)
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The team is updated."))
            return redirect(team.get_absolute_url())
    return render(request, "teams/team_form.html", {"sprint": sprint, "form": form, "refusal": refusal, "team": team})


def _pending_views(request, team, pending, *, now):
    """Each pending request or invitation of the team with what the viewer may do with it."""
    return [
        {
            "join_request": join_request,
            "can_accept": permissions.may_accept(request.user, join_request, now=now),
            "can_decline": permissions.may_decline(request.user, join_request),
            "can_withdraw": permissions.may_withdraw(request.user, join_request),
        }
        for join_request in pending
    ]


def team_detail(request, slug, team_id):
    sprint = sprint_for_viewer(slug, request.user)
    team = selectors.get_team(sprint=sprint, team_id=team_id)
    now = timezone.now()
    user = request.user
    can_see_members = user.has_perm("teams.view_members", team)
    can_invite = permissions.may_invite(user, team, now=now)
    invite_query = " ".join(request.GET.get("invite_q", "").split())[: selectors.SEARCH_MAX_LENGTH]
    candidates = selectors.invite_candidates(sprint=sprint, query=invite_query) if can_invite else []
    context = {
        "sprint": sprint,
        "team": team,
        "invite_query": invite_query,
        "candidates": candidates,
        "invite_results_target": INVITE_RESULTS_TARGET,
    }
    if request.htmx and request.htmx.target == INVITE_RESULTS_TARGET:
        return render(request, "teams/team_detail.html#invite-results", context)
    members = selectors.team_members(team, now=now) if can_see_members else []
    is_member = permissions.is_team_member(user, team)
    pending = selectors.pending_for_team(team) if is_member or permissions.oversees_team(user, team) else []
    mine = [r for r in selectors.pending_of_user(user=user, sprint=sprint) if r.team_id == team.pk]
    for join_request in mine:
        join_request.team = team
    # Taking someone out does not depend on who it is, but for the lead, who never can be.
    others = [row.user for row in members if not row.is_lead]
    can_remove = bool(others) and permissions.may_remove_member(user, team, others[0], now=now)
    context.update(
        {
            "members": members,
            "can_see_members": can_see_members,
            "is_member": is_member,
            "show_code": user.has_perm("teams.see_invite_code", team),
            "invite_url": request.build_absolute_uri(
                reverse("teams:join_link", kwargs={"slug": sprint.slug, "code": team.invite_code})
            ),
            "pending": _pending_views(request, team, pending, now=now),
            "mine": _pending_views(request, team, mine, now=now),
            "can_request": not mine and permissions.may_request(user, team, now=now),
            "request_form": JoinRequestForm(),
            "can_invite": can_invite,
            "can_leave": permissions.may_leave(user, team, now=now),
            "can_hand_over": permissions.may_hand_over(user, team, now=now),
            "can_disband": permissions.may_disband(user, team, now=now),
            "can_manage": permissions.may_manage_team(user, team, now=now),
            "removable": {person.pk for person in others} if can_remove else set(),
            "formation_closed": permissions.formation_closed_reason(sprint, now=now),
            "now": now,
        }
    )
    return render(request, "teams/team_detail.html", context)


@login_required
def my_team(request, slug):
    sprint = sprint_for_viewer(slug, request.user)
    team = selectors.team_of(user=request.user, sprint=sprint)
    if team is not None:
        return redirect(team.get_absolute_url())
    now = timezone.now()
    return render(
        request,
        "teams/no_team.html",
        {
            "sprint": sprint,
            "can_create": permissions.may_create_team(request.user, sprint, now=now),
            "formation_closed": permissions.formation_closed_reason(sprint, now=now),
            "my_pending": selectors.pending_of_user(user=request.user, sprint=sprint),
        },
    )


def _join(request, code: str, form=None):
    try:
        member = services.team_join_by_code(actor=request.user, code=code)
    except ServiceError as exc:
        if form is None:
            messages.error(request, exc.text)
        else:
            add_service_error(form, exc)
        return None
    messages.success(request, _("Welcome to %(team)s!") % {"team": member.team.name})
    return redirect(member.team.get_absolute_url())


@login_required
@require_http_methods(["GET", "POST"])
def join_code(request, slug):
    sprint = sprint_for_viewer(slug, request.user)
    form = JoinCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        response = _join(request, form.cleaned_data["code"], form)
        if response is not None:
            return response
    return render(request, "teams/join_code.html", {"sprint": sprint, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def join_link(request, slug, code):
    """An invite link: say which team it is and ask to confirm, then join with one POST."""
    sprint = sprint_for_viewer(slug, request.user)
    team, problem = None, None
    try:
        team = selectors.team_for_code(code)
    except ServiceError as exc:
        problem = exc.text
    if team is not None and team.sprint_id != sprint.pk:
        team, problem = None, _("This invite link belongs to another sprint.")
    if request.method == "POST" and team is not None:
        response = _join(request, code)
        if response is not None:
            return response
        return redirect("teams:join_link", slug=sprint.slug, code=team.invite_code)
    refusal = permissions.join_refusal(request.user, team, now=timezone.now()) if team is not None else None
    return render(
        request,
        "teams/join_link.html",
        {"sprint": sprint, "team": team, "problem": problem, "refusal": refusal, "code": code},
    )
