"""The sprints API at /api/v1/sprints: public reads, organiser writes, the registrations table."""

from datetime import UTC, datetime

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from sprintlab.api.auth import viewer, write_auth
from sprintlab.api.errors import errors
from sprintlab.api.pagination import BoundedPageNumberPagination
from sprintlab.core.errors import ServiceError
from sprintlab.registrations.permissions import takes_registrations
from sprintlab.registrations.selectors import (
    RegistrationFilters,
    registrations_for_organisers,
    sprint_public_stats,
    sprint_seats,
    with_registered_count,
)
from sprintlab.sprints.models import Partner, ResearchArea, Sprint, SprintMembership, TimelineStep
from sprintlab.sprints.schemas import (
    CloneIn,
    OrganiserRegistrationOut,
    SprintIn,
    SprintListOut,
    SprintOut,
    SprintPatch,
    TeamMemberIn,
    TeamMemberOut,
)
from sprintlab.sprints.selectors import (
    SEARCH_MAX_LENGTH,
    WHEN_CHOICES,
    account_by_email,
    published_sprints,
    sprint_for_manager,
    sprint_for_viewer,
    team_memberships,
)
from sprintlab.sprints.services import (
    sprint_clone,
    sprint_create,
    sprint_membership_add,
    sprint_membership_remove,
    sprint_update,
)

router = Router(tags=["sprints"])

LIST_FIELDS = ("partners", "tracks", "prizes")


class SprintListQuery(Schema):
    when: str = "upcoming"
    area: str = ""
    q: str = Field("", max_length=SEARCH_MAX_LENGTH)


class RegistrationQuery(Schema):
    status: str = ""
    where: str = ""
    country: str = ""
    experience: str = ""
    first_sprint: str = ""
    search: str = ""


def _aware(value):
    """Times sent without a zone are UTC (the API documents it); Django stores them aware."""
    if isinstance(value, datetime) and timezone.is_naive(value):
        return value.replace(tzinfo=UTC)
    return value


def _step(step: TimelineStep | None) -> dict | None:
    return {"key": step.key, "label": str(step.label), "at": step.at} if step else None


def _absolute(request, url: str) -> str:
    return request.build_absolute_uri(url)


def _sprint_out(request, sprint: Sprint) -> dict:
    """The detail shape; ``sprint`` comes with partners, tracks and prizes prefetched."""
    now = timezone.now()
    stats = sprint_public_stats(sprint)
    return {
        **{
            field: getattr(sprint, field)
            for field in (
                "slug",
                "title",
                "tagline",
                "research_area",
                "description",
                "rules",
                "code_of_conduct",
                "capacity",
                "remote_allowed",
                "admission_mode",
                "confirm_window_hours",
                "is_published",
                "registration_closes_at",
                "team_size_min",
                "team_size_max",
                "team_formation_closes_at",
                "team_formation_deadline",
                "submission_grace_minutes",
            )
        },
        "cover_image": _absolute(request, sprint.cover_image.url) if sprint.cover_image else None,
        "phase": sprint.phase_at(now),
        "registration_is_open": takes_registrations(sprint, now=now),
        "seats_left": sprint_seats(sprint, now=now).left_at(None),
        "timeline": [_step(step) for step in sprint.timeline()],
        "next_step": _step(sprint.next_step(now)),
        "stats": {
            key: getattr(stats, key) for key in ("registered", "remote", "at_sites", "countries", "approved_sites")
        },
        "tracks": list(sprint.tracks.all()),
        "prizes": list(sprint.prizes.all()),
        "partners": [
            {"id": p.pk, "name": p.name, "url": p.url, "logo": _absolute(request, p.logo.url) if p.logo else None}
            for p in sprint.partners.all()
        ],
        "url": _absolute(request, sprint.get_absolute_url()),
    }


def _partners(ids: list[int]) -> list[Partner]:
    partners = list(Partner.objects.filter(pk__in=ids))
    missing = sorted(set(ids) - {p.pk for p in partners})
    if missing:
        raise ServiceError({"partners": [_("Unknown partner id(s): %(ids)s.") % {"ids": ", ".join(map(str, missing))}]})
    return partners


def _service_arguments(payload: dict) -> dict:
    """Split a request body into the services' ``values`` and their list arguments."""
    lists = {name: payload.pop(name) for name in LIST_FIELDS if name in payload}
    arguments = {"values": {name: _aware(value) for name, value in payload.items()}}
    if lists.get("partners") is not None:
        arguments["partners"] = _partners(lists["partners"])
    for name in ("tracks", "prizes"):
        if lists.get(name) is not None:
            arguments[name] = lists[name]
    return arguments


@router.get("", response={200: list[SprintListOut], **errors(400, 422)}, summary="Published sprints")
@paginate(BoundedPageNumberPagination, page_size=24)
def list_sprints(request, filters: Query[SprintListQuery]):
    """Published sprints: `when` is upcoming (default), running or past; `area` narrows to one research area;
    `q` (at most 100 characters) keeps the sprints whose title, tagline, a track or a co-host contains every
    word of it, ignoring case."""
    if filters.when not in WHEN_CHOICES:
        raise ServiceError({"when": [_("Choose one of: %(choices)s.") % {"choices": ", ".join(WHEN_CHOICES)}]})
    if filters.area and filters.area not in ResearchArea.values:
        raise ServiceError(
            {
                "area": [
                    _("Unknown research area; choose one of: %(choices)s.")
                    % {"choices": ", ".join(ResearchArea.values)}
                ]
            }
        )
    return with_registered_count(published_sprints(when=filters.when, area=filters.area, query=filters.q))


