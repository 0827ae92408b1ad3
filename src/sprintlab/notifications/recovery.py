"""What happens to the messages a dead worker held: the sweep's crash recovery (docs/outbox.md).

A claim — one worker's batch, or a single message — gives its messages the same ``claim_token``;
the worker sends them in id order and records each one as sent (or failed) right after its own
send, one committed statement each (``delivery.py``, ``services._record_sent``). When the worker
dies, its claim's lease runs out with some messages still "sending". Of those:

- the first in id order is **in doubt**: the worker may have died before sending it, inside the
  send, or after the mail server accepted it and before the record committed. Nobody can tell.
  ``models.RESENT_WHEN_IN_DOUBT`` decides per kind: a transactional message (a confirmation, a
  sign-in code) is sent again with the same Message-ID; any other kind (an announcement, a reminder,
  team activity) is failed with ``in_doubt`` set, so that nobody receives it twice, and staff can
  resend it from /staff/outbox/;
- every later one was never tried (its predecessor's record would have committed first): it goes
  back to the queue with its attempt not counted, and is scheduled again.

This relies on the record of a send being committed by the server before the worker moves on to
the next message, which is true whatever happens to the worker afterwards. It is a worker crash
that this handles: on PostgreSQL the record commits without waiting for the disk
(``services._mark_sent_without_waiting_for_the_disk``), so a *database* crash can lose the last
fraction of a second of records; those sends count as never tried and go out again.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models import F, Q
from django.utils.translation import gettext as _

from sprintlab.notifications import services
from sprintlab.notifications.models import OutboxMessage, OutboxStatus, resent_when_in_doubt

logger = logging.getLogger(__name__)
# Claims recovered per sweep; the next sweep (a minute later) takes the rest.
MAX_CLAIMS_PER_SWEEP = 200


def in_doubt_failure() -> str:
    return _(
        "The worker died while sending this message; it was not resent so that nobody receives it twice. "
        "It may or may not have reached the recipient. Staff can resend it from /staff/outbox/."
    )


def in_doubt_resent() -> str:
    return _(
        "The worker died while sending this message; it was sent again with the same Message-ID "
        "(the recipient may see it twice)."
    )


def in_doubt_last_attempt() -> str:
    return _("The worker died while sending this message's last attempt. Staff can resend it from /staff/outbox/.")


def recover_dead_claims(*, now) -> list[int]:
    """Recover every claim whose lease ran out; returns the ids of the messages scheduled again."""
    expired = OutboxMessage.objects.filter(
        Q(lease_expires_at__lte=now) | Q(lease_expires_at__isnull=True), status=OutboxStatus.SENDING
    )
    tokens = expired.exclude(claim_token=None).order_by("claim_token").values_list("claim_token", flat=True)
    tokens = list(tokens.distinct()[:MAX_CLAIMS_PER_SWEEP])
    # A message claimed before claims had tokens was claimed on its own: it is its own claim.
    untokened = list(
        expired.filter(claim_token=None).order_by("pk").values_list("pk", flat=True)[:MAX_CLAIMS_PER_SWEEP]
    )
    scheduled: list[int] = []
    for token in tokens:
        scheduled += _recover_claim(Q(claim_token=token), now=now)
    for message_id in untokened:
        scheduled += _recover_claim(Q(pk=message_id, claim_token=None), now=now)
    return scheduled


@transaction.atomic
def _recover_claim(claim: Q, *, now) -> list[int]:
    """Apply the rule above to one dead claim's messages still "sending"; returns those scheduled.

    Locks them first and checks again: another sweep may have recovered the claim meanwhile, and a
    claim whose lease was renewed is not dead.
    """
    held = list(OutboxMessage.objects.select_for_update().filter(claim, status=OutboxStatus.SENDING).order_by("pk"))
    if not held or any(m.lease_expires_at is not None and m.lease_expires_at > now for m in held):
        return []
    in_doubt, never_tried = held[0], held[1:]
    scheduled = [m.pk for m in never_tried]
    OutboxMessage.objects.filter(pk__in=scheduled).update(
        status=OutboxStatus.QUEUED, attempts=F("attempts") - 1, lease_expires_at=None
    )
    in_doubt.in_doubt, in_doubt.lease_expires_at = True, None
    if not resent_when_in_doubt(in_doubt.kind):
        in_doubt.status, in_doubt.last_error = OutboxStatus.FAILED, in_doubt_failure()
    elif in_doubt.attempts >= services.MAX_ATTEMPTS:
        in_doubt.status, in_doubt.last_error = OutboxStatus.FAILED, in_doubt_last_attempt()
    else:
        in_doubt.status, in_doubt.last_error = OutboxStatus.QUEUED, in_doubt_resent()
        scheduled.insert(0, in_doubt.pk)
    in_doubt.save(update_fields=["status", "in_doubt", "last_error", "lease_expires_at"])
    logger.warning(
        "Recovered a dead worker's claim: message %s in doubt (%s), %s never tried and queued again.",
        in_doubt.pk,
        in_doubt.status,
        len(never_tried),
    )
    for message_id in scheduled:
        services._schedule_with_commit(message_id)
    return scheduled
