"""Writes for the help-request queue: ask, claim, write a note, release, close; and the organisers' alert.

A claim is one conditional UPDATE (``status = open``): of two mentors who claim the same request at
once, the database lets exactly one change the row, and the other is told who won.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from sprintlab.accounts.models import User
from sprintlab.core.audit import record_audit
from sprintlab.core.errors import Conflict, ServiceError
from sprintlab.core.transactions import retry_on_conflict
from sprintlab.mentoring import notify, selectors
from sprintlab.mentoring.models import Expertise, HelpNote, HelpRequest, HelpStatus
from sprintlab.mentoring.permissions import (
    claim_refusal,
    close_refusal,
    note_refusal,
    post_request_refusal,
    release_refusal,
)
from sprintlab.sprints.models import Sprint, Track
from sprintlab.teams.models import Team

REQUEST_FIELDS = ("topic", "description", "contact", "tag")


def _url(request: HelpRequest) -> str:
    return reverse("mentoring:request", kwargs={"slug": request.sprint.slug, "request_id": request.pk})


def _clean(instance, fields) -> None:
    excluded = [f.name for f in instance._meta.fields if f.name not in fields]
    try:
        instance.clean_fields(exclude=excluded)
    except ValidationError as exc:
        raise ServiceError(exc.message_dict) from exc


@retry_on_conflict
@transaction.atomic
def help_request_create(
    *, actor, sprint: Sprint, topic: str, description: str, contact: str, tag: str = "", track: Track | None = None
) -> HelpRequest:
    """``actor`` asks the sprint's mentors for help, for their team (or alone, when confirmed without a team).

    Locks the team (or the person) so that the limit on requests in progress holds.
    Side effects: one HelpRequest row; an audit entry "mentoring.request_create".
    Raises: PermissionDeniedError (not a participant), Conflict (help not open, too many requests in
    progress), ServiceError per field.
    """
    roles = selectors.mentoring_roles(actor, sprint)
    if roles.team is not None:
        Team.objects.select_for_update().filter(pk=roles.team.pk).first()
    elif actor.is_authenticated:
        User.objects.select_for_update().filter(pk=actor.pk).first()
    now = timezone.now()
    roles = selectors.mentoring_roles(actor, sprint, now=now)  # re-read under the lock
    refusal = post_request_refusal(actor, sprint, now=now, roles=roles)
    if refusal is not None:
        raise refusal
    if tag and tag not in Expertise.values:
        raise ServiceError({"tag": [_("Choose a topic from the list.")]})
    if track is not None and track.sprint_id != sprint.pk:
        raise ServiceError({"track": [_("Choose one of this sprint's tracks.")]})
    request = HelpRequest(
        sprint=sprint,
        team=roles.team,
        requester=actor,
        topic=topic.strip(),
        description=description.strip(),
        contact=contact.strip(),
        tag=tag,
        track=track,
        waiting_since=now,
    )
    _clean(request, REQUEST_FIELDS)
    request.save()
    record_audit(actor=actor, action="mentoring.request_create", target=request, sprint=sprint.slug)
    return request


def _reread(request: HelpRequest, *, lock: bool) -> HelpRequest:
    rows = HelpRequest.objects.select_related("sprint", "claimed_by", "team")
    if lock:
        rows = rows.select_for_update(of=("self",))
    found = rows.filter(pk=request.pk).first()
    if found is None:
        raise ServiceError({"request": [_("This help request no longer exists.")]})
    return found


@transaction.atomic
def help_request_claim(*, actor, request: HelpRequest) -> HelpRequest:
    """A mentor takes ``request``: exactly one of several mentors claiming at once gets it.

    The first claim's time is kept as the request's time to first answer.
    Side effects: the request becomes claimed; a "Mentor help" notification to its team (or asker);
    an audit entry "mentoring.request_claim".
    Raises: PermissionDeniedError (not a mentor of the sprint), Conflict (claimed by someone else —
    the message names them —, closed, or help not open).
    """
    now = timezone.now()
    current = _reread(request, lock=False)
    refusal = claim_refusal(actor, current, now=now)
    if refusal is not None:
        raise refusal
    won = HelpRequest.objects.filter(pk=current.pk, status=HelpStatus.OPEN).update(
        status=HelpStatus.CLAIMED,
        claimed_by=actor,
        claimed_at=now,
        first_claimed_at=Coalesce("first_claimed_at", now),
        updated_at=now,
    )
    current = _reread(current, lock=False)
    if not won:
        raise claim_refusal(actor, current, now=now) or Conflict(_("Another mentor has just claimed this request."))
    record_audit(actor=actor, action="mentoring.request_claim", target=current)
    notify.tell(
        key=f"mentoring:claimed:{current.pk}:{int(now.timestamp())}",
        user_ids=selectors.people_to_tell(current),
        title=_("%(mentor)s is on your help request") % {"mentor": actor.name},
        body=_("“%(topic)s”: %(mentor)s will reach you at %(contact)s.")
        % {"topic": current.topic, "mentor": actor.name, "contact": current.contact},
        url=_url(current),
    )
    return current


@transaction.atomic
def help_request_release(*, actor, request: HelpRequest) -> HelpRequest:
    """Give a claimed request back to the queue (it waits again from now). Side effects: an audit entry.

    Raises: PermissionDeniedError (not the claiming mentor or an organiser), Conflict (not claimed).
    """
    request = _reread(request, lock=True)
    now = timezone.now()
    refusal = release_refusal(actor, request, now=now)
    if refusal is not None:
        raise refusal
    released_from = request.claimed_by_id
    request.status = HelpStatus.OPEN
    request.claimed_by = None
    request.claimed_at = None
    request.waiting_since = now
    request.save(update_fields=["status", "claimed_by", "claimed_at", "waiting_since", "updated_at"])
    record_audit(actor=actor, action="mentoring.request_release", target=request, released_from=released_from)
    return request


@transaction.atomic
def help_note_add(*, actor, request: HelpRequest, body: str) -> HelpNote:
    """The mentor on ``request`` (or an organiser) writes a note or an answer; the team reads it on the request.

    Side effects: one HelpNote row. Raises: PermissionDeniedError, Conflict (closed), ServiceError (body).
    """
    request = _reread(request, lock=True)
    refusal = note_refusal(actor, request)
    if refusal is not None:
        raise refusal
    note = HelpNote(request=request, author=actor, body=body.strip())
    if not note.body:
        raise ServiceError({"body": [_("Write a note.")]})
    _clean(note, ("body",))
    note.save()
    return note


@transaction.atomic
def help_request_close(*, actor, request: HelpRequest, note: str = "") -> HelpRequest:
    """Close ``request`` with an optional note (what was done, or why it is closed).

    Side effects: the request becomes closed; a "Mentor help" notification to its team (or asker)
    when someone else closes it; an audit entry "mentoring.request_close".
    Raises: PermissionDeniedError (not the claiming mentor, the asker or an organiser), Conflict
    (already closed), ServiceError (note too long).
    """
    request = _reread(request, lock=True)
    now = timezone.now()
    refusal = close_refusal(actor, request, now=now)
    if refusal is not None:
        raise refusal
    request.status = HelpStatus.CLOSED
    request.closed_at = now
    request.closed_by = actor
    request.closing_note = note.strip()
    _clean(request, ("closing_note",))
    request.save(update_fields=["status", "closed_at", "closed_by", "closing_note", "updated_at"])
    record_audit(actor=actor, action="mentoring.request_close", target=request)
    if actor.pk != request.requester_id:
        notify.tell(
            key=f"mentoring:closed:{request.pk}",
            user_ids=selectors.people_to_tell(request),
            title=_("Your help request was closed"),
            body=_("“%(topic)s” was closed by %(name)s. %(note)s")
            % {"topic": request.topic, "name": actor.name, "note": request.closing_note},
            url=_url(request),
        )
    return request


def help_alert_unclaimed() -> int:
    """Tell each sprint's organisers about requests nobody claimed in time, once per request; return how many.

    Run by the task worker's periodic jobs (``sprintlab mentoring_alerts``). Each request is marked
    under its row lock and its messages carry the request's key, so that two runs at once, or a run
    again after a crash, tell nobody twice.
    """
    now = timezone.now()
    alerted = 0
    for candidate in selectors.requests_to_alert(now=now)[:500]:
        with transaction.atomic():
            request = (
                HelpRequest.objects.select_for_update(of=("self",), skip_locked=True)
                .select_related("sprint")
                .filter(pk=candidate.pk, status=HelpStatus.OPEN, alerted_at__isnull=True)
                .first()
            )
            if request is None:
                continue
            request.alerted_at = now
            request.save(update_fields=["alerted_at"])
            minutes = int((now - request.waiting_since).total_seconds() // 60)
            notify.tell(
                key=f"mentoring:unclaimed:{request.pk}",
                user_ids=selectors.organiser_ids(request.sprint),
                title=_("A help request has waited %(minutes)d minutes") % {"minutes": minutes},
                body=_("Nobody has claimed “%(topic)s” in %(sprint)s yet.")
                % {"topic": request.topic, "sprint": request.sprint.title},
                url=reverse("mentoring:overview", kwargs={"slug": request.sprint.slug}),
            )
            alerted += 1
    return alerted
