"""Subscribable iCalendar feeds (RFC 5545) of a sprint's schedule and of a person's agenda, written with ``icalendar``.

Calendars that subscribe to a URL re-read it every so often and match events by UID: a session's UID
(``session-<uuid>@<host>``) never changes, and its SEQUENCE (``Session.sequence``) grows with every
change a calendar shows, so a moved session moves in the calendar instead of appearing twice; a
cancelled one stays with STATUS:CANCELLED so that calendars remove it. There is no METHOD, so DTSTAMP
is when the event was last revised (RFC 5545 3.8.7.2): the same data gives the same bytes, which
lets the views answer conditional requests with 304.

The confirmation email's one-off invitation (``registrations.ics``) is a separate, library-free
writer: it lives in a lower app that cannot import this one, and its UIDs differ from these, so an
imported invitation and a subscribed feed never fight over one event.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from sprintlab.programme.models import Session
from sprintlab.sprints.models import Sprint

PRODUCT_ID = "-//SprintLab//Programme//EN"
# How often subscribed calendars are asked to fetch the feed again (clients may poll less often).
REFRESH_INTERVAL = timedelta(hours=1)
CONTENT_TYPE = "text/calendar; charset=utf-8"


def uid_host() -> str:
    """The host part of every UID: the site's own host name, so UIDs stay unique across installations."""
    return urlsplit(settings.SITE_URL).hostname or "sprintlab"


def session_uid(session: Session) -> str:
    return f"session-{session.uid}@{uid_host()}"


def _absolute(path: str) -> str:
    return settings.SITE_URL + path


def _location(session: Session) -> str:
    if session.site_id is None:
        return _("Online")
    site = session.site
    place = ", ".join(part for part in (site.name, site.address, site.city) if part)
    return f"{place} + {_('online')}" if session.online_url else place


def _description(session: Session) -> str:
    speakers = [link.speaker for link in session.speaker_links.all()]
    parts = []
    if speakers:
        parts.append(", ".join(str(speaker) for speaker in speakers))
    if session.description:
        parts.append(session.description)
    if session.online_url:
        parts.append(_("Join: %(url)s") % {"url": session.online_url})
    schedule = reverse("programme:schedule", kwargs={"slug": session.sprint.slug})
    parts.append(_("Schedule: %(url)s") % {"url": _absolute(schedule)})
    return "\n\n".join(parts)


def session_event(session: Session) -> Event:
    event = Event()
    event.add("uid", session_uid(session))
    event.add("dtstamp", session.updated_at)
    event.add("last-modified", session.updated_at)
    event.add("created", session.created_at)
    event.add("sequence", session.sequence)
    event.add("dtstart", session.starts_at)
    event.add("dtend", session.ends_at)
    event.add("summary", f"{session.title} · {session.sprint.title}")
    event.add("description", _description(session))
    event.add("location", _location(session))
    event.add("categories", [str(session.get_kind_display())])
    event.add("status", "CANCELLED" if session.is_cancelled else "CONFIRMED")
    event.add(
        "url", session.online_url or _absolute(reverse("programme:schedule", kwargs={"slug": session.sprint.slug}))
    )
    return event


def _sprint_moment(sprint: Sprint, key: str, at: datetime, summary: str) -> Event:
    """Kickoff or the submission deadline as a moment (no end: it lasts no time)."""
    event = Event()
    event.add("uid", f"sprint-{sprint.pk}-{key}@{uid_host()}")
    event.add("dtstamp", sprint.updated_at)
    event.add("last-modified", sprint.updated_at)
    # Raised by the sprints app whenever the title, kickoff or deadline changes.
    event.add("sequence", sprint.calendar_sequence)
    event.add("dtstart", at)
    event.add("summary", summary)
    event.add("url", _absolute(sprint.get_absolute_url()))
    event.add("status", "CONFIRMED")
    return event


def sprint_moments(sprint: Sprint) -> list[Event]:
    return [
        _sprint_moment(sprint, "kickoff", sprint.kickoff_at, _("Kickoff: %(sprint)s") % {"sprint": sprint.title}),
        _sprint_moment(
            sprint,
            "deadline",
            sprint.submission_deadline_at,
            _("Submission deadline: %(sprint)s") % {"sprint": sprint.title},
        ),
    ]


def build_feed(*, name: str, description: str, sessions: Iterable[Session], sprints: Iterable[Sprint] = ()) -> bytes:
    """The feed as bytes (UTF-8, CRLF lines, folded at 75 octets by the library)."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("name", name)
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-caldesc", description)
    calendar.add("refresh-interval", REFRESH_INTERVAL, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT1H")
    for sprint in sprints:
        for event in sprint_moments(sprint):
            calendar.add_component(event)
    for session in sessions:
        calendar.add_component(session_event(session))
    return calendar.to_ical()


def sprint_feed(sprint: Sprint, sessions: Iterable[Session]) -> bytes:
    return build_feed(
        name=sprint.title,
        description=_("The schedule of %(sprint)s.") % {"sprint": sprint.title},
        sessions=sessions,
    )


def personal_feed(*, sessions: Iterable[Session], sprints: Iterable[Sprint]) -> bytes:
    return build_feed(
        name=_("My sprint agenda"),
        description=_(
            "Your starred sessions, kickoffs, closings and your site's sessions, with each sprint's deadline."
        ),
        sessions=sessions,
        sprints=sprints,
    )
