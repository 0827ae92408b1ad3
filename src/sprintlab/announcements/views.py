"""The announcement pages: list, write (with a live preview), review and send, delivery figures."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sprintlab.announcements import selectors, services
from sprintlab.announcements.forms import AnnouncementForm, ScheduleForm, SendForm
from sprintlab.announcements.models import Announcement, Audience, Segment
from sprintlab.announcements.permissions import may_change, may_view, organised_site_ids
from sprintlab.core.errors import ServiceError
from sprintlab.core.forms import add_service_error
from sprintlab.core.markdown import render_markdown
from sprintlab.localsites.models import LocalSite, SiteStatus
from sprintlab.sprints.selectors import sprint_for_manager, sprint_for_viewer
from sprintlab.teams.models import Team

ANNOUNCE = "announcements.announce"


@login_required
def announcement_list(request, slug):
    sprint = sprint_for_viewer(slug, request.user)
    may_manage = request.user.has_perm("announcements.manage_all", sprint)
    context = {
        "sprint": sprint,
        "announcements": selectors.announcements_for(request.user, sprint),
        "can_announce": request.user.has_perm(ANNOUNCE, sprint),
        "shows_status": may_manage or bool(organised_site_ids(request.user, sprint)),
    }
    return render(request, "announcements/list.html", context)


def _form(request, sprint, *, data=None, initial=None):
    may_manage = request.user.has_perm("announcements.manage_all", sprint)
    return AnnouncementForm(
        data,
        initial=initial,
        sprint=sprint,
        may_manage=may_manage,
        site_ids=None if may_manage else organised_site_ids(request.user, sprint),
    )


@login_required
def announcement_create(request, slug):
    sprint = sprint_for_manager(slug, request.user, ANNOUNCE)
    if request.method == "POST":
        form = _form(request, sprint, data=request.POST)
        if form.is_valid():
            try:
                announcement = services.announcement_create(
                    actor=request.user, sprint=sprint, **form.service_arguments()
                )
            except ServiceError as exc:
                add_service_error(form, exc)
            else:
                messages.success(request, _("Draft saved. Check it, then send it now or schedule it."))
                return redirect("announcements:detail", slug=sprint.slug, pk=announcement.pk)
    else:
        initial = {"audience": Audience.EVERYONE}
        site_id = request.GET.get("site", "")
        if site_id.isdigit():
            initial = {"audience": Audience.SITE, "site": int(site_id)}
        form = _form(request, sprint, initial=initial)
    return render(request, "announcements/form.html", _form_context(sprint, form, announcement=None))


def _form_context(sprint, form, *, announcement):
    return {"sprint": sprint, "form": form, "announcement": announcement, "preview": _preview(sprint, form)}


@login_required
def announcement_edit(request, slug, pk):
    sprint = sprint_for_manager(slug, request.user, ANNOUNCE)
    announcement = _announcement(sprint, pk)
    if not may_change(request.user, announcement, now=timezone.now()):
        messages.error(request, _("This announcement can no longer be changed."))
        return redirect("announcements:detail", slug=sprint.slug, pk=announcement.pk)
    if request.method == "POST":
        form = _form(request, sprint, data=request.POST)
        if form.is_valid():
            try:
                services.announcement_update(actor=request.user, announcement=announcement, **form.service_arguments())
            except ServiceError as exc:
                add_service_error(form, exc)
            else:
                messages.success(request, _("Changes saved."))
                return redirect("announcements:detail", slug=sprint.slug, pk=announcement.pk)
    else:
        form = _form(
            request,
            sprint,
            initial={
                "audience": announcement.audience,
                "site": announcement.site_id,
                "team": announcement.team_id,
                "segments": announcement.segments,
                "title": announcement.title,
                "body": announcement.body,
                "mirror_to_chat": announcement.mirror_to_chat,
            },
        )
    return render(request, "announcements/form.html", _form_context(sprint, form, announcement=announcement))


def _preview(sprint, form) -> dict:
    """The live preview: who would receive it and how the message reads. Tolerates a half-filled form."""
    data = form.data if form.is_bound else {}
    audience = data.get("audience") or form.initial.get("audience") or Audience.EVERYONE
    site = _pick(LocalSite.objects.filter(sprint=sprint, status=SiteStatus.APPROVED), data.get("site"))
    if site is None and not form.is_bound:
        site = _pick(LocalSite.objects.filter(sprint=sprint), str(form.initial.get("site") or ""))
    team = _pick(Team.objects.filter(sprint=sprint, disbanded_at__isnull=True), data.get("team"))
    segments = [s for s in (data.getlist("segments") if form.is_bound else []) if s in Segment.values]
    count = None
    if audience in Audience.values:
        count = selectors.audience_count(sprint, audience=audience, site=site, team=team, segments=segments)
    return {"count": count, "body_html": render_markdown(str(data.get("body", ""))[:10_000])}


def _pick(queryset, value):
    value = str(value or "")
    return queryset.filter(pk=int(value)).first() if value.isdigit() and len(value) < 12 else None


@login_required
@require_POST
def announcement_preview(request, slug):
    sprint = sprint_for_manager(slug, request.user, ANNOUNCE)
    form = _form(request, sprint, data=request.POST)
    return render(request, "announcements/form.html#preview", {"sprint": sprint, "preview": _preview(sprint, form)})


def _announcement(sprint, pk) -> Announcement:
    announcement = (
        Announcement.objects.filter(sprint=sprint, pk=pk).select_related("sprint", "site", "team", "author").first()
    )
    if announcement is None:
        raise Http404("No such announcement.")
    return announcement


@login_required
def announcement_detail(request, slug, pk, *, send_form=None, schedule_form=None):
    sprint = sprint_for_viewer(slug, request.user)
    announcement = _announcement(sprint, pk)
    if not may_view(request.user, announcement):
        raise Http404("No such announcement.")
    now = timezone.now()
    may_run = request.user.has_perm("announcements.manage_all", sprint) or (
        announcement.site_id in organised_site_ids(request.user, sprint)
    )
    can_change = may_change(request.user, announcement, now=now)
    context = {
        "sprint": sprint,
        "announcement": announcement,
        "body_html": render_markdown(announcement.body),
        "may_run": may_run,
        "can_change": can_change,
        "stats": selectors.delivery_stats(announcement) if may_run else None,
        "preview_count": selectors.audience_count(
            sprint,
            audience=announcement.audience,
            site=announcement.site,
            team=announcement.team,
            segments=announcement.segments,
        )
        if can_change
        else None,
        "send_form": send_form or SendForm(),
        "schedule_form": schedule_form or ScheduleForm(initial={"scheduled_for": announcement.scheduled_for}),
    }
    return render(request, "announcements/detail.html", context)


@login_required
@require_POST
def announcement_send(request, slug, pk):
    sprint = sprint_for_manager(slug, request.user, ANNOUNCE)
    announcement = _announcement(sprint, pk)
    form = SendForm(request.POST)
    if form.is_valid():
        try:
            services.announcement_send_now(actor=request.user, announcement=announcement)
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Sending now. The figures below fill in as messages go out."))
            return redirect("announcements:detail", slug=sprint.slug, pk=announcement.pk)
    return announcement_detail(request, slug, pk, send_form=form)


@login_required
@require_POST
def announcement_schedule(request, slug, pk):
    sprint = sprint_for_manager(slug, request.user, ANNOUNCE)
    announcement = _announcement(sprint, pk)
    form = ScheduleForm(request.POST)
    if form.is_valid():
        try:
            services.announcement_schedule(
                actor=request.user, announcement=announcement, when=form.cleaned_data["scheduled_for"]
            )
        except ServiceError as exc:
            add_service_error(form, exc, {"when": "scheduled_for"})
        else:
            messages.success(request, _("Scheduled."))
            return redirect("announcements:detail", slug=sprint.slug, pk=announcement.pk)
    return announcement_detail(request, slug, pk, schedule_form=form)


@login_required
@require_POST
def announcement_cancel(request, slug, pk):
    sprint = sprint_for_manager(slug, request.user, ANNOUNCE)
    announcement = _announcement(sprint, pk)
    try:
        services.announcement_cancel(actor=request.user, announcement=announcement)
    except ServiceError as exc:
        messages.error(request, exc.text)
    else:
        messages.info(request, _("Announcement cancelled; nothing was sent."))
    return redirect("announcements:detail", slug=sprint.slug, pk=announcement.pk)
