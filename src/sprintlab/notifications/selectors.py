"""Reads of the outbox for the staff pages."""

from django.db.models import Q, QuerySet

from sprintlab.notifications.models import OutboxMessage, OutboxStatus

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
