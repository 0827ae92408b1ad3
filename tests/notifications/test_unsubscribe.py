"""One-click unsubscribe: signed links in the footer and List-Unsubscribe headers of every email that
is not transactional; the page and RFC 8058's one-click POST switch that kind's email off."""

import pytest
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse

from sprintlab.notifications.models import NotificationKind, NotificationPreference
from sprintlab.notifications.selectors import channels_by_user
from sprintlab.notifications.services import outbox_deliver, outbox_enqueue
from sprintlab.notifications.unsubscribe import read_unsubscribe_token, unsubscribe_token, unsubscribe_url
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def send(user, kind, **fields):
    message = outbox_enqueue(
        key=f"test:{kind}:{user.pk}", to_email=user.email, subject="News", body_text="Hello.", user=user, kind=kind
    )
    mail.outbox.clear()
    outbox_deliver(message_id=message.pk)
    (email,) = mail.outbox
    return email


@override_settings(UNSUBSCRIBE_MAILTO="unsubscribe@sprintlab.example.org")
def test_announcement_email_carries_headers_and_footer():
    person = UserFactory()
    email = send(person, NotificationKind.ANNOUNCEMENT)
    url = unsubscribe_url(user_id=person.pk, kind=NotificationKind.ANNOUNCEMENT)
    assert url.startswith("http") and "/unsubscribe/" in url
    headers = email.message()
    assert headers["List-Unsubscribe"] == f"<{url}>, <mailto:unsubscribe@sprintlab.example.org?subject=unsubscribe>"
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert url in email.body


def test_html_footer_goes_before_the_closing_body_tag():
    person = UserFactory()
    message = outbox_enqueue(
        key="html:1", to_email=person.email, subject="S", body_text="t", user=person, kind=NotificationKind.REMINDER
    )
    message.body_html = "<html><body><p>Hi</p></body></html>"
    message.save()
    mail.outbox.clear()
    outbox_deliver(message_id=message.pk)
    html = mail.outbox[0].alternatives[0][0]
    assert html.index("/unsubscribe/") < html.index("</body>")


def test_without_a_mailto_address_only_the_link_is_listed():
    person = UserFactory()
    email = send(person, NotificationKind.TEAM)
    assert email.message()["List-Unsubscribe"].count("<") == 1


def test_transactional_email_has_no_unsubscribe():
    person = UserFactory()
    email = send(person, NotificationKind.TRANSACTIONAL)
    assert "List-Unsubscribe" not in email.message()
    assert "List-Unsubscribe-Post" not in email.message()
    assert "unsubscribe" not in email.body.lower()


def test_get_asks_and_one_click_post_unsubscribes_without_csrf_or_session():
    person = UserFactory()
    url = reverse("notifications:unsubscribe", args=[unsubscribe_token(user_id=person.pk, kind="announcement")])
    client = Client(enforce_csrf_checks=True)
    page = client.get(url)
    assert page.status_code == 200 and b"<form" in page.content
    assert not NotificationPreference.objects.exists()  # looking at the link changes nothing
    response = client.post(url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    assert b"notification settings" in response.content
    assert channels_by_user(kind="announcement", user_ids=[person.pk]) == (set(), {person.pk})
    # A second click changes nothing more.
    assert client.post(url).status_code == 200
    assert NotificationPreference.objects.get(user=person).email is False


@pytest.mark.parametrize(
    "mangle",
    [
        lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),
        lambda token: token.replace("announcement", "transactional"),
        lambda token: token.split(".", 1)[0] + "9." + token.split(".", 1)[1],
        lambda token: "garbage",
    ],
)
def test_tampered_tokens_are_refused(client, mangle):
    person = UserFactory()
    token = mangle(unsubscribe_token(user_id=person.pk, kind="announcement"))
    assert read_unsubscribe_token(token) is None
    assert client.post(reverse("notifications:unsubscribe", args=[token])).status_code == 404
    assert not NotificationPreference.objects.exists()


def test_a_token_for_the_transactional_kind_is_refused():
    person = UserFactory()
    token = unsubscribe_token(user_id=person.pk, kind="transactional")
    assert read_unsubscribe_token(token) is None
