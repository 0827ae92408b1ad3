"""The sprint team page: organisers and partner co-hosts, added by email and removed one by one."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sprintlab.core.errors import ServiceError
from sprintlab.core.forms import add_service_error
from sprintlab.sprints.forms import TeamMemberForm
from sprintlab.sprints.models import SprintMembership, SprintRole
from sprintlab.sprints.selectors import sprint_for_manager, team_memberships
from sprintlab.sprints.services import sprint_membership_add, sprint_membership_remove


@login_required
def sprint_team_view(request, slug):
    sprint = sprint_for_manager(slug, request.user, "sprints.change_sprint")
    form = TeamMemberForm(request.POST or None, sprint=sprint, actor=request.user)
    if request.method == "POST" and form.is_valid():
        member, role = form.member, form.cleaned_data["role"]
        try:
            added = sprint_membership_add(
                actor=request.user, sprint=sprint, user=member, role=role, partner=form.cleaned_data["partner"]
            )
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            values = {"name": member.name, "role": SprintRole(role).label}
            # Adding a role twice is harmless; say so instead of pretending something changed.
            if not added.created:
                messages.info(
                    request, _("%(name)s already has the role “%(role)s” in this sprint; nothing changed.") % values
                )
            else:
                messages.success(request, _("%(name)s now has the role “%(role)s” in this sprint.") % values)
            return redirect("sprints:team", slug=sprint.slug)
    return render(
        request,
        "sprints/sprint_team.html",
        {
            "sprint": sprint,
            "form": form,
            "memberships": team_memberships(sprint),
        },
    )


@login_required
@require_POST
def sprint_team_remove_view(request, slug, membership_id):
    sprint = sprint_for_manager(slug, request.user, "sprints.change_sprint")
    membership = get_object_or_404(SprintMembership.objects.select_related("user"), pk=membership_id, sprint=sprint)
    removing_self = membership.user_id == request.user.pk
    if removing_self and request.POST.get("confirmed") != "yes":
        # Taking one's own role away may end one's access to this sprint: ask first, on a page of its own.
        return render(request, "sprints/sprint_team_leave.html", {"sprint": sprint, "membership": membership})
    try:
        sprint_membership_remove(membership=membership, actor=request.user)
    except ServiceError as exc:
        messages.error(request, exc.text)
        return redirect("sprints:team", slug=sprint.slug)
    values = {"name": membership.user.name, "role": membership.get_role_display()}
    if not removing_self:
        messages.success(request, _("%(name)s no longer has the role “%(role)s” in this sprint.") % values)
    else:
        messages.success(request, _("You no longer have the role “%(role)s” in this sprint.") % values)
    return redirect(_page_after_removal(request.user, sprint))


def _page_after_removal(user, sprint) -> str:
    """The team page while the person may still manage the sprint, else the sprint page, else the list."""
    if user.has_perm("sprints.change_sprint", sprint):
        return reverse("sprints:team", kwargs={"slug": sprint.slug})
    if user.has_perm("sprints.view_sprint", sprint):
        return sprint.get_absolute_url()
    return reverse("sprints:list")
