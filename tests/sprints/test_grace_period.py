"""The submission grace period: organisers set it on the sprint form and through the API, within 0–1440 minutes."""

from datetime import timedelta

import pytest
from django.urls import reverse

from sprintlab.sprints.models import Sprint
from sprintlab.sprints.services import sprint_clone
from tests.factories import SprintFactory, SprintMembershipFactory, StaffFactory
from tests.helpers import bearer_for
from tests.sprints.test_api import BASE, new_sprint_body
from tests.sprints.test_views import form_data

pytestmark = pytest.mark.django_db


# --- The sprint form -----------------------------------------------------------------------------


def test_the_form_shows_the_field_with_its_help(client):
    sprint = SprintFactory(submission_grace_minutes=20)
    client.force_login(SprintMembershipFactory(sprint=sprint).user)
    html = client.get(reverse("sprints:edit", kwargs={"slug": sprint.slug})).content.decode()
    assert 'name="submission_grace_minutes"' in html and 'value="20"' in html
    assert 'max="1440"' in html and "the deadline people see does not move" in html


def test_the_form_creates_and_edits_the_grace_period(client):
    client.force_login(StaffFactory())
    response = client.post(reverse("sprints:create"), form_data(submission_grace_minutes="15"))
    assert response.status_code == 302
    sprint = Sprint.objects.get(slug="gov-2027")
    assert sprint.submission_grace_minutes == 15
    response = client.post(
        reverse("sprints:edit", kwargs={"slug": sprint.slug}), form_data(slug=sprint.slug, submission_grace_minutes="0")
    )
    assert response.status_code == 302
    sprint.refresh_from_db()
    assert sprint.submission_grace_minutes == 0


def test_a_form_without_the_field_keeps_the_current_grace_period(client):
    sprint = SprintFactory(submission_grace_minutes=30)
    client.force_login(SprintMembershipFactory(sprint=sprint).user)
    response = client.post(reverse("sprints:edit", kwargs={"slug": sprint.slug}), form_data(slug=sprint.slug))
    assert response.status_code == 302
    sprint.refresh_from_db()
    assert sprint.submission_grace_minutes == 30


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("-5", "The grace period cannot be negative; enter 0 for none."),
        ("1441", "A grace period is at most 1440 minutes (a day); move the deadline instead."),
        ("100000000000000000000000", "A grace period is at most 1440 minutes (a day); move the deadline instead."),
        ("ten", "Enter the grace period as a whole number of minutes, e.g. 15."),
        ("1.5", "Enter the grace period as a whole number of minutes, e.g. 15."),
        ("1e3", "Enter the grace period as a whole number of minutes, e.g. 15."),
    ],
)
def test_the_form_refuses_bad_values_next_to_the_field(client, value, message):
    sprint = SprintFactory(submission_grace_minutes=10, title="Original")
    client.force_login(SprintMembershipFactory(sprint=sprint).user)
    data = form_data(slug=sprint.slug, title="Changed", submission_grace_minutes=value)
    response = client.post(reverse("sprints:edit", kwargs={"slug": sprint.slug}), data)
    assert response.status_code == 200
    assert response.context["form"].errors["submission_grace_minutes"] == [message]
    sprint.refresh_from_db()
    assert (sprint.submission_grace_minutes, sprint.title) == (10, "Original")


# --- The API -------------------------------------------------------------------------------------


def test_the_api_creates_reads_and_patches_the_grace_period(client):
    staff = StaffFactory()
    response = client.post(
        BASE, new_sprint_body(submission_grace_minutes=45), content_type="application/json", headers=bearer_for(staff)
    )
    assert response.status_code == 201, response.content
    assert response.json()["submission_grace_minutes"] == 45
    response = client.patch(
        f"{BASE}/mas-2027", {"submission_grace_minutes": 0}, content_type="application/json", headers=bearer_for(staff)
    )
    assert response.status_code == 200 and response.json()["submission_grace_minutes"] == 0
    assert Sprint.objects.get(slug="mas-2027").submission_grace_minutes == 0


def test_the_api_defaults_to_no_grace_period(client):
    response = client.post(BASE, new_sprint_body(), content_type="application/json", headers=bearer_for(StaffFactory()))
    assert response.status_code == 201 and response.json()["submission_grace_minutes"] == 0


@pytest.mark.parametrize(
    ("value", "status"),
    [(-1, 400), (1441, 400), (10**30, 400), ("ten", 422), (1.5, 422), (None, 400)],
)
def test_the_api_refuses_bad_values_per_field_and_changes_nothing(client, value, status):
    sprint = SprintFactory(submission_grace_minutes=10)
    organiser = SprintMembershipFactory(sprint=sprint).user
    response = client.patch(
        f"{BASE}/{sprint.slug}",
        {"submission_grace_minutes": value},
        content_type="application/json",
        headers=bearer_for(organiser),
    )
    assert response.status_code == status, response.content
    assert list(response.json()["errors"]) == ["submission_grace_minutes"]
    sprint.refresh_from_db()
    assert sprint.submission_grace_minutes == 10
    created = client.post(
        BASE,
        new_sprint_body(slug="refused", submission_grace_minutes=value),
        content_type="application/json",
        headers=bearer_for(StaffFactory()),
    )
    assert created.status_code in (400, 422) and "submission_grace_minutes" in created.json()["errors"]
    assert not Sprint.objects.filter(slug="refused").exists()


def test_a_clone_keeps_the_grace_period():
    source = SprintFactory(submission_grace_minutes=25)
    clone = sprint_clone(
        actor=StaffFactory(), source=source, kickoff_at=source.kickoff_at + timedelta(days=7), slug="again"
    )
    assert clone.submission_grace_minutes == 25
