"""The page benchmark signs in through sessions it makes itself (``benchmarks/sessions.py``)."""

import pytest
from django.conf import settings
from django.urls import reverse

from benchmarks.sessions import choose_people, session_for
from sprintlab.registrations.models import RegistrationStatus
from tests.factories import LocalSiteFactory, RegistrationFactory, SiteOrganiserFactory, SprintFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_it_signs_in_the_person_with_most_registrations_in_the_open_sprint(client):
    sprint = SprintFactory()
    site = LocalSiteFactory(sprint=sprint)
    lead = SiteOrganiserFactory(site=site).user
    regular, newcomer = UserFactory(), UserFactory()
    RegistrationFactory(sprint=sprint, user=newcomer)
    RegistrationFactory(sprint=sprint, user=regular)
    RegistrationFactory.create_batch(2, user=regular)
    RegistrationFactory(sprint=sprint, status=RegistrationStatus.CANCELLED)  # not live: never chosen

    people = choose_people(sprint.slug)

    assert people["participant"][0] == regular
    assert people["site organiser"] == (
        lead,
        [("site dashboard", f"/sprints/{sprint.slug}/sites/{site.slug}/dashboard/")],
    )
    client.cookies[settings.SESSION_COOKIE_NAME] = session_for(regular)
    page = client.get(reverse("registrations:mine"))
    assert page.status_code == 200 and "Sign out" in page.content.decode()
