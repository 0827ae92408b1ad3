"""Writes to the outbox. Call ``outbox_enqueue`` inside the transaction of the change it reports."""

from __future__ import annotations

import logging
import socket
import threading
import uuid
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.signals import setting_changed
from django.db import IntegrityError, connections, router, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from sprintlab.core.audit import record_audit
from sprintlab.core.errors import Conflict, PermissionDeniedError
from sprintlab.notifications.models import NotificationKind, OutboxChannel, OutboxMessage, OutboxStatus
from sprintlab.notifications.unsubscribe import list_unsubscribe_headers, unsubscribe_url, with_unsubscribe_footer
from sprintlab.notifications.webhooks import post_webhook

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 5


@dataclass(frozen=True)
class Attachment:
    filename: str
    mimetype: str
    content: str

    def as_json(self) -> dict:
        return {"filename": self.filename, "mimetype": self.mimetype, "content": self.content}


@dataclass(frozen=True)
class RenderedEmail:
    body_text: str
    body_html: str = ""
    attachments: tuple[Attachment, ...] = ()


def render_body(template: str, context: dict) -> tuple[str, str]:
    """(text, html) from ``<template>.txt`` and, when it exists, ``<template>.html``."""
    context = {"site_url": settings.SITE_URL, **context}
    body_text = render_to_string(f"{template}.txt", context)
    try:
        body_html = render_to_string(f"{template}.html", context)
    except Exception:
        body_html = ""
    return body_text, body_html


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
    renderer: str = "",
    render_context: dict | None = None,
    fresh_key: bool = False,
    kind: str = NotificationKind.TRANSACTIONAL,
) -> OutboxMessage:
    """Store one email and schedule its delivery (see ``_schedule_with_commit``).

    The body comes from ``template`` (``<template>.txt``, and ``<template>.html`` when it exists)
    rendered with ``context`` now, or from ``body_text``, or — cheapest for the caller — from
    ``renderer``: the dotted path of a function taking ``render_context`` (plain JSON, e.g. ids)
    and returning a ``RenderedEmail``, called when the message is delivered. Enqueuing the same
    ``key`` twice returns the first message and sends nothing more. A caller that knows its key
    cannot exist yet (it names a row version created in this very transaction) passes
    ``fresh_key=True`` to skip the savepoint that catches a duplicate. A ``kind`` other than
    transactional adds an unsubscribe link and headers when sent (pass ``user``; check the person's
    preferences first with ``selectors.channels_by_user``).
    """
    body_html = ""
    if renderer:
        body_text = ""
    elif template:
        # Emails are rendered in UTC unless the caller activated the recipient's zone.
        body_text, body_html = render_body(template, context or {})
    message = OutboxMessage(
        key=key[:200],
        user=user,
        to_email=to_email,
        kind=kind,
        subject=subject.strip()[:300],
        body_text=body_text or "",
        body_html=body_html,
        attachments=[a.as_json() for a in attachments or []],
        renderer=renderer,
        render_context=render_context or {},
    )
    if fresh_key:
        message.save(force_insert=True)
    else:
        try:
            with transaction.atomic():
                message.save(force_insert=True)
        except IntegrityError:
            return OutboxMessage.objects.get(key=key[:200])
    _schedule_with_commit(message.pk)
    return message


def _schedule_delivery(message_id: int) -> None:
    from sprintlab.notifications.tasks import deliver_outbox_message

    deliver_outbox_message.enqueue(message_id)


def _schedule_with_commit(message_id: int) -> None:
    """Schedule delivery so that the task exists exactly when the message's transaction commits.

    The database task backend stores the task as a row in the same database: inserting it inside
    the caller's transaction commits (or rolls back) together with the outbox row, and saves a
    second transaction and WAL flush per email compared with ``on_commit``. A worker cannot see
    the task before the outbox row either. Any other backend (RQ/Redis, or the immediate backend
    of the tests) is outside the transaction: it must only hear of the message after commit, or
    a worker could look for a row that is not committed yet (or never will be).
    """
    if _tasks_share_the_transaction():
        _schedule_delivery(message_id)
    else:
        transaction.on_commit(lambda: _schedule_delivery(message_id))


