"""/api/v1/registrations: register, read, cancel, switch, confirm; admission waves for organisers."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from sprintlab.api.auth import write_auth
from sprintlab.api.errors import errors
from sprintlab.core.errors import ServiceError
from sprintlab.core.validators import ObjectId, WindowedDateTime
from sprintlab.localsites.models import LocalSite
from sprintlab.registrations import admissions, check_in_codes, selectors, services
from sprintlab.registrations.models import ExperienceLevel, HeardFrom, Registration
from sprintlab.registrations.permissions import check_in_code_refusal
from sprintlab.sprints.models import Sprint
from sprintlab.sprints.selectors import sprint_by_slug, sprint_for_viewer

router = Router(tags=["registrations"])
# What a change to one registration can answer besides success.
CHANGE_ERRORS = errors(401, 403, 404, 409, 503)


class RegistrationIn(Schema):
    sprint: str = Field(..., max_length=100, description="The sprint's slug.")
    site: ObjectId | None = Field(None, description="An approved site of the sprint; null to take part remotely.")
    experience_level: ExperienceLevel
    background: str = Field("", max_length=300)
    motivation: str = Field("", max_length=3000)
    heard_from: HeardFrom | Literal[""] = ""
    first_sprint: bool = True
    accepted_code_of_conduct: bool = False
    consent_fellowship_contact: bool = False
    consent_public_listing: bool = False
    join_waitlist: bool = Field(True, description="Wait for a seat when full instead of being refused.")


class RegistrationOut(Schema):
    id: int
    status: str
    status_display: str
    sprint: str
    site: int | None
    site_name: str | None
    remote: bool
    experience_level: str
    background: str
    motivation: str
    heard_from: str
    first_sprint: bool
    consent_fellowship_contact: bool
    consent_public_listing: bool
    waitlist_position: int | None
    confirm_by: datetime | None
    created_at: datetime

    @staticmethod
    def resolve_status_display(obj: Registration) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_sprint(obj: Registration) -> str:
        return obj.sprint.slug

    @staticmethod
    def resolve_site(obj: Registration) -> int | None:
        return obj.site_id

    @staticmethod
    def resolve_site_name(obj: Registration) -> str | None:
        return obj.site.name if obj.site_id else None

    @staticmethod
    def resolve_remote(obj: Registration) -> bool:
        return obj.is_remote

    @staticmethod
    def resolve_waitlist_position(obj: Registration) -> int | None:
        if hasattr(obj, "waitlist_position"):
            return obj.waitlist_position
        return selectors.waitlist_position(obj)


class CheckInCodeOut(Schema):
    registration: int
    token: str = Field(
        description="What the QR code holds; a site's organisers post it to /sites/{id}/check-ins/by-code."
    )
    short_code: str = Field(description="The same, short enough to read out at the door.")
    svg: str = Field(description="The QR code as an SVG document.")
    svg_url: str = Field(description="The same image on the web (for the signed-in participant's browser).")
    page_url: str = Field(description="The page that shows the QR code full screen.")


class SwitchIn(Schema):
    site: ObjectId | None = Field(None, description="The new site's id; null to switch to remote.")
    join_waitlist: bool = True


class WaveIn(Schema):
    sprint: str = Field(..., max_length=100)
    site: ObjectId | None = None
    admit: list[ObjectId] = Field(default_factory=list, max_length=5000)
    waitlist: list[ObjectId] = Field(default_factory=list, max_length=5000)
    decline: list[ObjectId] = Field(default_factory=list, max_length=5000)
    message: str = Field("", max_length=5000)
    confirm_by: WindowedDateTime | None = None


class WaveSkipOut(Schema):
    registration: int
    person: str
    reason: str


class WaveOut(Schema):
    id: int
    number: int
    sprint: str
    site: int | None
    confirm_by: datetime
    admitted_count: int
    waitlisted_count: int
    declined_count: int
    skipped: list[WaveSkipOut] = Field(
        description="People left out because they changed place or status while the wave was sent, and why."
    )

    @staticmethod
    def resolve_sprint(obj) -> str:
        return obj.sprint.slug

    @staticmethod
    def resolve_site(obj) -> int | None:
        return obj.site_id


def _site_of(sprint: Sprint, site_id: int | None) -> LocalSite | None:
    if site_id is None:
        return None
    site = LocalSite.objects.filter(pk=site_id).first()
    if site is None:
        raise ServiceError({"site": [_("There is no site with this id.")]})
    if site.sprint_id != sprint.pk:
        raise ServiceError({"site": [_("This site belongs to another sprint.")]})
    return site


def _place_named(sprint_slug: str, site_id: int | None) -> tuple[Sprint, LocalSite | None]:
    """The sprint and site a registration names: one query when a site is named (with its sprint)."""
    if site_id is not None:
        site = selectors.site_with_sprint(site_id)
        if site is not None and site.sprint.slug == sprint_slug:
            return site.sprint, site
    sprint = sprint_by_slug(sprint_slug)
    if sprint is None:
        raise ServiceError({"sprint": [_("There is no sprint with this slug.")]})
    return sprint, _site_of(sprint, site_id)


def _registration_for(request, registration_id: int, perm: str) -> Registration:
    """Others' registrations answer 404; a visible one the caller may not change answers 403."""
    registration = selectors.get_registration_for_user(registration_id=registration_id, user=request.auth)
    if not request.auth.has_perm(perm, registration):
        raise PermissionDenied(_("You may not do this with this registration."))
    return registration


