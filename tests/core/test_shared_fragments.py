"""Signed-in pages: shared parts rendered once for everyone, each person's own parts always fresh.

The test settings turn the shared fragments off (``SHARED_FRAGMENT_SECONDS = 0``) so that other
tests see the real work; these tests turn them on, as production has them.
"""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from sprintlab.registrations import services
from sprintlab.sprints.models import SprintRole
from sprintlab.sprints.permissions import shows_organiser_home
from sprintlab.sprints.services import sprint_membership_add, sprint_membership_remove
from tests.factories import (
    LocalSiteFactory,
    OrganiserFactory,
    RegistrationFactory,
    SprintFactory,
    SprintMembershipFactory,
    StaffFactory,
    UserFactory,
)
from tests.registrations.helpers import register

pytestmark = pytest.mark.django_db
SHARED = re.compile(r'<section class="stats sprint-page-stats".*?</aside>\s*</div>', re.S)


@pytest.fixture(autouse=True)
def fragments_on(settings):
    settings.SHARED_FRAGMENT_SECONDS = 60  # long enough that nothing expires during a test


def page_of(client, user, url):
    client.force_login(user)
    return client.get(url).content.decode()


def test_the_shared_part_is_the_same_for_everyone_and_names_nobody(client):
    sprint = SprintFactory()
    LocalSiteFactory(sprint=sprint, name="Nairobi Hub")
    alice = UserFactory(display_name="Alice Uniquename", email="alice@example.org")
    bob = UserFactory(display_name="Bob Othername", email="bob@example.org")
    register(alice, sprint=sprint)

    alices = page_of(client, alice, sprint.get_absolute_url())
    bobs = page_of(client, bob, sprint.get_absolute_url())

    assert SHARED.search(alices).group(0) == SHARED.search(bobs).group(0)
    assert "Nairobi Hub" in SHARED.search(bobs).group(0)
    for shared in (SHARED.search(alices).group(0), SHARED.search(bobs).group(0)):
        assert "Uniquename" not in shared and "Othername" not in shared and "csrf" not in shared.lower()
    # Each person's own part stays theirs.
    assert "You are registered" in alices and "You are registered" not in bobs


def test_a_persons_own_registration_shows_at_once_though_the_shared_part_is_cached(client):
    sprint = SprintFactory()
    person = UserFactory()
    assert ">Register<" in page_of(client, person, sprint.get_absolute_url())

    registration = register(person, sprint=sprint)
    assert "You are registered — Confirmed" in client.get(sprint.get_absolute_url()).content.decode()
    assert "Cancel registration" in client.get(reverse("registrations:mine")).content.decode()

    services.registration_cancel(registration=registration, actor=person)
    html = client.get(sprint.get_absolute_url()).content.decode()
    assert "Register again" in html and "Your earlier registration is cancelled." in html
    assert "You cancelled this registration." in client.get(reverse("registrations:mine")).content.decode()


def test_organiser_tools_never_reach_another_viewer(client):
    sprint = SprintFactory()
    organiser = UserFactory()
    SprintMembershipFactory(sprint=sprint, user=organiser, role=SprintRole.ORGANISER)
    edit = reverse("sprints:edit", kwargs={"slug": sprint.slug})
    review = reverse("localsites:applications", kwargs={"sprint_slug": sprint.slug})

    assert edit in page_of(client, organiser, sprint.get_absolute_url())
    assert review in page_of(client, organiser, reverse("localsites:list", args=[sprint.slug]))
    participant = UserFactory()
    assert edit not in page_of(client, participant, sprint.get_absolute_url())
    assert review not in page_of(client, participant, reverse("localsites:list", args=[sprint.slug]))


def test_drafts_and_the_new_sprint_button_stay_with_the_people_who_may_see_them(client):
    SprintFactory(title="Open For All")
    draft = SprintFactory(title="Secret Draft", is_published=False)
    organiser = OrganiserFactory()
    SprintMembershipFactory(sprint=draft, user=organiser)

    theirs = page_of(client, organiser, reverse("sprints:list"))
    assert "Secret Draft" in theirs and reverse("sprints:create") in theirs
    mine = page_of(client, UserFactory(), reverse("sprints:list"))
    assert "Open For All" in mine
    assert "Secret Draft" not in mine and reverse("sprints:create") not in mine


