"""Delivery in batches: one claim transaction for up to ``OUTBOX_BATCH_SIZE`` emails, then each
email sent and recorded in turn.

With the database task queue every queued email has its own task row. Running them one by one costs
four commits per email (the worker's claim of the task, the claim of the message, the record of the
outcome, the task's completion) — well under 300 emails a second on a small machine. So the task of
one email also takes over the next ready delivery tasks (``FOR UPDATE SKIP LOCKED`` on the task
queue's own index, so two workers never take the same ones) and claims their emails with one lease
and one claim token. It then sends them outside any transaction, in id order, and records each one
as sent right after its own send (one autocommitted UPDATE, ``services._record_sent``).

That order is what makes a dead worker harmless (``recovery.py``, docs/outbox.md): of its claim's
emails still "sending", only the first can have gone out; the others were never tried and are
simply queued again. So an announcement reaches each person at most once even when a worker is
killed half-way. The tasks taken over are marked done when their emails are claimed: from then on
the claim's lease and the outbox sweep look after the emails, as they do for a single email.
"""

from __future__ import annotations

import logging
import time
import uuid
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django_tasks.base import TaskResultStatus

from sprintlab.notifications import services
from sprintlab.notifications.models import OutboxChannel, OutboxMessage, OutboxStatus

logger = logging.getLogger(__name__)
DELIVERY_TASK_PATH = "sprintlab.notifications.tasks.deliver_outbox_message"


def outbox_deliver_batch(*, message_id: int) -> None:
    """Deliver ``message_id`` and up to ``OUTBOX_BATCH_SIZE - 1`` other emails waiting for delivery.

    Without the database task queue, with a batch size of 1 or for a chat message, this is
    ``services.outbox_deliver`` for the one message.
    """
    size = settings.OUTBOX_BATCH_SIZE
    if size <= 1 or not services._tasks_share_the_transaction():
        services.outbox_deliver(message_id=message_id)
        return
    claimed = _claim_batch(message_id=message_id, size=size)
    if claimed is None:
        services.outbox_deliver(message_id=message_id)
        return
    _send_and_record(claimed)


def outbox_deliver_many(*, message_ids: list[int]) -> None:
    """Deliver the given messages (one task of a fan-out): one claim, the sends, one record.

    A message the batch cannot take — a chat post, one whose rendering fails (so that its error is
    recorded) — goes through ``services.outbox_deliver`` on its own. One that is sent, failed or
    leased by another worker already is left alone, so running the same task twice sends nothing twice.
    """
    claimed, single = _claim_listed(message_ids=message_ids)
    _send_and_record(claimed)
    for message_id in single:
        services.outbox_deliver(message_id=message_id)


def _send_and_record(claimed: list[OutboxMessage]) -> None:
    """Send the claimed emails outside any transaction, in id order and within half the lease,
    recording each outcome before the next send; put back those the deadline leaves unsent.

    The order and the record after every send are what crash recovery relies on (``recovery.py``).
    """
    deadline = time.monotonic() + settings.OUTBOX_LEASE_SECONDS / 2
    ordered = sorted(claimed, key=lambda m: m.pk)
    for position, message in enumerate(ordered):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            _release_unsent(ordered[position:])
            return
        try:
            services._send_within(services._as_email(message), seconds=remaining)
        except Exception as exc:
            logger.warning("Sending outbox message %s failed: %s", message.pk, exc)
            services._record_failure(message=message, error=str(exc))
        else:
            services._record_sent(message=message)


def _ready_delivery_tasks(size: int):
    from django_tasks_db.models import DBTaskResult

    return (
        DBTaskResult.objects.ready()
        .filter(task_path=DELIVERY_TASK_PATH)
        .select_for_update(skip_locked=True)
        .values_list("id", "args_kwargs")[:size]
    )


