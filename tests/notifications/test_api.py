"""/api/v1/me/inbox and /api/v1/me/notification-preferences: the caller's own, like the pages."""

import pytest

from sprintlab.notifications.models import InboxItem, NotificationPreference
from tests.factories import UserFactory
from tests.helpers import bearer_for
from tests.notifications.factories import InboxItemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def person():
    return UserFactory()


def test_inbox_is_paginated_newest_first_with_an_unread_filter(client, person):
    first = InboxItemFactory(user=person, read_at="2026-01-01T00:00Z")
    second = InboxItemFactory(user=person)
    InboxItemFactory()
    body = client.get("/api/v1/me/inbox", headers=bearer_for(person)).json()
    assert body["count"] == 2 and [item["id"] for item in body["items"]] == [second.pk, first.pk]
    unread = client.get("/api/v1/me/inbox?unread=true", headers=bearer_for(person)).json()
    assert [item["id"] for item in unread["items"]] == [second.pk]
    assert client.get("/api/v1/me/inbox/unread-count", headers=bearer_for(person)).json() == {"unread": 1}


def test_mark_read_and_all_read(client, person):
    mine = InboxItemFactory.create_batch(2, user=person)
    theirs = InboxItemFactory()
    auth = bearer_for(person)
    response = client.post(f"/api/v1/me/inbox/{mine[0].pk}/read", headers=auth)
    assert response.status_code == 200 and response.json()["read_at"]
    assert client.post(f"/api/v1/me/inbox/{theirs.pk}/read", headers=auth).status_code == 404
    assert client.post("/api/v1/me/inbox/read", headers=auth).json() == {"marked": 1}
    assert InboxItem.objects.filter(read_at__isnull=True).get() == theirs


def test_anonymous_callers_get_401(client):
    for path in ("/api/v1/me/inbox", "/api/v1/me/inbox/unread-count", "/api/v1/me/notification-preferences"):
        assert client.get(path).status_code == 401
    assert client.post("/api/v1/me/inbox/read").status_code == 401


def test_preferences_read_and_write(client, person):
    auth = bearer_for(person)
    body = client.get("/api/v1/me/notification-preferences", headers=auth).json()
    assert body["always_on"] == ["transactional"]
    assert [row["kind"] for row in body["kinds"]] == ["announcement", "reminder", "team", "mentoring"]
    assert all(row["email"] and row["in_app"] for row in body["kinds"])
    response = client.put(
        "/api/v1/me/notification-preferences",
        {"kinds": {"team": {"email": False, "in_app": True}}},
        content_type="application/json",
        headers=auth,
    )
    assert response.status_code == 200
    team = next(row for row in response.json()["kinds"] if row["kind"] == "team")
    assert team == {"kind": "team", "label": "Team activity", "email": False, "in_app": True}


@pytest.mark.parametrize("kind", ["transactional", "nonsense", "x" * 5000])
def test_preferences_refuse_kinds_that_cannot_be_switched(client, person, kind):
    response = client.put(
        "/api/v1/me/notification-preferences",
        {"kinds": {kind: {"email": False, "in_app": False}}},
        content_type="application/json",
        headers=bearer_for(person),
    )
    assert response.status_code == 400
    assert len(response.json()["detail"]) < 300
    assert not NotificationPreference.objects.exists()
