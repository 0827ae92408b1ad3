"""Shapes of the sprints API. Types are checked here; the rules themselves run in the services."""

from datetime import datetime

from ninja import Field, Schema

from sprintlab.core.validators import (
    MAX_SPRINT_ITEMS,
    Email,
    ObjectId,
    WindowedDateTime,
)


class TrackIn(Schema):
    id: ObjectId | None = Field(None, description="Keep an existing track; omit to add a new one.")
    name: str
    description: str = ""


class PrizeIn(Schema):
    id: ObjectId | None = Field(None, description="Keep an existing prize; omit to add a new one.")
    name: str
    amount: str = ""
    description: str = ""


class SprintIn(Schema):
    """A new sprint. Times without a zone are read as UTC; every time lies between 2000 and 2099."""

    title: str
    slug: str
    research_area: str
    tagline: str = ""
    description: str = ""
    rules: str = ""
    code_of_conduct: str = ""
    capacity: int | None = None
    remote_allowed: bool = True
    admission_mode: str = "open"
    confirm_window_hours: int = 72
    is_published: bool = False
    team_size_min: int = Field(1, description="The smallest team (1 to 50).")
    team_size_max: int = Field(5, description="The largest team (1 to 50, at least team_size_min).")
    team_formation_closes_at: WindowedDateTime | None = Field(
        None, description="Until when teams form and change; null: until the submission deadline."
    )
    announced_at: WindowedDateTime
    registration_opens_at: WindowedDateTime
    registration_closes_at: WindowedDateTime | None = None
    kickoff_at: WindowedDateTime
    submission_deadline_at: WindowedDateTime
    submission_grace_minutes: int = Field(
        0, description="Uploads are still accepted this many minutes after the submission deadline (0 to 1440)."
    )
    judging_ends_at: WindowedDateTime
    results_published_at: WindowedDateTime
    chat_webhook_url: str = Field("", max_length=500, description="Discord/Slack incoming webhook for announcements.")
    partners: list[ObjectId] = Field(default_factory=list, max_length=MAX_SPRINT_ITEMS, description="Partner ids.")
    tracks: list[TrackIn] = Field(default_factory=list, max_length=MAX_SPRINT_ITEMS)
    prizes: list[PrizeIn] = Field(default_factory=list, max_length=MAX_SPRINT_ITEMS)


class SprintPatch(Schema):
    """Only the fields sent change; lists (partners, tracks, prizes) replace the current ones."""

    title: str | None = None
    slug: str | None = None
    research_area: str | None = None
    tagline: str | None = None
    description: str | None = None
    rules: str | None = None
    code_of_conduct: str | None = None
    capacity: int | None = None
    remote_allowed: bool | None = None
    admission_mode: str | None = None
    confirm_window_hours: int | None = None
    is_published: bool | None = None
    team_size_min: int | None = None
    team_size_max: int | None = None
    team_formation_closes_at: WindowedDateTime | None = None
    announced_at: WindowedDateTime | None = None
    registration_opens_at: WindowedDateTime | None = None
    registration_closes_at: WindowedDateTime | None = None
    kickoff_at: WindowedDateTime | None = None
    submission_deadline_at: WindowedDateTime | None = None
    submission_grace_minutes: int | None = Field(None, description="Minutes after the deadline (0 to 1440).")
    judging_ends_at: WindowedDateTime | None = None
    results_published_at: WindowedDateTime | None = None
    chat_webhook_url: str | None = Field(None, max_length=500, description="Discord/Slack incoming webhook.")
    partners: list[ObjectId] | None = Field(None, max_length=MAX_SPRINT_ITEMS)
    tracks: list[TrackIn] | None = Field(None, max_length=MAX_SPRINT_ITEMS)
    prizes: list[PrizeIn] | None = Field(None, max_length=MAX_SPRINT_ITEMS)


class CloneIn(Schema):
    kickoff_at: WindowedDateTime = Field(..., description="The new kickoff; every other time moves by the same amount.")
    slug: str
    title: str = ""


class TimelineStepOut(Schema):
    key: str
    label: str
    at: datetime


class StatsOut(Schema):
    registered: int
    remote: int
    at_sites: int
    countries: int
    approved_sites: int


class TrackOut(Schema):
    id: int
    name: str
    description: str


class PrizeOut(Schema):
    id: int
    name: str
    amount: str
    description: str


class PartnerOut(Schema):
    id: int
    name: str
    url: str
    logo: str | None


class SprintListOut(Schema):
    slug: str
    title: str
    tagline: str
    research_area: str
    phase: str
    is_published: bool
    kickoff_at: datetime
    submission_deadline_at: datetime
    registered_count: int
    cover_image: str | None
    url: str

    @staticmethod
    def resolve_cover_image(sprint, context) -> str | None:
        return context["request"].build_absolute_uri(sprint.cover_image.url) if sprint.cover_image else None

    @staticmethod
    def resolve_url(sprint, context) -> str:
        return context["request"].build_absolute_uri(sprint.get_absolute_url())


class SprintOut(Schema):
    slug: str
    title: str
    tagline: str
    research_area: str
    description: str
    rules: str
    code_of_conduct: str
    cover_image: str | None
    capacity: int | None
    remote_allowed: bool
    admission_mode: str
    confirm_window_hours: int
    is_published: bool
    team_size_min: int
    team_size_max: int
    team_formation_closes_at: datetime | None
    team_formation_deadline: datetime = Field(description="When teams stop forming and changing.")
    submission_grace_minutes: int = Field(description="Uploads are still accepted this long after the deadline.")
    phase: str
    registration_is_open: bool
    registration_closes_at: datetime | None
    seats_left: int | None = Field(
        description="Seats left for one more person in the sprint overall (remote, or at a site with room); "
        "null: no overall capacity; 0 once registration has closed. Per site: the sites API."
    )
    timeline: list[TimelineStepOut]
    next_step: TimelineStepOut | None
    stats: StatsOut
    tracks: list[TrackOut]
    prizes: list[PrizeOut]
    partners: list[PartnerOut]
    url: str


class RegistrationPersonOut(Schema):
    id: int
    name: str
    email: str
    country: str
    city: str

    @staticmethod
    def resolve_country(user) -> str:
        return str(user.country or "")


class RegistrationSiteOut(Schema):
    id: int
    name: str
    city: str
    country: str

    @staticmethod
    def resolve_country(site) -> str:
        return str(site.country)


class OrganiserRegistrationOut(Schema):
    id: int
    status: str
    person: RegistrationPersonOut = Field(..., alias="user")
    site: RegistrationSiteOut | None
    experience_level: str
    background: str
    motivation: str
    heard_from: str
    first_sprint: bool
    consent_fellowship_contact: bool
    consent_public_listing: bool
    created_at: datetime
    confirmed_at: datetime | None
    checked_in_at: datetime | None


class TeamMemberIn(Schema):
    email: Email = Field(..., description="The address the person signs in with; the account must exist.")
    role: str = Field(..., description="organiser, cohost or mentor.")
    partner: ObjectId | None = Field(None, description="Co-hosts: the id of one of the sprint's partners.")


class TeamPartnerOut(Schema):
    id: int
    name: str


class TeamMemberOut(Schema):
    id: int
    user_id: int
    name: str
    email: str
    role: str
    partner: TeamPartnerOut | None
    created_at: datetime

    @staticmethod
    def resolve_name(membership) -> str:
        return membership.user.name

    @staticmethod
    def resolve_email(membership) -> str:
        return membership.user.email
