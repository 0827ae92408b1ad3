"""Site times and numbers out of range: refused per field, nothing written; odd stored sites still render."""

from datetime import UTC, datetime

import pytest
from django.test import Client
from django.urls import reverse

from sprintlab.localsites.models import LocalSite
from tests.factories import LocalSiteFactory, StaffFactory, UserFactory
from tests.localsites.helpers import api_client, api_json, client_for, form_data
from tests.localsites.test_api import post

pytestmark = pytest.mark.django_db

WINDOW_MESSAGE = "Choose a date between 2000-01-01 and 2099-12-31."


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("starts_at", "0001-01-01T00:00:00"),  # wall-clock in Europe/London: before year 1 in UTC
        ("starts_at", "0001-01-01T00:30:00+01:00"),
        ("ends_at", "9999-12-31T23:30:00-01:00"),
        ("ends_at", "2100-01-01T00:00:00Z"),
    ],
)
def test_api_application_refuses_an_out_of_range_time(sprint, field, value):
    response = post(
        api_client(UserFactory()),
        f"/api/v1/sprints/{sprint.slug}/site-applications",
        api_json(sprint, **{field: value}),
    )
    assert response.status_code == 422, response.content
    assert response.json()["errors"] == {field: [WINDOW_MESSAGE]}
    assert not LocalSite.objects.exists()


@pytest.mark.parametrize(("field", "value"), [("starts_at", "0001-01-01T00:00"), ("ends_at", "9999-12-31T23:59")])
@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "America/New_York"])
def test_application_form_refuses_an_out_of_range_time_next_to_the_field(sprint, field, value, zone):
    response = client_for(UserFactory()).post(
        reverse("localsites:apply", args=[sprint.slug]), form_data(sprint, timezone=zone, **{field: value})
    )
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [WINDOW_MESSAGE]
    assert not LocalSite.objects.exists()


def test_service_refuses_a_time_that_leaves_the_window_only_in_the_sites_zone(sprint):
    # 2099-12-31 23:30 in Kiritimati is inside the window as typed, and 2099-12-31 09:30 UTC: accepted;
    # 2000-01-01 05:00 there is 1999-12-31 15:00 UTC: refused by the service after conversion.
    response = post(
        api_client(UserFactory()),
        f"/api/v1/sprints/{sprint.slug}/site-applications",
        api_json(sprint, timezone="Pacific/Kiritimati", starts_at="2000-01-01T05:00:00"),
    )
    assert response.status_code == 400, response.content
    assert response.json()["errors"]["starts_at"] == [WINDOW_MESSAGE]
    assert not LocalSite.objects.exists()


def test_too_long_contact_email_is_refused(sprint):
    email = "a" * 250 + "@example.org"
    response = post(
        api_client(UserFactory()),
        f"/api/v1/sprints/{sprint.slug}/site-applications",
        api_json(sprint, contact_email=email),
    )
    assert response.status_code == 422
    assert "contact_email" in response.json()["errors"]
    response = client_for(UserFactory()).post(
        reverse("localsites:apply", args=[sprint.slug]), form_data(sprint, contact_email=email)
    )
    assert "contact_email" in response.context["form"].errors
    assert not LocalSite.objects.exists()


@pytest.mark.parametrize("query", ["limit=100000000000000000000", "offset=100000000000000000000", "limit=0"])
def test_application_list_refuses_out_of_range_paging_with_json(query):
    response = api_client(UserFactory()).get(f"/api/v1/site-applications?{query}")
    assert response.status_code == 422
    assert set(response.json()["errors"]) <= {"limit", "offset"}


def test_application_list_pages_within_range(world):
    applicant = api_client(world.user("applicant"))
    body = applicant.get("/api/v1/site-applications?limit=1&offset=0").json()
    assert (body["count"], len(body["items"])) == (2, 1)


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "America/New_York"])
def test_a_site_with_odd_stored_times_still_renders(sprint, zone):
    site = LocalSiteFactory(sprint=sprint, timezone=zone)
    LocalSiteFactory(sprint=sprint, name="Ordinary Venue")
    LocalSite.objects.filter(pk=site.pk).update(
        starts_at=datetime(1, 1, 1, tzinfo=UTC), ends_at=datetime(9999, 12, 31, 23, 59, tzinfo=UTC)
    )
    anonymous = Client()
    anonymous.cookies["sprintlab_tz"] = zone
    assert anonymous.get(f"/api/v1/sprints/{sprint.slug}/sites").status_code == 200
    assert anonymous.get(f"/api/v1/sites/{site.pk}").status_code == 200
    assert anonymous.get(reverse("localsites:list", args=[sprint.slug])).status_code == 200
    assert anonymous.get(site.get_absolute_url()).status_code == 200
    staff = Client()
    staff.force_login(StaffFactory(is_superuser=True, timezone=zone))
    assert staff.get("/admin/localsites/localsite/").status_code == 200
    assert staff.get(f"/admin/localsites/localsite/{site.pk}/change/").status_code == 200
