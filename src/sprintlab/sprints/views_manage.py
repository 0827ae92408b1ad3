"""Organiser pages: create, edit (with previews), clone a sprint, and add a partner organisation."""

import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sprintlab.core.errors import ServiceError
from sprintlab.core.forms import add_service_error
from sprintlab.core.markdown import render_markdown
from sprintlab.sprints.display import PHASE_BADGES, timeline_rows
from sprintlab.sprints.forms import (
    CloneForm,
    MarkdownPreviewForm,
    PartnerForm,
    PrizeFormSet,
    SprintForm,
    TrackFormSet,
    formset_rows,
)
from sprintlab.sprints.models import Phase, Sprint
from sprintlab.sprints.selectors import sprint_for_manager
from sprintlab.sprints.services import partner_create, sprint_clone, sprint_create, sprint_update


@login_required
def sprint_create_view(request):
    if not request.user.has_perm("sprints.create_sprint"):
        raise PermissionDenied
    return _sprint_form_page(request, None)


@login_required
def sprint_edit_view(request, slug):
    return _sprint_form_page(request, sprint_for_manager(slug, request.user, "sprints.change_sprint"))


def _sprint_form_page(request, sprint: Sprint | None):
    # The form validates a copy, so the page's heading and links keep the saved title and slug.
    instance = copy.copy(sprint) if sprint else Sprint()
    data, files = (request.POST, request.FILES) if request.method == "POST" else (None, None)
    form = SprintForm(data, files, instance=instance)
    tracks = TrackFormSet(data, instance=instance, prefix="tracks")
    prizes = PrizeFormSet(data, instance=instance, prefix="prizes")
    preview = None
    if request.method == "POST":
        # Validate all three so every mistake shows at once.
        valid = all([form.is_valid(), tracks.is_valid(), prizes.is_valid()])
        if valid and "preview" in request.POST:
            preview = _preview_context(form, tracks, prizes)
        elif valid:
            arguments = {
                "actor": request.user,
                "values": form.service_values(),
                "partners": form.cleaned_data["partners"],
                "tracks": formset_rows(tracks),
                "prizes": formset_rows(prizes),
            }
            try:
                saved = sprint_update(sprint=sprint, **arguments) if sprint else sprint_create(**arguments)
            except ServiceError as exc:
                add_service_error(form, exc)
            else:
                messages.success(request, _("The sprint was saved.") if sprint else _("The sprint was created."))
                return redirect(saved.get_absolute_url())
    return render(
        request,
        "sprints/sprint_form.html",
        {
            "sprint": sprint,
            "form": form,
            "tracks": tracks,
            "prizes": prizes,
            "preview": preview,
        },
    )


def _preview_context(form, tracks, prizes) -> dict:
    """The page as it would look, built from the unsaved form (nothing is written)."""
    sprint = form.instance
    now = timezone.now()
    phase = sprint.phase_at(now)
    # A new upload has no address until it is saved, so the preview shows the saved cover (if any).
    cover_url = sprint.cover_image.url if sprint.cover_image and "cover_image" not in form.changed_data else ""
    return {
        "sprint": sprint,
        "phase_label": Phase(phase).label,
        "phase_badge": PHASE_BADGES[phase],
        "cover_url": cover_url,
        "partners": list(form.cleaned_data["partners"]),
        "tracks": formset_rows(tracks),
        "prizes": formset_rows(prizes),
        "timeline": timeline_rows(sprint, now),
    }


@login_required
@require_POST
def markdown_preview_view(request):
    """HTMX: the description rendered as it will appear on the page."""
    if not request.user.has_perm("sprints.preview_markdown"):
        raise PermissionDenied
    form = MarkdownPreviewForm(request.POST)
    html = render_markdown(form.cleaned_data["description"]) if form.is_valid() else ""
    return render(request, "sprints/_markdown_preview.html", {"html": html, "form": form})


@login_required
def sprint_clone_view(request, slug):
    source = sprint_for_manager(slug, request.user, "sprints.clone_sprint")
    if request.method == "POST":
        form = CloneForm(request.POST)
        if form.is_valid():
            try:
                clone = sprint_clone(actor=request.user, source=source, **form.cleaned_data)
            except ServiceError as exc:
                add_service_error(form, exc)
            else:
                messages.success(request, _("A draft copy was created; check it and publish it when ready."))
                return redirect("sprints:edit", slug=clone.slug)
    else:
        form = CloneForm(initial={"title": source.title, "kickoff_at": source.kickoff_at})
    return render(request, "sprints/sprint_clone.html", {"source": source, "form": form})


@login_required
def partner_create_view(request):
    if not request.user.has_perm("sprints.create_partner"):
        raise PermissionDenied
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = ""
    form = PartnerForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            partner = partner_create(actor=request.user, **form.cleaned_data)
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(
                request, _("%(name)s was added; you can now pick it on the sprint form.") % {"name": partner.name}
            )
            return redirect(next_url or reverse("sprints:list"))
    return render(request, "sprints/partner_form.html", {"form": form, "next": next_url})
