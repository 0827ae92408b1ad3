"""Times and numbers out of range: refused per field with nothing written; stored odd rows still render."""

from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sprintlab.core.models import AuditEntry
from sprintlab.sprints.models import Sprint
from tests.factories import SprintFactory, SprintMembershipFactory, StaffFactory, UserFactory
from tests.helpers import bearer_for
from tests.sprints.test_api import BASE, new_sprint_body
from tests.sprints.test_views import form_data

pytestmark = pytest.mark.django_db

WINDOW_MESSAGE = "Choose a date between 2000-01-01 and 2099-12-31."
# The payloads of the report: each parses, then overflows when converted to UTC.
OUT_OF_RANGE_TIMES = [
    ("announced_at", "0001-01-01T00:30:00+01:00"),
    ("results_published_at", "9999-12-31T23:30:00-01:00"),
    ("kickoff_at", "9999-12-31T23:59:00Z"),
    ("registration_closes_at", "1999-12-31T23:59:00Z"),
]


def post_json(client, url, body, user):
    return client.post(url, body, content_type="application/json", headers=bearer_for(user))


@pytest.mark.parametrize(("field", "value"), OUT_OF_RANGE_TIMES)
def test_api_create_refuses_an_out_of_range_time_and_writes_nothing(client, field, value):
    response = post_json(client, BASE, new_sprint_body(**{field: value}), StaffFactory())
    assert response.status_code == 422, response.content
    assert response.json()["errors"] == {field: [WINDOW_MESSAGE]}
    assert not Sprint.objects.exists()
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize(("field", "value"), OUT_OF_RANGE_TIMES)
def test_api_patch_refuses_an_out_of_range_time(client, field, value):
    sprint = SprintFactory()
    organiser = SprintMembershipFactory(sprint=sprint).user
    before = getattr(sprint, field)
    response = client.patch(
        f"{BASE}/{sprint.slug}", {field: value}, content_type="application/json", headers=bearer_for(organiser)
    )
    assert response.status_code == 422, response.content
    assert field in response.json()["errors"]
    sprint.refresh_from_db()
    assert getattr(sprint, field) == before


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("confirm_window_hours", 100_000_000, "Enter a number no larger than 8760."),
        ("capacity", 10**12, "Enter a number no larger than 100000."),
        ("capacity", 10**30, "Enter a number no larger than 100000."),
    ],
)
def test_api_refuses_numbers_the_arithmetic_cannot_hold(client, field, value, message):
    response = post_json(client, BASE, new_sprint_body(**{field: value}), StaffFactory())
    assert response.status_code == 400, response.content
    assert response.json()["errors"] == {field: [message]}
    assert not Sprint.objects.exists()


def test_api_refuses_too_many_tracks_and_huge_partner_ids(client):
    staff = StaffFactory()
    tracks = [{"name": f"Track {n}"} for n in range(101)]
    response = post_json(client, BASE, new_sprint_body(tracks=tracks), staff)
    assert response.status_code == 422
    assert "tracks" in response.json()["errors"]
    response = post_json(client, BASE, new_sprint_body(partners=[10**20]), staff)
    assert response.status_code == 422
    assert "partners.0" in response.json()["errors"]
    assert not Sprint.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("announced_at", "0001-01-01T00:30"),
        ("results_published_at", "9999-12-31T23:30"),
        ("kickoff_at", "1999-06-01T10:00"),
    ],
)
def test_page_form_refuses_an_out_of_range_time_next_to_the_field(client, field, value):
    # An editor far east of UTC: year 1 there is year 0 in UTC.
    client.force_login(StaffFactory(timezone="Pacific/Kiritimati"))
    response = client.post(reverse("sprints:create"), form_data(**{field: value}))
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [WINDOW_MESSAGE]
    assert not Sprint.objects.exists()


