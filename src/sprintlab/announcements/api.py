"""/api/v1/sprints/{slug}/announcements: write, preview, schedule, send and cancel announcements.

The same predicates and services as the pages: sprint organisers and staff address any audience,
site organisers only their own site's attendees; participants list and read the announcements
sent to them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from sprintlab.announcements import selectors, services
from sprintlab.announcements.models import Announcement, Audience, Segment
from sprintlab.announcements.permissions import may_view, organised_site_ids
from sprintlab.api.auth import write_auth
from sprintlab.api.errors import errors
from sprintlab.api.pagination import BoundedPageNumberPagination
from sprintlab.core.errors import ServiceError
from sprintlab.core.validators import ObjectId, WindowedDateTime
from sprintlab.localsites.models import LocalSite
from sprintlab.sprints.selectors import sprint_for_manager, sprint_for_viewer
from sprintlab.teams.models import Team

router = Router(tags=["announcements"])
ANNOUNCE = "announcements.announce"
CHANGE_ERRORS = errors(400, 401, 403, 404, 409, 422, 503)


class AudienceIn(Schema):
    audience: Audience = Audience.EVERYONE
    site: ObjectId | None = Field(None, description="The site (audience 'site'), or the site a segment is limited to.")
    team: ObjectId | None = Field(None, description="The team (audience 'team').")
    segments: list[Segment] = Field(
        default_factory=list,
        max_length=len(Segment.values),
        description="Audience 'segment': confirmed and waitlisted add up; the others narrow.",
    )


class AnnouncementIn(AudienceIn):
    title: str = Field(..., max_length=200)
    body: str = Field(..., max_length=10_000, description="Markdown.")
    mirror_to_chat: bool = Field(False, description="Also post it to the sprint's chat webhook (organisers only).")


class ScheduleIn(Schema):
    scheduled_for: WindowedDateTime = Field(..., description="When to send it; in the future. No zone means UTC.")


class PreviewOut(Schema):
    recipients: int


class ChannelStatsOut(Schema):
    queued: int
    sending: int
    sent: int
    failed: int


class DeliveryOut(Schema):
    email: ChannelStatsOut
    chat: ChannelStatsOut
    inbox: int
    inbox_read: int


class AnnouncementOut(Schema):
    id: int
    sprint: str
    title: str
    body: str
    audience: str
    audience_summary: str
    site: int | None
    team: int | None
    segments: list[str]
    status: Literal["draft", "scheduled", "sending", "sent", "cancelled"]
    scheduled_for: datetime | None
    sent_at: datetime | None
    recipient_count: int
    mirror_to_chat: bool
    created_at: datetime

    @staticmethod
    def resolve_sprint(obj: Announcement) -> str:
        return obj.sprint.slug

    @staticmethod
    def resolve_site(obj: Announcement) -> int | None:
        return obj.site_id

    @staticmethod
    def resolve_team(obj: Announcement) -> int | None:
        return obj.team_id


class AnnouncementDetailOut(AnnouncementOut):
    delivery: DeliveryOut | None = Field(description="Messages by channel and status; null for recipients.")


def _audience_objects(sprint, payload: AudienceIn) -> dict:
    site = team = None
    if payload.site is not None:
        site = LocalSite.objects.filter(sprint=sprint, pk=payload.site).first()
        if site is None:
            raise ServiceError({"site": [_("No such site in this sprint.")]})
    if payload.team is not None:
        team = Team.objects.filter(sprint=sprint, pk=payload.team).first()
        if team is None:
            raise ServiceError({"team": [_("No such team in this sprint.")]})
    return {"audience": payload.audience, "site": site, "team": team, "segments": list(payload.segments)}


def _announcement(sprint, announcement_id: int) -> Announcement:
    announcement = (
        Announcement.objects.filter(sprint=sprint, pk=announcement_id).select_related("sprint", "site", "team").first()
    )
    if announcement is None:
        raise Http404("No such announcement.")
    return announcement


def _detail(request, announcement: Announcement) -> Announcement:
    """The announcement, carrying its delivery figures for those who run it (``delivery``)."""
    may_run = request.auth.has_perm("announcements.manage_all", announcement.sprint) or (
        announcement.site_id in organised_site_ids(request.auth, announcement.sprint)
    )
    stats = selectors.delivery_stats(announcement) if may_run else None
    announcement.delivery = (
        {"email": stats.email, "chat": stats.chat, "inbox": stats.inbox, "inbox_read": stats.inbox_read}
        if stats
        else None
    )
    return announcement


@router.get(
    "sprints/{slug}/announcements",
    response={200: list[AnnouncementOut], **errors(400, 401, 403, 404, 422)},
    auth=write_auth,
    summary="Announcements of a sprint you may see",
)
@paginate(BoundedPageNumberPagination, page_size=50)
def list_announcements(request, slug: str):
    """Organisers and staff: all of them. Site organisers: their sites' and those sent to them. Others: those sent to them."""
    sprint = sprint_for_viewer(slug, request.auth)
    return selectors.announcements_for(request.auth, sprint)


