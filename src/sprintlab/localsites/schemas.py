"""Shapes of the sites API; validation beyond types happens in the services (shared with the forms).

``seats_taken`` and ``seats_left`` are set on each site by ``registrations.selectors.with_seats``.
"""

from datetime import datetime
from decimal import Decimal

from ninja import Field, Schema

from sprintlab.core.geography import region_for
from sprintlab.core.validators import Email, ObjectId, WindowedDateTime

SITE_FIELDS_HELP = "Times without an offset are wall-clock times in the site's `timezone`."


class OrganiserOut(Schema):
    name: str
    is_lead: bool


class SiteOut(Schema):
    id: int
    sprint: str = Field(description="The sprint's slug.")
    slug: str
    name: str
    description: str
    address: str
    city: str
    country: str
    country_name: str
    region: str
    latitude: Decimal | None
    longitude: Decimal | None
    capacity: int
    seats_taken: int
    seats_left: int = Field(
        description="Seats one more person can take here now: the smaller of the site's and the sprint's free "
        "seats; 0 once registration has closed. The same count the pages show."
    )
    accessibility_notes: str
    timezone: str
    starts_at: datetime = Field(description="UTC.")
    ends_at: datetime = Field(description="UTC.")
    local_starts_at: datetime = Field(description="In the site's zone, with its offset.")
    local_ends_at: datetime
    contact_name: str
    contact_email: str
    admission_mode: str = Field(description="The effective mode: the site's own, else the sprint's.")
    status: str
    url: str
    organisers: list[OrganiserOut]

    @staticmethod
    def resolve_sprint(site) -> str:
        return site.sprint.slug

    @staticmethod
    def resolve_country(site) -> str:
        return str(site.country)

    @staticmethod
    def resolve_country_name(site) -> str:
        return str(site.country.name)

    @staticmethod
    def resolve_region(site) -> str:
        return region_for(str(site.country))

    @staticmethod
    def resolve_admission_mode(site) -> str:
        return site.effective_admission_mode

    @staticmethod
    def resolve_url(site) -> str:
        return site.get_absolute_url()

    @staticmethod
    def resolve_organisers(site) -> list[dict]:
        return [{"name": link.user.name, "is_lead": link.is_lead} for link in site.organiser_links.all()]


class SiteListItemOut(SiteOut):
    # The list leaves out organisers: one query per page whatever the number of sites.
    organisers: list[OrganiserOut] = []

    @staticmethod
    def resolve_organisers(site) -> list[dict]:
        return []


class ApplicationOut(SiteOut):
    decision_reason: str
    decided_at: datetime | None
    applicant_email: str
    co_organiser_emails: list[str]
    created_at: datetime

    @staticmethod
    def resolve_applicant_email(site) -> str:
        return site.applicant.email

    @staticmethod
    def resolve_co_organiser_emails(site) -> list[str]:
        return [link.user.email for link in site.organiser_links.all() if not link.is_lead]


class SiteApplicationIn(Schema):
    name: str
    address: str
    city: str
    country: str = Field(description="ISO 3166-1 alpha-2 code, e.g. GB.")
    capacity: int
    timezone: str = Field(description="An IANA zone, e.g. Europe/London.")
    starts_at: WindowedDateTime = Field(description=SITE_FIELDS_HELP)
    ends_at: WindowedDateTime = Field(description=SITE_FIELDS_HELP)
    contact_name: str
    contact_email: Email
    description: str = ""
    accessibility_notes: str = ""
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    admission_mode: str = Field("", description='"open", "reviewed", or "" for the sprint\'s own.')
    co_organisers: list[Email] = Field(default_factory=list, description="Emails of people with an account.")


class SiteApplicationPatch(Schema):
    name: str | None = None
    address: str | None = None
    city: str | None = None
    country: str | None = None
    capacity: int | None = None
    timezone: str | None = None
    starts_at: WindowedDateTime | None = None
    ends_at: WindowedDateTime | None = None
    contact_name: str | None = None
    contact_email: Email | None = None
    description: str | None = None
    accessibility_notes: str | None = None
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    admission_mode: str | None = None
    co_organisers: list[Email] | None = None


class DecisionIn(Schema):
    reason: str = ""


class CheckInIn(Schema):
    registration: ObjectId


class AttendeeOut(Schema):
    registration: int
    name: str
    email: str
    status: str
    checked_in_at: datetime | None

    @staticmethod
    def resolve_registration(registration) -> int:
        return registration.pk

    @staticmethod
    def resolve_name(registration) -> str:
        return registration.user.name

    @staticmethod
    def resolve_email(registration) -> str:
        return registration.user.email