def test_page_form_refuses_a_huge_confirmation_window(client):
    client.force_login(StaffFactory())
    response = client.post(reverse("sprints:create"), form_data(confirm_window_hours="100000000"))
    assert response.status_code == 200
    assert response.context["form"].errors["confirm_window_hours"] == ["Enter a number no larger than 8760."]
    assert not Sprint.objects.exists()


@pytest.mark.parametrize("kickoff", ["9999-12-31T23:30:00-01:00", "0001-01-01T00:30:00+01:00", "2099-12-31T00:00:00Z"])
def test_api_clone_refuses_a_kickoff_that_puts_the_timeline_out_of_range(client, kickoff):
    source = SprintFactory()
    organiser = SprintMembershipFactory(sprint=source).user
    response = post_json(client, f"{BASE}/{source.slug}/clone", {"kickoff_at": kickoff, "slug": "copy"}, organiser)
    assert response.status_code in (400, 422), response.content
    assert list(response.json()["errors"]) == ["kickoff_at"]
    assert not Sprint.objects.filter(slug="copy").exists()


@pytest.mark.parametrize("kickoff", ["9999-12-31T23:30", "0001-01-01T00:30", "2099-12-31T00:00"])
def test_clone_page_refuses_a_kickoff_that_puts_the_timeline_out_of_range(client, kickoff):
    source = SprintFactory()
    client.force_login(SprintMembershipFactory(sprint=source, user=UserFactory(timezone="Asia/Tokyo")).user)
    response = client.post(
        reverse("sprints:clone", kwargs={"slug": source.slug}), {"title": "Copy", "slug": "copy", "kickoff_at": kickoff}
    )
    assert response.status_code == 200
    assert "kickoff_at" in response.context["form"].errors
    assert not Sprint.objects.filter(slug="copy").exists()


def test_clone_of_a_sprint_with_an_odd_stored_time_is_refused_not_crashed(client):
    source = SprintFactory()
    Sprint.objects.filter(pk=source.pk).update(results_published_at=datetime(9999, 12, 31, 23, 59, tzinfo=UTC))
    organiser = SprintMembershipFactory(sprint=source).user
    kickoff = (source.kickoff_at + timedelta(days=7)).isoformat()
    response = post_json(client, f"{BASE}/{source.slug}/clone", {"kickoff_at": kickoff, "slug": "copy"}, organiser)
    assert response.status_code == 400, response.content
    assert "results published" in response.json()["errors"]["kickoff_at"][0]
    assert not Sprint.objects.filter(slug="copy").exists()


# --- Rows already stored with odd values ---------------------------------------------------------

EDGES = {
    "year one": {"announced_at": datetime(1, 1, 1, tzinfo=UTC)},
    "year 9999": {"results_published_at": datetime(9999, 12, 31, 23, 59, tzinfo=UTC)},
    "whole timeline at the end": {
        field: datetime(9999, 12, 31, 23, minute, tzinfo=UTC)
        for minute, field in enumerate(
            ("kickoff_at", "submission_deadline_at", "judging_ends_at", "results_published_at"), start=50
        )
    },
}
ZONES = ["Pacific/Kiritimati", "America/New_York"]


def poisoned_sprint(values: dict) -> Sprint:
    """A published sprint whose stored times bypassed validation (written before it existed)."""
    sprint = SprintFactory(title="Odd sprint")
    SprintFactory(title="Ordinary sprint")
    Sprint.objects.filter(pk=sprint.pk).update(**values)
    return sprint


@pytest.mark.parametrize("zone", ZONES)
@pytest.mark.parametrize("values", EDGES.values(), ids=EDGES.keys())
def test_public_pages_and_api_still_answer_with_an_odd_row(zone, values):
    sprint = poisoned_sprint(values)
    anonymous = Client()
    anonymous.cookies["sprintlab_tz"] = zone
    for url in ("/sprints/", "/sprints/?when=past", "/sprints/?when=running", f"/sprints/{sprint.slug}/"):
        response = anonymous.get(url)
        assert response.status_code == 200, url
    assert "Ordinary sprint" in anonymous.get("/sprints/").content.decode() or values.get("kickoff_at")
    for url in (BASE, f"{BASE}?when=past", f"{BASE}/{sprint.slug}"):
        assert anonymous.get(url).status_code == 200, url


