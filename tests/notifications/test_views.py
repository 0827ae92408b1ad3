import pytest
from django.urls import reverse

from sprintlab.notifications.models import OutboxMessage, OutboxStatus
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(StaffFactory())
    return client


def make(key, **fields):
    defaults = {"to_email": f"{key}@example.org", "subject": f"Subject {key}", "body_text": "text"}
    return OutboxMessage.objects.create(key=key, **{**defaults, **fields})


def test_list_is_newest_first_and_searchable(staff_client):
    make("alpha", subject="Welcome to the sprint")
    make("beta", subject="Your seat is confirmed")
    make("gamma", to_email="welcome-team@example.org", status=OutboxStatus.FAILED)
    page = staff_client.get(reverse("notifications:outbox")).context["page"]
    assert [m.key for m in page.object_list] == ["gamma", "beta", "alpha"]

    found = staff_client.get(reverse("notifications:outbox"), {"q": " welcome "}).context["page"].object_list
    assert {m.key for m in found} == {"alpha", "gamma"}
    failed = staff_client.get(reverse("notifications:outbox"), {"status": "failed"}).context["page"].object_list
    assert [m.key for m in failed] == ["gamma"]


@pytest.mark.parametrize(
    "params",
    [
        {"status": "bogus"},
        {"page": "-3"},
        {"page": "abc"},
        {"q": "x" * 5000},
        {"q": "'; DROP TABLE notifications_outboxmessage; --"},
    ],
)
def test_odd_filters_never_crash(staff_client, params):
    make("one")
    assert staff_client.get(reverse("notifications:outbox"), params).status_code == 200


def test_list_is_paginated_and_keeps_filters(staff_client):
    for i in range(55):
        make(f"m{i}", subject="Reminder")
    response = staff_client.get(reverse("notifications:outbox"), {"q": "Reminder"})
    assert len(response.context["page"].object_list) == 50
    assert "q=Reminder&amp;page=2" in response.content.decode()
    second = staff_client.get(reverse("notifications:outbox"), {"q": "Reminder", "page": 2})
    assert len(second.context["page"].object_list) == 5


def test_list_query_count_does_not_grow_with_messages(staff_client, django_assert_max_num_queries):
    for i in range(30):
        make(f"m{i}")
    with django_assert_max_num_queries(8):
        staff_client.get(reverse("notifications:outbox"))


def test_detail_shows_text_sanitised_html_and_attachments(staff_client):
    message = make(
        "detail",
        body_text="Plain words",
        body_html='<p>Hi <b>there</b></p><script>alert(1)</script><img src=x onerror="alert(2)">',
        attachments=[{"filename": "sprint.ics", "mimetype": "text/calendar", "content": "BEGIN:VCALENDAR"}],
    )
    html = staff_client.get(reverse("notifications:outbox_detail", args=[message.pk])).content.decode()
    assert "Plain words" in html
    assert "<b>there</b>" in html
    assert "<script>alert(1)" not in html and 'onerror="alert' not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # the source view, escaped
    assert "sprint.ics" in html and "15\xa0bytes" in html


def test_resend_button_only_for_failed_messages(staff_client):
    failed = make("failed", status=OutboxStatus.FAILED)
    sent = make("sent", status=OutboxStatus.SENT)
    retry_url = reverse("notifications:outbox_retry", args=[failed.pk])
    assert retry_url in staff_client.get(reverse("notifications:outbox_detail", args=[failed.pk])).content.decode()
    assert "Resend" not in staff_client.get(reverse("notifications:outbox_detail", args=[sent.pk])).content.decode()


def test_resending_a_sent_message_is_refused_with_a_message(staff_client):
    sent = make("sent", status=OutboxStatus.SENT)
    response = staff_client.post(reverse("notifications:outbox_retry", args=[sent.pk]), follow=True)
    assert "Only failed messages can be resent" in response.content.decode()


def test_unknown_message_is_404(staff_client):
    assert staff_client.get(reverse("notifications:outbox_detail", args=[424242])).status_code == 404


def test_out_of_range_message_id_is_404(staff_client):
    assert staff_client.get("/staff/outbox/99999999999999999999999/").status_code == 404


def test_filters_by_kind_and_channel_with_counts_per_status(staff_client):
    make("a1", kind="announcement", status=OutboxStatus.SENT)
    make("a2", kind="announcement", status=OutboxStatus.FAILED, last_error="550 mailbox unavailable")
    make("w1", kind="announcement", channel="webhook", to_email="", webhook_url="https://chat.example.org/hook")
    make("t1", status=OutboxStatus.FAILED)
    response = staff_client.get(reverse("notifications:outbox"), {"kind": "announcement", "channel": "email"})
    assert {m.key for m in response.context["page"].object_list} == {"a1", "a2"}
    counts = {value: count for value, _label, count in response.context["status_counts"]}
    assert counts == {"queued": 0, "sending": 0, "sent": 1, "failed": 1, "in_doubt": 0}
    assert "550 mailbox unavailable" in response.content.decode()
    webhooks = staff_client.get(reverse("notifications:outbox"), {"channel": "webhook"}).content.decode()
    assert "chat.example.org" in webhooks
    failed = staff_client.get(reverse("notifications:outbox"), {"status": "failed", "kind": "bogus", "channel": "x"})
    assert {m.key for m in failed.context["page"].object_list} == {"a2", "t1"}


def test_failures_in_doubt_are_counted_filtered_and_marked(staff_client):
    make("sent", status=OutboxStatus.SENT)
    make("refused", status=OutboxStatus.FAILED, last_error="550 no such mailbox")
    doubt = make("doubt", kind="announcement", status=OutboxStatus.FAILED, in_doubt=True, last_error="worker died")
    response = staff_client.get(reverse("notifications:outbox"))
    counts = {value: count for value, _label, count in response.context["status_counts"]}
    assert counts == {"queued": 0, "sending": 0, "sent": 1, "failed": 2, "in_doubt": 1}
    assert response.content.decode().count("data-in-doubt-badge") == 1
    in_doubt = staff_client.get(reverse("notifications:outbox"), {"status": "in_doubt"})
    assert [m.key for m in in_doubt.context["page"].object_list] == ["doubt"]
    detail = staff_client.get(reverse("notifications:outbox_detail", args=[doubt.pk])).content.decode()
    assert "data-in-doubt" in detail and "may already have reached the recipient" in detail
    staff_client.post(reverse("notifications:outbox_retry", args=[doubt.pk]))
    doubt.refresh_from_db()
    assert not doubt.in_doubt and doubt.status != OutboxStatus.FAILED
