from datetime import timedelta

import pytest

from sprintlab.programme.models import AgendaItem, Resource, Session
from sprintlab.sprints.models import SprintRole
from tests.factories import (
    LocalSiteFactory,
    PastSprintFactory,
    RegistrationFactory,
    SiteOrganiserFactory,
    SprintFactory,
    SprintMembershipFactory,
    UserFactory,
)
from tests.helpers import bearer_for
from tests.programme.factories import ResourceFactory, SessionFactory, SpeakerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sprint():
    return SprintFactory()


@pytest.fixture
def organiser(sprint):
    return SprintMembershipFactory(sprint=sprint, role=SprintRole.ORGANISER).user


def body(sprint, **overrides):
    starts = sprint.kickoff_at + timedelta(hours=2)
    return {
        "kind": "talk",
        "title": "Sparse autoencoders",
        "starts_at": starts.isoformat(),
        "ends_at": (starts + timedelta(hours=1)).isoformat(),
        "online_url": "https://meet.example.org/sae",
        **overrides,
    }


def test_sessions_are_listed_publicly(client, sprint):
    session = SessionFactory(sprint=sprint)
    session.speaker_links.create(speaker=SpeakerFactory(sprint=sprint, name="Lee"), position=0)
    response = client.get(f"/api/v1/sprints/{sprint.slug}/sessions")
    assert response.status_code == 200
    [item] = response.json()
    assert item["uid"] == str(session.uid) and item["speakers"][0]["name"] == "Lee" and item["sequence"] == 0
    assert client.get(f"/api/v1/sprints/{SprintFactory(is_published=False).slug}/sessions").status_code == 404


