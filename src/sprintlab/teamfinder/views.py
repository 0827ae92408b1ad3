"""The team finder's pages: a person's card, their suggestions, their proposed group; the organisers' grouping."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sprintlab.core.errors import PermissionDeniedError, ServiceError
from sprintlab.core.forms import add_service_error
from sprintlab.sprints.selectors import sprint_for_manager, sprint_for_viewer
from sprintlab.teamfinder import selectors, services
from sprintlab.teamfinder.forms import FinderProfileForm
from sprintlab.teamfinder.models import GroupStatus, ProposedGroup
from sprintlab.teamfinder.permissions import may_respond, may_run_grouping, use_finder_refusal
from sprintlab.teams import selectors as team_selectors


def _refused(request, sprint, refusal: ServiceError, title: str):
    """The page's place for a refusal: what the person cannot do here, and why (organisers: where to go)."""
    status = 403 if isinstance(refusal, PermissionDeniedError) else 200
    context = {
        "sprint": sprint,
        "refusal": refusal,
        "title": title,
        "can_group": request.user.has_perm("teamfinder.run_grouping", sprint),
        "can_see_outcomes": request.user.has_perm("teamfinder.view_outcomes", sprint),
    }
    return render(request, "teamfinder/refused.html", context, status=status)


@login_required
def profile(request, slug):
    sprint = sprint_for_viewer(slug, request.user)
    refusal = use_finder_refusal(request.user, sprint, now=timezone.now())
    if refusal is not None:
        return _refused(request, sprint, refusal, _("Team finder"))
    current = selectors.profile_of(sprint, request.user)
    form = FinderProfileForm(
        request.POST if request.method == "POST" else None,
        sprint=sprint,
        initial=FinderProfileForm.initial_for(current, request.user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.finder_profile_save(actor=request.user, sprint=sprint, **form.service_arguments())
        except ServiceError as exc:
            add_service_error(form, exc, {"timezone_name": "timezone"})
        else:
            if saved.is_looking:
                messages.success(request, _("Saved. Others looking for a team can now find you."))
            else:
                messages.success(request, _("Saved. You are no longer shown as looking for a team."))
            return redirect("teamfinder:suggestions", slug=sprint.slug)
    context = {"sprint": sprint, "form": form, "profile": current, "team": selectors.team_of(sprint, request.user)}
    return render(request, "teamfinder/profile.html", context)


@login_required
def suggestions(request, slug):
    sprint = sprint_for_viewer(slug, request.user)
    refusal = use_finder_refusal(request.user, sprint, now=timezone.now())
    if refusal is not None:
        return _refused(request, sprint, refusal, _("Suggestions"))
    found = selectors.suggestions_for(sprint, request.user)
    context = {
        "sprint": sprint,
        "found": found,
        "has_profile": found.has_card,
        "back": reverse("teamfinder:suggestions", kwargs={"slug": sprint.slug}),
    }
    return render(request, "teamfinder/suggestions.html", context)


@login_required
@require_POST
def start_team(request, slug):
    """ "Start a team and invite": found a team with the chosen name and invite the suggested person."""
    sprint = sprint_for_viewer(slug, request.user)
    invitee = team_selectors.invitable_user(request.POST.get("user_id", ""))
    if invitee is None:
        messages.error(request, _("Choose a person to invite."))
        return redirect("teamfinder:suggestions", slug=sprint.slug)
    try:
        invitation = services.finder_team_start_and_invite(
            actor=request.user, sprint=sprint, name=request.POST.get("name", "")[:200], invitee=invitee
        )
    except ServiceError as exc:
        messages.error(request, exc.text)
        return redirect("teamfinder:suggestions", slug=sprint.slug)
    messages.success(
        request,
        _("You started %(team)s and invited %(name)s.") % {"team": invitation.team.name, "name": invitee.name},
    )
    return redirect(invitation.team.get_absolute_url())


@login_required
def my_group(request, slug):
    sprint = sprint_for_viewer(slug, request.user)
    member = selectors.proposal_of(sprint, request.user)
    now = timezone.now()
    if request.method == "POST":
        if member is None:
            raise Http404("No proposal.")
        accept = request.POST.get("answer") == "accept"
        try:
            member = services.proposal_respond(actor=request.user, member=member, accept=accept)
        except ServiceError as exc:
            messages.error(request, exc.text)
        else:
            member.group.refresh_from_db()
            if member.group.team_id:
                messages.success(request, _("Your group is now a team: %(team)s.") % {"team": member.group.team.name})
            else:
                messages.success(request, _("Thank you, your answer is recorded."))
        if not request.htmx:
            return redirect("teamfinder:my_group", slug=sprint.slug)
        member = selectors.proposal_of(sprint, request.user)
    context = {
        "sprint": sprint,
        "member": member,
        "can_accept": member is not None and may_respond(request.user, member, accept=True, now=now),
        "can_decline": member is not None and may_respond(request.user, member, accept=False, now=now),
    }
    template = "teamfinder/my_group.html#proposal" if request.htmx else "teamfinder/my_group.html"
    return render(request, template, context)


@login_required
def grouping(request, slug):
    sprint = sprint_for_manager(slug, request.user, "teamfinder.run_grouping")
    if request.method == "POST":
        try:
            run = services.grouping_run_create(actor=request.user, sprint=sprint)
        except ServiceError as exc:
            messages.error(request, exc.text)
        else:
            messages.success(
                request,
                _("Proposed %(groups)d groups for %(people)d people; %(alone)d could not be placed.")
                % {"groups": run.group_count, "people": run.people_count, "alone": run.left_alone_count},
            )
        return redirect("teamfinder:grouping", slug=sprint.slug)
    alone = selectors.still_alone(sprint)
    context = {
        "sprint": sprint,
        "runs": selectors.grouping_runs(sprint),
        "alone": alone[:200],
        "alone_count": alone.count(),
        "solo_count": len(selectors.solos(sprint)),
        "can_run": may_run_grouping(request.user, sprint, now=timezone.now()),
        "open_status": GroupStatus.OPEN,
    }
    return render(request, "teamfinder/grouping.html", context)


@login_required
@require_POST
def group_close(request, slug, group_id):
    sprint = sprint_for_manager(slug, request.user, "teamfinder.run_grouping")
    group = ProposedGroup.objects.filter(pk=group_id, sprint=sprint).first()
    if group is None:
        raise Http404("No such group.")
    try:
        group = services.proposed_group_close(actor=request.user, group=group)
    except ServiceError as exc:
        messages.error(request, exc.text)
    else:
        messages.success(
            request, _("Group %(number)d: %(status)s.") % {"number": group.number, "status": group.get_status_display()}
        )
    return redirect("teamfinder:grouping", slug=sprint.slug)


@login_required
def outcomes(request, slug):
    sprint = sprint_for_viewer(slug, request.user)
    if not request.user.has_perm("teamfinder.view_outcomes", sprint):
        raise PermissionDenied
    context = {
        "sprint": sprint,
        "outcomes": selectors.formation_outcomes(sprint),
        "submissions_open": selectors.SUBMISSIONS_OPEN,
    }
    return render(request, "teamfinder/outcomes.html", context)
