"""Writes to the outbox. Call ``outbox_enqueue`` inside the transaction of the change it reports."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from sprintlab.core.audit import record_audit
from sprintlab.core.errors import Conflict, PermissionDeniedError
from sprintlab.notifications.models import OutboxMessage, OutboxStatus

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 5


@dataclass(frozen=True)
class Attachment:
    filename: str
    mimetype: str
    content: str

    def as_json(self) -> dict:
        return {"filename": self.filename, "mimetype": self.mimetype, "content": self.content}


def outbox_enqueue(
    *,
    key: str,
    to_email: str,
    subject: str,
    template: str | None = None,
    context: dict | None = None,
    body_text: str | None = None,
    user=None,
    attachments: list[Attachment] | None = None,
) -> OutboxMessage:
    """Store one email and schedule its delivery after commit.

    The body comes from ``template`` (``<template>.txt``, and ``<template>.html`` when it exists)
    rendered with ``context``, or from ``body_text``. Enqueuing the same ``key`` twice returns the
    first message and sends nothing more.
    """
    if template:
        context = {"site_url": settings.SITE_URL, **(context or {})}
        # Emails are rendered in UTC unless the caller activated the recipient's zone.
        body_text = render_to_string(f"{template}.txt", context)
        try:
            body_html = render_to_string(f"{template}.html", context)
        except Exception:  # noqa: BLE001 - a missing HTML part is fine; text is always sent
            body_html = ""
    else:
        body_html = ""
    try:
        with transaction.atomic():
            message = OutboxMessage.objects.create(
                key=key[:200],
                user=user,
                to_email=to_email,
                subject=subject.strip()[:300],
                body_text=body_text or "",
                body_html=body_html,
                attachments=[a.as_json() for a in attachments or []],
            )
    except IntegrityError:
        return OutboxMessage.objects.get(key=key[:200])
    transaction.on_commit(lambda: _schedule_delivery(message.pk))
    return message


def _schedule_delivery(message_id: int) -> None:
    from sprintlab.notifications.tasks import deliver_outbox_message

    deliver_outbox_message.enqueue(message_id)


def outbox_deliver(*, message_id: int) -> OutboxMessage | None:
    """Send one queued message, at most once.

    The row is locked while sending so two workers cannot both send it; a message already sent
    is skipped. A failure is recorded and retried by the sweeper up to ``MAX_ATTEMPTS`` times.
    """
    with transaction.atomic():
        message = OutboxMessage.objects.select_for_update().filter(pk=message_id).first()
        if message is None or message.status != OutboxStatus.QUEUED:
            return message
        message.attempts += 1
        email = EmailMultiAlternatives(
            subject=message.subject,
            body=message.body_text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[message.to_email],
            # A stable Message-ID lets receiving servers drop a copy re-sent after a crash.
            headers={"Message-ID": f"<outbox-{message.pk}@sprintlab>"},
        )
        if message.body_html:
            email.attach_alternative(message.body_html, "text/html")
        for attachment in message.attachments:
            email.attach(attachment["filename"], attachment["content"], attachment["mimetype"])
        try:
            with translation.override(settings.LANGUAGE_CODE):
                email.send(fail_silently=False)
        except Exception as exc:  # noqa: BLE001 - any transport error is recorded and retried
            logger.warning("Sending outbox message %s failed: %s", message.pk, exc)
            message.last_error = str(exc)[:2000]
            if message.attempts >= MAX_ATTEMPTS:
                message.status = OutboxStatus.FAILED
            message.save(update_fields=["attempts", "last_error", "status"])
            return message
        message.status = OutboxStatus.SENT
        message.sent_at = timezone.now()
        message.last_error = ""
        message.save(update_fields=["attempts", "last_error", "status", "sent_at"])
        return message


def outbox_requeue_stale(*, older_than_seconds: int = 300) -> int:
    """Schedule delivery again for messages still queued after ``older_than_seconds``.

    This covers a task lost in a crash between commit and enqueue; returns how many were scheduled.
    """
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    ids = list(
        OutboxMessage.objects.filter(status=OutboxStatus.QUEUED, created_at__lt=cutoff, attempts__lt=MAX_ATTEMPTS)
        .values_list("pk", flat=True)[:1000]
    )
    for message_id in ids:
        _schedule_delivery(message_id)
    return len(ids)


@transaction.atomic
def outbox_retry(*, message: OutboxMessage, acting_user) -> OutboxMessage:
    """Put a failed message back in the queue with a fresh set of attempts, and schedule it.

    Staff only. The key stays the same, so it is still sent at most once. Side effects: an audit
    entry (with the error that made it fail) and a delivery task after commit.
    """
    if not acting_user.has_perm("notifications.retry_message", message):
        raise PermissionDeniedError(_("Only staff can resend emails."))
    message = OutboxMessage.objects.select_for_update().get(pk=message.pk)
    if message.status != OutboxStatus.FAILED:
        raise Conflict(_("Only failed messages can be resent; this one is %(status)s.") % {
            "status": message.get_status_display().lower()
        })
    record_audit(
        actor=acting_user, action="outbox.retry", target=message,
        previous_attempts=message.attempts, previous_error=message.last_error[:500],
    )
    message.status = OutboxStatus.QUEUED
    message.attempts = 0
    message.save(update_fields=["status", "attempts"])
    transaction.on_commit(lambda: _schedule_delivery(message.pk))
    return message
