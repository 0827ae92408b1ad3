"""The organiser home ("Sprints I run"), its API and who may create sprints: every role × each action."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import timezone

from sprintlab.core.errors import PermissionDeniedError
from sprintlab.registrations.selectors_organising import organiser_home
from sprintlab.sprints.models import Sprint, SprintRole
from sprintlab.sprints.services import sprint_create
from tests.factories import (
    OrganiserFactory,
    PartnerFactory,
    RegistrationFactory,
    SprintFactory,
    SprintMembershipFactory,
    UserFactory,
)
from tests.helpers import bearer_for
from tests.registrations.organising_data import sprint_with_to_dos
from tests.roles import ROLES, make_person
from tests.sprints.test_api import new_sprint_body

pytestmark = pytest.mark.django_db

HOME = "/me/organising/"
API = "/api/v1/me/organising"
# The shared roles, plus a person who holds the organisation-level organiser role but runs no sprint yet.
MATRIX_ROLES = [*ROLES, "organiser_role"]
MAY_CREATE = {"staff", "organiser_role"}
MAY_SEE_HOME = {"sprint_organiser", "cohost", "staff", "organiser_role"}


def person(role: str, sprint):
    return OrganiserFactory() if role == "organiser_role" else make_person(role, sprint)


@pytest.mark.parametrize("role", MATRIX_ROLES)
def test_create_sprint_matrix_predicate_page_and_api(client, role):
    user = person(role, SprintFactory())
    allowed = role in MAY_CREATE
    assert (user or AnonymousUser()).has_perm("sprints.create_sprint") is allowed
    if user is not None:
        client.force_login(user)

    page = client.get(reverse("sprints:create"))
    assert page.status_code == (200 if allowed else 302 if user is None else 403)
    sprint_list = client.get(reverse("sprints:list")).content.decode()
    assert (reverse("sprints:create") in sprint_list) is allowed

    headers = bearer_for(user) if user else {}
    response = client.post(
        API.replace("me/organising", "sprints"), new_sprint_body(), "application/json", headers=headers
    )
    assert response.status_code == (201 if allowed else 401 if user is None else 403)
    created = Sprint.objects.filter(slug="mas-2027").first()
    assert (created is not None) is allowed
    if allowed:
        assert created.memberships.get().user == user


def test_the_service_refuses_a_person_without_the_role():
    with pytest.raises(PermissionDeniedError):
        sprint_create(actor=UserFactory(), values=new_sprint_body())
    assert not Sprint.objects.exists()


@pytest.mark.parametrize("role", MATRIX_ROLES)
def test_organiser_home_matrix_page_nav_and_api(client, role):
    user = person(role, SprintFactory())
    allowed = role in MAY_SEE_HOME
    assert (user or AnonymousUser()).has_perm("sprints.view_organiser_home") is allowed
    if user is not None:
        client.force_login(user)

    assert client.get(HOME).status_code == (200 if allowed else 302 if user is None else 403)
    nav = client.get(reverse("sprints:list")).content.decode()
    assert (f'href="{HOME}"' in nav) is allowed
    response = client.get(API, headers=bearer_for(user) if user else {})
    assert response.status_code == (200 if allowed else 401 if user is None else 403)
    if not allowed:
        assert set(response.json()) == {"detail", "errors"}


@pytest.mark.parametrize("role", MATRIX_ROLES)
def test_nobody_sees_another_organisers_to_dos(client, role):
    others = sprint_with_to_dos(title="Someone Else's Sprint")
    SprintMembershipFactory(sprint=others)
    user = person(role, SprintFactory(title="My Own Sprint"))
    if user is None:
        assert client.get(HOME).status_code == 302
        return
    client.force_login(user)

    page = client.get(HOME)
    api = client.get(API, headers=bearer_for(user))
    for response in (page, api):
        assert "Someone Else" not in response.content.decode()
    if role in ("sprint_organiser", "cohost"):
        assert "My Own Sprint" in page.content.decode()
        assert [item["title"] for item in api.json()["current"]] == ["My Own Sprint"]


def test_selector_counts_each_to_do_of_an_organisers_sprint():
    sprint = sprint_with_to_dos()
    organiser = SprintMembershipFactory(sprint=sprint).user

    [item] = organiser_home(organiser).current

    assert item.sprint == sprint and item.organises
    assert (item.site_applications, item.applicants_to_decide, item.offers_expiring) == (2, 3, 1)
    assert item.registrations_today == 6


def test_page_links_each_to_do_to_where_it_is_done(client):
    sprint = sprint_with_to_dos()
    organiser = SprintMembershipFactory(sprint=sprint).user
    client.force_login(organiser)

    html = client.get(HOME).content.decode()

    slug = sprint.slug
    assert f'href="/sprints/{slug}/site-applications/?status=pending"' in html
    assert f'href="/sprints/{slug}/admissions/?status=applied"' in html
    assert f'href="/sprints/{slug}/admissions/?status=offered"' in html
    assert f'href="/sprints/{slug}/registrations/"' in html
    for count, label in ((2, "site applications to review"), (3, "applicants to decide"), (6, "registrations today")):
        assert f"<strong>{count}</strong>" in html and label in html
    assert "offer expires within 24 h" in html


def test_a_cohost_sees_registrations_today_but_no_organiser_work(client):
    partner = PartnerFactory()
    sprint = sprint_with_to_dos()
    cohost = SprintMembershipFactory(sprint=sprint, role=SprintRole.COHOST, partner=partner).user
    client.force_login(cohost)

    html = client.get(HOME).content.decode()
    body = client.get(API, headers=bearer_for(cohost)).json()

    assert "Partner co-host" in html and "registrations today" in html
    assert "site-applications" not in html and "admissions" not in html
    [item] = body["current"]
    assert item["role"] == "cohost"
    assert item["to_dos"]["site_applications"] is None and item["to_dos"]["applicants_to_decide"] is None
    assert item["to_dos"]["registrations_today"]["count"] == 6


def test_finished_sprints_are_listed_apart_without_to_dos(client):
    organiser = OrganiserFactory()
    kickoff = timezone.now() - timedelta(days=900)
    past = SprintFactory(
        title="Spring 2023 Sprint",
        announced_at=kickoff - timedelta(days=30),
        registration_opens_at=kickoff - timedelta(days=7),
        kickoff_at=kickoff,
    )
    SprintMembershipFactory(sprint=past, user=organiser)
    client.force_login(organiser)

    home = organiser_home(organiser)
    html = client.get(HOME).content.decode()

    assert home.current == [] and home.past == [past]
    assert "Past sprints" in html and "Spring 2023 Sprint" in html
    assert "You are not running a sprint at the moment." in html
    assert 'href="/sprints/new/"' in html


def test_api_lists_the_to_dos_with_absolute_links(client):
    sprint = sprint_with_to_dos()
    organiser = SprintMembershipFactory(sprint=sprint).user

    body = client.get(API, headers=bearer_for(organiser)).json()

    [item] = body["current"]
    assert (item["slug"], item["role"], body["past"]) == (sprint.slug, "organiser", [])
    to_dos = item["to_dos"]
    assert {name: to_do["count"] for name, to_do in to_dos.items()} == {
        "site_applications": 2,
        "applicants_to_decide": 3,
        "offers_expiring": 1,
        "registrations_today": 6,
    }
    assert (
        to_dos["applicants_to_decide"]["url"] == f"http://testserver/sprints/{sprint.slug}/admissions/?status=applied"
    )


def test_my_sprints_points_someone_who_runs_sprints_to_their_home(client):
    organiser = SprintMembershipFactory().user
    client.force_login(organiser)
    html = client.get(reverse("registrations:mine")).content.decode()
    assert "You have not registered" not in html
    assert f'href="{HOME}"' in html


def test_my_sprints_for_a_newcomer_still_says_they_have_not_registered(client):
    client.force_login(UserFactory())
    html = client.get(reverse("registrations:mine")).content.decode()
    assert "You have not registered for a sprint yet." in html
    assert f'href="{HOME}"' not in html


def test_my_sprints_for_an_organiser_who_also_takes_part_lists_the_registration(client):
    registration = RegistrationFactory()
    SprintMembershipFactory(user=registration.user)
    client.force_login(registration.user)
    html = client.get(reverse("registrations:mine")).content.decode()
    assert registration.sprint.title in html
