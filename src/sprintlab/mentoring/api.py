"""/api/v1/sprints/{slug}/mentors, office-hours, help-requests and help-stats: mentor help (docs/mentoring.md).

The same predicates as the pages decide; a refusal answers 403 (who) or 409 (the state, or the time).
A claim lost to another mentor answers 409 with the winner's name in ``detail``.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from sprintlab.api.auth import viewer, write_auth
from sprintlab.api.errors import errors
from sprintlab.core.errors import ServiceError
from sprintlab.core.validators import MAX_ID, ObjectId, WindowedDateTime
from sprintlab.localsites.models import LocalSite
from sprintlab.mentoring import helpdesk, selectors, services
from sprintlab.mentoring.models import Expertise, HelpRequest, HelpStatus, OfficeHourSlot, SlotBooking
from sprintlab.mentoring.permissions import may_view_request
from sprintlab.sprints.models import Sprint
from sprintlab.sprints.selectors import sprint_for_viewer

router = Router(tags=["mentoring"])
SPRINT = "/sprints/{slug}"


class MentorOut(Schema):
    id: int
    name: str
    expertise: list[str]
    bio: str
    timezone: str

    @staticmethod
    def resolve_expertise(obj) -> list[str]:
        return obj.profile.expertise if obj.profile else []

    @staticmethod
    def resolve_bio(obj) -> str:
        return obj.profile.bio if obj.profile else ""

    @staticmethod
    def resolve_timezone(obj) -> str:
        return obj.profile.timezone if obj.profile else ""


class SlotOut(Schema):
    id: int
    mentor: int
    mentor_name: str
    starts_at: datetime
    ends_at: datetime
    topic: str
    online_link: str
    site: int | None
    capacity: int
    places_left: int

    @staticmethod
    def resolve_mentor(obj: OfficeHourSlot) -> int:
        return obj.mentor_id

    @staticmethod
    def resolve_mentor_name(obj: OfficeHourSlot) -> str:
        return obj.mentor.name

    @staticmethod
    def resolve_site(obj: OfficeHourSlot) -> int | None:
        return obj.site_id

    @staticmethod
    def resolve_places_left(obj: OfficeHourSlot) -> int:
        taken = getattr(obj, "taken", None)
        if taken is None:
            taken = obj.bookings.filter(cancelled_at__isnull=True).count()
        return max(obj.capacity - taken, 0)


class MentorProfileIn(Schema):
    expertise: list[Expertise] = Field(default_factory=list, max_length=20, description="Up to eight topics.")
    bio: str = Field("", max_length=600)
    timezone: str = Field("", max_length=64, description="An IANA zone, or empty for the account's own.")


class SlotIn(Schema):
    starts_at: WindowedDateTime
    ends_at: WindowedDateTime
    topic: str = Field("", max_length=200)
    online_link: str = Field("", max_length=500, description="A video-call link; or give a site.")
    site: ObjectId | None = Field(None, description="One of the sprint's approved sites, to meet there.")
    capacity: int = Field(1, description="How many teams may book the slot (1 to 20).")


class BookingOut(Schema):
    id: int
    slot: int
    team: int
    team_name: str
    created_at: datetime
    cancelled_at: datetime | None

    @staticmethod
    def resolve_slot(obj: SlotBooking) -> int:
        return obj.slot_id

    @staticmethod
    def resolve_team(obj: SlotBooking) -> int:
        return obj.team_id

    @staticmethod
    def resolve_team_name(obj: SlotBooking) -> str:
        return obj.team.name


class HelpRequestIn(Schema):
    topic: str = Field(..., max_length=200)
    description: str = Field(..., max_length=4000)
    contact: str = Field(..., max_length=300, description="How a mentor reaches you: a link, a handle, a table.")
    tag: Expertise | None = Field(None, description="The expertise it needs, to filter the queue.")
    track: ObjectId | None = Field(None, description="One of the sprint's tracks.")


class HelpRequestOut(Schema):
    id: int
    sprint: str
    team: int | None
    team_name: str | None
    requester_name: str
    topic: str
    description: str
    contact: str
    tag: str
    track: int | None
    status: HelpStatus
    created_at: datetime
    waiting_since: datetime
    claimed_by_name: str | None
    claimed_at: datetime | None
    first_claimed_at: datetime | None = Field(description="The first claim: the time of the first answer.")
    closed_at: datetime | None
    closing_note: str

    @staticmethod
    def resolve_sprint(obj: HelpRequest) -> str:
        return obj.sprint.slug

    @staticmethod
    def resolve_team(obj: HelpRequest) -> int | None:
        return obj.team_id

    @staticmethod
    def resolve_team_name(obj: HelpRequest) -> str | None:
        return obj.team.name if obj.team_id else None

    @staticmethod
    def resolve_requester_name(obj: HelpRequest) -> str:
        return obj.requester.name

    @staticmethod
    def resolve_track(obj: HelpRequest) -> int | None:
        return obj.track_id

    @staticmethod
    def resolve_claimed_by_name(obj: HelpRequest) -> str | None:
        return obj.claimed_by.name if obj.claimed_by_id else None


class HelpQueueQuery(Schema):
    tag: Expertise | None = None
    status: HelpStatus | None = None


class CloseIn(Schema):
    note: str = Field("", max_length=4000)


class NoteIn(Schema):
    body: str = Field(..., max_length=4000)


class NoteOut(Schema):
    id: int
    author_name: str
    body: str
    created_at: datetime

    @staticmethod
    def resolve_author_name(obj) -> str:
        return obj.author.name if obj.author_id else ""


class HelpStatsOut(Schema):
    open: int
    claimed: int
    closed: int
    answered: int
    median_first_answer_seconds: float | None
    unclaimed: list[int] = Field(description="Ids of open requests waiting longer than the alert threshold.")
    alert_minutes: int


def _id(value: int, what: str) -> int:
    if not 1 <= value <= MAX_ID:
        raise Http404(f"No such {what}.")
    return value


def _sprint(request, slug: str) -> Sprint:
    return sprint_for_viewer(slug, request.auth)


def _help_request(request, slug: str, request_id: int) -> HelpRequest:
    sprint = _sprint(request, slug)
    item = selectors.get_request(sprint, _id(request_id, "help request"))
    if not may_view_request(request.auth, item):
        raise Http404("No such help request.")
    return item


@router.get(SPRINT + "/mentors", response={200: list[MentorOut], **errors(404)}, summary="The sprint's mentors")
def list_mentors(request, slug: str):
    return selectors.mentors_of(sprint_for_viewer(slug, viewer(request)))


@router.put(
    SPRINT + "/mentors/{int:user_id}/profile",
    auth=write_auth,
    response={200: MentorOut, **errors(400, 401, 403, 404, 422)},
    summary="Write a mentor's profile (the mentor, the sprint's organisers, staff)",
)
def update_mentor_profile(request, slug: str, user_id: int, payload: MentorProfileIn):
    sprint = _sprint(request, slug)
    mentor = next((person for person in selectors.mentors_of(sprint) if person.pk == _id(user_id, "mentor")), None)
    if mentor is None:
        raise Http404("No such mentor in this sprint.")
    mentor.profile = services.mentor_profile_update(
        actor=request.auth,
        user=mentor,
        expertise=[str(tag) for tag in payload.expertise],
        bio=payload.bio,
        timezone_name=payload.timezone,
    )
    return mentor


@router.get(SPRINT + "/office-hours", response={200: list[SlotOut], **errors(404)}, summary="Upcoming office hours")
def list_slots(request, slug: str):
    sprint = sprint_for_viewer(slug, viewer(request))
    return list(selectors.slots_of(sprint, upcoming_after=timezone.now()))


@router.post(
    SPRINT + "/office-hours",
    auth=write_auth,
    response={201: SlotOut, **errors(400, 401, 403, 404, 409, 422)},
    summary="Offer an office-hour slot (mentors of the sprint)",
)
def create_slot(request, slug: str, payload: SlotIn):
    sprint = _sprint(request, slug)
    site = None
    if payload.site is not None:
        site = LocalSite.objects.filter(pk=payload.site, sprint=sprint).first()
        if site is None:
            raise ServiceError({"site": [_("Choose one of this sprint's approved sites.")]})
    slot = services.slot_create(actor=request.auth, sprint=sprint, site=site, **payload.dict(exclude={"site"}))
    return Status(201, selectors.get_slot(sprint, slot.pk))


@router.delete(
    SPRINT + "/office-hours/{int:slot_id}",
    auth=write_auth,
    response={204: None, **errors(401, 403, 404, 409)},
    summary="Remove a slot before it starts (its mentor, organisers)",
)
def delete_slot(request, slug: str, slot_id: int):
    slot = selectors.get_slot(_sprint(request, slug), _id(slot_id, "slot"))
    services.slot_delete(actor=request.auth, slot=slot)
    return Status(204, None)


@router.post(
    SPRINT + "/office-hours/{int:slot_id}/bookings",
    auth=write_auth,
    response={201: BookingOut, **errors(400, 401, 403, 404, 409, 503)},
    summary="Book a place in a slot for the caller's team",
)
def book_slot(request, slug: str, slot_id: int):
    """409 when the slot is taken, has started, the team booked it already or holds too many bookings."""
    slot = selectors.get_slot(_sprint(request, slug), _id(slot_id, "slot"))
    return Status(201, services.slot_book(actor=request.auth, slot=slot))


@router.post(
    SPRINT + "/office-hour-bookings/{int:booking_id}/cancel",
    auth=write_auth,
    response={200: BookingOut, **errors(400, 401, 403, 404, 409)},
    summary="Cancel a booking before the slot starts",
)
def cancel_booking(request, slug: str, booking_id: int):
    booking = selectors.get_booking(_sprint(request, slug), _id(booking_id, "booking"))
    return services.booking_cancel(actor=request.auth, booking=booking)


@router.get(
    SPRINT + "/help-requests",
    auth=write_auth,
    response={200: list[HelpRequestOut], **errors(400, 401, 403, 404, 422)},
    summary="The help queue (mentors, organisers) or the caller's own requests",
)
def list_help_requests(request, slug: str, filters: Query[HelpQueueQuery]):
    """Mentors and organisers get the queue: open and claimed requests (or ``status``), the longest-waiting
    first, narrowed by ``tag``. Everyone else gets the requests they and their team made."""
    sprint = _sprint(request, slug)
    if request.auth.has_perm("mentoring.view_queue", sprint):
        return list(selectors.help_queue(sprint, tag=filters.tag or "", status=filters.status or ""))
    team = selectors.team_of(request.auth, sprint)
    return list(selectors.requests_of(request.auth, sprint, team))


@router.post(
    SPRINT + "/help-requests",
    auth=write_auth,
    response={201: HelpRequestOut, **errors(400, 401, 403, 404, 409, 422, 503)},
    summary="Ask the sprint's mentors for help",
)
def create_help_request(request, slug: str, payload: HelpRequestIn):
    sprint = _sprint(request, slug)
    track = None
    if payload.track is not None:
        track = sprint.tracks.filter(pk=payload.track).first()
        if track is None:
            raise ServiceError({"track": [_("Choose one of this sprint's tracks.")]})
    item = helpdesk.help_request_create(
        actor=request.auth,
        sprint=sprint,
        topic=payload.topic,
        description=payload.description,
        contact=payload.contact,
        tag=str(payload.tag or ""),
        track=track,
    )
    return Status(201, selectors.get_request(sprint, item.pk))


@router.get(
    SPRINT + "/help-requests/{int:request_id}",
    auth=write_auth,
    response={200: HelpRequestOut, **errors(401, 403, 404)},
    summary="One help request",
)
def get_help_request(request, slug: str, request_id: int):
    return _help_request(request, slug, request_id)


@router.post(
    SPRINT + "/help-requests/{int:request_id}/claim",
    auth=write_auth,
    response={200: HelpRequestOut, **errors(401, 403, 404, 409)},
    summary="Claim a help request (mentors); 409 when another mentor has it",
)
def claim_help_request(request, slug: str, request_id: int):
    item = _help_request(request, slug, request_id)
    return helpdesk.help_request_claim(actor=request.auth, request=item)


@router.post(
    SPRINT + "/help-requests/{int:request_id}/release",
    auth=write_auth,
    response={200: HelpRequestOut, **errors(401, 403, 404, 409)},
    summary="Give a claimed request back to the queue",
)
def release_help_request(request, slug: str, request_id: int):
    item = _help_request(request, slug, request_id)
    return helpdesk.help_request_release(actor=request.auth, request=item)


@router.post(
    SPRINT + "/help-requests/{int:request_id}/close",
    auth=write_auth,
    response={200: HelpRequestOut, **errors(400, 401, 403, 404, 409, 422)},
    summary="Close a help request with a note",
)
def close_help_request(request, slug: str, request_id: int, payload: CloseIn):
    item = _help_request(request, slug, request_id)
    return helpdesk.help_request_close(actor=request.auth, request=item, note=payload.note)


@router.post(
    SPRINT + "/help-requests/{int:request_id}/notes",
    auth=write_auth,
    response={201: NoteOut, **errors(400, 401, 403, 404, 409, 422)},
    summary="Add a note or an answer to a help request",
)
def add_help_note(request, slug: str, request_id: int, payload: NoteIn):
    item = _help_request(request, slug, request_id)
    return Status(201, helpdesk.help_note_add(actor=request.auth, request=item, body=payload.body))


@router.get(
    SPRINT + "/help-stats",
    auth=write_auth,
    response={200: HelpStatsOut, **errors(401, 403, 404)},
    summary="Counts, the median time to first answer and unclaimed requests (organisers)",
)
def help_stats(request, slug: str):
    sprint = _sprint(request, slug)
    if not request.auth.has_perm("mentoring.view_stats", sprint):
        raise PermissionDenied(_("Only the sprint's organisers see its mentor-help figures."))
    stats = selectors.help_stats(sprint, now=timezone.now())
    median: timedelta | None = stats.median_first_answer
    return {
        "open": stats.open,
        "claimed": stats.claimed,
        "closed": stats.closed,
        "answered": stats.answered,
        "median_first_answer_seconds": median.total_seconds() if median is not None else None,
        "unclaimed": [item.pk for item in stats.unclaimed],
        "alert_minutes": int(selectors.unclaimed_after().total_seconds() // 60),
    }
