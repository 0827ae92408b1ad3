"""Reads of the outbox (staff pages), the inbox and notification preferences (each person's own)."""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from sprintlab.notifications.models import (
    OPTIONAL_KINDS,
    InboxItem,
    NotificationKind,
    NotificationPreference,
    OutboxChannel,
    OutboxMessage,
    OutboxStatus,
)

# The list never needs the bodies: leave the large columns in the database.
LIST_COLUMNS = (
    "pk",
    "created_at",
    "to_email",
    "webhook_url",
    "kind",
    "channel",
    "subject",
    "status",
    "attempts",
    "sent_at",
    "last_error",
    "in_doubt",
)
# A filter next to the statuses: failed messages a dead worker may or may not have sent (docs/outbox.md).
IN_DOUBT = "in_doubt"


def _outbox_filtered(*, query: str = "", kind: str = "", channel: str = "") -> QuerySet[OutboxMessage]:
    messages = OutboxMessage.objects.all()
    query = " ".join((query or "").split())
    if query:
        messages = messages.filter(Q(to_email__icontains=query) | Q(subject__icontains=query))
    if kind in NotificationKind.values:
        messages = messages.filter(kind=kind)
    if channel in OutboxChannel.values:
        messages = messages.filter(channel=channel)
    return messages


def outbox_search(*, query: str = "", status: str = "", kind: str = "", channel: str = "") -> QuerySet[OutboxMessage]:
    """Messages whose recipient or subject contains ``query``, optionally of one status (or
    ``IN_DOUBT``: failed in doubt), kind and channel (unknown values are ignored); newest first."""
    messages = _outbox_filtered(query=query, kind=kind, channel=channel).only(*LIST_COLUMNS)
    if status in OutboxStatus.values:
        messages = messages.filter(status=status)
    elif status == IN_DOUBT:
        messages = messages.filter(status=OutboxStatus.FAILED, in_doubt=True)
    return messages.order_by("-created_at", "-pk")


def outbox_status_counts(*, query: str = "", kind: str = "", channel: str = "") -> dict[str, int]:
    """How many messages of each status match the other filters (every status, zero included), and
    how many of the failed ones are ``IN_DOUBT``; one query."""
    counts = dict.fromkeys([*OutboxStatus.values, IN_DOUBT], 0)
    rows = (
        _outbox_filtered(query=query, kind=kind, channel=channel).values("status", "in_doubt").annotate(n=Count("pk"))
    )
    for row in rows.order_by():
        counts[row["status"]] += row["n"]
        if row["status"] == OutboxStatus.FAILED and row["in_doubt"]:
            counts[IN_DOUBT] += row["n"]
    return counts


# --- The inbox -----------------------------------------------------------------------------------


def inbox_items(*, user, unread_only: bool = False) -> QuerySet[InboxItem]:
    """``user``'s inbox, newest first (the index on (user, -created_at) serves it)."""
    items = InboxItem.objects.filter(user=user).order_by("-created_at", "-id")
    return items.filter(read_at__isnull=True) if unread_only else items


def inbox_item_for_user(*, item_id: int, user) -> InboxItem | None:
    """One of ``user``'s own items; someone else's is ``None``, as if it did not exist."""
    return InboxItem.objects.filter(pk=item_id, user=user).first() if user.is_authenticated else None


def inbox_unread_count(*, user) -> int:
    """One COUNT over the partial index of unread items (``inbox_unread_by_user``)."""
    if not user.is_authenticated:
        return 0
    return InboxItem.objects.filter(user=user, read_at__isnull=True).count()


# --- Preferences ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PreferenceRow:
    kind: str
    label: str
    email: bool
    in_app: bool


def notification_preferences(*, user) -> list[PreferenceRow]:
    """Each optional kind with ``user``'s channels, in the order of ``OPTIONAL_KINDS``; one query."""
    stored = {
        kind: (email, in_app)
        for kind, email, in_app in NotificationPreference.objects.filter(user=user).values_list(
            "kind", "email", "in_app"
        )
    }
    return [
        PreferenceRow(kind.value, str(kind.label), *stored.get(kind.value, (True, True))) for kind in OPTIONAL_KINDS
    ]


def attachment_summaries(message: OutboxMessage) -> list[dict]:
    """Name, type and size in bytes of each attachment (the content stays out of the page)."""
    return [
        {
            "filename": item.get("filename", ""),
            "mimetype": item.get("mimetype", ""),
            "size": len(str(item.get("content", "")).encode()),
        }
        for item in message.attachments or []
    ]


def channels_by_user(*, kind: str, user_ids) -> tuple[set[int], set[int]]:
    """Who among ``user_ids`` wants ``kind`` by email, and who in the app: (email ids, in-app ids).

    One query whatever the number of people: only the people who changed a default have a row.
    Transactional messages ignore preferences and always go by email.
    """
    user_ids = set(user_ids)
    if kind == NotificationKind.TRANSACTIONAL:
        return set(user_ids), set()
    email, in_app = set(user_ids), set(user_ids)
    rows = NotificationPreference.objects.filter(kind=kind).values_list("user_id", "email", "in_app")
    if len(user_ids) < 5_000:
        rows = rows.filter(user_id__in=user_ids)
    for user_id, by_email, by_app in rows:
        if user_id in user_ids:
            if not by_email:
                email.discard(user_id)
            if not by_app:
                in_app.discard(user_id)
    return email, in_app
