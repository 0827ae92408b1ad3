"""Every page, form and API answer says the same about seats (one count: ``registrations.selectors``).

Two sprints that used to contradict themselves: one full overall while its site still has free
seats (the site must read as full everywhere, and registering there waitlists), and one whose
registration has closed or that is over (no seat counts and no register buttons anywhere, 0 in the API).
"""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from sprintlab.registrations import admissions, services
from sprintlab.registrations.models import RegistrationStatus
from sprintlab.sprints.models import AdmissionMode
from tests.factories import LocalSiteFactory, RegistrationFactory, SprintFactory, SprintMembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

SEATS = re.compile(r"(\d+) seats? left")


def _seats_in(fragment: str, *, full_words: tuple[str, ...]) -> int | None:
    """What a piece of a page claims: a number of seats left, 0 for "full", None when it says nothing."""
    if any(word in fragment for word in full_words):
        return 0
    found = SEATS.search(fragment)
    return int(found.group(1)) if found else None


def _item_naming(html: str, site, *, item: str) -> str:
    """The ``<li>`` of ``item``'s class (or any) that links to ``site``."""
    for fragment in re.findall(rf"<li{item}>.*?</li>", html, flags=re.S):
        if site.name in fragment:
            return fragment
    raise AssertionError(f"{site.name} is not listed")


def claims(client, sprint, site) -> dict:
    """What each page and the API say about seats left at ``site``."""
    sprint_page = client.get(sprint.get_absolute_url()).content.decode()
    sites_page = client.get(reverse("localsites:list", kwargs={"sprint_slug": sprint.slug})).content.decode()
    site_page = client.get(site.get_absolute_url()).content.decode()
    form_page = client.get(reverse("registrations:register", kwargs={"slug": sprint.slug})).content.decode()
    option = re.search(rf'<option value="{site.pk}"[^>]*>([^<]*)</option>', form_page)
    stat = re.search(r"<strong>(\d+)</strong><span>seats left</span>", site_page)
    api_list = client.get(f"/api/v1/sprints/{sprint.slug}/sites").json()
    api_site = client.get(f"/api/v1/sites/{site.pk}").json()
    return {
        "sprint page": _seats_in(_item_naming(sprint_page, site, item=""), full_words=("Full",)),
        "sites list": _seats_in(_item_naming(sites_page, site, item=' class="site-card"'), full_words=("Full",)),
        "site page": int(stat.group(1)) if stat else None,
        "form": None if option is None else _seats_in(option.group(1), full_words=("full: waitlist",)),
        "api list": next(item["seats_left"] for item in api_list if item["id"] == site.pk),
        "api site": api_site["seats_left"],
        "api sprint": client.get(f"/api/v1/sprints/{sprint.slug}").json()["seats_left"],
        "register links": [
            page
            for page, html in (("sprint page", sprint_page), ("site page", site_page))
            if reverse("registrations:register", kwargs={"slug": sprint.slug}) in html
        ],
        "site page button": re.sub(r"\s+", " ", site_page),
    }


@pytest.fixture
def viewer(client):
    client.force_login(UserFactory())  # signed in: no shared page cache between the two reads
    return client


def test_a_sprint_full_overall_shows_its_free_site_as_full_everywhere(viewer):
    sprint = SprintFactory(capacity=2)
    site = LocalSiteFactory(sprint=sprint, capacity=5)
    RegistrationFactory.create_batch(2, sprint=sprint)  # remote people hold both of the sprint's seats

    said = claims(viewer, sprint, site)

    assert {
        page: said[page] for page in ("sprint page", "sites list", "site page", "form", "api list", "api site")
    } == {
        "sprint page": 0,
        "sites list": 0,
        "site page": 0,
        "form": 0,
        "api list": 0,
        "api site": 0,
    }
    assert said["api sprint"] == 0
    assert "Join the waitlist at this site" in said["site page button"]
    assert "Register at this site" not in said["site page button"]
    # And what the pages promise is what registering there does.
    registration = services.registration_create(
        actor=UserFactory(), sprint=sprint, site=site, experience_level="some", accepted_code_of_conduct=True
    )
    assert registration.status == RegistrationStatus.WAITLISTED


