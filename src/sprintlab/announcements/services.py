"""Writing, scheduling, sending and cancelling announcements (organisers' actions).

Sending never happens in the request: ``announcement_send_now`` marks the announcement as sending
and schedules the fan-out task after commit (``announcements.delivery``), which writes the emails
and inbox items in bulk. The request therefore costs the same for ten people or ten thousand.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sprintlab.announcements.delivery import mark_sending
from sprintlab.announcements.models import (
    Announcement,
    AnnouncementStatus,
    Audience,
    Segment,
)
from sprintlab.announcements.permissions import audience_refusal, change_refusal, schedule_refusal
from sprintlab.core.audit import record_audit
from sprintlab.core.errors import PermissionDeniedError, ServiceError
from sprintlab.core.unstorable_text import unstorable_text_errors
from sprintlab.core.validators import datetime_in_window
from sprintlab.localsites.models import SiteStatus
from sprintlab.sprints.permissions import can_manage_sprint

TITLE_MAX = 200
BODY_MAX = 10_000


def _clean(*, actor, sprint, audience, site, team, segments, title, body, mirror_to_chat) -> dict:
    """The validated fields, or a ``ServiceError`` with messages per field."""
    title, body = (title or "").strip(), (body or "").strip()
    segments = sorted(set(segments or ()))
    errors = unstorable_text_errors([("title", title), ("body", body)])
    if not title:
        errors.setdefault("title", [_("Write a title.")])
    elif len(title) > TITLE_MAX:
        errors.setdefault("title", [_("Keep the title under 200 characters.")])
    if not body:
        errors.setdefault("body", [_("Write a message.")])
    elif len(body) > BODY_MAX:
        errors.setdefault("body", [_("Keep the message under 10,000 characters.")])
    if audience not in Audience.values:
        errors["audience"] = [_("Choose who receives it.")]
    if site is not None and (site.sprint_id != sprint.pk or site.status != SiteStatus.APPROVED):
        errors["site"] = [_("Choose one of this sprint's sites.")]
    elif audience == Audience.SITE and site is None:
        errors["site"] = [_("Choose the site.")]
    if audience == Audience.TEAM:
        if team is None or team.sprint_id != sprint.pk or team.disbanded_at is not None:
            errors["team"] = [_("Choose one of this sprint's teams.")]
    if audience == Audience.SEGMENT:
        if not segments:
            errors["segments"] = [_("Choose at least one segment.")]
        elif any(segment not in Segment.values for segment in segments):
            errors["segments"] = [_("Choose segments from the list.")]
        elif Segment.CHECKED_IN in segments and Segment.NOT_CHECKED_IN in segments:
            errors["segments"] = [_("Nobody is both checked in and not checked in: choose one.")]
    if mirror_to_chat and not sprint.chat_webhook_url:
        errors["mirror_to_chat"] = [_("This sprint has no chat webhook; add one on the sprint's edit page.")]
    if errors:
        raise ServiceError(errors)
    refusal = audience_refusal(actor, sprint, audience=audience, site=site)
    if refusal:
        raise refusal
    if mirror_to_chat and not can_manage_sprint(actor, sprint):
        raise PermissionDeniedError(_("Only the sprint's organisers post to the sprint's chat."))
    return {
        "audience": audience,
        "site": site if audience in (Audience.SITE, Audience.SEGMENT) else None,
        "team": team if audience == Audience.TEAM else None,
        "segments": [s for s in segments if s in Segment.values] if audience == Audience.SEGMENT else [],
        "title": title,
        "body": body,
        "mirror_to_chat": bool(mirror_to_chat),
    }


@transaction.atomic
def announcement_create(
    *,
    actor,
    sprint,
    audience: str,
    title: str,
    body: str,
    site=None,
    team=None,
    segments=(),
    mirror_to_chat: bool = False,
) -> Announcement:
    """A draft announcement. Raises ``PermissionDeniedError`` when ``actor`` may not address that
    audience, ``ServiceError`` (per field) for bad input. Side effect: an audit entry."""
    fields = _clean(
        actor=actor,
        sprint=sprint,
        audience=audience,
        site=site,
        team=team,
        segments=segments,
        title=title,
        body=body,
        mirror_to_chat=mirror_to_chat,
    )
    announcement = Announcement.objects.create(sprint=sprint, author=actor, **fields)
    record_audit(actor=actor, action="announcement.created", target=announcement, audience=audience)
    return announcement


@transaction.atomic
def announcement_update(
    *,
    actor,
    announcement: Announcement,
    audience: str,
    title: str,
    body: str,
    site=None,
    team=None,
    segments=(),
    mirror_to_chat: bool = False,
) -> Announcement:
    """Change a draft or scheduled announcement; refused once it is sending, sent or cancelled."""
    announcement = _locked(announcement)
    refusal = change_refusal(actor, announcement, now=timezone.now())
    if refusal:
        raise refusal
    fields = _clean(
        actor=actor,
        sprint=announcement.sprint,
        audience=audience,
        site=site,
        team=team,
        segments=segments,
        title=title,
        body=body,
        mirror_to_chat=mirror_to_chat,
    )
    for name, value in fields.items():
        setattr(announcement, name, value)
    announcement.save(update_fields=[*fields, "updated_at"])
    record_audit(actor=actor, action="announcement.updated", target=announcement)
    return announcement


@transaction.atomic
def announcement_schedule(*, actor, announcement: Announcement, when: datetime) -> Announcement:
    """Send it at ``when`` (the scheduler picks it up within a minute of that time)."""
    announcement = _locked(announcement)
    if when is not None and not datetime_in_window(when):
        raise ServiceError({"scheduled_for": [_("Choose a date within the next few years.")]})
    refusal = schedule_refusal(actor, announcement, when=when, now=timezone.now())
    if refusal:
        raise refusal
    announcement.status = AnnouncementStatus.SCHEDULED
    announcement.scheduled_for = when
    announcement.save(update_fields=["status", "scheduled_for", "updated_at"])
    record_audit(actor=actor, action="announcement.scheduled", target=announcement, at=when.isoformat())
    return announcement


@transaction.atomic
def announcement_send_now(*, actor, announcement: Announcement) -> Announcement:
    """Mark it as sending and schedule the fan-out after commit; returns at once whatever the audience.

    Raises ``PermissionDeniedError`` or ``Conflict`` (already sent, sending or cancelled).
    """
    announcement = _locked(announcement)
    refusal = change_refusal(actor, announcement, now=timezone.now())
    if refusal:
        raise refusal
    mark_sending(announcement)
    record_audit(actor=actor, action="announcement.sent", target=announcement)
    return announcement


@transaction.atomic
def announcement_cancel(*, actor, announcement: Announcement) -> Announcement:
    """Cancel a draft or a scheduled announcement; a sent one cannot be called back."""
    announcement = _locked(announcement)
    refusal = change_refusal(actor, announcement, now=timezone.now())
    if refusal:
        raise refusal
    announcement.status = AnnouncementStatus.CANCELLED
    announcement.save(update_fields=["status", "updated_at"])
    record_audit(actor=actor, action="announcement.cancelled", target=announcement)
    return announcement


def _locked(announcement: Announcement) -> Announcement:
    return Announcement.objects.select_for_update(of=("self",)).select_related("sprint", "site").get(pk=announcement.pk)
