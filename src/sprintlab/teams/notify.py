"""Team activity for the people it concerns: an inbox item and an email, each as they chose.

Called inside the service's transaction, so a refused or rolled-back change tells nobody. Each
notification has a key naming the event, so writing it twice (a retried transaction) sends it once.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.html import format_html

from sprintlab.notifications.inbox import inbox_add_many
from sprintlab.notifications.models import InboxItem, NotificationKind
from sprintlab.notifications.selectors import channels_by_user
from sprintlab.notifications.services import outbox_enqueue


def notify_team_activity(*, key: str, users, title: str, body: str, url: str, fresh_key: bool = False) -> None:
    """Tell ``users`` about a team event: ``title`` with a one-paragraph ``body`` and a link to ``url``.

    Side effects: an ``InboxItem`` for those who want team activity in the app, an outbox email
    (kind TEAM) for those who want it by email, following ``notifications.selectors.channels_by_user``.
    ``fresh_key``: the key names a row created in this very transaction, so no earlier email can
    have it (``outbox_enqueue`` then skips its per-message savepoint: many people at once stay cheap).
    """
    people = {user.pk: user for user in users}
    if not people:
        return
    by_email, in_app = channels_by_user(kind=NotificationKind.TEAM, user_ids=people)
    inbox_add_many(
        items=[
            InboxItem(
                key=f"{key}:{user_id}",
                user_id=user_id,
                kind=NotificationKind.TEAM,
                title=title[:300],
                body_html=format_html("<p>{}</p>", body),
                url=url,
            )
            for user_id in sorted(in_app)
        ]
    )
    for user_id in sorted(by_email):
        user = people[user_id]
        outbox_enqueue(
            key=f"{key}:{user_id}",
            kind=NotificationKind.TEAM,
            to_email=user.email,
            user=user,
            subject=title,
            body_text=f"{body}\n\n{settings.SITE_URL}{url}\n",
            fresh_key=fresh_key,
        )