@pytest.mark.parametrize("zone", ZONES)
@pytest.mark.parametrize("values", EDGES.values(), ids=EDGES.keys())
def test_staff_pages_and_admin_still_answer_with_an_odd_row(zone, values):
    sprint = poisoned_sprint(values)
    staff = Client()
    staff.force_login(StaffFactory(is_superuser=True, timezone=zone))
    urls = [
        "/sprints/",
        f"/sprints/{sprint.slug}/",
        reverse("sprints:edit", kwargs={"slug": sprint.slug}),
        reverse("sprints:clone", kwargs={"slug": sprint.slug}),
        reverse("sprints:registrations", kwargs={"slug": sprint.slug}),
        "/admin/sprints/sprint/",
        f"/admin/sprints/sprint/{sprint.pk}/change/",
    ]
    for url in urls:
        assert staff.get(url).status_code == 200, url
    Sprint.objects.filter(pk=sprint.pk).update(is_published=False)
    assert staff.get("/sprints/").status_code == 200  # the drafts panel


def test_an_odd_row_shows_a_placeholder_where_its_time_would_be():
    sprint = poisoned_sprint(EDGES["whole timeline at the end"])
    client = Client()
    client.cookies["sprintlab_tz"] = "Pacific/Kiritimati"
    page = client.get(f"/sprints/{sprint.slug}/").content.decode()
    assert "(date out of range)" in page


# --- Pagination -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query", ["page=100000000000000000000", "page=0", "page_size=100000000000000000000", "page=-1"]
)
def test_api_list_refuses_out_of_range_paging_with_json(client, query):
    SprintFactory()
    response = client.get(f"{BASE}?{query}")
    assert response.status_code == 422
    body = response.json()
    assert body["detail"] and set(body["errors"]) <= {"page", "page_size"}


def test_api_list_pages_within_range(client):
    SprintFactory.create_batch(3)
    body = client.get(f"{BASE}?page=1&page_size=2").json()
    assert (body["count"], len(body["items"])) == (3, 2)
    assert client.get(f"{BASE}?page=10000").json()["items"] == []


@pytest.mark.parametrize("page", ["100000000000000000000", "-5", "abc", "1e400"])
def test_page_list_clamps_out_of_range_pages(client, page):
    SprintFactory()
    assert client.get(f"/sprints/?page={page}").status_code == 200


def test_organiser_registrations_api_refuses_huge_pages(client):
    sprint = SprintFactory()
    organiser = SprintMembershipFactory(sprint=sprint).user
    response = client.get(
        f"{BASE}/{sprint.slug}/registrations?page=100000000000000000000", headers=bearer_for(organiser)
    )
    assert response.status_code == 422
    assert "page" in response.json()["errors"]
    assert (
        client.get(
            reverse("sprints:registrations", kwargs={"slug": sprint.slug}) + "?page=100000000000000000000",
            headers=bearer_for(organiser),
        ).status_code
        != 500
    )


def test_team_member_email_longer_than_an_address_can_be_is_refused(client):
    sprint = SprintFactory()
    organiser = SprintMembershipFactory(sprint=sprint).user
    email = "a" * 250 + "@example.org"
    response = post_json(client, f"{BASE}/{sprint.slug}/team", {"email": email, "role": "organiser"}, organiser)
    assert response.status_code == 422
    assert "email" in response.json()["errors"]
    client.force_login(organiser)
    response = client.post(reverse("sprints:team", kwargs={"slug": sprint.slug}), {"email": email, "role": "organiser"})
    assert response.status_code == 200
    assert "email" in response.context["form"].errors
    assert timezone.now()  # the page answered; nothing was added
    assert sprint.memberships.count() == 1
