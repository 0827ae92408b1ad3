"""Reads of the outbox for the staff pages."""

from django.db.models import Q, QuerySet

from sprintlab.notifications.models import (
    NotificationKind,
    NotificationPreference,
    OutboxMessage,
    OutboxStatus,
)

# The list never needs the bodies: leave the large columns in the database.
LIST_COLUMNS = ("pk", "created_at", "to_email", "subject", "status", "attempts", "sent_at", "last_error")


def outbox_search(*, query: str = "", status: str = "") -> QuerySet[OutboxMessage]:
    """Messages whose recipient or subject contains ``query``, optionally of one status; newest first."""
    messages = OutboxMessage.objects.only(*LIST_COLUMNS).order_by("-created_at", "-pk")
    query = " ".join((query or "").split())
    if query:
        messages = messages.filter(Q(to_email__icontains=query) | Q(subject__icontains=query))
    if status in OutboxStatus.values:
        messages = messages.filter(status=status)
    return messages


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