@lru_cache(maxsize=1)
def _database_task_backend_aliases() -> tuple[str, ...]:
    from django_tasks import task_backends

    try:
        from django_tasks_db import DatabaseBackend
    except ImportError:  # pragma: no cover - the package is a dependency
        return ()
    from sprintlab.notifications.tasks import deliver_outbox_message

    backend = task_backends[deliver_outbox_message.backend]
    if not isinstance(backend, DatabaseBackend):
        return ()
    from django_tasks_db.models import DBTaskResult

    return (router.db_for_write(DBTaskResult), router.db_for_write(OutboxMessage))


def _tasks_share_the_transaction() -> bool:
    aliases = _database_task_backend_aliases()
    return bool(aliases) and aliases[0] == aliases[1]


def _clear_backend_cache(**kwargs) -> None:
    if kwargs.get("setting") in ("TASKS", "DATABASE_ROUTERS"):
        _database_task_backend_aliases.cache_clear()


setting_changed.connect(_clear_backend_cache)


def message_is_rendered(message: OutboxMessage) -> bool:
    return not message.renderer or bool(message.body_text or message.body_html or message.attachments)


def outbox_render(message: OutboxMessage) -> OutboxMessage:
    """Fill in the body and attachments of a message stored with a renderer (in memory; not saved)."""
    if not message_is_rendered(message):
        with translation.override(settings.LANGUAGE_CODE):
            rendered = import_string(message.renderer)(message.render_context)
        message.body_text = rendered.body_text
        message.body_html = rendered.body_html
        message.attachments = [a.as_json() for a in rendered.attachments]
    return message


def outbox_deliver(*, message_id: int) -> OutboxMessage | None:
    """Send one queued message: claim it, send it, record the outcome — three separate steps.

    No transaction or row lock is held while the mail server is talking, so a stalled server only
    delays this message. The claim commits ``status=sending`` with a lease and a claim token before
    anything leaves; any other worker (or a second task for the same message) then skips it. The
    lease only runs out if this worker dies inside the send: the send itself is cut off after half
    the lease (``_send_within``). Then the message is "in doubt" and the sweep applies the rule of
    ``models.RESENT_WHEN_IN_DOUBT`` (``recovery.py``): a transactional message is sent again with the
    same Message-ID, any other kind is failed rather than risk a second copy (docs/outbox.md). A
    chat-webhook message (``channel == WEBHOOK``) takes the same path with a JSON post instead.
    """
    message, claimed = _claim_for_sending(message_id=message_id)
    if not claimed:
        return message
    try:
        if message.channel == OutboxChannel.WEBHOOK:
            # The timeout bounds each socket operation; keep it under half the lease like email's cut-off.
            timeout = min(settings.WEBHOOK_TIMEOUT, settings.OUTBOX_LEASE_SECONDS / 4)
            post_webhook(url=message.webhook_url, text=message.body_text, timeout=timeout)
        else:
            _send_within(_as_email(message), seconds=settings.OUTBOX_LEASE_SECONDS / 2)
    except Exception as exc:
        logger.warning("Sending outbox message %s failed: %s", message.pk, exc)
        return _record_failure(message=message, error=str(exc))
    return _record_sent(message=message)


@transaction.atomic
def _claim_for_sending(*, message_id: int) -> tuple[OutboxMessage | None, bool]:
    """Mark the message as being sent, with a lease and a claim token, and commit that before
    anything is sent.

    Returns the message and whether this call claimed it (and so must send it).

    Only a queued message can be claimed: one whose lease ran out (its worker died) waits for the
    sweep's recovery, which decides whether it may be sent again. Once rendered, the stored text is
    what was sent (and what the staff pages show), so a message rendered at delivery is rendered
    here, once.
    """
    now = timezone.now()
    message = OutboxMessage.objects.select_for_update().filter(pk=message_id).first()
    if message is None:
        return None, False
    if message.status != OutboxStatus.QUEUED:
        return message, False
    if message.attempts >= MAX_ATTEMPTS:
        # Attempts used up without being failed: the sweep skips it, so fail it here.
        message.status = OutboxStatus.FAILED
        message.lease_expires_at = None
        message.save(update_fields=["status", "lease_expires_at"])
        return message, False
    message.attempts += 1
    rendered_fields = [] if message_is_rendered(message) else ["body_text", "body_html", "attachments"]
    try:
        outbox_render(message)
    except Exception as exc:
        logger.warning("Rendering outbox message %s failed: %s", message.pk, exc)
        message.status = OutboxStatus.FAILED if message.attempts >= MAX_ATTEMPTS else OutboxStatus.QUEUED
        message.last_error = f"Rendering failed: {exc}"[:2000]
        message.lease_expires_at = None
        message.save(update_fields=["attempts", "last_error", "status", "lease_expires_at"])
        return message, False
    message.status = OutboxStatus.SENDING
    message.lease_expires_at = now + timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)
    message.claim_token = uuid.uuid4()
    message.save(update_fields=["attempts", "status", "lease_expires_at", "claim_token", *rendered_fields])
    return message, True


