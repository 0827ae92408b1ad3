"""The programme's public and personal pages: schedule, agenda, resources, calendar feeds."""

from __future__ import annotations

import hashlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from sprintlab.core.errors import ServiceError
from sprintlab.programme import calendar_feed, selectors, services
from sprintlab.programme.forms import ScheduleFilterForm
from sprintlab.programme.permissions import may_add_to_agenda, takes_part_in
from sprintlab.sprints.selectors import sprint_for_viewer

# Subscribed calendars and caches may keep a feed this long before asking again.
FEED_MAX_AGE_SECONDS = 300


def _with_session_flags(sessions, user, *, now, registered_sprint_ids: set[int], starred: set[int]) -> list:
    """Each session with its speakers in order, whether the viewer starred it and may star it now."""
    sessions = list(sessions)
    for session in sessions:
        session.speakers_in_order = [link.speaker for link in session.speaker_links.all()]
        session.is_starred = session.pk in starred
        registered = session.sprint_id in registered_sprint_ids
        session.can_star = may_add_to_agenda(user, session, now=now, registered=registered)
    return sessions


def schedule(request, slug):
    sprint = sprint_for_viewer(slug, request.user)
    now = timezone.now()
    form = ScheduleFilterForm(request.GET)
    filters = form.cleaned_data if form.is_valid() else {}
    my_site_id = selectors.registration_site_id(request.user, sprint)
    sessions = selectors.filtered_sessions(
        sprint, kind=filters.get("kind", ""), place=filters.get("place", ""), my_site_id=my_site_id
    )
    registered = takes_part_in(request.user, sprint)
    sessions = _with_session_flags(
        sessions,
        request.user,
        now=now,
        registered_sprint_ids={sprint.pk} if registered else set(),
        starred=selectors.starred_session_ids(request.user, sprint),
    )
    context = {
        "sprint": sprint,
        "form": form,
        "days": selectors.by_day(sessions),
        "markers": selectors.now_and_next(sprint, sessions, now=now),
        "registered": registered,
        "can_manage": request.user.has_perm("programme.manage_sessions", sprint),
        "feed_url": reverse("programme:schedule_ics", kwargs={"slug": sprint.slug}),
    }
    if request.htmx and request.htmx.target == "schedule-days":
        return render(request, "programme/schedule.html#schedule-days", context)
    return render(request, "programme/schedule.html", context)


@login_required
@require_POST
def agenda_toggle(request, slug, pk):
    """Star or unstar a session (``action`` = ``add`` or ``remove``); answers the button for HTMX.

    A refusal answers HTMX with the same fragment and the reason in its status line, with 200:
    htmx swaps no 4xx answer, so an error status would leave the button as it was, saying nothing.
    """
    sprint = sprint_for_viewer(slug, request.user)
    session = selectors.session_of_sprint(sprint, pk)
    refusal = ""
    try:
        if request.POST.get("action") == "remove":
            services.agenda_remove(actor=request.user, session=session)
        else:
            services.agenda_add(actor=request.user, session=session)
    except ServiceError as exc:
        if not request.htmx:
            messages.error(request, exc.text)
            return redirect("programme:schedule", slug=sprint.slug)
        refusal = exc.text
    if request.htmx:
        now = timezone.now()
        [session] = _with_session_flags(
            [session],
            request.user,
            now=now,
            registered_sprint_ids={sprint.pk} if takes_part_in(request.user, sprint) else set(),
            starred=selectors.starred_session_ids(request.user, sprint),
        )
        return render(
            request, "programme/schedule.html#agenda-toggle", {"session": session, "sprint": sprint, "refusal": refusal}
        )
    return redirect("programme:schedule", slug=sprint.slug)


def _agenda_context(request, sessions, *, sprint=None) -> dict:
    now = timezone.now()
    starred = selectors.starred_session_ids(request.user, sprint)
    registered_sprint_ids = set(selectors.registered_sprints(request.user).values_list("pk", flat=True))
    sessions = _with_session_flags(
        sessions, request.user, now=now, registered_sprint_ids=registered_sprint_ids, starred=starred
    )
    return {"sprint": sprint, "days": selectors.by_day(sessions), "markers": selectors.Markers()}