@router.get("/{slug}", response={200: SprintOut, **errors(404)}, summary="One sprint")
def get_sprint(request, slug: str):
    """A sprint with its timeline, phase, live counts, tracks, prizes and partners. Drafts answer 404 unless
    the caller organises or co-hosts them."""
    return _sprint_out(request, sprint_for_viewer(slug, viewer(request), with_content=True))


@router.post(
    "",
    response={201: SprintOut, **errors(400, 401, 403, 422)},
    auth=write_auth,
    summary="Create a sprint (staff and organisers)",
)
def create_sprint(request, payload: SprintIn):
    if not request.user.has_perm("sprints.create_sprint"):
        raise PermissionDenied(_("Only staff and people with the organiser role create sprints."))
    sprint = sprint_create(actor=request.user, **_service_arguments(payload.dict()))
    return Status(201, _sprint_out(request, sprint_for_viewer(sprint.slug, request.user, with_content=True)))


@router.patch(
    "/{slug}",
    response={200: SprintOut, **errors(400, 401, 403, 404, 422, 503)},
    auth=write_auth,
    summary="Change a sprint (organisers)",
)
def update_sprint(request, slug: str, payload: SprintPatch):
    sprint = sprint_for_manager(slug, request.user, "sprints.change_sprint")
    sprint = sprint_update(actor=request.user, sprint=sprint, **_service_arguments(payload.dict(exclude_unset=True)))
    return _sprint_out(request, sprint_for_viewer(sprint.slug, request.user, with_content=True))


@router.post(
    "/{slug}/clone",
    response={201: SprintOut, **errors(400, 401, 403, 404, 422)},
    auth=write_auth,
    summary="Clone a sprint onto new dates",
)
def clone_sprint(request, slug: str, payload: CloneIn):
    source = sprint_for_manager(slug, request.user, "sprints.clone_sprint")
    clone = sprint_clone(
        actor=request.user,
        source=source,
        kickoff_at=_aware(payload.kickoff_at),
        slug=payload.slug,
        title=payload.title,
    )
    return Status(201, _sprint_out(request, sprint_for_viewer(clone.slug, request.user, with_content=True)))


@router.get(
    "/{slug}/registrations",
    response={200: list[OrganiserRegistrationOut], **errors(400, 401, 403, 404, 422)},
    auth=write_auth,
    summary="Registrations of a sprint (organisers and partner co-hosts)",
)
@paginate(BoundedPageNumberPagination, page_size=50)
def list_registrations(request, slug: str, filters: Query[RegistrationQuery]):
    sprint = sprint_for_manager(slug, request.user, "sprints.view_registrations")
    return registrations_for_organisers(sprint, RegistrationFilters(**filters.dict()))


@router.get(
    "/{slug}/team",
    response={200: list[TeamMemberOut], **errors(401, 403, 404)},
    auth=write_auth,
    summary="Organisers and co-hosts (organisers)",
)
def list_team(request, slug: str):
    return list(team_memberships(sprint_for_manager(slug, request.user, "sprints.change_sprint")))


@router.post(
    "/{slug}/team",
    response={200: TeamMemberOut, 201: TeamMemberOut, **errors(400, 401, 403, 404, 409, 422, 429)},
    auth=write_auth,
    summary="Add an organiser or partner co-host by email",
)
def add_team_member(request, slug: str, payload: TeamMemberIn):
    """201 with the new role; 200 with the existing one when the person already has it (nothing changes)."""
    sprint = sprint_for_manager(slug, request.user, "sprints.change_sprint")
    member = account_by_email(payload.email, looked_up_by=request.user)
    if member is None:
        raise ServiceError({"email": [_("No account uses this address. Ask them to sign up first.")]})
    partner = None
    if payload.partner is not None:
        partner = Partner.objects.filter(pk=payload.partner).first()
        if partner is None:
            raise ServiceError({"partner": [_("Unknown partner id: %(id)s.") % {"id": payload.partner}]})
    added = sprint_membership_add(actor=request.user, sprint=sprint, user=member, role=payload.role, partner=partner)
    return Status(201 if added.created else 200, team_memberships(sprint).get(pk=added.membership.pk))


@router.delete(
    "/{slug}/team/{membership_id}",
    response={204: None, **errors(400, 401, 403, 404, 409, 422)},
    auth=write_auth,
    summary="Remove an organiser or co-host (never the last organiser)",
)
def remove_team_member(request, slug: str, membership_id: int):
    sprint = sprint_for_manager(slug, request.user, "sprints.change_sprint")
    membership = get_object_or_404(SprintMembership, pk=membership_id, sprint=sprint)
    sprint_membership_remove(membership=membership, actor=request.user)
    return Status(204, None)
