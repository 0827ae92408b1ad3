"""Messages stored unrendered (a renderer and a few ids) and the delivery task written in the same transaction."""

import pytest
from django.db import transaction
from django.test import override_settings
from django.urls import reverse

from sprintlab.notifications.models import OutboxMessage, OutboxStatus
from sprintlab.notifications.services import (
    Attachment,
    RenderedEmail,
    message_is_rendered,
    outbox_deliver,
    outbox_enqueue,
)
from tests.factories import SprintFactory, StaffFactory, UserFactory
from tests.registrations.helpers import register

pytestmark = pytest.mark.django_db
RENDERER = "tests.notifications.test_render_at_delivery.render_greeting"
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
renders: list[dict] = []


def render_greeting(context: dict) -> RenderedEmail:
    renders.append(context)
    if context.get("fail"):
        raise LookupError("gone")
    return RenderedEmail(
        body_text=f"Hello {context['name']}",
        body_html=f"<p>Hello {context['name']}</p>",
        attachments=(Attachment("a.ics", "text/calendar", "BEGIN:VCALENDAR"),),
    )


def enqueue_lazy(key="lazy:1", **context):
    return outbox_enqueue(
        key=key, to_email="ada@example.org", subject="Hi", renderer=RENDERER, render_context={"name": "Ada", **context}
    )


def test_nothing_is_rendered_when_enqueued_and_the_delivery_stores_what_it_sent(
    mailoutbox, django_capture_on_commit_callbacks
):
    renders.clear()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        message = enqueue_lazy()
    stored = OutboxMessage.objects.get(pk=message.pk)
    assert renders == [] and stored.body_text == "" and not message_is_rendered(stored)
    for callback in callbacks:
        callback()
    stored.refresh_from_db()
    assert stored.status == OutboxStatus.SENT
    assert (stored.body_text, stored.body_html) == ("Hello Ada", "<p>Hello Ada</p>")
    assert stored.attachments[0]["filename"] == "a.ics"
    assert mailoutbox[0].body == "Hello Ada" and mailoutbox[0].attachments[0][0] == "a.ics"
    assert len(renders) == 1


def test_a_render_failure_is_recorded_and_retried_like_a_send_failure(mailoutbox):
    message = enqueue_lazy(fail=True)
    outbox_deliver(message_id=message.pk)
    message.refresh_from_db()
    assert message.status == OutboxStatus.QUEUED and message.attempts == 1
    assert "Rendering failed: gone" in message.last_error and mailoutbox == []


def test_the_staff_page_shows_a_queued_message_rendered_on_demand(client):
    message = enqueue_lazy(name="Grace")
    client.force_login(StaffFactory())
    response = client.get(reverse("notifications:outbox_detail", args=[message.pk]))
    assert response.status_code == 200
    assert "Hello Grace" in response.content.decode()
    message.refresh_from_db()
    assert message.body_text == "" and message.status == OutboxStatus.QUEUED  # viewing changes nothing


def test_a_registration_email_is_stored_unrendered_and_sent_rendered(mailoutbox, django_capture_on_commit_callbacks):
    user = UserFactory(display_name="Ada Lovelace")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        registration = register(user, sprint=SprintFactory())
    message = OutboxMessage.objects.get(user=user)
    assert message.body_text == "" and message.render_context["registration"] == registration.pk
    for callback in callbacks:
        callback()
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT and "Hello Ada Lovelace" in message.body_text
    assert "BEGIN:VCALENDAR" in message.attachments[0]["content"]
    assert "Hello Ada Lovelace" in mailoutbox[0].body


@override_settings(TASKS=DATABASE_TASKS)
def test_with_the_database_backend_the_task_is_written_in_the_same_transaction(django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        with transaction.atomic():
            message = enqueue_lazy(key="lazy:db")
            task = DBTaskResult.objects.get()
            assert task.args_kwargs["args"] == [message.pk]
    assert callbacks == []  # nothing waits for the commit

    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic():
        enqueue_lazy(key="lazy:rolled-back")
        raise Boom
    assert DBTaskResult.objects.count() == 1  # the task went with the rolled-back message
    assert not OutboxMessage.objects.filter(key="lazy:rolled-back").exists()
