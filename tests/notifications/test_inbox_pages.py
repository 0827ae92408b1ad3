"""The inbox page, its htmx actions and the header badge; someone else's items do not exist."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sprintlab.notifications.models import InboxItem
from tests.factories import UserFactory
from tests.notifications.factories import InboxItemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(client):
    user = UserFactory()
    client.force_login(user)
    return user


def test_inbox_lists_only_my_items_newest_first_with_unread_marked(client, person):
    older = InboxItemFactory(user=person, title="Older news")
    newer = InboxItemFactory(user=person, title="Newer news", url="/sprints/")
    InboxItemFactory(title="Not mine")
    response = client.get(reverse("notifications:inbox"))
    assert [item.pk for item in response.context["page"].object_list] == [newer.pk, older.pk]
    html = response.content.decode()
    assert "Not mine" not in html
    assert html.count("is-unread") == 2
    assert 'href="/sprints/"' in html


def test_unread_filter(client, person):
    InboxItemFactory(user=person, title="Read one", read_at="2026-01-01T00:00Z")
    InboxItemFactory(user=person, title="Unread one")
    response = client.get(reverse("notifications:inbox"), {"unread": "1"})
    assert [item.title for item in response.context["page"].object_list] == ["Unread one"]


def test_mark_read_by_htmx_answers_the_row_and_refreshes_the_badge(client, person):
    item = InboxItemFactory(user=person)
    response = client.post(reverse("notifications:inbox_mark_read", args=[item.pk]), headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response["HX-Trigger"] == "inbox-changed"
    assert f'id="inbox-item-{item.pk}"' in response.content.decode()
    assert "is-unread" not in response.content.decode()
    item.refresh_from_db()
    assert item.read_at is not None


def test_someone_elses_item_is_not_found(client, person):
    theirs = InboxItemFactory()
    assert client.post(reverse("notifications:inbox_mark_read", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_read(client, person):
    InboxItemFactory.create_batch(3, user=person)
    other = InboxItemFactory()
    response = client.post(reverse("notifications:inbox_mark_all_read"))
    assert response.status_code == 302
    assert not InboxItem.objects.filter(user=person, read_at__isnull=True).exists()
    other.refresh_from_db()
    assert other.read_at is None
    htmx = client.post(reverse("notifications:inbox_mark_all_read"), headers={"HX-Request": "true"})
    assert htmx.status_code == 204 and htmx["HX-Refresh"] == "true"


def test_badge_counts_unread_with_one_count_query_and_is_never_cached(client, person):
    InboxItemFactory.create_batch(2, user=person)
    InboxItemFactory(user=person, read_at="2026-01-01T00:00Z")
    InboxItemFactory()
    url = reverse("notifications:inbox_badge")
    client.get(url)  # the session is loaded and its user cached the same way on every request
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    counts = [q["sql"] for q in queries if "notifications_inboxitem" in q["sql"]]
    assert len(counts) == 1 and "COUNT" in counts[0].upper()
    assert len(queries) <= 3
    assert 'data-unread="2"' in response.content.decode()
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    InboxItemFactory(user=person)
    assert 'data-unread="3"' in client.get(url).content.decode()


def test_badge_stops_polling_for_a_visitor(client):
    assert client.get(reverse("notifications:inbox_badge")).status_code == 286


def test_pages_show_the_badge_placeholder_without_querying_the_inbox(client, person):
    with CaptureQueriesContext(connection) as queries:
        html = client.get(reverse("registrations:mine")).content.decode()
    assert 'id="inbox-badge"' in html and 'hx-trigger="load, every ' in html
    assert not [q for q in queries if "notifications_inboxitem" in q["sql"]]


def test_visitors_are_sent_to_sign_in(client):
    for name in ("notifications:inbox", "notifications:preferences"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
