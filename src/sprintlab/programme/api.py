"""/api/v1: a sprint's sessions, speakers and resources; the caller's agenda and calendar feed.

Reads of a published sprint's schedule and resources are public (as the pages are); writes take a
token or the browser session and run the same services, so the permission rules are the pages'.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from sprintlab.api.auth import viewer, write_auth
from sprintlab.api.errors import errors
from sprintlab.core.errors import ServiceError
from sprintlab.core.validators import ObjectId, WindowedDateTime
from sprintlab.localsites.models import LocalSite
from sprintlab.programme import selectors, services, services_resources
from sprintlab.programme.models import Resource, ResourceCategory, Session, SessionKind, Speaker
from sprintlab.sprints.models import Sprint
from sprintlab.sprints.selectors import sprint_for_viewer

router = Router(tags=["programme"])
WRITE_ERRORS = errors(400, 401, 403, 404, 409, 422, 503)
SLUG = Field(..., max_length=100, description="The sprint's slug.")


class SpeakerOut(Schema):
    id: int
    name: str
    affiliation: str
    bio: str
    link: str


class SessionOut(Schema):
    id: int
    uid: str = Field(description="Stable across every change; the calendar feeds' UID is session-<uid>@<host>.")
    sprint: str
    kind: str
    title: str
    description: str
    starts_at: datetime
    ends_at: datetime
    online_url: str
    site: int | None
    site_name: str | None
    speakers: list[SpeakerOut] = Field(description="In the order the programme lists them.")
    sequence: int = Field(description="Grows with each change a calendar shows (time, place, title, cancellation).")
    cancelled_at: datetime | None

    @staticmethod
    def resolve_uid(obj: Session) -> str:
        return str(obj.uid)

    @staticmethod
    def resolve_sprint(obj: Session) -> str:
        return obj.sprint.slug

    @staticmethod
    def resolve_site(obj: Session) -> int | None:
        return obj.site_id

    @staticmethod
    def resolve_site_name(obj: Session) -> str | None:
        return obj.site.name if obj.site_id else None

    @staticmethod
    def resolve_speakers(obj: Session) -> list[Speaker]:
        return [link.speaker for link in obj.speaker_links.all()]


class SessionIn(Schema):
    kind: SessionKind
    title: str = Field(..., min_length=1, max_length=200)
    description: str = Field("", max_length=5000)
    starts_at: WindowedDateTime
    ends_at: WindowedDateTime
    online_url: str = Field("", max_length=500)
    site: ObjectId | None = Field(None, description="A site of the sprint; null for online only.")
    speakers: list[ObjectId] = Field(default_factory=list, max_length=50, description="Speaker ids, in order.")


class SessionPatch(Schema):
    kind: SessionKind | None = None
    title: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = Field(None, max_length=5000)
    starts_at: WindowedDateTime | None = None
    ends_at: WindowedDateTime | None = None
    online_url: str | None = Field(None, max_length=500)
    site: ObjectId | None = Field(None, description="A site of the sprint; send null with clear_site to remove it.")
    clear_site: bool = Field(False, description="Make the session online only.")
    speakers: list[ObjectId] | None = Field(None, max_length=50)


class SpeakerIn(Schema):
    name: str = Field(..., min_length=1, max_length=150)
    affiliation: str = Field("", max_length=150)
    bio: str = Field("", max_length=2000)
    link: str = Field("", max_length=500)


class SpeakerPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=150)
    affiliation: str | None = Field(None, max_length=150)
    bio: str | None = Field(None, max_length=2000)
    link: str | None = Field(None, max_length=500)


class ResourceOut(Schema):
    id: int
    category: str
    category_display: str
    title: str
    url: str
    notes: str
    position: int

    @staticmethod
    def resolve_category_display(obj: Resource) -> str:
        return str(obj.get_category_display())


class ResourceIn(Schema):
    category: ResourceCategory
    title: str = Field(..., min_length=1, max_length=200)
    url: str = Field(..., max_length=500)
    notes: str = Field("", max_length=5000)


class ResourcePatch(Schema):
    category: ResourceCategory | None = None
    title: str | None = Field(None, min_length=1, max_length=200)
    url: str | None = Field(None, max_length=500)
    notes: str | None = Field(None, max_length=5000)


class MoveIn(Schema):
    direction: Literal["up", "down"]


class CopyIn(Schema):
    source_sprint: str = Field(..., max_length=100, description="The slug of the sprint to copy from.")


class AgendaOut(Schema):
    sessions: list[SessionOut]
    starred: list[int] = Field(description="Ids of the sessions the caller starred; the rest come with their place.")


class FeedOut(Schema):
    url: str = Field(description="The private https address of the caller's calendar feed.")
    webcal_url: str


def _site_of(sprint: Sprint, site_id: int | None) -> LocalSite | None:
    if site_id is None:
        return None
    site = LocalSite.objects.filter(pk=site_id, sprint=sprint).first()
    if site is None:
        raise ServiceError({"site": [_("There is no site with this id in this sprint.")]})
    return site


def _speakers_of(sprint: Sprint, ids: list[int]) -> list[Speaker]:
    found = {speaker.pk: speaker for speaker in Speaker.objects.filter(sprint=sprint, pk__in=ids)}
    missing = [speaker_id for speaker_id in ids if speaker_id not in found]
    if missing:
        raise ServiceError({"speakers": [_("There is no speaker with id %(id)s in this sprint.") % {"id": missing[0]}]})
    return [found[speaker_id] for speaker_id in ids]


def _session_for(request, session_id: int) -> Session:
    """A session of a sprint the caller may see (404 otherwise)."""
    session = selectors.session_by_id(session_id)
    sprint_for_viewer(session.sprint.slug, request.auth)
    return session


def _reloaded(session: Session) -> Session:
    return selectors.session_by_id(session.pk)


# --- Sessions ------------------------------------------------------------------------------------


@router.get(
    "/sprints/{slug}/sessions", response={200: list[SessionOut], **errors(400, 404, 422)}, summary="A sprint's schedule"
)
def list_sessions(request, slug: str, kind: SessionKind | None = None):
    """Every session of the sprint in time order, cancelled ones too (``cancelled_at`` set)."""
    sprint = sprint_for_viewer(slug, viewer(request))
    return selectors.filtered_sessions(sprint, kind=kind or "")


@router.post("/sprints/{slug}/sessions", auth=write_auth, response={201: SessionOut, **WRITE_ERRORS})
def create_session(request, slug: str, payload: SessionIn):
    """Add a session (the sprint's organisers; a site's organisers at their own site)."""
    sprint = sprint_for_viewer(slug, request.auth)
    session = services.session_create(
        actor=request.auth,
        sprint=sprint,
        kind=str(payload.kind),
        title=payload.title,
        description=payload.description,
        starts_at=payload.starts_at,
        ends_at=payload.ends_at,
        online_url=payload.online_url,
        site=_site_of(sprint, payload.site),
        speakers=_speakers_of(sprint, payload.speakers),
    )
    return Status(201, _reloaded(session))


@router.patch("/sessions/{int:session_id}", auth=write_auth, response={200: SessionOut, **WRITE_ERRORS})
def update_session(request, session_id: int, payload: SessionPatch):
    """Change a session; a change of time, place or title raises its ``sequence``."""
    session = _session_for(request, session_id)
    data = payload.dict(exclude_unset=True)
    speakers = data.pop("speakers", None)
    clear_site = data.pop("clear_site", False)
    changes = {key: value for key, value in data.items() if value is not None}
    if "kind" in changes:
        changes["kind"] = str(changes["kind"])
    if "site" in changes:
        changes["site"] = _site_of(session.sprint, changes["site"])
    elif clear_site:
        changes["site"] = None
    session = services.session_update(
        actor=request.auth,
        session=session,
        speakers=_speakers_of(session.sprint, speakers) if speakers is not None else None,
        **changes,
    )
    return _reloaded(session)


@router.post("/sessions/{int:session_id}/cancel", auth=write_auth, response={200: SessionOut, **WRITE_ERRORS})
def cancel_session(request, session_id: int):
    session = services.session_cancel(actor=request.auth, session=_session_for(request, session_id))
    return _reloaded(session)


# --- Speakers ------------------------------------------------------------------------------------


@router.get("/sprints/{slug}/speakers", response={200: list[SpeakerOut], **errors(404)})
def list_speakers(request, slug: str):
    return selectors.sprint_speakers(sprint_for_viewer(slug, viewer(request)))


@router.post("/sprints/{slug}/speakers", auth=write_auth, response={201: SpeakerOut, **WRITE_ERRORS})
def create_speaker(request, slug: str, payload: SpeakerIn):
    sprint = sprint_for_viewer(slug, request.auth)
    return Status(201, services.speaker_create(actor=request.auth, sprint=sprint, **payload.dict()))


@router.patch("/sprints/{slug}/speakers/{int:speaker_id}", auth=write_auth, response={200: SpeakerOut, **WRITE_ERRORS})
def update_speaker(request, slug: str, speaker_id: int, payload: SpeakerPatch):
    sprint = sprint_for_viewer(slug, request.auth)
    speaker = selectors.speaker_of_sprint(sprint, speaker_id)
    changes = {key: value for key, value in payload.dict(exclude_unset=True).items() if value is not None}
    return services.speaker_update(actor=request.auth, speaker=speaker, **changes)


# --- The caller's agenda and calendar feed --------------------------------------------------------


def _agenda(user, sprint: Sprint | None = None) -> dict:
    return {
        "sessions": list(selectors.agenda_sessions(user, sprint=sprint)),
        "starred": sorted(selectors.starred_session_ids(user, sprint)),
    }


@router.get("/me/agenda", auth=write_auth, response={200: AgendaOut, **errors(400, 401, 403, 404, 422)})
def my_agenda(request, sprint: str | None = Query(None, max_length=100, description="Only this sprint (its slug).")):
    """The caller's agenda across their sprints (or one sprint): starred, everyone's and their site's sessions."""
    return _agenda(request.auth, sprint_for_viewer(sprint, request.auth) if sprint else None)