@transaction.atomic
def _claim_batch(*, message_id: int, size: int) -> list[OutboxMessage] | None:
    """Claim ``message_id`` and the emails of up to ``size - 1`` ready delivery tasks; ``None`` when
    ``message_id`` itself is not an email that can be claimed now (the single-message path decides)."""
    from django_tasks_db.models import DBTaskResult

    now = timezone.now()
    tasks_by_message = {}
    for task_id, args_kwargs in _ready_delivery_tasks(size - 1):
        args = (args_kwargs or {}).get("args") or []
        if len(args) == 1 and isinstance(args[0], int):
            tasks_by_message.setdefault(args[0], task_id)
    locked = {
        message.pk: message
        for message in OutboxMessage.objects.select_for_update(skip_locked=True).filter(
            pk__in={message_id, *tasks_by_message}, channel=OutboxChannel.EMAIL
        )
    }
    own = locked.get(message_id)
    if own is None or not _claimable(own) or own.attempts >= services.MAX_ATTEMPTS:
        return None
    claimable = _claimable_rendered(locked.values())
    if own not in claimable[0]:
        return None  # it does not render: the single-message path records the error
    claimed = _lease(claimable, now)
    # The tasks of the emails claimed here are done; the lease and the sweep take over from them.
    taken_over = [tasks_by_message[m.pk] for m in claimed if m.pk in tasks_by_message]
    DBTaskResult.objects.filter(pk__in=taken_over).update(
        status=TaskResultStatus.SUCCESSFUL, started_at=now, finished_at=now, exception_class_path="", traceback=""
    )
    return claimed


@transaction.atomic
def _claim_listed(*, message_ids: list[int]) -> tuple[list[OutboxMessage], list[int]]:
    """Claim the claimable emails among ``message_ids``; also return the ids of chat posts and of
    emails that will not render, for the single-message path."""
    now = timezone.now()
    locked = list(OutboxMessage.objects.select_for_update(skip_locked=True).filter(pk__in=message_ids))
    emails = [m for m in locked if m.channel == OutboxChannel.EMAIL]
    claimed = _lease(_claimable_rendered(emails), now)
    claimed_ids = {m.pk for m in claimed}
    single = [m.pk for m in locked if m.pk not in claimed_ids and _claimable(m) and m.attempts < services.MAX_ATTEMPTS]
    return claimed, single


def _claimable_rendered(messages) -> tuple[list[OutboxMessage], list[OutboxMessage]]:
    """The messages that may be claimed now, rendered, and those of them rendered just now (their
    text is to be stored); one that fails to render is left for its own single-message delivery,
    which records the error."""
    ready, rendered_now = [], []
    for message in sorted(messages, key=lambda m: m.pk):
        if not _claimable(message) or message.attempts >= services.MAX_ATTEMPTS:
            continue  # sent, failed or held already; or for its own task to fail it
        was_rendered = services.message_is_rendered(message)
        try:
            services.outbox_render(message)
        except Exception:
            continue
        ready.append(message)
        if not was_rendered:
            rendered_now.append(message)
    return ready, rendered_now


def _lease(claimable: tuple[list[OutboxMessage], list[OutboxMessage]], now) -> list[OutboxMessage]:
    """One lease and one claim token for the whole batch (``recovery.py`` recovers it as a whole):
    one UPDATE for the batch, and the text of the messages rendered at delivery stored."""
    claimed, rendered_now = claimable
    lease = now + timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)
    token = uuid.uuid4()
    OutboxMessage.objects.filter(pk__in=[m.pk for m in claimed]).update(
        status=OutboxStatus.SENDING, attempts=F("attempts") + 1, lease_expires_at=lease, claim_token=token
    )
    for message in claimed:
        message.attempts += 1
        message.status = OutboxStatus.SENDING
        message.lease_expires_at = lease
        message.claim_token = token
    if rendered_now:
        OutboxMessage.objects.bulk_update(rendered_now, ["body_text", "body_html", "attachments"])
    return claimed


def _claimable(message: OutboxMessage) -> bool:
    # A message whose lease ran out is not claimable: its dead worker's claim is recovered by the
    # sweep first (``recovery.py``), which decides whether it may be sent again.
    return message.status == OutboxStatus.QUEUED


@transaction.atomic
def _release_unsent(unsent: list[OutboxMessage]) -> None:
    """Put back the emails the deadline left unsent, their attempt not counted, and schedule them
    again. Only rows this claim still holds change."""
    released = list(
        OutboxMessage.objects.filter(
            pk__in=[m.pk for m in unsent], status=OutboxStatus.SENDING, claim_token=unsent[0].claim_token
        ).values_list("pk", flat=True)
    )
    OutboxMessage.objects.filter(pk__in=released).update(
        status=OutboxStatus.QUEUED, attempts=F("attempts") - 1, lease_expires_at=None
    )
    # Their tasks were taken over by this batch (or were the batch's own): each needs a new one.
    for message_id in released:
        services._schedule_with_commit(message_id)
