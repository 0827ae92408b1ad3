"""Reads for "Sprints I run", the organiser home: each sprint a person runs with what waits for them.

The home combines the sprints, sites and registrations apps, so it lives here, in the highest of the
three. It costs a fixed number of queries however many sprints, sites and registrations there are:
one for the sprints, one for the site applications and one for the registration counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Q
from django.utils import timezone

from sprintlab.localsites.selectors import pending_application_counts
from sprintlab.registrations.models import Registration, RegistrationStatus
from sprintlab.sprints.models import Sprint
from sprintlab.sprints.selectors import sprints_run_by

# An offer that expires within this time is listed so that organisers can remind the person.
OFFER_EXPIRY_WARNING = timedelta(hours=24)


@dataclass(frozen=True)
class SprintToDos:
    """One sprint a person runs and the work waiting in it.

    Counts a partner co-host cannot act on (site applications, applicants, offers) are None for them.
    """

    sprint: Sprint
    organises: bool
    site_applications: int | None
    applicants_to_decide: int | None
    offers_expiring: int | None
    registrations_today: int

    @property
    def has_work(self) -> bool:
        return any((self.site_applications, self.applicants_to_decide, self.offers_expiring))


@dataclass(frozen=True)
class OrganiserHome:
    current: list[SprintToDos]
    past: list[Sprint]


def start_of_today(now: datetime) -> datetime:
    """Midnight at the start of today in the current time zone (the viewer's)."""
    return timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)


def registration_counts(sprint_ids: list[int], *, now: datetime) -> dict[int, dict[str, int]]:
    """Per sprint: ``applicants`` awaiting a decision, ``offers_expiring`` within OFFER_EXPIRY_WARNING and
    ``today`` (registrations made since midnight in the current time zone). One query."""
    rows = (
        Registration.objects.filter(sprint_id__in=sprint_ids)
        .order_by()
        .values("sprint_id")
        .annotate(
            applicants=Count("pk", filter=Q(status=RegistrationStatus.APPLIED)),
            offers_expiring=Count(
                "pk",
                filter=Q(
                    status=RegistrationStatus.OFFERED,
                    confirm_by__gte=now,
                    confirm_by__lt=now + OFFER_EXPIRY_WARNING,
                ),
            ),
            today=Count("pk", filter=Q(created_at__gte=start_of_today(now))),
        )
    )
    return {row.pop("sprint_id"): row for row in rows}


def organiser_home(user, *, now: datetime | None = None) -> OrganiserHome:
    """The sprints ``user`` organises or co-hosts: those not finished yet with their to-dos, then the past ones.

    Only the person's own sprints are listed, staff included: this is a home, not an overview of all sprints.
    """
    now = now or timezone.now()
    sprints = list(sprints_run_by(user))
    current = [sprint for sprint in sprints if sprint.results_published_at > now]
    past = [sprint for sprint in sprints if sprint.results_published_at <= now]
    if not current:
        return OrganiserHome(current=[], past=past)
    ids = [sprint.pk for sprint in current]
    organised_ids = [sprint.pk for sprint in current if sprint.organises]
    applications = pending_application_counts(organised_ids) if organised_ids else {}
    counts = registration_counts(ids, now=now)
    todos = []
    for sprint in current:
        sprint_counts = counts.get(sprint.pk, {})
        todos.append(
            SprintToDos(
                sprint=sprint,
                organises=sprint.organises,
                site_applications=applications.get(sprint.pk, 0) if sprint.organises else None,
                applicants_to_decide=sprint_counts.get("applicants", 0) if sprint.organises else None,
                offers_expiring=sprint_counts.get("offers_expiring", 0) if sprint.organises else None,
                registrations_today=sprint_counts.get("today", 0),
            )
        )
    # The soonest kickoff first: that is where the work is most urgent.
    todos.sort(key=lambda item: (item.sprint.kickoff_at, item.sprint.pk))
    return OrganiserHome(current=todos, past=past)
