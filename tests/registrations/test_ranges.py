"""Confirmation deadlines and windows out of range: refused per field, and never a blocked cancellation."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from sprintlab.registrations import services
from sprintlab.registrations.models import AdmissionWave, Registration, RegistrationStatus
from sprintlab.sprints.models import AdmissionMode, Sprint
from tests.factories import LocalSiteFactory, SprintFactory, SprintMembershipFactory
from tests.helpers import bearer_for
from tests.registrations.helpers import register

pytestmark = pytest.mark.django_db

WINDOW_MESSAGE = "Choose a date between 2000-01-01 and 2099-12-31."


def test_cancelling_frees_a_seat_even_when_the_stored_window_is_huge():
    """A window stored before it had a ceiling used to overflow here, so nobody could cancel."""
    sprint = SprintFactory(admission_mode=AdmissionMode.REVIEWED, capacity=1)
    holder = register(sprint=sprint)
    waiting = register(sprint=sprint)
    Registration.objects.filter(pk=holder.pk).update(status=RegistrationStatus.CONFIRMED)
    Registration.objects.filter(pk=waiting.pk).update(
        status=RegistrationStatus.WAITLISTED, waitlisted_at=timezone.now()
    )
    Sprint.objects.filter(pk=sprint.pk).update(confirm_window_hours=100_000_000)
    holder.refresh_from_db()
    services.registration_cancel(registration=holder, actor=holder.user)
    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.OFFERED
    assert abs(waiting.confirm_by - (timezone.now() + timedelta(days=365))) < timedelta(minutes=1)


def test_cancelling_through_the_api_with_a_huge_stored_window_answers(client):
    sprint = SprintFactory(admission_mode=AdmissionMode.REVIEWED, capacity=1)
    holder = register(sprint=sprint)
    waiting = register(sprint=sprint)
    Registration.objects.filter(pk=holder.pk).update(status=RegistrationStatus.CONFIRMED)
    Registration.objects.filter(pk=waiting.pk).update(
        status=RegistrationStatus.WAITLISTED, waitlisted_at=timezone.now()
    )
    Sprint.objects.filter(pk=sprint.pk).update(confirm_window_hours=100_000_000)
    response = client.post(
        f"/api/v1/registrations/{holder.pk}/cancel", content_type="application/json", headers=bearer_for(holder.user)
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "cancelled"
    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.OFFERED


@pytest.mark.parametrize(
    "confirm_by", ["9999-12-31T23:30:00-01:00", "0001-01-01T00:30:00+01:00", "2100-01-01T00:00:00Z"]
)
def test_api_wave_refuses_an_out_of_range_deadline(client, confirm_by):
    sprint = SprintFactory(admission_mode=AdmissionMode.REVIEWED)
    site = LocalSiteFactory(sprint=sprint, capacity=1)
    applicant = register(sprint=sprint, site=site)
    organiser = SprintMembershipFactory(sprint=sprint).user
    response = client.post(
        "/api/v1/registrations/admission-waves",
        {"sprint": sprint.slug, "admit": [applicant.pk], "confirm_by": confirm_by},
        content_type="application/json",
        headers=bearer_for(organiser),
    )
    assert response.status_code == 422, response.content
    assert response.json()["errors"] == {"confirm_by": [WINDOW_MESSAGE]}
    assert not AdmissionWave.objects.exists()
    applicant.refresh_from_db()
    assert applicant.status == RegistrationStatus.APPLIED


def test_api_wave_refuses_huge_ids(client):
    sprint = SprintFactory(admission_mode=AdmissionMode.REVIEWED)
    organiser = SprintMembershipFactory(sprint=sprint).user
    response = client.post(
        "/api/v1/registrations/admission-waves",
        {"sprint": sprint.slug, "admit": [10**20], "site": 10**20},
        content_type="application/json",
        headers=bearer_for(organiser),
    )
    assert response.status_code == 422
    assert {"admit.0", "site"} <= set(response.json()["errors"])


@pytest.mark.parametrize("confirm_by", ["9999-12-31T23:59", "0001-01-01T00:00"])
def test_admissions_page_refuses_an_out_of_range_deadline_next_to_the_field(client, confirm_by):
    sprint = SprintFactory(admission_mode=AdmissionMode.REVIEWED)
    applicant = register(sprint=sprint)
    organiser = SprintMembershipFactory(sprint=sprint).user
    organiser.timezone = "Pacific/Kiritimati"
    organiser.save()
    client.force_login(organiser)
    response = client.post(
        reverse("registrations:admissions", kwargs={"slug": sprint.slug}),
        {"selected": [applicant.pk], "decision": "admit", "confirm_by": confirm_by},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["confirm_by"] == [WINDOW_MESSAGE]
    assert not AdmissionWave.objects.exists()


def test_admissions_page_paging_never_fails(client):
    sprint = SprintFactory(admission_mode=AdmissionMode.REVIEWED)
    register(sprint=sprint)
    client.force_login(SprintMembershipFactory(sprint=sprint).user)
    url = reverse("registrations:admissions", kwargs={"slug": sprint.slug})
    assert client.get(url + "?page=100000000000000000000").status_code == 200
