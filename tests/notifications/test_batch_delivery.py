"""One delivery task sends a batch: one claim transaction for many emails, each then sent and
recorded in turn (what crash recovery relies on: tests/notifications/test_crash_recovery.py)."""

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import connection, transaction
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from sprintlab.notifications import delivery
from sprintlab.notifications.models import OutboxMessage, OutboxStatus
from sprintlab.notifications.services import outbox_enqueue

pytestmark = pytest.mark.django_db
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


class ObservingBackend(EmailBackend):
    """locmem, noting whether a transaction was open while each email was sent, and the committed
    status of every message of the batch at that moment."""

    in_transaction: list[bool] = []
    statuses: list[list[str]] = []

    def send_messages(self, messages):
        ObservingBackend.in_transaction.append(connection.in_atomic_block)
        ObservingBackend.statuses.append(list(OutboxMessage.objects.order_by("pk").values_list("status", flat=True)))
        return super().send_messages(messages)


def enqueue(count):
    """Queue ``count`` emails and claim the first one's task, as the worker that runs it does."""
    with transaction.atomic():
        ids = [
            outbox_enqueue(key=f"batch:{n}", to_email=f"p{n}@example.org", subject=f"S{n}", body_text="Hi").pk
            for n in range(count)
        ]
    for task in DBTaskResult.objects.all():
        if task.args_kwargs["args"] == [ids[0]]:
            task.claim("this-worker")
    return ids


@override_settings(TASKS=DATABASE_TASKS, OUTBOX_BATCH_SIZE=4)
def test_one_task_claims_sends_and_records_a_batch_and_takes_over_its_tasks(django_assert_max_num_queries):
    ids = enqueue(6)
    mail.outbox.clear()
    with django_assert_max_num_queries(16):
        delivery.outbox_deliver_batch(message_id=ids[0])
    statuses = dict(OutboxMessage.objects.values_list("pk", "status"))
    assert [statuses[pk] for pk in ids] == ["sent"] * 4 + ["queued"] * 2
    assert len(mail.outbox) == 4
    # The three other tasks of the batch are done; the first is the worker's own, the last two wait.
    tasks = DBTaskResult.objects.values_list("args_kwargs", "status")
    done = sorted(kwargs["args"][0] for kwargs, status in tasks if status == "SUCCESSFUL")
    waiting = sorted(kwargs["args"][0] for kwargs, status in tasks if status == "READY")
    assert done == ids[1:4] and waiting == ids[4:]


@pytest.mark.django_db(transaction=True)
@override_settings(
    TASKS=DATABASE_TASKS,
    OUTBOX_BATCH_SIZE=10,
    EMAIL_BACKEND="tests.notifications.test_batch_delivery.ObservingBackend",
)
def test_no_transaction_is_open_while_the_batch_is_sent_and_each_email_is_recorded_before_the_next():
    ids = enqueue(3)
    ObservingBackend.in_transaction, ObservingBackend.statuses = [], []
    delivery.outbox_deliver_batch(message_id=ids[0])
    assert ObservingBackend.in_transaction == [False, False, False]
    assert ObservingBackend.statuses == [
        ["sending", "sending", "sending"],
        ["sent", "sending", "sending"],
        ["sent", "sent", "sending"],
    ]
    tokens = set(OutboxMessage.objects.values_list("claim_token", flat=True))
    assert len(tokens) == 1 and None not in tokens  # one claim


@override_settings(TASKS=DATABASE_TASKS, OUTBOX_BATCH_SIZE=10, OUTBOX_LEASE_SECONDS=0)
def test_emails_the_deadline_leaves_unsent_go_back_to_the_queue_with_their_attempt_uncounted():
    ids = enqueue(3)
    mail.outbox.clear()
    delivery.outbox_deliver_batch(message_id=ids[0])
    assert not mail.outbox
    assert set(OutboxMessage.objects.values_list("status", "attempts")) == {(OutboxStatus.QUEUED, 0)}
    # Each has a delivery task again (the batch had taken theirs over).
    ready = [task.args_kwargs["args"][0] for task in DBTaskResult.objects.filter(status="READY")]
    assert sorted(ready) == ids


@override_settings(TASKS=DATABASE_TASKS, OUTBOX_BATCH_SIZE=10)
def test_a_message_already_sent_or_leased_is_left_alone():
    ids = enqueue(3)
    OutboxMessage.objects.filter(pk=ids[1]).update(status=OutboxStatus.SENT)
    mail.outbox.clear()
    delivery.outbox_deliver_batch(message_id=ids[0])
    assert sorted(email.subject for email in mail.outbox) == ["S0", "S2"]
    delivery.outbox_deliver_batch(message_id=ids[0])  # its task ran twice: nothing more
    assert len(mail.outbox) == 2


def test_without_the_database_queue_each_task_sends_its_own_message(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        for n in range(2):
            outbox_enqueue(key=f"single:{n}", to_email="p@example.org", subject=f"S{n}", body_text="Hi")
    assert set(OutboxMessage.objects.values_list("status", "attempts")) == {(OutboxStatus.SENT, 1)}


@override_settings(TASKS=DATABASE_TASKS, OUTBOX_BATCH_SIZE=10)
def test_a_batch_stores_the_text_of_the_emails_it_rendered_and_leaves_a_failing_one_to_its_own_task():
    from tests.notifications.test_render_at_delivery import RENDERER

    with transaction.atomic():
        ids = [
            outbox_enqueue(
                key=f"lazy-batch:{n}", to_email="p@example.org", subject="Hi", renderer=RENDERER, render_context=context
            ).pk
            for n, context in enumerate([{"name": "Ada"}, {"name": "Bo", "fail": True}, {"name": "Cy"}])
        ]
    for task in DBTaskResult.objects.all():
        if task.args_kwargs["args"] == [ids[0]]:
            task.claim("this-worker")
    mail.outbox.clear()
    delivery.outbox_deliver_batch(message_id=ids[0])
    stored = OutboxMessage.objects.in_bulk(ids)
    assert [stored[pk].status for pk in ids] == ["sent", "queued", "sent"]
    assert (stored[ids[0]].body_text, stored[ids[2]].body_text) == ("Hello Ada", "Hello Cy")
    assert stored[ids[1]].body_text == "" and stored[ids[1]].attempts == 0
    assert sorted(email.body for email in mail.outbox) == ["Hello Ada", "Hello Cy"]
