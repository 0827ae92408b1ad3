"""Writes for the schedule: sessions, speakers, personal agendas and calendar-feed tokens.

Resources live in ``services_resources.py``. Every function runs in one transaction, checks its
``actor`` with the rules in ``programme.permissions`` and records an audit entry; a refusal is a
``ServiceError`` and changes nothing. Lock order: the sprint, then the session.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sprintlab.core.audit import record_audit
from sprintlab.core.errors import PermissionDeniedError, ServiceError
from sprintlab.core.permissions import is_signed_in
from sprintlab.core.transactions import retry_on_conflict
from sprintlab.localsites.models import LocalSite
from sprintlab.programme.models import (
    CALENDAR_FIELDS,
    AgendaItem,
    CalendarFeedToken,
    Session,
    SessionSpeaker,
    Speaker,
    new_feed_token,
)
from sprintlab.programme.permissions import (
    agenda_add_refusal,
    session_change_refusal,
    session_create_refusal,
    session_place_refusal,
    speaker_refusal,
)
from sprintlab.sprints.models import Sprint

SESSION_FIELDS = ("kind", "title", "description", "starts_at", "ends_at", "online_url", "site")
SPEAKER_FIELDS = ("name", "affiliation", "bio", "link")


def _locked_sprint(sprint: Sprint) -> Sprint:
    return Sprint.objects.select_for_update().get(pk=sprint.pk)


def _validated(instance, *, exclude: Sequence[str] = ()) -> None:
    """Run the model's field validators and ``clean``; refuse with messages per field."""
    try:
        instance.full_clean(exclude=list(exclude), validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        raise ServiceError(exc.message_dict) from exc


def _in_sprint_window(sprint: Sprint, starts_at: datetime, ends_at: datetime) -> None:
    """A session takes place between the sprint's announcement and its results (info sessions come early)."""
    if starts_at < sprint.announced_at or ends_at > sprint.results_published_at:
        raise ServiceError(
            {"starts_at": [_("A session takes place between the sprint's announcement and its results.")]}
        )


def _check_site(site: LocalSite | None) -> None:
    if site is not None and not site.is_approved:
        raise ServiceError({"site": [_("This site is not approved, so it holds no sessions.")]})


def _check_speakers(sprint: Sprint, speakers: Sequence[Speaker]) -> None:
    if any(speaker.sprint_id != sprint.pk for speaker in speakers):
        raise ServiceError({"speakers": [_("A speaker belongs to another sprint.")]})
    if len({speaker.pk for speaker in speakers}) != len(speakers):
        raise ServiceError({"speakers": [_("A speaker is listed twice.")]})


def _set_speakers(session: Session, speakers: Sequence[Speaker]) -> None:
    SessionSpeaker.objects.filter(session=session).delete()
    SessionSpeaker.objects.bulk_create(
        SessionSpeaker(session=session, speaker=speaker, position=index) for index, speaker in enumerate(speakers)
    )


@retry_on_conflict
@transaction.atomic
def session_create(
    *,
    actor,
    sprint: Sprint,
    kind: str,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    description: str = "",
    online_url: str = "",
    site: LocalSite | None = None,
    speakers: Sequence[Speaker] = (),
) -> Session:
    """Add a session to ``sprint``'s schedule; its speakers in the order given.

    Side effects: a Session (sequence 0, a new uid) and its speaker links; an audit entry.
    Raises: PermissionDeniedError (not an organiser of the sprint, or of ``site``), Conflict (the
    sprint is over), ServiceError (a field: times out of order or outside the sprint, no place,
    an unapproved site, a site or a speaker of another sprint).
    """
    sprint = _locked_sprint(sprint)
    refusal = session_create_refusal(actor, sprint, site, now=timezone.now())
    if refusal is not None:
        raise refusal
    session = Session(
        sprint=sprint,
        kind=kind,
        title=title,
        description=description,
        starts_at=starts_at,
        ends_at=ends_at,
        online_url=online_url,
        site=site,
        created_by=actor,
    )
    _validated(session, exclude=["created_by"])
    _check_site(site)
    _in_sprint_window(sprint, starts_at, ends_at)
    _check_speakers(sprint, speakers)
    session.save(force_insert=True)
    _set_speakers(session, speakers)
    record_audit(actor=actor, action="session.create", target=session, sprint=sprint.slug, title=title)
    return session


def _locked_session(session: Session) -> tuple[Sprint, Session]:
    sprint = _locked_sprint(session.sprint)
    session = Session.objects.select_for_update(of=("self",)).select_related("site").get(pk=session.pk)
    session.sprint = sprint
    return sprint, session


@retry_on_conflict
@transaction.atomic
def session_update(*, actor, session: Session, speakers: Sequence[Speaker] | None = None, **changes) -> Session:
    """Change a session's fields (any of ``SESSION_FIELDS``) and, when given, its speakers in order.

    A change a calendar shows (title, times, link, site) raises ``sequence`` by one, so subscribed
    calendars replace the event; the uid stays. Moving a session to a site also needs the right to
    add sessions there.
    Side effects: the session row, its speaker links; an audit entry naming the changed fields.
    Raises: PermissionDeniedError, Conflict (cancelled, sprint over), ServiceError (a field).
    """
    unknown = set(changes) - set(SESSION_FIELDS)
    if unknown:
        raise TypeError(f"Unknown session fields: {sorted(unknown)}")
    sprint, session = _locked_session(session)
    refusal = session_change_refusal(actor, session, now=timezone.now())
    if refusal is not None:
        raise refusal
    before = {field: getattr(session, field) for field in CALENDAR_FIELDS}
    for field, value in changes.items():
        setattr(session, field, value)
    if "site" in changes and session.site_id != before["site_id"]:
        refusal = session_place_refusal(actor, sprint, session.site)
        if refusal is not None:
            raise refusal
    _validated(session, exclude=["created_by"])
    if session.site_id != before["site_id"]:
        _check_site(session.site)
    _in_sprint_window(sprint, session.starts_at, session.ends_at)
    changed = [field for field in CALENDAR_FIELDS if getattr(session, field) != before[field]]
    if changed:
        session.sequence += 1
    session.save()
    if speakers is not None:
        _check_speakers(sprint, speakers)
        _set_speakers(session, speakers)
    record_audit(actor=actor, action="session.update", target=session, fields=sorted(changes), moved=changed)
    return session


@retry_on_conflict
@transaction.atomic
def session_cancel(*, actor, session: Session) -> Session:
    """Cancel a session: it stays on the schedule, marked cancelled, and calendars show it cancelled.

    Side effects: ``cancelled_at`` and ``sequence`` + 1; an audit entry.
    Raises: PermissionDeniedError, Conflict (already cancelled, sprint over).
    """
    _sprint, session = _locked_session(session)
    refusal = session_change_refusal(actor, session, now=timezone.now())
    if refusal is not None:
        raise refusal
    session.cancelled_at = timezone.now()
    session.sequence += 1
    session.save(update_fields=["cancelled_at", "sequence", "updated_at"])
    record_audit(actor=actor, action="session.cancel", target=session)
    return session


@transaction.atomic
def speaker_create(
    *, actor, sprint: Sprint, name: str, affiliation: str = "", bio: str = "", link: str = ""
) -> Speaker:
    """Add a speaker to ``sprint``; sessions of the sprint may then list them.

    Side effects: a Speaker; an audit entry. Raises: PermissionDeniedError, ServiceError (a field).
    """
    refusal = speaker_refusal(actor, sprint)
    if refusal is not None:
        raise refusal
    speaker = Speaker(sprint=sprint, name=name, affiliation=affiliation, bio=bio, link=link)
    _validated(speaker)
    speaker.save(force_insert=True)
    record_audit(actor=actor, action="speaker.create", target=speaker, sprint=sprint.slug)
    return speaker


@transaction.atomic
def speaker_update(*, actor, speaker: Speaker, **changes) -> Speaker:
    """Change a speaker's name, affiliation, bio or link (any of ``SPEAKER_FIELDS``).

    Side effects: the Speaker row; an audit entry. Raises: PermissionDeniedError, ServiceError.
    """
    unknown = set(changes) - set(SPEAKER_FIELDS)
    if unknown:
        raise TypeError(f"Unknown speaker fields: {sorted(unknown)}")
    speaker = Speaker.objects.select_for_update().select_related("sprint").get(pk=speaker.pk)
    refusal = speaker_refusal(actor, speaker.sprint)
    if refusal is not None:
        raise refusal
    for field, value in changes.items():
        setattr(speaker, field, value)
    _validated(speaker)
    speaker.save()
    record_audit(actor=actor, action="speaker.update", target=speaker, fields=sorted(changes))
    return speaker


@transaction.atomic
def agenda_add(*, actor, session: Session) -> tuple[AgendaItem, bool]:
    """Star ``session`` in the actor's agenda; return (item, created). Starring twice changes nothing.

    Side effects: an AgendaItem; an audit entry when it is new.
    Raises: PermissionDeniedError (not registered for the sprint), Conflict (cancelled or over).
    """
    refusal = agenda_add_refusal(actor, session, now=timezone.now())
    if refusal is not None:
        raise refusal
    try:
        with transaction.atomic():
            item = AgendaItem.objects.create(user=actor, session=session)
    except IntegrityError:
        return AgendaItem.objects.get(user=actor, session=session), False
    record_audit(actor=actor, action="agenda.add", target=session)
    return item, True


@transaction.atomic
def agenda_remove(*, actor, session: Session) -> bool:
    """Take ``session`` out of the actor's agenda; True when it was there.

    Side effects: the AgendaItem is deleted; an audit entry when there was one.
    Raises: PermissionDeniedError when nobody is signed in.
    """
    if not is_signed_in(actor):
        raise PermissionDeniedError(_("Sign in to keep an agenda."))
    deleted, _kinds = AgendaItem.objects.filter(user=actor, session=session).delete()
    if deleted:
        record_audit(actor=actor, action="agenda.remove", target=session)
    return bool(deleted)


@transaction.atomic
def calendar_feed_token_get_or_create(*, actor) -> CalendarFeedToken:
    """The actor's calendar-feed token, made on first use.

    Side effects: a CalendarFeedToken the first time; an audit entry then.
    Raises: PermissionDeniedError when nobody is signed in.
    """
    if not is_signed_in(actor):
        raise PermissionDeniedError(_("Sign in to subscribe to your calendar."))
    feed, created = CalendarFeedToken.objects.get_or_create(user=actor)
    if created:
        record_audit(actor=actor, action="calendar_feed.create", target=feed)
    return feed


@transaction.atomic
def calendar_feed_token_reset(*, actor) -> CalendarFeedToken:
    """Give the actor a new feed secret: the old URL answers 404 from now on.

    Side effects: the token row (created when missing); an audit entry.
    Raises: PermissionDeniedError when nobody is signed in.
    """
    if not is_signed_in(actor):
        raise PermissionDeniedError(_("Sign in to subscribe to your calendar."))
    feed, _created = CalendarFeedToken.objects.select_for_update().get_or_create(user=actor)
    feed.token = new_feed_token()
    feed.reset_at = timezone.now()
    feed.save(update_fields=["token", "reset_at"])
    record_audit(actor=actor, action="calendar_feed.reset", target=feed)
    return feed