def test_a_site_with_room_in_a_sprint_with_room_agrees_on_the_smaller_count(viewer):
    sprint = SprintFactory(capacity=4)
    site = LocalSiteFactory(sprint=sprint, capacity=10)
    RegistrationFactory(sprint=sprint, site=site)
    RegistrationFactory(sprint=sprint)

    said = claims(viewer, sprint, site)

    assert {said[page] for page in ("sprint page", "sites list", "site page", "form", "api list", "api site")} == {2}
    assert said["api sprint"] == 2
    assert "Register at this site" in said["site page button"]


@pytest.mark.parametrize("when", ["registration closed", "sprint over"])
def test_a_closed_sprint_shows_no_seats_and_no_register_buttons(viewer, when):
    now = timezone.now()
    if when == "registration closed":
        sprint = SprintFactory(registration_closes_at=now - timedelta(hours=1))
    else:
        sprint = SprintFactory(
            announced_at=now - timedelta(days=90),
            registration_opens_at=now - timedelta(days=80),
            kickoff_at=now - timedelta(days=60),
        )
    site = LocalSiteFactory(sprint=sprint, capacity=5)

    said = claims(viewer, sprint, site)

    assert {page: said[page] for page in ("sprint page", "sites list", "site page", "form")} == {
        "sprint page": None,
        "sites list": None,
        "site page": None,
        "form": None,
    }
    assert (said["api list"], said["api site"], said["api sprint"]) == (0, 0, 0)
    assert said["register links"] == []
    assert "Register at this site" not in said["site page button"]
    assert "Join the waitlist" not in said["site page button"]


def test_the_switch_menu_counts_the_persons_own_seat_as_free(client):
    sprint = SprintFactory(capacity=2)
    site = LocalSiteFactory(sprint=sprint, capacity=5)
    mine = RegistrationFactory(sprint=sprint)  # remote, holding one of the sprint's two seats
    RegistrationFactory(sprint=sprint)
    client.force_login(mine.user)

    # "My sprints" loads the menu from the switch page when it is opened.
    assert (
        reverse("registrations:switch", kwargs={"pk": mine.pk})
        in client.get(reverse("registrations:mine")).content.decode()
    )
    html = client.get(
        reverse("registrations:switch", kwargs={"pk": mine.pk}), headers={"HX-Request": "true"}
    ).content.decode()

    option = re.search(rf'<option value="{site.pk}"[^>]*>([^<]*)</option>', html)
    assert option is not None and "1 seat left" in option.group(1), option
    # Switching there indeed keeps the seat.
    moved = services.registration_switch(registration=mine, site=site, actor=mine.user, join_waitlist=False)
    assert moved.status == RegistrationStatus.CONFIRMED


def test_organisers_see_and_may_fill_the_seats_the_sprint_allows_at_a_reviewed_site(client):
    sprint = SprintFactory(capacity=3, admission_mode=AdmissionMode.REVIEWED)
    site = LocalSiteFactory(sprint=sprint, capacity=5)
    RegistrationFactory.create_batch(2, sprint=sprint)  # remote seats
    first, second = (RegistrationFactory(sprint=sprint, site=site, status=RegistrationStatus.APPLIED) for _ in range(2))
    organiser = SprintMembershipFactory(sprint=sprint).user
    client.force_login(organiser)

    html = client.get(reverse("registrations:admissions", kwargs={"slug": sprint.slug})).content.decode()

    assert f"{site.name}, {site.city} (1 free seat)" in html
    assert "The sprint has 1 free seat of 3 overall" in html
    wave = admissions.admission_wave_create(
        sprint=sprint,
        admit=[first.pk],
        waitlist=[second.pk],
        decline=[],
        message="",
        confirm_by=timezone.now() + timedelta(days=2),
        actor=organiser,
    )
    assert wave.admitted_count == 1