def test_the_shared_parts_differ_by_filter_and_by_time_zone(client):
    sprint = SprintFactory()
    LocalSiteFactory(sprint=sprint, country="KE", city="Nairobi")
    LocalSiteFactory(sprint=sprint, country="GB", city="Oxford")
    viewer = UserFactory(timezone="UTC")
    url = reverse("localsites:list", args=[sprint.slug])
    assert "Oxford" in page_of(client, viewer, url)
    assert "Oxford" not in client.get(url + "?country=KE").content.decode()

    in_utc = SHARED.search(client.get(sprint.get_absolute_url()).content.decode()).group(0)
    tokyo = SHARED.search(page_of(client, UserFactory(timezone="Asia/Tokyo"), sprint.get_absolute_url())).group(0)
    assert 'data-zone="Asia/Tokyo"' in tokyo and 'data-zone="Asia/Tokyo"' not in in_utc


def test_the_sprint_list_differs_by_search_area_tab_and_page(client):
    SprintFactory(title="Alignment Alpha", research_area="interpretability")
    SprintFactory(title="Governance Gamma", research_area="governance")
    for n in range(12):
        SprintFactory(title=f"Filler {n:02}", research_area="governance")
    viewer = UserFactory()
    url = reverse("sprints:list")
    assert "Alignment Alpha" in page_of(client, viewer, url + "?q=alpha")
    searched = client.get(url + "?q=gamma").content.decode()
    assert "Governance Gamma" in searched and "Alignment Alpha" not in searched
    assert "Alignment Alpha" not in client.get(url + "?area=governance").content.decode()
    assert "Alignment Alpha" not in client.get(url + "?when=past").content.decode()
    first, second = (client.get(url + f"?page={n}").content.decode() for n in (1, 2))
    assert len(re.findall(r'class="card sprint-card"', first)) == 12
    assert len(re.findall(r'class="card sprint-card"', second)) == 2


def test_the_sprint_lists_htmx_part_is_cached_apart_from_the_whole_page(client):
    SprintFactory(title="Alignment Alpha")
    url = reverse("sprints:list") + "?q=alpha"
    page_of(client, UserFactory(), url)  # the whole page: its results are cached
    part = client.get(url, headers={"HX-Request": "true", "HX-Target": "sprint-results"}).content.decode()
    assert "<html" not in part and "Alignment Alpha" in part
    assert 'id="search-status"' in part and 'hx-swap-oob="true"' in part
    whole = client.get(url).content.decode()
    assert "<html" in whole and 'hx-swap-oob="true"' not in whole and 'id="search-status"' in whole


def test_the_sites_list_differs_by_region(client):
    sprint = SprintFactory()
    LocalSiteFactory(sprint=sprint, country="KE", city="Nairobi")
    LocalSiteFactory(sprint=sprint, country="GB", city="Oxford")
    url = reverse("localsites:list", args=[sprint.slug])
    assert "Oxford" in page_of(client, UserFactory(), url + "?region=europe")
    assert "Oxford" not in client.get(url + "?region=africa").content.decode()


def test_host_a_site_goes_when_the_sprint_is_over_though_nothing_was_edited(client):
    sprint = SprintFactory()
    apply = reverse("localsites:apply", kwargs={"sprint_slug": sprint.slug})
    sites = reverse("localsites:list", args=[sprint.slug])
    viewer = UserFactory()
    assert apply in page_of(client, viewer, sprint.get_absolute_url())
    assert apply in client.get(sites).content.decode()
    # The timeline moves on without a save: ``updated_at`` stays, the shared parts' keys must not.
    now = timezone.now()
    sprint_fields = {
        "kickoff_at": now - timedelta(days=3),
        "submission_deadline_at": now - timedelta(minutes=1),
        "judging_ends_at": now + timedelta(days=7),
        "results_published_at": now + timedelta(days=8),
    }
    type(sprint).objects.filter(pk=sprint.pk).update(
        announced_at=now - timedelta(days=20),
        registration_opens_at=now - timedelta(days=10),
        registration_closes_at=None,
        **sprint_fields,
    )
    assert apply not in client.get(sprint.get_absolute_url()).content.decode()
    assert apply not in client.get(sites).content.decode()


