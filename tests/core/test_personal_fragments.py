"""On "My sprints" each registration's card is kept for its person, keyed by all that it shows.

The test settings turn the cache off (``PERSONAL_FRAGMENT_SECONDS = 0``); these tests turn it on,
as production has it, and check that it never shows one person's card to another, that a person's
own action and the passing of a phase boundary show at once, and that the forms carry the current
request's CSRF token.
"""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from sprintlab.core.cache import CSRF_PLACEHOLDER
from sprintlab.registrations import services
from sprintlab.registrations.models import RegistrationStatus
from tests.factories import LocalSiteFactory, RegistrationFactory, SprintFactory, UserFactory

pytestmark = pytest.mark.django_db
MINE = reverse("registrations:mine")
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture(autouse=True)
def cards_kept(settings):
    settings.PERSONAL_FRAGMENT_SECONDS = 60
    settings.SHARED_FRAGMENT_SECONDS = 60


def mine(client, user=None):
    if user is not None:
        client.force_login(user)
    return client.get(MINE).content.decode()


def test_two_people_in_the_same_sprint_never_see_each_others_cards(client):
    sprint = SprintFactory()
    alice_site = LocalSiteFactory(sprint=sprint, name="Alice Hall")
    bob_site = LocalSiteFactory(sprint=sprint, name="Bob Barn")
    alice = RegistrationFactory(sprint=sprint, site=alice_site)
    bob = RegistrationFactory(sprint=sprint, site=bob_site)
    alice_cancel = reverse("registrations:cancel", kwargs={"pk": alice.pk})
    bob_cancel = reverse("registrations:cancel", kwargs={"pk": bob.pk})

    for _ in range(2):  # rendered, then from the cache
        alices = mine(client, alice.user)
        bobs = mine(client, bob.user)
        assert "Alice Hall" in alices and alice_cancel in alices
        assert "Bob Barn" not in alices and bob_cancel not in alices
        assert "Bob Barn" in bobs and bob_cancel in bobs
        assert "Alice Hall" not in bobs and alice_cancel not in bobs


def test_a_persons_cancel_confirm_and_switch_show_at_once(client):
    sprint = SprintFactory()
    there = LocalSiteFactory(sprint=sprint, name="Somewhere Else")
    kept = RegistrationFactory(sprint=sprint)
    offered = RegistrationFactory(
        user=kept.user,
        sprint=SprintFactory(),
        status=RegistrationStatus.OFFERED,
        confirm_by=timezone.now() + timedelta(hours=3),
        confirmed_at=None,
    )
    assert "Confirm my seat" in mine(client, kept.user)
    assert "Remote, online" in mine(client)

    client.post(reverse("registrations:confirm", kwargs={"pk": offered.pk}))
    offered.refresh_from_db()
    assert offered.status == RegistrationStatus.CONFIRMED
    html = mine(client)
    assert "Confirm my seat" not in html and html.count("re in.") == 2

    services.registration_switch(registration=kept, site=there, actor=kept.user)
    assert "Somewhere Else" in mine(client)

    client.post(reverse("registrations:cancel", kwargs={"pk": kept.pk}))
    html = mine(client)
    assert "You cancelled this registration." in html and "Register again" in html


def test_buttons_follow_the_phase_boundaries_though_nothing_was_edited(client, monkeypatch):
    sprint = SprintFactory(
        kickoff_at=timezone.now() + timedelta(minutes=30), submission_deadline_at=timezone.now() + timedelta(hours=1)
    )
    registration = RegistrationFactory(sprint=sprint)
    html = mine(client, registration.user)
    assert "Kickoff in" in html and "Cancel registration" in html

    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: real_now() + timedelta(minutes=45))
    html = mine(client)
    assert "Running now: submissions close in" in html and "Kickoff in" not in html

    monkeypatch.setattr(timezone, "now", lambda: real_now() + timedelta(hours=2))
    html = mine(client)
    assert "This sprint is over." in html and "Cancel registration" not in html


def test_the_forms_in_a_kept_card_carry_this_requests_token():
    registration = RegistrationFactory()
    first = Client(enforce_csrf_checks=True)
    first.force_login(registration.user)
    first.get(MINE)  # renders and keeps the card

    # Another session of the same person: another CSRF cookie, the same kept card.
    second = Client(enforce_csrf_checks=True)
    second.force_login(registration.user)
    html = second.get(MINE).content.decode()
    assert CSRF_PLACEHOLDER not in html
    cancel = reverse("registrations:cancel", kwargs={"pk": registration.pk})
    card = html[html.index(cancel) :]
    token = TOKEN.search(card).group(1)
    assert second.post(cancel, {"csrfmiddlewaretoken": token}).status_code == 302
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CANCELLED


def test_a_title_that_looks_like_the_placeholder_stays_text(client):
    registration = RegistrationFactory(sprint=SprintFactory(title=f"Sprint {CSRF_PLACEHOLDER}"))
    html = mine(client, registration.user)
    assert "Sprint &lt;csrf-token&gt;" in html


def test_query_count_stays_flat_with_more_registrations(client):
    person = UserFactory()
    counts = []
    for _ in range(2):
        for _ in range(3):
            sprint = SprintFactory()
            LocalSiteFactory(sprint=sprint)
            RegistrationFactory(sprint=sprint, user=person)
        mine(client, person)  # warms the cards, the session and the shared counts
        with CaptureQueriesContext(connection) as queries:
            assert client.get(MINE).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 3  # the person, their registrations, their teams
