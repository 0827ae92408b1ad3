"""/api/v1/sites/{site_id}/check-ins: check-in at the door, for a site's organisers.

The paths sit under the site, as the sites router's do, but check-in writes registrations
(``registrations.attendance``), so its endpoints live here, above the sites app. Their operation
ids stay those they had in the sites router, so clients generated from the schema keep working.
"""

from ninja import Field, Router, Schema

from sprintlab.api.auth import write_auth
from sprintlab.api.errors import errors
from sprintlab.localsites import selectors as site_selectors
from sprintlab.localsites.schemas import AttendeeOut, CheckInIn
from sprintlab.registrations import attendance, selectors
from sprintlab.registrations.check_in_codes import MAX_CODE_LENGTH

router = Router(tags=["sites"])
CHECK_IN_ERRORS = errors(400, 401, 403, 404, 409, 422)


class CheckInCodeIn(Schema):
    code: str = Field(
        ...,
        min_length=1,
        max_length=MAX_CODE_LENGTH,
        description="What the QR code holds (its token), or the short code the person reads out, e.g. 1234-7KQ2MX.",
    )


class CodeCheckInOut(AttendeeOut):
    already_checked_in: bool = Field(
        description="The person had been checked in before (checked_in_at says when); nothing changed."
    )


@router.post(
    "sites/{site_id}/check-ins",
    response={200: AttendeeOut, **CHECK_IN_ERRORS},
    auth=write_auth,
    summary="Check an attendee in",
    operation_id="sprintlab_localsites_api_create_check_in",
)
def create_check_in(request, site_id: int, payload: CheckInIn):
    site = site_selectors.get_site_by_id_for_user(request.auth, site_id, perm="localsites.check_in")
    registration = selectors.get_site_registration(site, payload.registration)
    return attendance.site_check_in(registration=registration, actor=request.auth)


# Declared before ".../check-ins/{registration_id}", whose pattern would otherwise take "by-code".
@router.post(
    "sites/{site_id}/check-ins/by-code",
    response={200: CodeCheckInOut, **CHECK_IN_ERRORS},
    auth=write_auth,
    summary="Check an attendee in by their QR code or short code",
)
def create_check_in_by_code(request, site_id: int, payload: CheckInCodeIn):
    """The same rules as a check-in by id. 400: an unknown or forged code; 409: another site's code,
    a registration that is not confirmed, or before check-in opens. Scanning twice answers 200 with
    ``already_checked_in`` true."""
    site = site_selectors.get_site_by_id_for_user(request.auth, site_id, perm="localsites.check_in")
    scan = attendance.site_check_in_by_code(site=site, code=payload.code, actor=request.auth)
    scan.registration.already_checked_in = scan.already_checked_in
    return scan.registration


@router.delete(
    "sites/{site_id}/check-ins/{registration_id}",
    response={200: AttendeeOut, **CHECK_IN_ERRORS},
    auth=write_auth,
    summary="Undo a check-in",
    operation_id="sprintlab_localsites_api_delete_check_in",
)
def delete_check_in(request, site_id: int, registration_id: int):
    site = site_selectors.get_site_by_id_for_user(request.auth, site_id, perm="localsites.check_in")
    registration = selectors.get_site_registration(site, registration_id)
    return attendance.site_check_in_undo(registration=registration, actor=request.auth)
