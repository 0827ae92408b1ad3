"""The outbox holds everyone's emails: staff only; others are sent to sign in or get a 404."""

import pytest
from django.urls import reverse

from sprintlab.notifications.models import OutboxMessage, OutboxStatus
from tests.roles import ROLES, make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def failed_message():
    return OutboxMessage.objects.create(
        key="f", to_email="private@example.org", subject="Secret", body_text="x", status=OutboxStatus.FAILED
    )


def expected(role: str, staff_status: int, response) -> None:
    if role == "anonymous":
        assert response.status_code == 302 and reverse("account_login") in response["Location"]
    elif role == "staff":
        assert response.status_code == staff_status
    else:
        assert response.status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_outbox_list(client, role, failed_message):
    person = make_person(role)
    if person:
        client.force_login(person)
    expected(role, 200, client.get(reverse("notifications:outbox")))


@pytest.mark.parametrize("role", ROLES)
def test_outbox_detail(client, role, failed_message):
    person = make_person(role)
    if person:
        client.force_login(person)
    expected(role, 200, client.get(reverse("notifications:outbox_detail", args=[failed_message.pk])))


@pytest.mark.parametrize("role", ROLES)
def test_outbox_resend(client, role, failed_message, django_capture_on_commit_callbacks):
    person = make_person(role)
    if person:
        client.force_login(person)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("notifications:outbox_retry", args=[failed_message.pk]))
    expected(role, 302, response)
    failed_message.refresh_from_db()
    assert (failed_message.status == OutboxStatus.SENT) is (role == "staff")