@router.post(
    "sprints/{slug}/announcements",
    response={201: AnnouncementDetailOut, **CHANGE_ERRORS},
    auth=write_auth,
    summary="Write a draft announcement",
)
def create_announcement(request, slug: str, payload: AnnouncementIn):
    sprint = sprint_for_manager(slug, request.auth, ANNOUNCE)
    announcement = services.announcement_create(
        actor=request.auth,
        sprint=sprint,
        title=payload.title,
        body=payload.body,
        mirror_to_chat=payload.mirror_to_chat,
        **_audience_objects(sprint, payload),
    )
    return Status(201, _detail(request, announcement))


@router.post(
    "sprints/{slug}/announcements/preview",
    response={200: PreviewOut, **errors(400, 401, 403, 404, 422)},
    auth=write_auth,
    summary="How many people an audience reaches",
)
def preview_audience(request, slug: str, payload: AudienceIn):
    sprint = sprint_for_manager(slug, request.auth, ANNOUNCE)
    return {"recipients": selectors.audience_count(sprint, **_audience_objects(sprint, payload))}


@router.get(
    "sprints/{slug}/announcements/{int:announcement_id}",
    response={200: AnnouncementDetailOut, **errors(400, 401, 403, 404)},
    auth=write_auth,
    summary="One announcement, with its delivery figures for those who run it",
)
def get_announcement(request, slug: str, announcement_id: int):
    sprint = sprint_for_viewer(slug, request.auth)
    announcement = _announcement(sprint, announcement_id)
    if not may_view(request.auth, announcement):
        raise Http404("No such announcement.")
    return _detail(request, announcement)


@router.post(
    "sprints/{slug}/announcements/{int:announcement_id}/send",
    response={202: AnnouncementDetailOut, **CHANGE_ERRORS},
    auth=write_auth,
    summary="Send now (queued: the answer comes before the messages go out)",
)
def send_announcement(request, slug: str, announcement_id: int):
    sprint = sprint_for_manager(slug, request.auth, ANNOUNCE)
    announcement = services.announcement_send_now(
        actor=request.auth, announcement=_announcement(sprint, announcement_id)
    )
    return Status(202, _detail(request, announcement))


@router.post(
    "sprints/{slug}/announcements/{int:announcement_id}/schedule",
    response={200: AnnouncementDetailOut, **CHANGE_ERRORS},
    auth=write_auth,
    summary="Send at a given time",
)
def schedule_announcement(request, slug: str, announcement_id: int, payload: ScheduleIn):
    sprint = sprint_for_manager(slug, request.auth, ANNOUNCE)
    announcement = services.announcement_schedule(
        actor=request.auth, announcement=_announcement(sprint, announcement_id), when=payload.scheduled_for
    )
    return _detail(request, announcement)


@router.post(
    "sprints/{slug}/announcements/{int:announcement_id}/cancel",
    response={200: AnnouncementDetailOut, **CHANGE_ERRORS},
    auth=write_auth,
    summary="Cancel a draft or scheduled announcement",
)
def cancel_announcement(request, slug: str, announcement_id: int):
    sprint = sprint_for_manager(slug, request.auth, ANNOUNCE)
    announcement = services.announcement_cancel(actor=request.auth, announcement=_announcement(sprint, announcement_id))
    return _detail(request, announcement)
