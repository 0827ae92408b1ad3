"""Inbox items, notification preferences and a few emails on the staff delivery page, shaped like the
week before a sprint weekend: reminders people have read or not, a few who turned emails off, and a
couple of deliveries that failed at the recipient's mail server."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sprintlab.core.dates import format_local
from sprintlab.demo.people import Person
from sprintlab.notifications.models import (
    OPTIONAL_KINDS,
    InboxItem,
    NotificationKind,
    NotificationPreference,
    OutboxMessage,
    OutboxStatus,
)
from sprintlab.registrations.models import Registration, RegistrationStatus
from sprintlab.sprints.models import Sprint

# Enough to fill inboxes on the large scale without making the demo slow to load.
MAX_REMINDERS = 20_000
BATCH_SIZE = 2_000
MAIL_ERRORS = (
    "SMTPRecipientsRefused: 452 4.2.2 Mailbox full",
    "SMTPRecipientsRefused: 550 5.1.1 The email account that you tried to reach does not exist",
)


def build_notifications(
    rng: random.Random,
    *,
    sprints: list[Sprint],
    registrations: list[Registration],
    roles: dict[str, Person],
    now: datetime,
) -> None:
    upcoming = {sprint.pk: sprint for sprint in sprints if sprint.kickoff_at > now - timedelta(days=3)}
    confirmed = [r for r in registrations if r.status == RegistrationStatus.CONFIRMED and r.sprint_id in upcoming]
    demo_participant = roles["participant"].user.pk
    chosen = [r for r in confirmed if r.user_id == demo_participant]
    others = [r for r in confirmed if r.user_id != demo_participant]
    chosen += rng.sample(others, min(len(others), MAX_REMINDERS - len(chosen)))
    items = []
    for registration in chosen:
        sprint = upcoming[registration.sprint_id]
        items += _reminders(rng, registration, sprint, now, always_unread=registration.user_id == demo_participant)
    for start in range(0, len(items), BATCH_SIZE):
        batch = items[start : start + BATCH_SIZE]
        created = {item.key: item.created_at for item in batch}
        InboxItem.objects.bulk_create(batch, batch_size=BATCH_SIZE)
        # auto_now_add stamped them now; put back when each was written.
        saved = list(InboxItem.objects.filter(key__in=created))
        for item in saved:
            item.created_at = created[item.key]
        InboxItem.objects.bulk_update(saved, ["created_at"], batch_size=BATCH_SIZE)
    _preferences(rng, sorted({r.user_id for r in confirmed} - {demo_participant}))
    _deliveries(rng, chosen, upcoming, now)


def _reminders(rng, registration, sprint, now, *, always_unread: bool) -> list[InboxItem]:
    kickoff = format_local(sprint.kickoff_at, "datetime")
    plans = [
        (
            registration.created_at + timedelta(hours=1),
            f"You are in: {sprint.title}",
            "<p>Your place is confirmed. Add the schedule to your calendar and look for a team.</p>",
        ),
        (
            sprint.kickoff_at - timedelta(days=1),
            f"Kickoff tomorrow: {sprint.title}",
            f"<p>Kickoff is on <strong>{kickoff}</strong> (UTC). Bring a laptop and your charger.</p>",
        ),
        (
            sprint.kickoff_at - timedelta(hours=1),
            f"Kickoff in one hour: {sprint.title}",
            "<p>The opening talk starts in an hour; the stream link is on the sprint page.</p>",
        ),
    ]
    items = []
    for n, (at, title, body) in enumerate(plans):
        if at > now:
            continue
        read = not always_unread and rng.random() < 0.6
        items.append(
            InboxItem(
                key=f"demo-reminder:{registration.pk}:{n}",
                user_id=registration.user_id,
                kind=NotificationKind.REMINDER,
                title=title[:300],
                body_html=body,
                url=f"/sprints/{sprint.slug}/",
                created_at=at,
                read_at=at + timedelta(hours=rng.randint(1, 20)) if read else None,
            )
        )
    return items


def _preferences(rng, user_ids: list[int]) -> None:
    """About one person in twenty-five switched something off: mostly announcement or reminder emails."""
    rows = []
    for user_id in rng.sample(user_ids, len(user_ids) // 25):
        kind = rng.choice(OPTIONAL_KINDS)
        rows.append(NotificationPreference(user_id=user_id, kind=kind, email=False, in_app=rng.random() < 0.9))
    NotificationPreference.objects.bulk_create(rows, batch_size=BATCH_SIZE)


def _deliveries(rng, registrations, sprints, now) -> None:
    """Reminder emails as the staff delivery page shows them: most sent, a few refused by the recipient."""
    messages = []
    for registration in registrations[:40]:
        sprint = sprints[registration.sprint_id]
        failed = rng.random() < 0.1
        messages.append(
            OutboxMessage(
                key=f"demo-reminder-email:{registration.pk}",
                user_id=registration.user_id,
                to_email=registration.user.email,
                kind=NotificationKind.REMINDER,
                subject=f"Kickoff tomorrow: {sprint.title}"[:300],
                body_text=f"Kickoff is on {format_local(sprint.kickoff_at, 'datetime')} (UTC).\n",
                status=OutboxStatus.FAILED if failed else OutboxStatus.SENT,
                attempts=5 if failed else 1,
                last_error=rng.choice(MAIL_ERRORS) if failed else "",
                sent_at=None if failed else now,
            )
        )
    OutboxMessage.objects.bulk_create(messages)
