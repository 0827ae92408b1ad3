"""The transactional outbox: nothing lost, nothing doubled."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from sprintlab.core.errors import Conflict, PermissionDeniedError
from sprintlab.core.models import AuditEntry
from sprintlab.notifications.models import OutboxMessage, OutboxStatus
from sprintlab.notifications.services import (
    MAX_ATTEMPTS,
    Attachment,
    outbox_deliver,
    outbox_enqueue,
    outbox_requeue_stale,
    outbox_retry,
)
from tests.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=False)
FAILING = "tests.notifications.backends.FailingBackend"


def enqueue(key="test:1", **kwargs):
    return outbox_enqueue(key=key, to_email="ada@example.org", subject="Hello", body_text="Hi Ada", **kwargs)


class Boom(Exception):
    pass


def test_a_committed_message_is_sent_after_commit(mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = enqueue(attachments=[Attachment("invite.ics", "text/calendar", "BEGIN:VCALENDAR")])
        assert mailoutbox == []  # nothing leaves before the transaction commits
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT and message.attempts == 1 and message.sent_at
    assert len(mailoutbox) == 1
    assert mailoutbox[0].attachments[0][0] == "invite.ics"
    assert mailoutbox[0].extra_headers["Message-ID"] == f"<outbox-{message.pk}@sprintlab>"


def test_a_rolled_back_transaction_sends_nothing(mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(Boom), transaction.atomic():
            enqueue()
            raise Boom
    assert callbacks == []
    assert not OutboxMessage.objects.exists()
    assert mailoutbox == []


def test_enqueuing_the_same_key_twice_stores_and_sends_one_message(mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = enqueue(key="registration-confirmed:42")
        second = enqueue(key="registration-confirmed:42")
    assert first.pk == second.pk
    assert OutboxMessage.objects.count() == 1
    assert len(mailoutbox) == 1


def test_delivering_twice_sends_one_email(mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = enqueue()
    outbox_deliver(message_id=message.pk)
    outbox_deliver(message_id=message.pk)
    assert len(mailoutbox) == 1
    message.refresh_from_db()
    assert message.attempts == 1


def test_delivering_an_unknown_message_does_nothing(mailoutbox):
    assert outbox_deliver(message_id=987654) is None
    assert mailoutbox == []


def test_a_failing_backend_records_the_error_and_the_message_is_retried(mailoutbox, django_capture_on_commit_callbacks):
    with override_settings(EMAIL_BACKEND=FAILING), django_capture_on_commit_callbacks(execute=True):
        message = enqueue()
    message.refresh_from_db()
    assert message.status == OutboxStatus.QUEUED
    assert message.attempts == 1
    assert "refused" in message.last_error
    assert mailoutbox == []

    OutboxMessage.objects.filter(pk=message.pk).update(created_at=timezone.now() - timedelta(minutes=10))
    assert outbox_requeue_stale(older_than_seconds=60) == 1
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT and message.attempts == 2 and message.last_error == ""
    assert len(mailoutbox) == 1


def test_a_message_fails_for_good_after_max_attempts(django_capture_on_commit_callbacks):
    with override_settings(EMAIL_BACKEND=FAILING):
        with django_capture_on_commit_callbacks(execute=True):
            message = enqueue()
        for _attempt in range(MAX_ATTEMPTS - 1):
            outbox_deliver(message_id=message.pk)
    message.refresh_from_db()
    assert message.status == OutboxStatus.FAILED and message.attempts == MAX_ATTEMPTS
    OutboxMessage.objects.filter(pk=message.pk).update(created_at=timezone.now() - timedelta(hours=1))
    assert outbox_requeue_stale(older_than_seconds=0) == 0


def test_requeue_stale_picks_up_only_old_queued_messages(mailoutbox):
    # Saved without the after-commit hook: as if the worker crashed before the task was enqueued.
    stale = OutboxMessage.objects.create(key="stale", to_email="a@example.org", subject="Old", body_text="x")
    fresh = OutboxMessage.objects.create(key="fresh", to_email="b@example.org", subject="New", body_text="x")
    sent = OutboxMessage.objects.create(
        key="sent", to_email="c@example.org", subject="Done", body_text="x", status=OutboxStatus.SENT
    )
    OutboxMessage.objects.filter(pk__in=[stale.pk, sent.pk]).update(created_at=timezone.now() - timedelta(minutes=30))

    assert outbox_requeue_stale(older_than_seconds=300) == 1
    assert [m.subject for m in mailoutbox] == ["Old"]
    fresh.refresh_from_db()
    assert fresh.status == OutboxStatus.QUEUED


def test_templates_render_text_and_html(tmp_path, settings, mailoutbox, django_capture_on_commit_callbacks):
    (tmp_path / "hello.txt").write_text("Hi {{ name }} at {{ site_url }}")
    (tmp_path / "hello.html").write_text("<p>Hi <b>{{ name }}</b></p>")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]
    with django_capture_on_commit_callbacks(execute=True):
        message = outbox_enqueue(
            key="t", to_email="x@example.org", subject="S", template="hello", context={"name": "Zoë"}
        )
    assert message.body_text.startswith("Hi Zoë at http")
    assert message.body_html == "<p>Hi <b>Zoë</b></p>"
    assert mailoutbox[0].alternatives[0][1] == "text/html"


def test_staff_can_retry_a_failed_message(mailoutbox, django_capture_on_commit_callbacks):
    staff = StaffFactory()
    message = OutboxMessage.objects.create(
        key="failed",
        to_email="a@example.org",
        subject="S",
        body_text="x",
        status=OutboxStatus.FAILED,
        attempts=MAX_ATTEMPTS,
        last_error="timeout",
    )
    with django_capture_on_commit_callbacks(execute=True):
        outbox_retry(message=message, actor=staff)
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT and message.attempts == 1
    assert len(mailoutbox) == 1
    entry = AuditEntry.objects.get(action="outbox.retry")
    assert entry.data == {"previous_attempts": MAX_ATTEMPTS, "previous_error": "timeout"}


def test_only_failed_messages_can_be_retried():
    message = OutboxMessage.objects.create(
        key="ok", to_email="a@example.org", subject="S", body_text="x", status=OutboxStatus.SENT
    )
    with pytest.raises(Conflict):
        outbox_retry(message=message, actor=StaffFactory())


def test_participants_cannot_retry():
    message = OutboxMessage.objects.create(
        key="f", to_email="a@example.org", subject="S", body_text="x", status=OutboxStatus.FAILED
    )
    with pytest.raises(PermissionDeniedError):
        outbox_retry(message=message, actor=UserFactory())
    message.refresh_from_db()
    assert message.status == OutboxStatus.FAILED


def test_the_sweep_command_requeues_stale_messages(mailoutbox):
    from io import StringIO

    from django.core.management import call_command

    stale = OutboxMessage.objects.create(key="stale", to_email="a@example.org", subject="Old", body_text="x")
    OutboxMessage.objects.filter(pk=stale.pk).update(created_at=timezone.now() - timedelta(minutes=30))
    out = StringIO()
    call_command("outbox_sweep", "--older-than", "60", stdout=out)
    assert "1 message(s)" in out.getvalue()
    assert len(mailoutbox) == 1