@router.post("/me/agenda/{int:session_id}", auth=write_auth, response={200: AgendaOut, 201: AgendaOut, **WRITE_ERRORS})
def add_to_agenda(request, session_id: int):
    """Star a session (people registered for its sprint). 201 when new, 200 when it was already starred."""
    _item, created = services.agenda_add(actor=request.auth, session=_session_for(request, session_id))
    return Status(201 if created else 200, _agenda(request.auth))


@router.delete("/me/agenda/{int:session_id}", auth=write_auth, response={200: AgendaOut, **WRITE_ERRORS})
def remove_from_agenda(request, session_id: int):
    services.agenda_remove(actor=request.auth, session=_session_for(request, session_id))
    return _agenda(request.auth)


def _feed_out(request, token: str) -> dict:
    url = request.build_absolute_uri(reverse("programme:personal_ics", kwargs={"token": token}))
    return {"url": url, "webcal_url": "webcal://" + url.split("://", 1)[1]}


@router.get("/me/calendar-feed", auth=write_auth, response={200: FeedOut, **errors(401, 403, 503)})
def get_calendar_feed(request):
    """The caller's private feed address (made on first use)."""
    return _feed_out(request, services.calendar_feed_token_get_or_create(actor=request.auth).token)


@router.post("/me/calendar-feed/reset", auth=write_auth, response={200: FeedOut, **errors(401, 403, 503)})
def reset_calendar_feed(request):
    """A new address; the old one answers 404 from now on."""
    return _feed_out(request, services.calendar_feed_token_reset(actor=request.auth).token)


