"""The sweep's recovery of a dead worker's claim (recovery.py): of the claim's messages still
"sending", the first in send order is in doubt (resent if transactional, failed otherwise); the
rest were never tried and go back to the queue with their attempt uncounted."""

import uuid
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sprintlab.notifications import delivery, fanout, services
from sprintlab.notifications.models import (
    RESENT_WHEN_IN_DOUBT,
    NotificationKind,
    OutboxChannel,
    OutboxMessage,
    OutboxStatus,
)
from sprintlab.notifications.recovery import recover_dead_claims
from sprintlab.notifications.services import outbox_requeue_stale, outbox_retry
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db
REAL_SEND = services._send_within


class WorkerKilled(BaseException):
    """Stands for SIGKILL: nothing after it runs, no handler sees it."""


def make(n, *, kind=NotificationKind.ANNOUNCEMENT, **fields):
    return OutboxMessage.objects.create(
        key=f"recovery:{n}", to_email=f"p{n}@example.org", subject=f"S{n}", body_text="Hi", kind=kind, **fields
    )


def dead_claim(statuses, *, kind=NotificationKind.ANNOUNCEMENT, expired=True):
    """Messages of one claim in send (id) order with the given statuses, as its dead worker left them."""
    token = uuid.uuid4()
    lease = timezone.now() + timedelta(seconds=-1 if expired else 60)
    messages = []
    for status in statuses:
        sending = status == OutboxStatus.SENDING
        messages.append(
            make(
                f"{token.hex[:8]}-{len(messages)}",
                kind=kind,
                status=status,
                attempts=1,
                claim_token=token,
                lease_expires_at=lease if sending else None,
                sent_at=timezone.now() if status == OutboxStatus.SENT else None,
            )
        )
    return messages


def state(messages):
    rows = OutboxMessage.objects.in_bulk([m.pk for m in messages])
    return [(rows[m.pk].status, rows[m.pk].attempts, rows[m.pk].in_doubt) for m in messages]


def kill_on_send(number):
    """A ``_send_within`` that sends normally and kills the worker during its ``number``-th send
    (1-based), after the mail server accepted that message: the worst moment."""
    sends = []

    def send(email, *, seconds):
        sends.append(email.to[0])
        if len(sends) == number:
            REAL_SEND(email, seconds=seconds)  # the server accepted it; the record never commits
            raise WorkerKilled
        REAL_SEND(email, seconds=seconds)

    return send


def test_every_kind_has_a_rule_and_only_transactional_messages_are_resent():
    assert set(RESENT_WHEN_IN_DOUBT) == set(NotificationKind.values)
    assert {kind for kind, resent in RESENT_WHEN_IN_DOUBT.items() if resent} == {NotificationKind.TRANSACTIONAL}


def test_a_dead_announcement_claim_fails_the_one_in_doubt_and_queues_the_untried(django_capture_on_commit_callbacks):
    claim = dead_claim(["sent", "sent", "sending", "sending", "sending"])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert recover_dead_claims(now=timezone.now()) == [claim[3].pk, claim[4].pk]
    assert len(callbacks) == 2  # one delivery task each: the batch had taken theirs over
    assert state(claim) == [
        ("sent", 1, False),
        ("sent", 1, False),
        ("failed", 1, True),
        ("sent", 1, False),  # never tried: sent now, on their first counted attempt
        ("sent", 1, False),
    ]
    assert sorted(email.to[0] for email in mail.outbox) == [claim[3].to_email, claim[4].to_email]
    failed = OutboxMessage.objects.get(pk=claim[2].pk)
    assert "not resent so that nobody receives it twice" in failed.last_error


def test_a_dead_transactional_claim_resends_the_one_in_doubt_with_the_same_message_id(
    django_capture_on_commit_callbacks,
):
    claim = dead_claim(["sent", "sending", "sending"], kind=NotificationKind.TRANSACTIONAL)
    with django_capture_on_commit_callbacks(execute=True):
        assert recover_dead_claims(now=timezone.now()) == [claim[1].pk, claim[2].pk]
    assert state(claim) == [("sent", 1, False), ("sent", 2, True), ("sent", 1, False)]
    assert [email.extra_headers["Message-ID"] for email in mail.outbox] == [
        f"<outbox-{claim[1].pk}@sprintlab>",
        f"<outbox-{claim[2].pk}@sprintlab>",
    ]


def test_failures_recorded_before_the_death_are_not_in_doubt(django_capture_on_commit_callbacks):
    # The second send was refused (recorded: back in the queue); the worker died on the fourth.
    claim = dead_claim(["sent", "queued", "sent", "sending", "sending"])
    with django_capture_on_commit_callbacks(execute=True):
        recover_dead_claims(now=timezone.now())
    assert [status for status, _attempts, _doubt in state(claim)] == ["sent", "queued", "sent", "failed", "sent"]


def test_a_claim_whose_lease_runs_is_left_alone_and_each_dead_claim_has_its_own_doubt(
    django_capture_on_commit_callbacks,
):
    live = dead_claim(["sending", "sending"], expired=False)
    first = dead_claim(["sending", "sending"])
    second = dead_claim(["sent", "sending"])
    with django_capture_on_commit_callbacks(execute=True):
        outbox_requeue_stale()
    assert state(live) == [("sending", 1, False)] * 2
    assert state(first) == [("failed", 1, True), ("sent", 1, False)]
    assert state(second) == [("sent", 1, False), ("failed", 1, True)]


