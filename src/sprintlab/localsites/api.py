"""The sites API under /api/v1/: public site lists, applications and decisions, check-in.

Same services and permission checks as the pages. Reads of public sites need no token; a sent
token or session lets organisers also read sites that are not public yet.
"""

import dataclasses

from django.http import Http404
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate

from sprintlab.api.auth import viewer, write_auth
from sprintlab.api.errors import errors
from sprintlab.api.pagination import BoundedLimitOffsetPagination
from sprintlab.localsites import selectors, services
from sprintlab.localsites.models import LocalSite, SiteStatus
from sprintlab.localsites.schemas import (
    ApplicationOut,
    AttendeeOut,
    DecisionIn,
    SiteApplicationIn,
    SiteApplicationPatch,
    SiteListItemOut,
    SiteOut,
)
from sprintlab.registrations import selectors as registration_selectors
from sprintlab.sprints.selectors import sprint_for_viewer

router = Router(tags=["sites"])
# What a change to one application or site can answer besides success.
DECISION_ERRORS = errors(400, 401, 403, 404, 409, 422)


def _application_for(user, site_id: int) -> LocalSite:
    """An application ``user`` may see, with what the response needs (404 otherwise)."""
    site = selectors.with_application_details(LocalSite.objects.filter(pk=site_id)).first()
    if site is None or not user.has_perm("localsites.view_application", site):
        raise Http404
    return registration_selectors.with_seats([site])[0]


def _reloaded(site: LocalSite) -> LocalSite:
    return registration_selectors.with_seats(
        [selectors.with_application_details(LocalSite.objects.filter(pk=site.pk)).get()]
    )[0]


class SitesWithSeatsPagination(BoundedLimitOffsetPagination):
    """Pages of sites, each with its seats counted (one query per page, not per site)."""

    def paginate_queryset(self, queryset, pagination, request, **params):
        page = super().paginate_queryset(queryset, pagination, request, **params)
        return {**page, "items": registration_selectors.with_seats(page["items"])}


class SiteFilters(Schema):
    country: str = ""
    q: str = ""


@router.get(
    "sprints/{slug}/sites",
    response={200: list[SiteListItemOut], **errors(400, 404, 422)},
    summary="Approved sites of a sprint",
)
def list_sites(request, slug: str, filters: Query[SiteFilters]):
    sprint = sprint_for_viewer(slug, viewer(request))
    return registration_selectors.with_seats(
        selectors.public_sites(sprint, country=filters.country[:2], query=filters.q[:100])
    )


@router.get("sites/{site_id}", response={200: SiteOut, **errors(404, 422)}, summary="One site")
def get_site(request, site_id: int):
    return registration_selectors.with_seats([selectors.get_site_by_id_for_user(viewer(request), site_id)])[0]


@router.post(
    "sprints/{slug}/site-applications",
    response={201: ApplicationOut, **errors(400, 401, 403, 404, 409, 422, 429)},
    auth=write_auth,
    summary="Apply to host a site",
)
def create_application(request, slug: str, payload: SiteApplicationIn):
    sprint = sprint_for_viewer(slug, request.auth)
    data = payload.dict()
    co_organisers = data.pop("co_organisers")
    site = services.site_application_submit(
        sprint=sprint,
        actor=request.auth,
        data=services.SiteApplicationData(**data, co_organiser_emails=co_organisers),
    )
    return Status(201, _reloaded(site))


class ApplicationFilters(Schema):
    sprint: str = ""
    status: SiteStatus | None = None


@router.get(
    "site-applications",
    response={200: list[ApplicationOut], **errors(400, 401, 403, 422)},
    auth=write_auth,
    summary="Mine and those I review",
)
@paginate(SitesWithSeatsPagination)
def list_applications(request, filters: Query[ApplicationFilters]):
    return selectors.applications_visible_to(request.auth, sprint_slug=filters.sprint, status=filters.status or "")


@router.get(
    "site-applications/{site_id}",
    response={200: ApplicationOut, **errors(401, 403, 404, 422)},
    auth=write_auth,
    summary="One application",
)
def get_application(request, site_id: int):
    return _application_for(request.auth, site_id)


@router.patch(
    "site-applications/{site_id}",
    response={200: ApplicationOut, **DECISION_ERRORS, **errors(429)},
    auth=write_auth,
    summary="Edit my application",
)
def update_application(request, site_id: int, payload: SiteApplicationPatch):
    site = _application_for(request.auth, site_id)
    changes = payload.dict(exclude_unset=True)
    if "co_organisers" in changes:
        changes["co_organiser_emails"] = changes.pop("co_organisers") or []
    data = dataclasses.replace(services.SiteApplicationData.from_site(site), **changes)
    site = services.site_application_update(site=site, actor=request.auth, data=data)
    return _reloaded(site)


@router.post(
    "site-applications/{site_id}/approve",
    response={200: ApplicationOut, **DECISION_ERRORS},
    auth=write_auth,
    summary="Approve",
)
def approve_application(request, site_id: int):
    site = services.site_application_approve(site=_application_for(request.auth, site_id), actor=request.auth)
    return _reloaded(site)


@router.post(
    "site-applications/{site_id}/reject",
    response={200: ApplicationOut, **DECISION_ERRORS},
    auth=write_auth,
    summary="Reject",
)
def reject_application(request, site_id: int, payload: DecisionIn):
    site = services.site_application_reject(
        site=_application_for(request.auth, site_id), actor=request.auth, reason=payload.reason
    )
    return _reloaded(site)


@router.post(
    "site-applications/{site_id}/request-changes",
    response={200: ApplicationOut, **DECISION_ERRORS},
    auth=write_auth,
    summary="Ask for changes",
)
def request_changes(request, site_id: int, payload: DecisionIn):
    site = services.site_application_request_changes(
        site=_application_for(request.auth, site_id), actor=request.auth, message=payload.reason
    )
    return _reloaded(site)


@router.post(
    "site-applications/{site_id}/withdraw",
    response={200: ApplicationOut, **DECISION_ERRORS},
    auth=write_auth,
    summary="Withdraw",
)
def withdraw_application(request, site_id: int):
    site = services.site_application_withdraw(site=_application_for(request.auth, site_id), actor=request.auth)
    return _reloaded(site)


@router.get(
    "sites/{site_id}/attendees",
    response={200: list[AttendeeOut], **errors(401, 403, 404, 422)},
    auth=write_auth,
    summary="A site's people",
)
def list_attendees(request, site_id: int):
    site = selectors.get_site_by_id_for_user(request.auth, site_id, perm="localsites.view_attendees")
    return list(registration_selectors.site_registrations(site).order_by("status", "created_at"))
