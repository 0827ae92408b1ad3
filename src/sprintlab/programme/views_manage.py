"""Organisers' pages for the programme: sessions, speakers and resources of one sprint."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from sprintlab.core.errors import ServiceError
from sprintlab.core.forms import add_service_error
from sprintlab.localsites.models import LocalSite, SiteStatus
from sprintlab.programme import selectors, services, services_resources
from sprintlab.programme.forms import CopyResourcesForm, ResourceForm, SessionForm, SpeakerForm
from sprintlab.programme.permissions import may_change_session, may_manage_speakers
from sprintlab.sprints.selectors import sprint_for_manager


def _placeable_sites(user, sprint):
    """The sites this person may put sessions at: all approved ones for the sprint's organisers, else their own."""
    sites = LocalSite.objects.filter(sprint=sprint, status=SiteStatus.APPROVED).order_by("name")
    if user.has_perm("programme.manage_programme", sprint):
        return sites
    return sites.filter(organiser_links__user=user)


@login_required
def sessions_manage(request, slug):
    sprint = sprint_for_manager(slug, request.user, "programme.manage_sessions")
    now = timezone.now()
    sessions = list(selectors.sprint_sessions(sprint))
    for session in sessions:
        session.can_change = may_change_session(request.user, session, now=now)
    return render(
        request,
        "programme/manage_sessions.html",
        {"sprint": sprint, "sessions": sessions, "can_manage_speakers": may_manage_speakers(request.user, sprint)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def session_create(request, slug):
    sprint = sprint_for_manager(slug, request.user, "programme.manage_sessions")
    form = SessionForm(request.POST or None, sprint=sprint, sites=_placeable_sites(request.user, sprint))
    if request.method == "POST" and form.is_valid():
        try:
            session = services.session_create(actor=request.user, sprint=sprint, **form.service_arguments())
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("“%(title)s” is on the schedule.") % {"title": session.title})
            return redirect("programme:manage_sessions", slug=sprint.slug)
    status = 400 if form.errors else 200
    return render(request, "programme/session_form.html", {"sprint": sprint, "form": form}, status=status)


def _session_to_change(request, slug, pk):
    sprint = sprint_for_manager(slug, request.user, "programme.manage_sessions")
    session = selectors.session_of_sprint(sprint, pk)
    if not request.user.has_perm("programme.change_session", session):
        raise PermissionDenied
    return sprint, session


@login_required
@require_http_methods(["GET", "POST"])
def session_edit(request, slug, pk):
    sprint, session = _session_to_change(request, slug, pk)
    form = SessionForm(
        request.POST or None, instance=session, sprint=sprint, sites=_placeable_sites(request.user, sprint)
    )
    if request.method == "POST" and form.is_valid():
        # The form wrote the values onto its instance; the service reads the session afresh under its lock.
        try:
            session = services.session_update(actor=request.user, session=session, **form.service_arguments())
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(
                request, _("“%(title)s” is changed; subscribed calendars follow.") % {"title": session.title}
            )
            return redirect("programme:manage_sessions", slug=sprint.slug)
    status = 400 if form.errors else 200
    context = {"sprint": sprint, "form": form, "session": session}
    context["can_change"] = may_change_session(request.user, session, now=timezone.now())
    return render(request, "programme/session_form.html", context, status=status)


@login_required
@require_POST
def session_cancel(request, slug, pk):
    sprint, session = _session_to_change(request, slug, pk)
    try:
        services.session_cancel(actor=request.user, session=session)
    except ServiceError as exc:
        messages.error(request, exc.text)
    else:
        messages.success(request, _("“%(title)s” is cancelled.") % {"title": session.title})
    return redirect("programme:manage_sessions", slug=sprint.slug)


@login_required
@require_http_methods(["GET", "POST"])
def speakers(request, slug):
    sprint = sprint_for_manager(slug, request.user, "programme.manage_speakers")
    form = SpeakerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            speaker = services.speaker_create(actor=request.user, sprint=sprint, **form.cleaned_data)
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("%(name)s is added.") % {"name": speaker.name})
            return redirect("programme:speakers", slug=sprint.slug)
    return render(
        request,
        "programme/speakers.html",
        {"sprint": sprint, "form": form, "speakers": selectors.sprint_speakers(sprint)},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def speaker_edit(request, slug, pk):
    sprint = sprint_for_manager(slug, request.user, "programme.manage_speakers")
    speaker = selectors.speaker_of_sprint(sprint, pk)
    form = SpeakerForm(request.POST or None, instance=speaker)
    if request.method == "POST" and form.is_valid():
        try:
            services.speaker_update(actor=request.user, speaker=speaker, **form.cleaned_data)
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The speaker is saved."))
            return redirect("programme:speakers", slug=sprint.slug)
    return render(
        request,
        "programme/speaker_form.html",
        {"sprint": sprint, "form": form, "speaker": speaker},
        status=400 if form.errors else 200,
    )


def _resources_page(request, sprint, *, form=None, copy_form=None, status=200):
    sprints = selectors.sprints_to_copy_resources_from(request.user, sprint)
    return render(
        request,
        "programme/manage_resources.html",
        {
            "sprint": sprint,
            "groups": selectors.resources_by_category(sprint),
            "form": form or ResourceForm(),
            "copy_form": copy_form or CopyResourcesForm(sprints=sprints),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def resources_manage(request, slug):
    sprint = sprint_for_manager(slug, request.user, "programme.manage_resources")
    if request.method != "POST":
        return _resources_page(request, sprint)
    form = ResourceForm(request.POST)
    if form.is_valid():
        try:
            services_resources.resource_create(actor=request.user, sprint=sprint, **form.cleaned_data)
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The resource is added."))
            return redirect("programme:manage_resources", slug=sprint.slug)
    return _resources_page(request, sprint, form=form, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def resource_edit(request, slug, pk):
    sprint = sprint_for_manager(slug, request.user, "programme.manage_resources")
    resource = selectors.resource_of_sprint(sprint, pk)
    form = ResourceForm(request.POST or None, instance=resource)
    if request.method == "POST" and form.is_valid():
        try:
            services_resources.resource_update(actor=request.user, resource=resource, **form.cleaned_data)
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The resource is saved."))
            return redirect("programme:manage_resources", slug=sprint.slug)
    return render(
        request,
        "programme/resource_form.html",
        {"sprint": sprint, "form": form, "resource": resource},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def resource_move(request, slug, pk):
    sprint = sprint_for_manager(slug, request.user, "programme.manage_resources")
    resource = selectors.resource_of_sprint(sprint, pk)
    try:
        services_resources.resource_move(
            actor=request.user, resource=resource, direction=request.POST.get("direction", "")
        )
    except ServiceError as exc:
        messages.error(request, exc.text)
        return redirect("programme:manage_resources", slug=sprint.slug)
    return redirect(f"{_manage_url(sprint)}#resource-{resource.pk}")


def _manage_url(sprint) -> str:
    return reverse("programme:manage_resources", kwargs={"slug": sprint.slug})


@login_required
@require_POST
def resource_delete(request, slug, pk):
    sprint = sprint_for_manager(slug, request.user, "programme.manage_resources")
    resource = selectors.resource_of_sprint(sprint, pk)
    try:
        services_resources.resource_delete(actor=request.user, resource=resource)
    except ServiceError as exc:
        messages.error(request, exc.text)
    else:
        messages.success(request, _("“%(title)s” is removed.") % {"title": resource.title})
    return redirect("programme:manage_resources", slug=sprint.slug)


@login_required
@require_POST
def resources_copy(request, slug):
    sprint = sprint_for_manager(slug, request.user, "programme.manage_resources")
    form = CopyResourcesForm(request.POST, sprints=selectors.sprints_to_copy_resources_from(request.user, sprint))
    if form.is_valid():
        try:
            copies = services_resources.resources_copy_from(
                actor=request.user, sprint=sprint, source_sprint=form.cleaned_data["source_sprint"]
            )
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("%(count)d resources copied.") % {"count": len(copies)})
            return redirect("programme:manage_resources", slug=sprint.slug)
    return _resources_page(request, sprint, copy_form=form, status=400)
