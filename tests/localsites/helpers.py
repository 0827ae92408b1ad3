"""Helpers for the local sites tests: input in each shape, clients per user."""

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.test import Client

from sprintlab.localsites.services import SiteApplicationData
from tests.helpers import api_key_for

LONDON = ZoneInfo("Europe/London")


def local(dt, zone=LONDON):
    """``dt`` as a wall-clock time in ``zone`` with no zone attached (what a person types)."""
    return dt.astimezone(zone).replace(tzinfo=None, second=0, microsecond=0)


def application_data(sprint, **overrides) -> SiteApplicationData:
    values = {
        "name": "Cambridge AI Safety Hub",
        "address": "17 Mill Lane",
        "city": "Cambridge",
        "country": "GB",
        "capacity": 30,
        "timezone": "Europe/London",
        "starts_at": local(sprint.kickoff_at),
        "ends_at": local(sprint.submission_deadline_at),
        "contact_name": "Ada Lovelace",
        "contact_email": "ada@example.org",
        "description": "Two rooms, **pizza** on Saturday.",
        "accessibility_notes": "Step-free entrance on Mill Lane.",
    }
    values.update(overrides)
    return SiteApplicationData(**values)


def form_data(sprint, **overrides) -> dict:
    values = {
        "name": "Cambridge AI Safety Hub",
        "description": "Two rooms.",
        "address": "17 Mill Lane",
        "city": "Cambridge",
        "country": "GB",
        "latitude": "",
        "longitude": "",
        "capacity": "30",
        "accessibility_notes": "Step-free entrance.",
        "timezone": "Europe/London",
        "starts_at": local(sprint.kickoff_at).strftime("%Y-%m-%dT%H:%M"),
        "ends_at": local(sprint.submission_deadline_at).strftime("%Y-%m-%dT%H:%M"),
        "contact_name": "Ada Lovelace",
        "contact_email": "ada@example.org",
        "co_organisers": "",
        "admission_mode": "",
    }
    values.update(overrides)
    return values


def api_json(sprint, **overrides) -> dict:
    values = form_data(sprint)
    values.pop("co_organisers")
    values.update(latitude=None, longitude=None, capacity=30, co_organisers=[])
    values.update(overrides)
    return values


@dataclass
class World:
    """A sprint with a pending application and an approved site, and one person per role."""

    sprint: object
    pending: object
    site: object
    other_site: object
    users: dict

    def user(self, role):
        return self.users[role]


ROLES = (
    "anonymous",
    "participant",
    "other_user",
    "applicant",
    "site_organiser",
    "other_site_organiser",
    "sprint_organiser",
    "cohost",
    "staff",
)


def client_for(user) -> Client:
    client = Client()
    if user is not None and user.is_authenticated:
        client.force_login(user)
    return client


def api_client(user) -> Client:
    """A client that authenticates to the API with a personal token (no session, no CSRF)."""
    if user is None or not user.is_authenticated:
        return Client()
    return Client(HTTP_AUTHORIZATION=f"Bearer {api_key_for(user)}")