# --- Resources -----------------------------------------------------------------------------------


@router.get("/sprints/{slug}/resources", response={200: list[ResourceOut], **errors(404)})
def list_resources(request, slug: str):
    """The sprint's resources by category (in the categories' order), then by position."""
    sprint = sprint_for_viewer(slug, viewer(request))
    return [resource for group in selectors.resources_by_category(sprint) for resource in group.resources]


@router.post("/sprints/{slug}/resources", auth=write_auth, response={201: ResourceOut, **WRITE_ERRORS})
def create_resource(request, slug: str, payload: ResourceIn):
    sprint = sprint_for_viewer(slug, request.auth)
    data = payload.dict()
    data["category"] = str(data["category"])
    return Status(201, services_resources.resource_create(actor=request.auth, sprint=sprint, **data))


def _resource_for(request, slug: str, resource_id: int) -> Resource:
    return selectors.resource_of_sprint(sprint_for_viewer(slug, request.auth), resource_id)


@router.patch(
    "/sprints/{slug}/resources/{int:resource_id}", auth=write_auth, response={200: ResourceOut, **WRITE_ERRORS}
)
def update_resource(request, slug: str, resource_id: int, payload: ResourcePatch):
    changes = {key: value for key, value in payload.dict(exclude_unset=True).items() if value is not None}
    if "category" in changes:
        changes["category"] = str(changes["category"])
    resource = _resource_for(request, slug, resource_id)
    return services_resources.resource_update(actor=request.auth, resource=resource, **changes)


@router.delete("/sprints/{slug}/resources/{int:resource_id}", auth=write_auth, response={204: None, **WRITE_ERRORS})
def delete_resource(request, slug: str, resource_id: int):
    services_resources.resource_delete(actor=request.auth, resource=_resource_for(request, slug, resource_id))
    return Status(204, None)


@router.post(
    "/sprints/{slug}/resources/{int:resource_id}/move", auth=write_auth, response={200: ResourceOut, **WRITE_ERRORS}
)
def move_resource(request, slug: str, resource_id: int, payload: MoveIn):
    """Swap with the neighbour above or below in its category."""
    resource = _resource_for(request, slug, resource_id)
    return services_resources.resource_move(actor=request.auth, resource=resource, direction=payload.direction)


@router.post("/sprints/{slug}/resources/copy", auth=write_auth, response={201: list[ResourceOut], **WRITE_ERRORS})
def copy_resources(request, slug: str, payload: CopyIn):
    """Copy every resource of another sprint the caller may see to the end of this sprint's."""
    sprint = sprint_for_viewer(slug, request.auth)
    source = Sprint.objects.filter(slug=payload.source_sprint).first()
    if source is None:
        raise ServiceError({"source_sprint": [_("There is no sprint with this slug.")]})
    copies = services_resources.resources_copy_from(actor=request.auth, sprint=sprint, source_sprint=source)
    return Status(201, copies)