@login_required
def agenda(request, slug):
    sprint = sprint_for_viewer(slug, request.user)
    context = _agenda_context(request, selectors.agenda_sessions(request.user, sprint=sprint), sprint=sprint)
    return render(request, "programme/agenda.html", context)


@login_required
def my_agenda(request):
    context = _agenda_context(request, selectors.agenda_sessions(request.user))
    return render(request, "programme/agenda.html", context)


def resources(request, slug):
    sprint = sprint_for_viewer(slug, request.user)
    return render(
        request,
        "programme/resources.html",
        {
            "sprint": sprint,
            "groups": selectors.resources_by_category(sprint),
            "can_manage": request.user.has_perm("programme.manage_resources", sprint),
        },
    )


def _feed_urls(request, token: str) -> dict:
    https_url = request.build_absolute_uri(reverse("programme:personal_ics", kwargs={"token": token}))
    return {"https_url": https_url, "webcal_url": "webcal://" + https_url.split("://", 1)[1]}


@login_required
def calendar_page(request):
    feed = services.calendar_feed_token_get_or_create(actor=request.user)
    return render(
        request,
        "programme/calendar.html",
        {**_feed_urls(request, feed.token), "sprints": selectors.registered_sprints(request.user)},
    )


@login_required
@require_POST
def calendar_reset(request):
    services.calendar_feed_token_reset(actor=request.user)
    messages.success(
        request, _("Your calendar link is new: the old one no longer works. Subscribe again with this one.")
    )
    return redirect("programme:calendar")


def _feed_response(request, body: bytes, *, last_modified, filename: str, public: bool) -> HttpResponse:
    """The feed with an ETag and Last-Modified; a conditional GET whose If-None-Match matches answers 304."""
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    last_modified_ts = int(last_modified.timestamp()) if last_modified else None
    # Only the ETag decides a 304: an unstarred session or a renamed speaker changes the feed
    # without a later modification time to show for it.
    response = get_conditional_response(request, etag=etag)
    if response is None:
        response = HttpResponse(body, content_type=calendar_feed.CONTENT_TYPE)
        response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["ETag"] = etag
    if last_modified_ts is not None:
        response["Last-Modified"] = http_date(last_modified_ts)
    if public:
        patch_cache_control(response, public=True, max_age=FEED_MAX_AGE_SECONDS)
    else:
        # The URL is the secret: no shared cache keeps a copy.
        patch_cache_control(response, private=True, max_age=FEED_MAX_AGE_SECONDS)
    return response


def _latest(*moments):
    present = [moment for moment in moments if moment is not None]
    return max(present) if present else None


@require_GET
def sprint_ics(request, slug):
    """The sprint's whole schedule, public for a published sprint (a draft answers 404 to visitors)."""
    sprint = sprint_for_viewer(slug, request.user)
    sessions = list(selectors.sprint_sessions(sprint))
    body = calendar_feed.sprint_feed(sprint, sessions)
    last_modified = _latest(sprint.updated_at, *(session.updated_at for session in sessions))
    public = sprint.is_published
    return _feed_response(request, body, last_modified=last_modified, filename=f"{sprint.slug}.ics", public=public)


@require_GET
def personal_ics(request, token):
    """A person's agenda across their sprints, opened by the secret in the URL (no sign-in: calendars have none)."""
    feed = selectors.feed_by_token(token)
    sessions = list(selectors.agenda_sessions(feed.user))
    sprints = list(selectors.registered_sprints(feed.user))
    body = calendar_feed.personal_feed(sessions=sessions, sprints=sprints)
    last_modified = _latest(feed.reset_at, *(s.updated_at for s in sessions), *(s.updated_at for s in sprints))
    return _feed_response(request, body, last_modified=last_modified, filename="agenda.ics", public=False)
