"""Reads of the programme shared by the pages, the calendar feeds and the API (no N+1: each list is a few queries)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import groupby

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from sprintlab.core.dates import localtime_or_none
from sprintlab.programme.models import (
    EVERYONE_KINDS,
    AgendaItem,
    CalendarFeedToken,
    Resource,
    ResourceCategory,
    Session,
    SessionKind,
    SessionSpeaker,
    Speaker,
)
from sprintlab.registrations.models import ACTIVE_STATUSES, Registration
from sprintlab.sprints.models import Sprint

# "Now" and "next" markers appear from a day before kickoff until the submission deadline.
MARKERS_LEAD = timedelta(days=1)
ONLINE, MY_SITE = "online", "mine"


def _with_details(sessions: QuerySet[Session]) -> QuerySet[Session]:
    speaker_links = SessionSpeaker.objects.select_related("speaker").order_by("position", "pk")
    return sessions.select_related("site__sprint", "sprint").prefetch_related(
        Prefetch("speaker_links", queryset=speaker_links)
    )


def sprint_sessions(sprint: Sprint) -> QuerySet[Session]:
    """Every session of ``sprint``, cancelled ones too, with site and speakers in order."""
    return _with_details(Session.objects.filter(sprint=sprint)).order_by("starts_at", "ends_at", "pk")


def session_of_sprint(sprint: Sprint, session_id: int) -> Session:
    session = _with_details(Session.objects.filter(sprint=sprint, pk=session_id)).first()
    if session is None:
        raise Http404("No such session.")
    return session


def session_by_id(session_id: int) -> Session:
    session = _with_details(Session.objects.filter(pk=session_id)).first()
    if session is None:
        raise Http404("No such session.")
    return session


def registration_site_id(user, sprint: Sprint) -> int | None:
    """The site of ``user``'s live registration for ``sprint`` (None: remote or not registered)."""
    if not (user and user.is_authenticated):
        return None
    return (
        Registration.objects.filter(sprint=sprint, user=user, status__in=ACTIVE_STATUSES)
        .values_list("site_id", flat=True)
        .first()
    )


def filtered_sessions(
    sprint: Sprint, *, kind: str = "", place: str = "", my_site_id: int | None = None
) -> QuerySet[Session]:
    """The schedule with the page's filters: a kind, and ``online`` or ``mine`` (the viewer's site)."""
    sessions = sprint_sessions(sprint)
    if kind in SessionKind.values:
        sessions = sessions.filter(kind=kind)
    if place == ONLINE:
        sessions = sessions.exclude(online_url="")
    elif place == MY_SITE:
        sessions = sessions.filter(Q(site_id=my_site_id) | Q(site__isnull=True)) if my_site_id else sessions
    return sessions


@dataclass(frozen=True)
class Markers:
    live: frozenset[int] = frozenset()
    next: int | None = None


def now_and_next(sprint: Sprint, sessions, *, now: datetime) -> Markers:
    """Which sessions run at ``now`` and which one starts next, during the sprint's weekend only."""
    if not (sprint.kickoff_at - MARKERS_LEAD <= now < sprint.submission_deadline_at):
        return Markers()
    live = frozenset(s.pk for s in sessions if not s.is_cancelled and s.starts_at <= now < s.ends_at)
    upcoming = [s for s in sessions if not s.is_cancelled and s.starts_at > now]
    next_session = min(upcoming, key=lambda s: (s.starts_at, s.pk), default=None)
    return Markers(live=live, next=next_session.pk if next_session else None)


@dataclass
class Day:
    day: date
    sessions: list = field(default_factory=list)


def by_day(sessions) -> list[Day]:
    """Sessions grouped by the day they start in the active zone (the viewer's)."""

    def local_day(session) -> date:
        local = localtime_or_none(session.starts_at)
        return (local or session.starts_at).date()

    return [Day(day=day, sessions=list(group)) for day, group in groupby(sessions, key=local_day)]


