"""/api/v1/sprints/{slug}/team-finder: the same rules as the pages, errors as JSON."""

import pytest
from django.utils import timezone

from sprintlab.teamfinder.models import FinderProfile
from tests.factories import UserFactory
from tests.helpers import bearer_for
from tests.teamfinder.helpers import finder_world
from tests.teams.factories import TeamFactory, add_member

pytestmark = pytest.mark.django_db

CARD = {"timezone": "Asia/Kolkata", "interests": ["evaluations"], "skills": ["statistics"], "free_tags": ["evals"]}


def _path(sprint, rest):
    return f"/api/v1/sprints/{sprint.slug}/team-finder/{rest}"


def test_card_round_trip_and_suggestions(client):
    world = finder_world()
    user = world.confirmed()
    other = world.looking(skills=["policy"], interests=["evaluations"])
    headers = bearer_for(user)
    assert client.get(_path(world.sprint, "profile"), headers=headers).status_code == 404
    response = client.put(_path(world.sprint, "profile"), CARD, content_type="application/json", headers=headers)
    assert response.status_code == 200, response.json()
    assert response.json()["skills"] == ["statistics"] and response.json()["waking_start"] == 8
    body = client.get(_path(world.sprint, "suggestions"), headers=headers).json()
    assert body["team"] is None
    assert body["people"][0]["person"]["user_id"] == other.pk
    assert "both on evaluations" in body["people"][0]["reasons"]


def test_bad_cards_and_strangers_are_refused(client):
    world = finder_world()
    headers = bearer_for(world.confirmed())
    bad = client.put(
        _path(world.sprint, "profile"),
        {**CARD, "timezone": "Mars/Base"},
        content_type="application/json",
        headers=headers,
    )
    assert bad.status_code == 400 and "timezone" in bad.json()["errors"]
    unknown = client.put(
        _path(world.sprint, "profile"),
        {**CARD, "skills": ["juggling"]},
        content_type="application/json",
        headers=headers,
    )
    assert unknown.status_code == 422
    stranger = client.get(_path(world.sprint, "suggestions"), headers=bearer_for(UserFactory()))
    assert stranger.status_code == 403 and stranger.json()["detail"]
    assert not FinderProfile.objects.exists()


def test_closed_teams_answer_409(client):
    world = finder_world(team_formation_closes_at=timezone.now())
    response = client.get(_path(world.sprint, "suggestions"), headers=bearer_for(world.confirmed()))
    assert response.status_code == 409


def test_grouping_and_answers(client):
    world = finder_world()
    first, second = world.looking(), world.looking()
    assert client.post(_path(world.sprint, "groupings"), headers=bearer_for(first)).status_code == 403
    created = client.post(_path(world.sprint, "groupings"), headers=bearer_for(world.organiser))
    assert created.status_code == 201 and created.json()["group_count"] == 1
    listed = client.get(_path(world.sprint, "groupings"), headers=bearer_for(world.organiser)).json()
    assert [len(group["members"]) for group in listed[0]["groups"]] == [2]
    for person in (first, second):
        answer = client.post(
            _path(world.sprint, "my-group/answer"),
            {"accept": True},
            content_type="application/json",
            headers=bearer_for(person),
        )
        assert answer.status_code == 200
    assert answer.json()["group"]["status"] == "formed" and answer.json()["group"]["team"]
    again = client.post(
        _path(world.sprint, "my-group/answer"),
        {"accept": False},
        content_type="application/json",
        headers=bearer_for(first),
    )
    assert again.status_code == 409
    outcomes = client.get(_path(world.sprint, "outcomes"), headers=bearer_for(world.organiser)).json()
    assert outcomes["submissions_open"] is False
    assert {row["origin"]: row["teams"] for row in outcomes["origins"]} == {"self": 0, "finder": 0, "grouping": 1}
    assert client.get(_path(world.sprint, "outcomes"), headers=bearer_for(first)).status_code == 403


def test_the_schema_lists_the_finder():
    from sprintlab.api.api import api

    paths = api.get_openapi_schema()["paths"]
    assert "/api/v1/sprints/{slug}/team-finder/suggestions" in paths


@pytest.mark.parametrize("people", [5, 60])
def test_suggestions_take_a_fixed_number_of_queries(client, django_assert_num_queries, people):
    """As the page (test_views.py): constant whatever the sprint's size, and small once the candidates are kept."""
    world = finder_world()
    viewer = world.looking()
    for n in range(people):
        world.looking(site=world.site if n % 3 == 0 else None)
    for _ in range(3):
        add_member(TeamFactory(sprint=world.sprint), world.looking(), register=False)
    headers = bearer_for(viewer)
    # Cold: token with its user, the token's "last used" (once a minute), sprint, registration check,
    # stamps, cards, registrations, sites, members, teams, the viewer's team.
    with django_assert_num_queries(11):
        assert client.get(_path(world.sprint, "suggestions"), headers=headers).status_code == 200
    # Warm: token with its user, sprint, registration check, stamps, the viewer's team.
    with django_assert_num_queries(5):
        body = client.get(_path(world.sprint, "suggestions"), headers=headers).json()
    assert len(body["people"]) == min(10, people) and len(body["teams"]) == 3
