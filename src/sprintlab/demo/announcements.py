"""Demo announcements for the sprint running now and the one open for registration: a welcome and a
site's logistics already sent (with their inbox items, so participants find them), and the "24 hours
left" one scheduled before the submission deadline."""

from __future__ import annotations

from datetime import datetime, timedelta

from sprintlab.announcements.models import Announcement, AnnouncementStatus, Audience, Segment
from sprintlab.announcements.selectors import announcement_audience
from sprintlab.core.markdown import render_markdown
from sprintlab.localsites.models import LocalSite, SiteOrganiser, SiteStatus
from sprintlab.notifications.models import InboxItem, NotificationKind
from sprintlab.sprints.models import Phase, Sprint, SprintMembership, SprintRole

WELCOME = """Welcome to **{title}**, and thank you for joining us!

Here is how the weekend works:

1. **Kickoff** is livestreamed; sites show it on the big screen.
2. Form a team in the first two hours: use the team finder if you came alone.
3. Mentors hold office hours every three hours; book a slot from your team's page.

Read the starter resources before Saturday and bring a charged laptop."""

LOGISTICS = """Doors at **{site}** open 30 minutes before kickoff. Bring photo ID: the building's reception
checks names against our list.

- Wi-Fi: the network and password are on the whiteboard by the entrance.
- Lunch and dinner are provided both days; tell us about allergies at check-in.
- Quiet room on the first floor for calls."""

DEADLINE = """Submissions close in **24 hours**. Submit a first version now: you can update it until the
deadline, and a rough write-up beats a perfect one that misses it.

Include your code, a short write-up of what you found, and what you would try next."""


def build_announcements(*, now: datetime) -> int:
    """Announcements for the first running and the first open sprint; returns how many were written."""
    sprints = Sprint.objects.order_by("kickoff_at")
    written = 0
    for phase in (Phase.RUNNING, Phase.REGISTRATION):
        sprint = next((s for s in sprints if s.phase_at(now) == phase), None)
        if sprint is not None:
            written += _for_sprint(sprint, now=now)
    return written


def _for_sprint(sprint: Sprint, *, now: datetime) -> int:
    organiser = SprintMembership.objects.filter(sprint=sprint, role=SprintRole.ORGANISER).select_related("user").first()
    author = organiser.user if organiser else None
    site = LocalSite.objects.filter(sprint=sprint, status=SiteStatus.APPROVED).order_by("-capacity", "pk").first()
    written = [
        _sent(
            sprint,
            author=author,
            audience=Audience.EVERYONE,
            title=f"Welcome to {sprint.title}",
            body=WELCOME.format(title=sprint.title),
            sent_at=min(now, sprint.kickoff_at) - timedelta(days=5),
        )
    ]
    if site is not None:
        lead = SiteOrganiser.objects.filter(site=site).select_related("user").order_by("-is_lead", "pk").first()
        written.append(
            _sent(
                sprint,
                author=lead.user if lead else author,
                audience=Audience.SITE,
                site=site,
                title=f"Getting to {site.name}",
                body=LOGISTICS.format(site=site.name),
                sent_at=min(now, sprint.kickoff_at) - timedelta(days=2),
            )
        )
    written.append(
        Announcement.objects.create(
            sprint=sprint,
            author=author,
            audience=Audience.SEGMENT,
            segments=[Segment.CONFIRMED],
            title="Submission in 24 hours",
            body=DEADLINE,
            status=AnnouncementStatus.SCHEDULED,
            created_at=now - timedelta(days=1),
            updated_at=now - timedelta(days=1),
            scheduled_for=max(now + timedelta(hours=1), sprint.submission_deadline_at - timedelta(hours=24)),
        )
    )
    return len(written)


def _sent(sprint, *, author, audience, title, body, sent_at, site=None) -> Announcement:
    recipients = announcement_audience(sprint, audience=audience, site=site)
    announcement = Announcement.objects.create(
        sprint=sprint,
        author=author,
        audience=audience,
        site=site,
        title=title,
        body=body,
        status=AnnouncementStatus.SENT,
        sent_at=sent_at,
        # The demo writes its own timestamps (historical_timestamps): written an hour before sending.
        created_at=sent_at - timedelta(hours=1),
        updated_at=sent_at,
        recipient_count=len(recipients),
    )
    body_html = render_markdown(body)
    InboxItem.objects.bulk_create(
        [
            InboxItem(
                key=f"{announcement.key_prefix}:{user_id}",
                user_id=user_id,
                kind=NotificationKind.ANNOUNCEMENT,
                title=title,
                body_html=body_html,
                url=f"/sprints/{sprint.slug}/announcements/{announcement.pk}/",
                created_at=sent_at,
            )
            for user_id in recipients
        ],
        batch_size=2000,
    )
    return announcement