def starred_session_ids(user, sprint: Sprint | None = None) -> set[int]:
    if not (user and user.is_authenticated):
        return set()
    items = AgendaItem.objects.filter(user=user)
    if sprint is not None:
        items = items.filter(session__sprint=sprint)
    return set(items.values_list("session_id", flat=True))


def agenda_sessions(user, *, sprint: Sprint | None = None) -> QuerySet[Session]:
    """A person's agenda: sessions they starred, plus kickoff and closing sessions and their own site's
    sessions of every sprint they hold a live registration for (of ``sprint`` only, when given)."""
    registrations = Registration.objects.filter(user=user, status__in=ACTIVE_STATUSES)
    if sprint is not None:
        registrations = registrations.filter(sprint=sprint)
    registered_sprints = registrations.values("sprint_id")
    registered_sites = registrations.exclude(site__isnull=True).values("site_id")
    sessions = Session.objects.filter(
        Q(agenda_items__user=user)
        | Q(sprint_id__in=registered_sprints, kind__in=EVERYONE_KINDS)
        | Q(site_id__in=registered_sites)
    )
    if sprint is not None:
        sessions = sessions.filter(sprint=sprint)
    ids = sessions.values("pk")
    return _with_details(Session.objects.filter(pk__in=ids)).order_by("starts_at", "ends_at", "pk")


def registered_sprints(user) -> QuerySet[Sprint]:
    """The sprints ``user`` holds a live registration for (their personal feed shows kickoff and deadline)."""
    ids = Registration.objects.filter(user=user, status__in=ACTIVE_STATUSES).values("sprint_id")
    return Sprint.objects.filter(pk__in=ids).order_by("kickoff_at", "pk")


def feed_by_token(token: str) -> CalendarFeedToken:
    """The calendar feed ``token`` opens, with its person, or 404 (also for an old, reset token)."""
    feed = CalendarFeedToken.objects.select_related("user").filter(token=token, user__is_active=True).first()
    if feed is None:
        raise Http404("No such calendar.")
    return feed


def sprint_speakers(sprint: Sprint) -> QuerySet[Speaker]:
    return Speaker.objects.filter(sprint=sprint).order_by("name", "pk")


def speaker_of_sprint(sprint: Sprint, speaker_id: int) -> Speaker:
    speaker = Speaker.objects.filter(sprint=sprint, pk=speaker_id).select_related("sprint").first()
    if speaker is None:
        raise Http404("No such speaker.")
    return speaker


def sprint_resources(sprint: Sprint) -> QuerySet[Resource]:
    return Resource.objects.filter(sprint=sprint).order_by("position", "pk")


@dataclass
class ResourceGroup:
    category: str
    label: str
    resources: list


def resources_by_category(sprint: Sprint) -> list[ResourceGroup]:
    """The sprint's resources in one query, grouped by category in the categories' order."""
    groups = {value: ResourceGroup(value, label, []) for value, label in ResourceCategory.choices}
    for resource in sprint_resources(sprint):
        groups[resource.category].resources.append(resource)
    return [group for group in groups.values() if group.resources]


def resource_of_sprint(sprint: Sprint, resource_id: int) -> Resource:
    resource = Resource.objects.filter(sprint=sprint, pk=resource_id).select_related("sprint").first()
    if resource is None:
        raise Http404("No such resource.")
    return resource


def sprints_to_copy_resources_from(user, sprint: Sprint) -> QuerySet[Sprint]:
    """Other sprints with resources that ``user`` may see (published, or run by them), newest first."""
    sprints = Sprint.objects.filter(pk__in=Resource.objects.values("sprint_id")).exclude(pk=sprint.pk)
    if not user.is_staff:
        sprints = sprints.filter(Q(is_published=True) | Q(memberships__user=user)).distinct()
    return sprints.order_by("-kickoff_at")
