"""Sending an outbox message: a lease instead of a transaction across the network, and timeouts."""

import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from sprintlab.notifications.models import OutboxMessage, OutboxStatus
from sprintlab.notifications.services import MAX_ATTEMPTS, outbox_deliver, outbox_requeue_stale
from tests.notifications.smtp_server import LoopbackSMTPServer

SMTP = "django.core.mail.backends.smtp.EmailBackend"


class WorkerKilled(BaseException):
    """Stands for SIGKILL inside the send: nothing after it runs, no handler sees it."""


class ObservingBackend(BaseEmailBackend):
    """Records, at the moment of sending, whether a transaction was open and what the row said."""

    seen: list[dict] = []

    def send_messages(self, email_messages):
        for email in email_messages:
            message = OutboxMessage.objects.get(subject=email.subject)
            ObservingBackend.seen.append(
                {
                    "in_transaction": connection.in_atomic_block,
                    "status": message.status,
                    "lease_expires_at": message.lease_expires_at,
                    "message_id": email.extra_headers["Message-ID"],
                }
            )
        return len(email_messages)


class DyingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise WorkerKilled


def queued_message(key="m:1", **fields):
    return OutboxMessage.objects.create(key=key, to_email="ada@example.org", subject=key, body_text="Hi", **fields)


@pytest.fixture
def smtp_server():
    server = LoopbackSMTPServer().start()
    with override_settings(EMAIL_BACKEND=SMTP, EMAIL_HOST="127.0.0.1", EMAIL_PORT=server.port, EMAIL_USE_TLS=False):
        yield server
    server.stop()


@pytest.mark.django_db(transaction=True)
def test_no_transaction_is_open_while_the_mail_server_is_talking():
    ObservingBackend.seen = []
    message = queued_message()
    with override_settings(EMAIL_BACKEND="tests.notifications.test_sending.ObservingBackend"):
        before = timezone.now()
        outbox_deliver(message_id=message.pk)
    [seen] = ObservingBackend.seen
    assert seen["in_transaction"] is False
    # The claim was committed before sending: any other connection sees the lease.
    assert seen["status"] == OutboxStatus.SENDING
    assert seen["lease_expires_at"] >= before + timedelta(seconds=settings.OUTBOX_LEASE_SECONDS - 1)
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT and message.lease_expires_at is None


@pytest.mark.django_db
def test_a_transactional_message_whose_worker_died_inside_the_send_is_sent_again_with_the_same_message_id(
    django_capture_on_commit_callbacks,
):
    ObservingBackend.seen = []
    message = queued_message()
    with override_settings(EMAIL_BACKEND="tests.notifications.test_sending.DyingBackend"):
        with pytest.raises(WorkerKilled):
            outbox_deliver(message_id=message.pk)
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENDING and message.attempts == 1 and message.claim_token

    with override_settings(EMAIL_BACKEND="tests.notifications.test_sending.ObservingBackend"):
        # While the lease runs, neither another task nor the sweep sends it.
        assert outbox_deliver(message_id=message.pk).status == OutboxStatus.SENDING
        assert outbox_requeue_stale(older_than_seconds=0) == 0
        # Once the lease ran out, a task still does not send it: the sweep's recovery decides first.
        OutboxMessage.objects.filter(pk=message.pk).update(lease_expires_at=timezone.now() - timedelta(seconds=1))
        assert outbox_deliver(message_id=message.pk).status == OutboxStatus.SENDING
        assert ObservingBackend.seen == []
        with django_capture_on_commit_callbacks(execute=True):
            assert outbox_requeue_stale(older_than_seconds=3600) == 1
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT and message.attempts == 2 and message.in_doubt
    assert [seen["message_id"] for seen in ObservingBackend.seen] == [f"<outbox-{message.pk}@sprintlab>"]


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["announcement", "reminder", "team", "mentoring"])
def test_any_other_message_whose_worker_died_inside_the_send_is_failed_in_doubt_not_resent(
    kind, django_capture_on_commit_callbacks
):
    message = queued_message(kind=kind)
    with override_settings(EMAIL_BACKEND="tests.notifications.test_sending.DyingBackend"):
        with pytest.raises(WorkerKilled):
            outbox_deliver(message_id=message.pk)
    OutboxMessage.objects.filter(pk=message.pk).update(lease_expires_at=timezone.now() - timedelta(seconds=1))
    ObservingBackend.seen = []
    with (
        override_settings(EMAIL_BACKEND="tests.notifications.test_sending.ObservingBackend"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert outbox_requeue_stale(older_than_seconds=0) == 0
        outbox_deliver(message_id=message.pk)
    assert ObservingBackend.seen == []
    message.refresh_from_db()
    assert (message.status, message.in_doubt, message.attempts) == (OutboxStatus.FAILED, True, 1)
    assert "not resent so that nobody receives it twice" in message.last_error
    assert "/staff/outbox/" in message.last_error


@pytest.mark.django_db
def test_a_transactional_message_whose_worker_died_on_its_last_attempt_is_failed(django_capture_on_commit_callbacks):
    message = queued_message(
        status=OutboxStatus.SENDING, attempts=MAX_ATTEMPTS, lease_expires_at=timezone.now() - timedelta(seconds=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox_requeue_stale() == 0
    message.refresh_from_db()
    assert (message.status, message.in_doubt) == (OutboxStatus.FAILED, True)
    assert "last attempt" in message.last_error


def test_email_timeout_defaults_to_ten_seconds():
    assert settings.EMAIL_TIMEOUT == 10


@pytest.mark.django_db
def test_a_stalled_mail_server_fails_the_attempt_after_email_timeout(smtp_server):
    smtp_server.behaviour = "stall"
    message = queued_message()
    started = time.monotonic()
    with override_settings(EMAIL_TIMEOUT=0.5):
        outbox_deliver(message_id=message.pk)
    assert time.monotonic() - started < 5
    message.refresh_from_db()
    assert message.status == OutboxStatus.QUEUED and message.attempts == 1
    assert "timed out" in message.last_error
    assert smtp_server.stalled.is_set()


@pytest.mark.django_db
def test_a_send_is_cut_off_after_half_the_lease_even_when_each_step_is_within_email_timeout(smtp_server):
    smtp_server.behaviour = "stall"
    message = queued_message()
    started = time.monotonic()
    with override_settings(EMAIL_TIMEOUT=30, OUTBOX_LEASE_SECONDS=1):
        outbox_deliver(message_id=message.pk)
    assert time.monotonic() - started < 5
    message.refresh_from_db()
    assert message.status == OutboxStatus.QUEUED and message.last_error


@pytest.mark.django_db
@pytest.mark.parametrize("reply", ["451 4.3.0 try again later", "550 5.1.1 no such mailbox"])
def test_a_refusing_mail_server_is_retried_until_it_accepts(smtp_server, reply):
    smtp_server.behaviour, smtp_server.failure_reply = "fail", reply
    message = queued_message()
    outbox_deliver(message_id=message.pk)
    message.refresh_from_db()
    assert message.status == OutboxStatus.QUEUED and reply[:3] in message.last_error
    assert smtp_server.accepted == []

    smtp_server.behaviour = "accept"
    OutboxMessage.objects.filter(pk=message.pk).update(created_at=timezone.now() - timedelta(hours=1))
    assert outbox_requeue_stale(older_than_seconds=60) == 1
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT and message.attempts == 2
    assert smtp_server.accepted == [f"<outbox-{message.pk}@sprintlab>"]