def _as_email(message: OutboxMessage) -> EmailMultiAlternatives:
    """The email to send. One that is not transactional carries its unsubscribe link in the footer
    and in the ``List-Unsubscribe`` headers, for its person and kind (docs/notifications.md)."""
    # The same Message-ID on every attempt lets receiving servers drop a copy re-sent after a crash.
    headers = {"Message-ID": f"<outbox-{message.pk}@sprintlab>"}
    body_text, body_html = message.body_text, message.body_html
    if message.kind != NotificationKind.TRANSACTIONAL and message.user_id:
        url = unsubscribe_url(user_id=message.user_id, kind=message.kind)
        headers.update(list_unsubscribe_headers(url))
        body_text, body_html = with_unsubscribe_footer(
            body_text=body_text, body_html=body_html, url=url, kind_label=message.get_kind_display()
        )
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.to_email],
        headers=headers,
    )
    if body_html:
        email.attach_alternative(body_html, "text/html")
    for attachment in message.attachments:
        email.attach(attachment["filename"], attachment["content"], attachment["mimetype"])
    return email


def _send_within(email: EmailMultiAlternatives, *, seconds: float) -> None:
    """Send, giving up after ``seconds`` in all.

    ``EMAIL_TIMEOUT`` bounds each network operation, but a server that answers every step just
    before that timeout could keep a send going for minutes, past the lease, and another worker
    would then send the message a second time. A timer closes the SMTP socket at the deadline.
    """
    connection = get_connection(fail_silently=False)
    email.connection = connection
    watchdog = threading.Timer(seconds, _abort_smtp_connection, args=(connection,))
    watchdog.daemon = True
    watchdog.start()
    try:
        with translation.override(settings.LANGUAGE_CODE):
            email.send(fail_silently=False)
    finally:
        watchdog.cancel()


def _abort_smtp_connection(connection) -> None:
    # Django's SMTP backend keeps its smtplib.SMTP client in ``connection``; other backends have none.
    sock = getattr(getattr(connection, "connection", None), "sock", None)
    if sock is not None:
        logger.warning("Sending took longer than half the outbox lease; closing the SMTP connection.")
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def _record_sent(*, message: OutboxMessage) -> OutboxMessage:
    """Record one message as sent, right after its own send: one autocommitted UPDATE.

    Committed before the next message of a batch is sent, so that a worker dying anywhere leaves at
    most one message of its claim sent and unrecorded (``recovery.py``). Only while this claim still
    holds the message; a worker so slow that the sweep recovered its claim meanwhile changes nothing.
    """
    now = timezone.now()
    recorded = _mark_sent_without_waiting_for_the_disk(message=message, now=now)
    if not recorded:
        logger.warning("Outbox message %s was sent after its claim had been recovered.", message.pk)
        return OutboxMessage.objects.get(pk=message.pk)
    message.status, message.sent_at, message.last_error, message.lease_expires_at = OutboxStatus.SENT, now, "", None
    return message


# The one place where the outbox trades durability for speed (decision 0004, docs/outbox.md): on
# PostgreSQL the "sent" record commits with synchronous_commit off, for this statement's transaction
# only. The server has committed it (and others see it) when the worker moves on, so a *worker*
# crash loses nothing; only a *database* crash can lose the last fraction of a second of these
# records, and those emails would then be sent again. A synchronous commit waits for a disk flush
# per email: on the shared machine that cost up to 12 ms each, capping a worker near 80 emails a second.
_MARK_SENT_WITHOUT_WAITING_FOR_THE_DISK = """
WITH without_waiting_for_the_disk AS (SELECT set_config('synchronous_commit', 'off', true))
UPDATE {table} SET status = %s, sent_at = %s, last_error = '', lease_expires_at = NULL
FROM without_waiting_for_the_disk
WHERE id = %s AND status = %s AND claim_token = %s
"""


