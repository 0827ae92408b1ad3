"""The transactional outbox: every email is a row written in the same transaction as the change
that caused it, then delivered by a task. A rolled-back change sends nothing; a crash after commit
loses nothing (the sweeper re-enqueues what is still queued, and recovers what a dead worker held);
the unique key stops the same event from being written twice. The exact guarantee: docs/outbox.md."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboxStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    # Claimed by a worker that is handing it to the mail server; ``lease_expires_at`` says until when.
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class NotificationKind(models.TextChoices):
    """What a message is about. People choose channels per kind, except for transactional messages
    (confirmations, security), which always go out by email."""

    TRANSACTIONAL = "transactional", _("Confirmations and account security")
    ANNOUNCEMENT = "announcement", _("Announcements from organisers")
    REMINDER = "reminder", _("Reminders before kickoff and deadlines")
    TEAM = "team", _("Team activity")
    MENTORING = "mentoring", _("Mentor help")


# The one message a dead worker may or may not have sent ("in doubt", docs/outbox.md) is, per kind:
# - resent (True): at least once matters more; a missing confirmation or sign-in code is worse than a
#   second copy, which carries the same Message-ID;
# - failed for staff to look at (False): at most once; nobody receives an announcement, a reminder
#   or a team message twice. Staff can resend it from /staff/outbox/ after checking.
# Every kind is listed on purpose (a test checks it): a new kind needs a decision here.
RESENT_WHEN_IN_DOUBT: dict[str, bool] = {
    NotificationKind.TRANSACTIONAL: True,
    NotificationKind.ANNOUNCEMENT: False,
    NotificationKind.REMINDER: False,
    NotificationKind.TEAM: False,
    NotificationKind.MENTORING: False,
}


def resent_when_in_doubt(kind: str) -> bool:
    """Whether a message of ``kind`` that its worker died sending is sent again (see above)."""
    return RESENT_WHEN_IN_DOUBT.get(kind, False)


# Kinds a person may switch off, in the order the preferences page lists them.
OPTIONAL_KINDS = (
    NotificationKind.ANNOUNCEMENT,
    NotificationKind.REMINDER,
    NotificationKind.TEAM,
    NotificationKind.MENTORING,
)


class OutboxChannel(models.TextChoices):
    EMAIL = "email", _("Email")
    # A JSON post to a chat server's incoming webhook (Discord/Slack format) at ``webhook_url``.
    WEBHOOK = "webhook", _("Chat webhook")


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
    to_email = models.EmailField(_("to"), blank=True)
    kind = models.CharField(
        _("kind"), max_length=20, choices=NotificationKind.choices, default=NotificationKind.TRANSACTIONAL
    )
    channel = models.CharField(_("channel"), max_length=10, choices=OutboxChannel.choices, default=OutboxChannel.EMAIL)
    webhook_url = models.URLField(_("webhook"), max_length=500, blank=True)
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
        help_text=_("While sending: after this time the worker is presumed dead and the sweep recovers the message."),
    )
    # One claim (a worker's batch, or a single message) shares a token and is sent in id order, with
    # each message recorded as sent right after its own send. So when the worker dies, only the first
    # of the claim's messages still "sending" can have gone out; the later ones were never tried.
    claim_token = models.UUIDField(_("claim"), null=True, blank=True, editable=False)
    in_doubt = models.BooleanField(
        _("in doubt"),
        default=False,
        help_text=_("Its worker died while sending it: it may or may not have reached the recipient."),
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


class InboxItem(models.Model):
    """A notification shown in the person's in-app inbox; ``key`` makes writing it twice harmless."""

    key = models.CharField(_("idempotency key"), max_length=200, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="inbox_items")
    kind = models.CharField(_("kind"), max_length=20, choices=NotificationKind.choices)
    title = models.CharField(_("title"), max_length=300)
    # Already sanitised HTML (see sprintlab.core.markdown), so the inbox can show it as is.
    body_html = models.TextField(_("body"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("inbox item")
        indexes = [
            models.Index(fields=["user", "-created_at"]),
            models.Index(fields=["user"], condition=models.Q(read_at__isnull=True), name="inbox_unread_by_user"),
        ]

    def __str__(self) -> str:
        return f"{self.title} → {self.user_id}"


class NotificationPreference(models.Model):
    """One person's channels for one optional kind; without a row, both channels are on."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=[(k.value, k.label) for k in OPTIONAL_KINDS])
    email = models.BooleanField(_("by email"), default=True)
    in_app = models.BooleanField(_("in the app"), default=True)

    class Meta:
        verbose_name = _("notification preference")
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="one_preference_per_kind")]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.kind}"
