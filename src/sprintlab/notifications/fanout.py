"""One message to many people: outbox emails and inbox items written in bulk, delivered in batches.

``fan_out`` is meant to run in a task (never in a request): for 10,000 people it writes some
10,000 outbox rows and 10,000 inbox items. It may run again after a crash, or twice at once, and
still reaches each person at most once:

- every row's key is ``<key_prefix>:<user id>`` and keys are unique, so a second run inserts
  nothing new (``bulk_create(ignore_conflicts=True)``);
- delivery is scheduled for every message of the fan-out that is still queued, in batches of ids;
  a batch is claimed with one lease and claim token (``delivery.outbox_deliver_many``), so a batch
  scheduled twice, or run again after its worker died half-way, skips what is sent or being sent;
- after its worker died, the batch's messages never tried are queued again, and the one it may
  have been sending is failed for staff to look at rather than resent, for every kind but
  transactional ones (``models.RESENT_WHEN_IN_DOUBT``, ``recovery.py``, docs/outbox.md).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from sprintlab.notifications.inbox import inbox_add_many
from sprintlab.notifications.models import InboxItem, OutboxChannel, OutboxMessage, OutboxStatus
from sprintlab.notifications.selectors import channels_by_user

INSERT_BATCH = 1000
DELIVERY_BATCH = 100


@dataclass(frozen=True)
class FanOutResult:
    emails: int
    inbox_items: int
    batches: int


def _chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def fan_out(
    *,
    kind: str,
    key_prefix: str,
    user_ids,
    subject: str,
    body_text: str,
    body_html: str = "",
    inbox_title: str,
    inbox_body_html: str = "",
    inbox_url: str = "",
) -> FanOutResult:
    """Email (who wants ``kind`` by email and has an address) and inbox items (who wants it in the app).

    Returns how many emails and inbox items the fan-out has in all (this run's and earlier runs'),
    and how many delivery batches it scheduled. Side effects: outbox rows and inbox items in
    batches of ``INSERT_BATCH``, each batch its own transaction; delivery tasks after they commit.
    """
    email_ids, in_app_ids = channels_by_user(kind=kind, user_ids=user_ids)
    addresses = _addresses(sorted(email_ids))
    keys = [f"{key_prefix}:{user_id}" for user_id, _address in addresses]
    for batch in _chunks(addresses, INSERT_BATCH):
        OutboxMessage.objects.bulk_create(
            [
                OutboxMessage(
                    key=f"{key_prefix}:{user_id}",
                    user_id=user_id,
                    to_email=address,
                    kind=kind,
                    channel=OutboxChannel.EMAIL,
                    subject=subject[:300],
                    body_text=body_text,
                    body_html=body_html,
                )
                for user_id, address in batch
            ],
            ignore_conflicts=True,
        )
    inbox_add_many(
        items=(
            InboxItem(
                key=f"{key_prefix}:{user_id}",
                user_id=user_id,
                kind=kind,
                title=inbox_title[:300],
                body_html=inbox_body_html,
                url=inbox_url[:500],
            )
            for user_id in sorted(in_app_ids)
        ),
        batch_size=INSERT_BATCH,
    )
    batches = schedule_queued(keys)
    return FanOutResult(emails=len(keys), inbox_items=len(in_app_ids), batches=batches)


def _addresses(user_ids: list[int]) -> list[tuple[int, str]]:
    users = get_user_model().objects.exclude(email="")
    found = []
    for batch in _chunks(user_ids, INSERT_BATCH):
        found.extend(users.filter(pk__in=batch).order_by("pk").values_list("pk", "email"))
    return found


def schedule_queued(keys: list[str]) -> int:
    """Schedule delivery of the messages with these keys that are still queued; returns the batches."""
    queued: list[int] = []
    for batch in _chunks(keys, INSERT_BATCH):
        queued.extend(
            OutboxMessage.objects.filter(key__in=batch, status=OutboxStatus.QUEUED)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
    batches = list(_chunks(queued, DELIVERY_BATCH))
    for batch in batches:
        transaction.on_commit(lambda ids=batch: _schedule_batch(ids))
    return len(batches)


def _schedule_batch(message_ids: list[int]) -> None:
    from sprintlab.notifications.tasks import deliver_outbox_batch

    deliver_outbox_batch.enqueue(message_ids)


def deliver_batch(*, message_ids: list[int]) -> None:
    """Deliver one batch of a fan-out: claimed together, so a repeated batch sends nothing twice."""
    from sprintlab.notifications.delivery import outbox_deliver_many

    outbox_deliver_many(message_ids=message_ids)


def webhook_enqueue(*, key: str, url: str, kind: str, subject: str, text: str) -> bool:
    """Store one chat-webhook post (at most once per ``key``) and schedule it after commit.

    Returns whether a queued post exists for the key (false once it was sent or failed).
    """
    OutboxMessage.objects.bulk_create(
        [
            OutboxMessage(
                key=key[:200],
                kind=kind,
                channel=OutboxChannel.WEBHOOK,
                webhook_url=url,
                subject=subject[:300],
                body_text=text,
            )
        ],
        ignore_conflicts=True,
    )
    return schedule_queued([key[:200]]) > 0
