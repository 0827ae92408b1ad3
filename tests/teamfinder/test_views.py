"""The team finder's pages: who sees what, what the buttons post, and a fixed number of queries."""

import pytest
from django.urls import reverse
from django.utils import timezone

from sprintlab.registrations.models import Registration, RegistrationStatus
from sprintlab.teamfinder.models import FinderProfile, GroupStatus
from sprintlab.teams.models import JoinRequest, Team
from tests.factories import UserFactory
from tests.teamfinder.helpers import finder_world
from tests.teams.factories import TeamFactory, add_member

pytestmark = pytest.mark.django_db


def _url(name, sprint, **kwargs):
    return reverse(f"teamfinder:{name}", kwargs={"slug": sprint.slug, **kwargs})


def test_a_participant_marks_herself_looking(client):
    world = finder_world()
    user = world.confirmed()
    client.force_login(user)
    assert client.get(_url("profile", world.sprint)).status_code == 200
    response = client.post(
        _url("profile", world.sprint),
        {
            "is_looking": "on",
            "interests": ["evaluations"],
            "skills": ["policy"],
            "free_tags": "model evals, audits",
            "timezone": "Africa/Nairobi",
            "waking_start": "7",
            "waking_end": "22",
            "preferred_track": str(world.tracks[0].pk),
            "note": "Policy person, keen to learn evals.",
        },
    )
    assert response.status_code == 302
    profile = FinderProfile.objects.get(user=user)
    assert profile.free_tags == ["model evals", "audits"] and profile.preferred_track == world.tracks[0]


def test_a_bad_zone_is_shown_on_the_form(client):
    world = finder_world()
    client.force_login(world.confirmed())
    response = client.post(
        _url("profile", world.sprint), {"timezone": "Mars/Olympus", "waking_start": "8", "waking_end": "23"}
    )
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    assert not FinderProfile.objects.exists()


def test_strangers_are_told_why_not(client):
    world = finder_world()
    client.force_login(UserFactory())
    response = client.get(_url("suggestions", world.sprint))
    assert response.status_code == 403
    assert "confirmed participants" in response.content.decode()


def test_suggestions_show_reasons_and_the_buttons_post_to_the_team_pages(client):
    world = finder_world()
    viewer = world.looking(skills=["software"], interests=["evaluations"])
    other = world.looking(skills=["policy"], interests=["evaluations"])
    team = TeamFactory(sprint=world.sprint)
    client.force_login(viewer)
    html = client.get(_url("suggestions", world.sprint)).content.decode()
    assert f"you write code, {other.name} has a policy background" in html
    assert reverse("teams:join_request_create", kwargs={"slug": world.sprint.slug, "team_id": team.pk}) in html
    assert _url("start_team", world.sprint) in html
    response = client.post(_url("start_team", world.sprint), {"user_id": other.pk, "name": "Evals and policy"})
    created = Team.objects.get(name="Evals and policy")
    assert response.status_code == 302 and response["Location"] == created.get_absolute_url()
    assert JoinRequest.objects.get(team=created).from_finder
    # Now in a team: people only, with an invitation to her team.
    html = client.get(_url("suggestions", world.sprint)).content.decode()
    assert "Teams with room" not in html
    assert reverse("teams:invite", kwargs={"slug": world.sprint.slug, "team_id": created.pk}) in html


def _crowd(world, people: int):
    """``people`` looking (a third of them at the site), three teams with members and cards, a viewer."""
    viewer = world.looking()
    for n in range(people):
        world.looking(site=world.site if n % 3 == 0 else None)
    for _ in range(3):
        team = TeamFactory(sprint=world.sprint)
        add_member(team, world.looking(), register=False)
    return viewer


@pytest.mark.parametrize("people", [5, 60])
def test_suggestions_take_a_fixed_number_of_queries(client, django_assert_num_queries, people):
    """Whatever the sprint's size: the sprint's candidates are read when something changed (cold), and
    otherwise only the sprint's version stamps are (warm). The counts are exact so that a query per
    person or per team cannot creep back in."""
    world = finder_world()
    viewer = _crowd(world, people)
    client.force_login(viewer)
    # Cold: user (the session is in the cache), sprint, registration check, stamps, cards,
    # registrations, sites, members, teams, the viewer's team, then the navigation's role check.
    with django_assert_num_queries(11):
        assert client.get(_url("suggestions", world.sprint)).status_code == 200
    # Warm: user, sprint, registration check, stamps, the viewer's team; the navigation's role check
    # is remembered per person.
    with django_assert_num_queries(5):
        assert client.get(_url("suggestions", world.sprint)).status_code == 200


def test_suggestions_see_every_change_at_once(client):
    """The candidates are kept between requests, but a card, a team or a registration saved in
    between moves the sprint's stamps: the next request ranks the sprint as it is now."""
    world = finder_world()
    viewer = world.looking(interests=["evaluations"])
    other = world.looking(interests=["forecasting"])
    client.force_login(viewer)
    assert f'data-person="{other.pk}"' in client.get(_url("suggestions", world.sprint)).content.decode()
    FinderProfile.objects.filter(user=other).update(interests=["evaluations"], updated_at=timezone.now())
    html = client.get(_url("suggestions", world.sprint)).content.decode()
    assert "both on evaluations" in html
    team = TeamFactory(sprint=world.sprint)
    add_member(team, other, register=False)
    html = client.get(_url("suggestions", world.sprint)).content.decode()
    assert f'data-person="{other.pk}"' not in html and f'data-team="{team.pk}"' in html
    newcomer = world.looking()
    assert f'data-person="{newcomer.pk}"' in client.get(_url("suggestions", world.sprint)).content.decode()
    Registration.objects.filter(user=newcomer).update(status=RegistrationStatus.CANCELLED, updated_at=timezone.now())
    assert f'data-person="{newcomer.pk}"' not in client.get(_url("suggestions", world.sprint)).content.decode()


def test_the_organiser_groups_and_the_people_answer(client):
    world = finder_world()
    first, second = world.looking(), world.looking()
    client.force_login(first)
    assert "have not proposed" in client.get(_url("my_group", world.sprint)).content.decode()
    client.force_login(world.organiser)
    assert client.post(_url("grouping", world.sprint)).status_code == 302
    html = client.get(_url("grouping", world.sprint)).content.decode()
    assert first.name in html and "Group 1" in html
    for person in (first, second):
        client.force_login(person)
        response = client.post(_url("my_group", world.sprint), {"answer": "accept"}, headers={"HX-Request": "true"})
        assert response.status_code == 200
    assert "Team formed" in response.content.decode()
    group = first.finder_profiles.get().sprint.grouping_runs.get().groups.get()
    assert group.status == GroupStatus.FORMED


def test_grouping_and_outcomes_are_for_organisers(client):
    world = finder_world()
    client.force_login(world.looking())
    assert client.get(_url("grouping", world.sprint)).status_code == 403
    assert client.get(_url("outcomes", world.sprint)).status_code == 403
    client.force_login(world.organiser)
    html = client.get(_url("outcomes", world.sprint)).content.decode()
    assert "submissions open with the next release" in html


def test_organisers_are_pointed_from_the_finder_to_their_pages(client):
    world = finder_world()
    client.force_login(world.organiser)
    html = client.get(_url("suggestions", world.sprint)).content.decode()
    assert _url("grouping", world.sprint) in html and _url("outcomes", world.sprint) in html
    teams_page = client.get(reverse("teams:list", kwargs={"slug": world.sprint.slug})).content.decode()
    assert _url("suggestions", world.sprint) in teams_page