@router.post(
    "",
    auth=write_auth,
    response={200: RegistrationOut, 201: RegistrationOut, **errors(400, 401, 403, 404, 409, 422, 503)},
)
def create_registration(request, payload: RegistrationIn):
    """Register the caller. 201 with the new registration; 200 with the existing one on a repeat."""
    answers = payload.dict(exclude={"sprint", "site", "join_waitlist"})
    # Choices members print as their value.
    answers["experience_level"], answers["heard_from"] = str(answers["experience_level"]), str(answers["heard_from"])
    sprint, site = _place_named(payload.sprint, payload.site)
    registration, created = services.registration_create_or_get(
        actor=request.auth, sprint=sprint, site=site, join_waitlist=payload.join_waitlist, **answers
    )
    return Status(201 if created else 200, registration)


@router.get("/mine", auth=write_auth, response={200: list[RegistrationOut], **errors(401, 403)})
def my_registrations(request):
    return selectors.registrations_of_user(request.auth)


@router.get("/{int:registration_id}", auth=write_auth, response={200: RegistrationOut, **errors(401, 403, 404)})
def get_registration(request, registration_id: int):
    return selectors.get_registration_for_user(registration_id=registration_id, user=request.auth)


@router.post("/{int:registration_id}/cancel", auth=write_auth, response={200: RegistrationOut, **CHANGE_ERRORS})
def cancel_registration(request, registration_id: int):
    registration = _registration_for(request, registration_id, "registrations.cancel_registration")
    return services.registration_cancel(registration=registration, actor=request.auth)


@router.post(
    "/{int:registration_id}/switch",
    auth=write_auth,
    response={200: RegistrationOut, **errors(400, 401, 403, 404, 409, 422, 503)},
)
def switch_registration(request, registration_id: int, payload: SwitchIn):
    registration = _registration_for(request, registration_id, "registrations.switch_registration")
    site = _site_of(registration.sprint, payload.site)
    return services.registration_switch(
        registration=registration, site=site, actor=request.auth, join_waitlist=payload.join_waitlist
    )


@router.post("/{int:registration_id}/confirm", auth=write_auth, response={200: RegistrationOut, **CHANGE_ERRORS})
def confirm_offer(request, registration_id: int):
    registration = _registration_for(request, registration_id, "registrations.confirm_offer")
    return services.registration_confirm_offer(registration=registration, actor=request.auth)


@router.get(
    "/{int:registration_id}/check-in-code",
    auth=write_auth,
    response={200: CheckInCodeOut, **errors(401, 403, 404, 409)},
)
def get_check_in_code(request, registration_id: int):
    """The caller's check-in code for a confirmed seat at a site, until the sprint is over (409 otherwise)."""
    registration = selectors.get_registration_for_user(registration_id=registration_id, user=request.auth)
    refusal = check_in_code_refusal(request.auth, registration, now=timezone.now())
    if refusal is not None:
        raise refusal
    return {
        "registration": registration.pk,
        "token": check_in_codes.check_in_token(registration.pk),
        "short_code": check_in_codes.short_code(registration.pk),
        "svg": check_in_codes.qr_svg(registration.pk),
        "svg_url": request.build_absolute_uri(reverse("registrations:check_in_code_svg", args=[registration.pk])),
        "page_url": request.build_absolute_uri(reverse("registrations:check_in_code", args=[registration.pk])),
    }


@router.post("/admission-waves", auth=write_auth, response={201: WaveOut, **errors(400, 401, 403, 404, 409, 422, 503)})
def create_admission_wave(request, payload: WaveIn):
    """Admit, waitlist or decline applicants of a reviewed sprint (sprint organisers and staff)."""
    sprint = sprint_for_viewer(payload.sprint, request.auth)
    if not request.auth.has_perm("registrations.manage_admissions", sprint):
        raise PermissionDenied(_("Only the sprint's organisers decide about admissions."))
    wave = admissions.admission_wave_create(
        sprint=sprint,
        site=_site_of(sprint, payload.site),
        admit=payload.admit,
        waitlist=payload.waitlist,
        decline=payload.decline,
        message=payload.message,
        confirm_by=payload.confirm_by,
        actor=request.auth,
    )
    return Status(201, wave)