def test_recovering_twice_changes_nothing_more(django_capture_on_commit_callbacks):
    claim = dead_claim(["sending", "sending", "sending"])
    with mock.patch.object(services, "_schedule_delivery") as schedule:
        with django_capture_on_commit_callbacks(execute=True):
            first = recover_dead_claims(now=timezone.now())
        with django_capture_on_commit_callbacks(execute=True):
            second = recover_dead_claims(now=timezone.now())
    assert (first, second) == ([claim[1].pk, claim[2].pk], [])
    assert schedule.call_count == 2
    assert state(claim) == [("failed", 1, True), ("queued", 0, False), ("queued", 0, False)]


def test_a_message_claimed_before_claims_had_tokens_is_its_own_claim(django_capture_on_commit_callbacks):
    old = [make(n, status="sending", attempts=1, lease_expires_at=timezone.now()) for n in range(2)]
    with django_capture_on_commit_callbacks(execute=True):
        assert recover_dead_claims(now=timezone.now()) == []
    assert state(old) == [("failed", 1, True)] * 2


def test_a_worker_killed_mid_batch_sends_no_announcement_twice(django_capture_on_commit_callbacks):
    """The real path: a batch claimed together, the worker killed right after the server accepted
    its third email, the task run again, the lease run out, the sweep, the deliveries."""
    messages = [make(n) for n in range(6)]
    ids = [m.pk for m in messages]
    with mock.patch.object(services, "_send_within", kill_on_send(3)), pytest.raises(WorkerKilled):
        fanout.deliver_batch(message_ids=list(reversed(ids)))  # sent in id order whatever the task's order
    assert [email.to[0] for email in mail.outbox] == [m.to_email for m in messages[:3]]
    # Each email is recorded right after its own send: two recorded, the third in doubt, three untried.
    assert [s for s, _a, _d in state(messages)] == ["sent", "sent"] + ["sending"] * 4
    fanout.deliver_batch(message_ids=ids)  # the task runs again: the claim still holds them
    assert len(mail.outbox) == 3
    OutboxMessage.objects.filter(status=OutboxStatus.SENDING).update(lease_expires_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox_requeue_stale() == 3
    assert state(messages) == [("sent", 1, False)] * 2 + [("failed", 1, True)] + [("sent", 1, False)] * 3
    delivered = [email.to[0] for email in mail.outbox]
    assert sorted(delivered) == sorted(m.to_email for m in messages)  # each exactly once


def test_staff_can_resend_a_message_in_doubt(django_capture_on_commit_callbacks):
    [message] = dead_claim(["sending"])
    with django_capture_on_commit_callbacks(execute=True):
        recover_dead_claims(now=timezone.now())
        outbox_retry(message=OutboxMessage.objects.get(pk=message.pk), actor=StaffFactory())
    message.refresh_from_db()
    assert (message.status, message.attempts, message.in_doubt) == (OutboxStatus.SENT, 1, False)
    assert [email.to[0] for email in mail.outbox] == [message.to_email]


def test_a_worker_too_slow_to_record_before_the_recovery_changes_nothing(django_capture_on_commit_callbacks):
    [message] = dead_claim(["sending"])
    with django_capture_on_commit_callbacks(execute=True):
        recover_dead_claims(now=timezone.now())
    services._record_sent(message=message)  # the stale worker's record arrives late
    message.refresh_from_db()
    assert (message.status, message.in_doubt) == (OutboxStatus.FAILED, True)


def test_a_deadline_releases_the_rest_of_the_batch_at_once_so_nothing_is_left_in_doubt(settings):
    messages = [make(n) for n in range(3)]
    settings.OUTBOX_LEASE_SECONDS = 0
    with mock.patch.object(services, "_schedule_delivery"):
        delivery.outbox_deliver_many(message_ids=[m.pk for m in messages])
    assert state(messages) == [("queued", 0, False)] * 3
    assert not mail.outbox


def test_a_chat_post_whose_worker_died_is_failed_in_doubt_not_posted_again(django_capture_on_commit_callbacks):
    post = OutboxMessage.objects.create(
        key="announcement:1:chat",
        kind=NotificationKind.ANNOUNCEMENT,
        channel=OutboxChannel.WEBHOOK,
        webhook_url="https://chat.example.org/hook",
        subject="Kickoff",
        body_text="Kickoff",
    )
    with mock.patch.object(services, "post_webhook", side_effect=WorkerKilled), pytest.raises(WorkerKilled):
        fanout.deliver_batch(message_ids=[post.pk])
    OutboxMessage.objects.filter(pk=post.pk).update(lease_expires_at=timezone.now())
    with mock.patch.object(services, "post_webhook") as post_again, django_capture_on_commit_callbacks(execute=True):
        outbox_requeue_stale()
        services.outbox_deliver(message_id=post.pk)
    post_again.assert_not_called()
    assert state([post]) == [("failed", 1, True)]


@pytest.mark.django_db(transaction=True)
def test_on_postgresql_the_sent_record_does_not_wait_for_the_disk_and_the_setting_does_not_leak():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: elsewhere the record is a plain UPDATE")
    [message] = dead_claim(["sending"], expired=False)
    with CaptureQueriesContext(connection) as queries:
        assert services._record_sent(message=message).status == OutboxStatus.SENT
    assert "set_config('synchronous_commit', 'off', true)" in queries[-1]["sql"]
    assert OutboxMessage.objects.get(pk=message.pk).status == OutboxStatus.SENT
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone()[0] == "on"
