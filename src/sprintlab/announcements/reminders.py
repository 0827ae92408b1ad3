"""Reminders a day and an hour before kickoff and before the submission deadline.

They go to every confirmed registrant, by email and in the app as each person prefers (kind
REMINDER). Each reminder of a sprint is sent once even when schedulers run twice or at the same
moment: a scheduler claims it by inserting its ``ReminderRun`` row, which is unique per (sprint,
moment); the loser of a race gets an integrity error and moves on. The fan-out's keys
(``reminder:<sprint>:<moment>:<user id>``) make a second email to one person impossible even if
the fan-out task itself runs twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _

from sprintlab.announcements.models import ReminderMoment, ReminderRun
from sprintlab.core.dates import format_local
from sprintlab.notifications.fanout import fan_out
from sprintlab.notifications.models import NotificationKind
from sprintlab.registrations.models import Registration, RegistrationStatus
from sprintlab.sprints.models import Sprint

DAY, HOUR = timedelta(days=1), timedelta(hours=1)
STUCK_AFTER = timedelta(minutes=10)


@dataclass(frozen=True)
class MomentRule:
    moment: str
    field: str  # the sprint's time it reminds of
    before: timedelta  # sent this long before it…
    until: timedelta  # …while at least this long remains (a later reminder takes over after)


RULES = (
    MomentRule(ReminderMoment.KICKOFF_DAY, "kickoff_at", DAY, HOUR),
    MomentRule(ReminderMoment.KICKOFF_HOUR, "kickoff_at", HOUR, timedelta(0)),
    MomentRule(ReminderMoment.DEADLINE_DAY, "submission_deadline_at", DAY, HOUR),
    MomentRule(ReminderMoment.DEADLINE_HOUR, "submission_deadline_at", HOUR, timedelta(0)),
)


def due_moments(sprint: Sprint, *, now: datetime) -> list[str]:
    """The reminders of ``sprint`` whose time window contains ``now``."""
    due = []
    for rule in RULES:
        at = getattr(sprint, rule.field)
        if at - rule.before <= now < at - rule.until:
            due.append(rule.moment)
    return due


def reminders_send_due(*, now: datetime | None = None) -> list[ReminderRun]:
    """Claim every reminder that is due and not yet claimed, and schedule its fan-out; returns the claims."""
    now = now or timezone.now()
    window = now + DAY
    sprints = Sprint.objects.filter(is_published=True).filter(
        kickoff_at__gt=now, kickoff_at__lte=window
    ) | Sprint.objects.filter(is_published=True, submission_deadline_at__gt=now, submission_deadline_at__lte=window)
    claimed = []
    for sprint in sprints.distinct():
        for moment in due_moments(sprint, now=now):
            try:
                with transaction.atomic():
                    run = ReminderRun.objects.create(sprint=sprint, moment=moment)
                    transaction.on_commit(lambda run_id=run.pk: schedule_reminder(run_id))
            except IntegrityError:
                continue  # another scheduler claimed it
            claimed.append(run)
    for run_id in ReminderRun.objects.filter(finished_at__isnull=True, created_at__lt=now - STUCK_AFTER).values_list(
        "pk", flat=True
    ):
        schedule_reminder(run_id)
    return claimed


def schedule_reminder(run_id: int) -> None:
    from sprintlab.announcements.tasks import fan_out_reminder

    fan_out_reminder.enqueue(run_id)


def reminder_text(sprint: Sprint, moment: str) -> tuple[str, str]:
    """(subject, text) of one reminder; times in UTC, the zone every email uses."""
    kickoff = moment in (ReminderMoment.KICKOFF_DAY, ReminderMoment.KICKOFF_HOUR)
    when = format_local(sprint.kickoff_at if kickoff else sprint.submission_deadline_at, zone=UTC)
    soon = _("in an hour") if moment.endswith("hour") else _("tomorrow")
    if kickoff:
        subject = _("%(sprint)s starts %(soon)s") % {"sprint": sprint.title, "soon": soon}
        text = _("Kickoff is at %(when)s UTC. Have your set-up ready and join the opening session.")
    else:
        subject = _("Submissions for %(sprint)s close %(soon)s") % {"sprint": sprint.title, "soon": soon}
        text = _("The submission deadline is %(when)s UTC. Submit what you have; you can update it until then.")
    return subject, text % {"when": when}


def reminder_fan_out(*, run_id: int) -> int:
    """Send one claimed reminder to the sprint's confirmed registrants; returns how many. Safe to repeat."""
    run = ReminderRun.objects.select_related("sprint").filter(pk=run_id).first()
    if run is None:
        return 0
    sprint = run.sprint
    recipients = list(
        Registration.objects.filter(sprint=sprint, status=RegistrationStatus.CONFIRMED)
        .order_by("user_id")
        .values_list("user_id", flat=True)
    )
    subject, text = reminder_text(sprint, run.moment)
    url = sprint.get_absolute_url()
    fan_out(
        kind=NotificationKind.REMINDER,
        key_prefix=run.key_prefix,
        user_ids=recipients,
        subject=subject,
        body_text=f"{text}\n\n{settings.SITE_URL}{url}\n",
        inbox_title=subject,
        inbox_body_html=f"<p>{escape(text)}</p>",
        inbox_url=url,
    )
    ReminderRun.objects.filter(pk=run.pk).update(finished_at=timezone.now(), recipient_count=len(recipients))
    return len(recipients)
