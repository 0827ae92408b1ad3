"""The transactional outbox: every email is a row written in the same transaction as the change
that caused it, then delivered by a task. A rolled-back change sends nothing; a crash after commit
loses nothing (the sweeper re-enqueues what is still queued or whose sending lease ran out); the
unique key stops the same event from being written twice. The exact guarantee: docs/outbox.md."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboxStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    # Claimed by a worker that is handing it to the mail server; ``lease_expires_at`` says until when.
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class OutboxMessage(models.Model):
    key = models.CharField(
        _("idempotency key"),
        max_length=200,
        unique=True,
        help_text=_("The same key is never sent twice, e.g. registration-confirmed:42."),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="outbox_messages"
    )
    to_email = models.EmailField(_("to"))
    subject = models.CharField(_("subject"), max_length=300)
    body_text = models.TextField(_("text"))
    body_html = models.TextField(_("HTML"), blank=True)
    attachments = models.JSONField(
        _("attachments"),
        default=list,
        blank=True,
        help_text=_("A list of {filename, mimetype, content} with text content."),
    )
    # A message may be stored unrendered: ``renderer`` is the dotted path of a function that turns
    # ``render_context`` (a few ids, JSON) into the body and attachments when it is delivered.
    renderer = models.CharField(_("renderer"), max_length=200, blank=True, default="")
    render_context = models.JSONField(_("render context"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    lease_expires_at = models.DateTimeField(
        _("sending lease expires"),
        null=True,
        blank=True,
        help_text=_("While sending: after this time the worker is presumed dead and the message is sent again."),
    )
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("outgoing email")
        verbose_name_plural = _("outbox")
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.subject} → {self.to_email}"