def test_an_organiser_creates_moves_and_cancels_a_session(client, sprint, organiser):
    speakers = [SpeakerFactory(sprint=sprint), SpeakerFactory(sprint=sprint)]
    headers = bearer_for(organiser)
    response = client.post(
        f"/api/v1/sprints/{sprint.slug}/sessions",
        body(sprint, speakers=[speakers[1].pk, speakers[0].pk]),
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 201, response.json()
    created = response.json()
    assert [s["id"] for s in created["speakers"]] == [speakers[1].pk, speakers[0].pk]
    later = sprint.kickoff_at + timedelta(hours=5)
    response = client.patch(
        f"/api/v1/sessions/{created['id']}",
        {"starts_at": later.isoformat(), "ends_at": (later + timedelta(hours=1)).isoformat()},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 200 and response.json()["sequence"] == 1 and response.json()["uid"] == created["uid"]
    response = client.post(f"/api/v1/sessions/{created['id']}/cancel", headers=headers)
    assert response.status_code == 200 and response.json()["cancelled_at"]
    assert client.post(f"/api/v1/sessions/{created['id']}/cancel", headers=headers).status_code == 409


def test_refusals_have_the_error_shape_and_change_nothing(client, sprint):
    stranger = bearer_for(UserFactory())
    response = client.post(
        f"/api/v1/sprints/{sprint.slug}/sessions", body(sprint), content_type="application/json", headers=stranger
    )
    assert response.status_code == 403 and response.json()["detail"]
    organiser = bearer_for(SprintMembershipFactory(sprint=sprint, role=SprintRole.ORGANISER).user)
    response = client.post(
        f"/api/v1/sprints/{sprint.slug}/sessions",
        body(sprint, online_url=""),
        content_type="application/json",
        headers=organiser,
    )
    assert response.status_code == 400 and "online_url" in response.json()["errors"]
    response = client.post(
        f"/api/v1/sprints/{sprint.slug}/sessions",
        body(sprint, site=LocalSiteFactory().pk),
        content_type="application/json",
        headers=organiser,
    )
    assert response.status_code == 400 and "site" in response.json()["errors"]
    assert client.post(f"/api/v1/sprints/{sprint.slug}/sessions", body(sprint)).status_code == 401
    assert not Session.objects.exists()


def test_a_site_organiser_adds_a_session_at_their_site(client, sprint):
    site = LocalSiteFactory(sprint=sprint)
    headers = bearer_for(SiteOrganiserFactory(site=site).user)
    response = client.post(
        f"/api/v1/sprints/{sprint.slug}/sessions",
        body(sprint, site=site.pk, online_url=""),
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 201 and response.json()["site"] == site.pk


def test_the_agenda_is_added_to_listed_and_removed(client, sprint):
    session = SessionFactory(sprint=sprint)
    participant = RegistrationFactory(sprint=sprint).user
    headers = bearer_for(participant)
    assert client.post(f"/api/v1/me/agenda/{session.pk}", headers=headers).status_code == 201
    assert client.post(f"/api/v1/me/agenda/{session.pk}", headers=headers).status_code == 200
    response = client.get("/api/v1/me/agenda", {"sprint": sprint.slug}, headers=headers)
    assert response.json()["starred"] == [session.pk]
    assert client.delete(f"/api/v1/me/agenda/{session.pk}", headers=headers).json()["starred"] == []
    assert client.post(f"/api/v1/me/agenda/{session.pk}", headers=bearer_for(UserFactory())).status_code == 403
    assert not AgendaItem.objects.exists()


def test_the_feed_address_is_given_and_reset(client):
    headers = bearer_for(UserFactory())
    first = client.get("/api/v1/me/calendar-feed", headers=headers).json()
    assert first["webcal_url"].startswith("webcal://") and first["url"].endswith(".ics")
    second = client.post("/api/v1/me/calendar-feed/reset", headers=headers).json()
    assert second["url"] != first["url"]
    assert client.get(first["url"].replace("http://testserver", "")).status_code == 404


def test_speakers_are_created_and_updated(client, sprint, organiser):
    headers = bearer_for(organiser)
    response = client.post(
        f"/api/v1/sprints/{sprint.slug}/speakers",
        {"name": "Kim", "affiliation": "MATS"},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 201
    speaker_id = response.json()["id"]
    response = client.patch(
        f"/api/v1/sprints/{sprint.slug}/speakers/{speaker_id}",
        {"bio": "Evals."},
        content_type="application/json",
        headers=headers,
    )
    assert response.json()["bio"] == "Evals."
    assert [s["name"] for s in client.get(f"/api/v1/sprints/{sprint.slug}/speakers").json()] == ["Kim"]


def test_resources_through_the_api(client, sprint, organiser):
    headers = bearer_for(organiser)
    url = f"/api/v1/sprints/{sprint.slug}/resources"
    ids = []
    for title in ("One", "Two"):
        response = client.post(
            url,
            {"category": "reading", "title": title, "url": "https://example.org/" + title},
            content_type="application/json",
            headers=headers,
        )
        assert response.status_code == 201
        ids.append(response.json()["id"])
    response = client.post(
        f"{url}/{ids[1]}/move", {"direction": "up"}, content_type="application/json", headers=headers
    )
    assert response.status_code == 200
    assert [r["title"] for r in client.get(url).json()] == ["Two", "One"]
    response = client.patch(f"{url}/{ids[0]}", {"notes": "Skim it."}, content_type="application/json", headers=headers)
    assert response.json()["notes"] == "Skim it."
    assert client.delete(f"{url}/{ids[0]}", headers=headers).status_code == 204
    past = PastSprintFactory()
    ResourceFactory(sprint=past, title="Old")
    response = client.post(
        f"{url}/copy", {"source_sprint": past.slug}, content_type="application/json", headers=headers
    )
    assert response.status_code == 201 and [r["title"] for r in response.json()] == ["Old"]
    assert (
        client.post(
            f"{url}/copy", {"source_sprint": "nope"}, content_type="application/json", headers=headers
        ).status_code
        == 400
    )
    stranger = bearer_for(UserFactory())
    assert client.delete(f"{url}/{ids[1]}", headers=stranger).status_code == 403
    assert Resource.objects.filter(sprint=sprint).count() == 2
