"""Telling people about mentor help: in the inbox and by email, as each person chose for "Mentor help".

Called inside the services' transactions: inbox items and outbox rows commit (or roll back) with the
change, and each carries an idempotency key, so that the same event never reaches a person twice.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.html import format_html

from sprintlab.accounts.models import User
from sprintlab.notifications.models import InboxItem, NotificationKind
from sprintlab.notifications.selectors import channels_by_user
from sprintlab.notifications.services import outbox_enqueue


def tell(*, key: str, user_ids, title: str, body: str, url: str) -> None:
    """Send ``title``/``body`` (plain text) to each of ``user_ids`` under ``key:<user id>``; repeats change nothing."""
    user_ids = set(user_ids)
    if not user_ids:
        return
    by_email, in_app = channels_by_user(kind=NotificationKind.MENTORING, user_ids=user_ids)
    InboxItem.objects.bulk_create(
        [
            InboxItem(
                key=f"{key}:{user_id}",
                user_id=user_id,
                kind=NotificationKind.MENTORING,
                title=title[:300],
                body_html=format_html("<p>{}</p>", body),
                url=url,
            )
            for user_id in sorted(in_app)
        ],
        ignore_conflicts=True,
    )
    for person in User.objects.filter(pk__in=by_email).only("pk", "email").order_by("pk"):
        outbox_enqueue(
            key=f"{key}:{person.pk}:email",
            to_email=person.email,
            user=person,
            subject=title,
            body_text=f"{body}\n\n{settings.SITE_URL}{url}\n",
            kind=NotificationKind.MENTORING,
        )
