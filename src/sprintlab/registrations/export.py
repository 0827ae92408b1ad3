"""The registrations CSV: streamed row by row, and safe to open in a spreadsheet."""

from collections.abc import Iterator

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from sprintlab.core.dates import localtime_or_none
from sprintlab.registrations.models import Registration


def _when(value) -> str:
    local = localtime_or_none(value)
    if local is None:
        return value.isoformat() if value else ""
    return local.strftime("%Y-%m-%d %H:%M %Z")


def _yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


def registration_header() -> list[str]:
    return [
        _("Name"),
        _("Email"),
        _("Status"),
        _("Where"),
        _("City"),
        _("Country"),
        _("Experience"),
        _("Background"),
        _("First sprint"),
        _("Heard from"),
        _("Fellowship contact"),
        _("Public listing"),
        _("Registered"),
        _("Confirmed"),
        _("Checked in"),
    ]


def registration_row(registration: Registration) -> list[str]:
    user, site = registration.user, registration.site
    values = [
        user.name,
        user.email,
        registration.get_status_display(),
        f"{site.name}, {site.city}" if site else _("Remote"),
        user.city,
        user.country.name if user.country else "",
        registration.get_experience_level_display(),
        registration.background,
        _yes_no(registration.first_sprint),
        registration.get_heard_from_display(),
        _yes_no(registration.consent_fellowship_contact),
        _yes_no(registration.consent_public_listing),
        _when(registration.created_at),
        _when(registration.confirmed_at),
        _when(registration.checked_in_at),
    ]
    return values


def registration_rows(registrations: QuerySet[Registration]) -> Iterator[list[str]]:
    """The rows for ``core.csv_export.csv_download``, read in chunks so a large sprint streams."""
    return (registration_row(registration) for registration in registrations.iterator(chunk_size=2000))