def test_the_heros_where_line_is_shared_and_the_register_box_is_not(client):
    sprint = SprintFactory(remote_allowed=True)
    LocalSiteFactory(sprint=sprint)
    person = UserFactory()
    register(person, sprint=sprint)
    theirs = page_of(client, person, sprint.get_absolute_url())
    LocalSiteFactory(sprint=sprint)  # not seen until the shared part expires
    others = page_of(client, UserFactory(), sprint.get_absolute_url())
    where = re.compile(r'<p class="hero-where">.*?</p>', re.S)
    assert where.search(theirs).group(0) == where.search(others).group(0)
    assert "Remote, or at" in where.search(others).group(0)
    assert "You are registered" in theirs and "You are registered" not in others


def test_an_edit_by_the_organisers_shows_at_once(client):
    sprint = SprintFactory(tagline="Old tagline", description="Old description")
    viewer = UserFactory()
    assert "Old description" in page_of(client, viewer, sprint.get_absolute_url())
    sprint.description = "New description"
    sprint.save()  # a new ``updated_at``: a new fragment
    assert "New description" in client.get(sprint.get_absolute_url()).content.decode()


def test_signed_in_pages_read_no_session_row_and_few_rows_once_shared_parts_are_warm(client):
    sprint = SprintFactory()
    for n in range(30):
        LocalSiteFactory(sprint=sprint, name=f"Site {n}")
    person = UserFactory()
    RegistrationFactory(sprint=sprint, user=person)
    client.force_login(person)
    pages = {
        reverse("sprints:list"): 1,  # the person
        sprint.get_absolute_url(): 3,  # + the sprint, + their registration
        reverse("localsites:list", args=[sprint.slug]): 2,  # + the sprint
        reverse("registrations:mine"): 3,  # + their registrations (their cards and site counts are kept), + their teams
    }
    for url, most in pages.items():
        client.get(url)  # warms the shared parts and the session
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        sql = [q["sql"] for q in queries.captured_queries]
        assert not any("django_session" in s for s in sql), url
        assert len(sql) <= most, (url, sql)


def test_my_sprints_loads_the_switch_menu_only_when_opened(client):
    sprint = SprintFactory()
    sites = [LocalSiteFactory(sprint=sprint, name=f"Venue number {n}") for n in range(5)]
    registration = RegistrationFactory(sprint=sprint, site=sites[0])
    switch = reverse("registrations:switch", kwargs={"pk": registration.pk})

    mine = page_of(client, registration.user, reverse("registrations:mine"))
    assert f'hx-get="{switch}"' in mine and "Venue number 3" not in mine
    menu = client.get(switch, headers={"HX-Request": "true"}).content.decode()
    assert "Venue number 3" in menu and "<html" not in menu and "csrfmiddlewaretoken" in menu
    page = client.get(switch).content.decode()  # without script: a page of its own
    assert "Venue number 3" in page and "<html" in page
    # Nobody else opens it.
    client.force_login(UserFactory())
    assert client.get(switch).status_code == 404


def test_the_sprints_i_run_link_follows_role_changes_at_once(client, django_capture_on_commit_callbacks):
    sprint = SprintFactory()
    person = UserFactory()
    link = reverse("registrations:organising")
    assert link not in page_of(client, person, reverse("sprints:list"))

    with django_capture_on_commit_callbacks(execute=True):
        sprint_membership_add(actor=StaffFactory(), sprint=sprint, user=person, role=SprintRole.ORGANISER)
    assert link in client.get(reverse("sprints:list")).content.decode()

    other = SprintMembershipFactory(sprint=sprint)  # the sprint keeps an organiser
    with django_capture_on_commit_callbacks(execute=True):
        sprint_membership_remove(membership=sprint.memberships.get(user=person), actor=other.user)
    assert link not in client.get(reverse("sprints:list")).content.decode()


@pytest.mark.parametrize("kind", ["nobody", "member", "cohost", "organiser role", "staff"])
def test_the_link_follows_the_same_rule_as_the_page(kind):
    user = {"organiser role": OrganiserFactory, "staff": StaffFactory}.get(kind, UserFactory)()
    if kind in ("member", "cohost"):
        SprintMembershipFactory(user=user, role=SprintRole.ORGANISER if kind == "member" else SprintRole.COHOST)
    assert shows_organiser_home(user) is user.has_perm("sprints.view_organiser_home") is (kind != "nobody")
