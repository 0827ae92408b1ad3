"""No dead ends for participants: registering again, calendar files, My sprints split by time, My sites."""

import pytest
from django.urls import reverse
from django.utils import timezone

from sprintlab.core.errors import ServiceError
from sprintlab.localsites.models import SiteStatus
from sprintlab.localsites.permissions import may_withdraw_site
from sprintlab.localsites.services import site_application_withdraw
from sprintlab.registrations.models import RegistrationStatus
from tests.factories import LocalSiteFactory, PastSprintFactory, RegistrationFactory, SprintFactory, UserFactory

pytestmark = pytest.mark.django_db


def signed_in(client, user):
    client.force_login(user)
    return client


# Registering again after cancelling


def test_after_cancelling_the_sprint_page_offers_registering_again(client):
    registration = RegistrationFactory(status=RegistrationStatus.CANCELLED)
    page = signed_in(client, registration.user).get(registration.sprint.get_absolute_url()).content.decode()
    register_url = reverse("registrations:register", kwargs={"slug": registration.sprint.slug})
    assert "You are registered" not in page
    assert "Register again" in page and f'href="{register_url}"' in page
    assert "Your earlier registration is cancelled." in page


def test_registering_again_after_cancelling_works(client):
    registration = RegistrationFactory(status=RegistrationStatus.CANCELLED)
    signed_in(client, registration.user)
    url = reverse("registrations:register", kwargs={"slug": registration.sprint.slug})
    assert client.get(url).status_code == 200
    client.post(url, {"place": "remote", "experience_level": "some", "accepted_code_of_conduct": "on"})
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CONFIRMED


def test_a_declined_person_is_not_offered_registering_again(client):
    registration = RegistrationFactory(status=RegistrationStatus.DECLINED)
    page = signed_in(client, registration.user).get(registration.sprint.get_absolute_url()).content.decode()
    assert "You are registered — Not admitted" in page and "Register again" not in page


def test_my_sprints_offers_registering_again_while_registration_is_open(client):
    registration = RegistrationFactory(status=RegistrationStatus.CANCELLED)
    closed = RegistrationFactory(user=registration.user, sprint=PastSprintFactory(), status="cancelled")
    page = signed_in(client, registration.user).get(reverse("registrations:mine")).content.decode()
    assert reverse("registrations:register", kwargs={"slug": registration.sprint.slug}) in page
    assert reverse("registrations:register", kwargs={"slug": closed.sprint.slug}) not in page


# Add to calendar


def test_the_sprint_page_and_my_sprints_link_the_calendar_file(client):
    registration = RegistrationFactory()
    calendar_url = reverse("registrations:calendar", kwargs={"slug": registration.sprint.slug})
    assert calendar_url in client.get(registration.sprint.get_absolute_url()).content.decode()
    signed_in(client, registration.user)
    assert calendar_url in client.get(registration.sprint.get_absolute_url()).content.decode()
    assert calendar_url in client.get(reverse("registrations:mine")).content.decode()


def test_the_calendar_file_has_the_sprint_and_the_persons_site(client):
    sprint = SprintFactory(title="Evals Sprint")
    site = LocalSiteFactory(sprint=sprint, name="Oxford Commons", starts_at=sprint.kickoff_at)
    site.ends_at = sprint.kickoff_at.replace(hour=23)
    site.save()
    registration = RegistrationFactory(sprint=sprint, site=site)
    response = signed_in(client, registration.user).get(reverse("registrations:calendar", kwargs={"slug": sprint.slug}))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{sprint.slug}.ics"'
    body = response.content.decode()
    assert body.startswith("BEGIN:VCALENDAR\r\n") and "SUMMARY:Evals Sprint\r\n" in body
    assert f"UID:sprint-{sprint.pk}-registration-{registration.pk}@sprintlab" in body  # as in the email
    assert "SUMMARY:Evals Sprint at Oxford Commons" in body


def test_anyone_may_download_a_published_sprints_calendar_but_not_a_drafts(client):
    sprint, draft = SprintFactory(), SprintFactory(is_published=False)
    body = client.get(reverse("registrations:calendar", kwargs={"slug": sprint.slug})).content.decode()
    assert f"UID:sprint-{sprint.pk}-public@sprintlab" in body and "LOCATION:Online" in body
    assert client.get(reverse("registrations:calendar", kwargs={"slug": draft.slug})).status_code == 404


# My sprints: upcoming and past


def test_my_sprints_splits_upcoming_and_past_with_a_countdown_to_kickoff(client):
    user = UserFactory()
    upcoming = RegistrationFactory(user=user, sprint=SprintFactory(title="Coming Sprint"))
    past = RegistrationFactory(user=user, sprint=PastSprintFactory(title="Old Sprint"), checked_in_at=None)
    page = signed_in(client, user).get(reverse("registrations:mine")).content.decode()
    upcoming_part, past_part = page.split('id="past-heading"')
    assert "Coming Sprint" in upcoming_part and "Old Sprint" in past_part
    assert "Kickoff in" in upcoming_part and "data-countdown" in upcoming_part
    assert "Kickoff in" not in past_part and "data-countdown" not in past_part
    assert "This sprint is over." in past_part
    assert reverse("registrations:calendar", kwargs={"slug": past.sprint.slug}) not in past_part
    assert upcoming.sprint.title in upcoming_part


def test_a_past_sprint_never_says_enjoy_the_sprint(client):
    past = RegistrationFactory(sprint=PastSprintFactory(), checked_in_at=PastSprintFactory.build().kickoff_at)
    page = signed_in(client, past.user).get(reverse("registrations:mine")).content.decode()
    assert "Enjoy the sprint" not in page
    assert "You took part in this sprint." in page


# My sites


def test_my_sites_shows_the_year_and_no_withdraw_once_the_site_has_run(client):
    applicant = UserFactory()
    past = LocalSiteFactory(sprint=PastSprintFactory(), applicant=applicant, status=SiteStatus.APPROVED)
    coming = LocalSiteFactory(applicant=applicant, status=SiteStatus.PENDING)
    page = signed_in(client, applicant).get(reverse("localsites:mine")).content.decode()
    assert str(past.starts_at.year) in page
    withdraw = "localsites:withdraw"
    assert reverse(withdraw, kwargs={"sprint_slug": coming.sprint.slug, "slug": coming.slug}) in page
    assert reverse(withdraw, kwargs={"sprint_slug": past.sprint.slug, "slug": past.slug}) not in page


def test_the_service_refuses_to_withdraw_a_site_that_has_run():
    site = LocalSiteFactory(sprint=PastSprintFactory(), status=SiteStatus.APPROVED)
    assert not may_withdraw_site(site.applicant, site, now=timezone.now())
    with pytest.raises(ServiceError):
        site_application_withdraw(site=site, actor=site.applicant)
    site.refresh_from_db()
    assert site.status == SiteStatus.APPROVED