def _mark_sent_without_waiting_for_the_disk(*, message: OutboxMessage, now) -> int:
    """Mark ``message`` sent if its claim still holds it; returns whether it did (see above)."""
    connection = connections[router.db_for_write(OutboxMessage)]
    held = OutboxMessage.objects.filter(pk=message.pk, status=OutboxStatus.SENDING, claim_token=message.claim_token)
    # Inside a caller's transaction the setting would apply to the whole of it: use a plain UPDATE.
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return held.update(status=OutboxStatus.SENT, sent_at=now, last_error="", lease_expires_at=None)
    sql = _MARK_SENT_WITHOUT_WAITING_FOR_THE_DISK.format(table=connection.ops.quote_name(OutboxMessage._meta.db_table))
    with connection.cursor() as cursor:
        cursor.execute(sql, [OutboxStatus.SENT, now, message.pk, OutboxStatus.SENDING, message.claim_token])
        return cursor.rowcount


@transaction.atomic
def _record_failure(*, message: OutboxMessage, error: str) -> OutboxMessage:
    """Put the message back in the queue (the sweeper retries it) or, after the last attempt, fail it.

    Only while this claim still holds the message: if the sweep recovered it meanwhile, the
    recovery decided its fate.
    """
    token = message.claim_token
    message = OutboxMessage.objects.select_for_update().get(pk=message.pk)
    if message.status != OutboxStatus.SENDING or message.claim_token != token:
        return message
    message.status = OutboxStatus.FAILED if message.attempts >= MAX_ATTEMPTS else OutboxStatus.QUEUED
    message.last_error = error[:2000]
    message.lease_expires_at = None
    message.save(update_fields=["status", "last_error", "lease_expires_at"])
    return message


def outbox_requeue_stale(*, older_than_seconds: int = 300) -> int:
    """Recover what dead workers held, and schedule delivery again for what should have been sent by
    now; returns how many messages were scheduled.

    First every claim whose lease ran out (its worker died while sending) is recovered by the rule
    of ``recovery.recover_dead_claims``: the messages it never tried go back to the queue, the one
    in doubt is resent or failed according to its kind. Then a message still queued after
    ``older_than_seconds`` (its task was lost, or its last attempt failed) is scheduled again.
    """
    from sprintlab.notifications.recovery import recover_dead_claims

    now = timezone.now()
    recovered = recover_dead_claims(now=now)
    cutoff = now - timedelta(seconds=older_than_seconds)
    stale = OutboxMessage.objects.filter(status=OutboxStatus.QUEUED, created_at__lt=cutoff, attempts__lt=MAX_ATTEMPTS)
    ids = list(stale.exclude(pk__in=recovered).order_by("created_at").values_list("pk", flat=True)[:1000])
    for message_id in ids:
        _schedule_delivery(message_id)
    return len(recovered) + len(ids)


@transaction.atomic
def outbox_retry(*, message: OutboxMessage, actor) -> OutboxMessage:
    """Put a failed message back in the queue with a fresh set of attempts, and schedule it.

    Staff only. The key stays the same, so it is still sent at most once. Side effects: an audit
    entry (with the error that made it fail) and a delivery task after commit.
    """
    if not actor.has_perm("notifications.retry_message", message):
        raise PermissionDeniedError(_("Only staff can resend emails."))
    message = OutboxMessage.objects.select_for_update().get(pk=message.pk)
    if message.status != OutboxStatus.FAILED:
        raise Conflict(
            _("Only failed messages can be resent; this one is %(status)s.")
            % {"status": message.get_status_display().lower()}
        )
    record_audit(
        actor=actor,
        action="outbox.retry",
        target=message,
        previous_attempts=message.attempts,
        previous_error=message.last_error[:500],
    )
    message.status = OutboxStatus.QUEUED
    message.attempts = 0
    # Staff checked it (an "in doubt" one may have reached the person already) and chose to resend.
    message.in_doubt = False
    message.save(update_fields=["status", "attempts", "in_doubt"])
    _schedule_with_commit(message.pk)
    return message
