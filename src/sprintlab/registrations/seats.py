"""Seats: locking, counting and filling them. Used by the services in this app only.

Correctness under concurrency rests on one rule: every change that takes or frees a seat first
locks the rows whose capacity it touches, always in the same order — the sprint (when it has a
capacity), then sites by ascending id — and only then counts seat-holding registrations. Two
requests for the last seat therefore queue on the same row lock and the second one counts the
first one's seat. On SQLite, whose IMMEDIATE transactions already serialise writers,
``select_for_update`` is a no-op and the same code stays exact.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Count, Min, Q

from sprintlab.core.precompiled import PrecompiledQuery
from sprintlab.core.validators import MAX_CONFIRM_WINDOW_HOURS
from sprintlab.localsites.models import LocalSite
from sprintlab.registrations import emails
from sprintlab.registrations.models import (
    SEAT_HOLDING_STATUSES,
    Registration,
    RegistrationStatus,
    queue_position_expression,
)
from sprintlab.sprints.models import AdmissionMode, Sprint

# The hot reads of a registration, compiled to SQL once per process (see core.precompiled).
LOCKED_SPRINT = PrecompiledQuery(lambda pk: Sprint.objects.select_for_update().filter(pk=pk).order_by(), pk=-7_000_001)
# Only this row is locked (``of=self``): the sprint's row is read, not locked.
LOCKED_SITE_WITH_SPRINT = PrecompiledQuery(
    lambda pk: LocalSite.objects.select_related("sprint").select_for_update(of=("self",)).filter(pk=pk).order_by(),
    pk=-7_000_004,
)
LOCKED_SITE = PrecompiledQuery(lambda pk: LocalSite.objects.select_for_update().filter(pk=pk).order_by(), pk=-7_000_002)
SITE_COUNTS = PrecompiledQuery(
    lambda site_id: (
        Registration.objects.filter(site_id=site_id, status__in=(*SEAT_HOLDING_STATUSES, RegistrationStatus.WAITLISTED))
        .order_by()
        .values("site_id")
        .annotate(
            taken=Count("pk", filter=Q(status__in=SEAT_HOLDING_STATUSES)),
            waiting=Count("pk", filter=Q(status=RegistrationStatus.WAITLISTED)),
        )
        .values_list("taken", "waiting")
    ),
    site_id=-7_000_003,
)


def lock_places(*, sprint: Sprint, sites: list[LocalSite | None], always_lock_sprint: bool = False):
    """Lock the sprint (if it has a capacity, or when asked) and then ``sites`` by ascending id.

    Returns the sprint and a dict ``{site_id: site}`` freshly read under the locks, so that
    capacities changed by an organiser a moment ago are the ones counted.
    """
    if always_lock_sprint or sprint.capacity is not None:
        locked_sprint = LOCKED_SPRINT.first(pk=sprint.pk)
        if locked_sprint is None:
            raise Sprint.DoesNotExist
        sprint = locked_sprint
    site_ids = sorted({site.pk for site in sites if site is not None})
    if not site_ids:
        return sprint, {}
    if len(site_ids) == 1:  # the common case (a registration): one site, a query compiled once
        site_rows = LOCKED_SITE.all(pk=site_ids[0])
    else:
        site_rows = LocalSite.objects.select_for_update().filter(pk__in=site_ids).order_by("pk")
    locked = {site.pk: site for site in site_rows}
    for site in locked.values():
        if site.sprint_id == sprint.pk:
            site.sprint = sprint  # share the locked sprint instance instead of loading it again
    return sprint, locked


def admission_mode_for(sprint: Sprint, site: LocalSite | None) -> str:
    """A site may override its sprint's admission mode; remote places follow the sprint's."""
    return site.effective_admission_mode if site is not None else sprint.admission_mode


def seats_taken(*, sprint: Sprint, site: LocalSite | None = None, whole_sprint: bool = False) -> int:
    registrations = Registration.objects.filter(sprint=sprint, status__in=SEAT_HOLDING_STATUSES)
    if not whole_sprint:
        registrations = registrations.filter(site=site)
    return registrations.count()


def site_counts(site: LocalSite) -> tuple[int, int]:
    """(seats taken, people waiting) at ``site``, in one query on the (site, status, …) index."""
    rows = SITE_COUNTS.rows(site_id=site.pk)
    return rows[0] if rows else (0, 0)


def waiting_count(*, sprint: Sprint, site: LocalSite | None) -> int:
    """How many people wait at ``site`` (None: remote) of ``sprint``."""
    return Registration.objects.filter(sprint=sprint, site=site, status=RegistrationStatus.WAITLISTED).count()


def free_seats(*, sprint: Sprint, site: LocalSite | None, ignoring: Registration | None = None) -> int | None:
    """Seats left for one more person at ``site`` (None: remote); None means unlimited.

    ``ignoring`` is a registration that already holds a seat and is moving here: its own seat
    must not count against the sprint's total.
    """
    limits: list[int] = []
    if site is not None:
        taken = seats_taken(sprint=sprint, site=site)
        if ignoring is not None and ignoring.holds_seat and ignoring.site_id == site.pk:
            taken -= 1
        limits.append(site.capacity - taken)
    if sprint.capacity is not None:
        taken = seats_taken(sprint=sprint, whole_sprint=True)
        if ignoring is not None and ignoring.holds_seat:
            taken -= 1
        limits.append(sprint.capacity - taken)
    return max(0, min(limits)) if limits else None


def has_free_seat(*, sprint: Sprint, site: LocalSite | None, ignoring: Registration | None = None) -> bool:
    free = free_seats(sprint=sprint, site=site, ignoring=ignoring)
    return free is None or free > 0


def give_seat(*, registration: Registration, now: datetime, event: str) -> None:
    """Move a waiting person into a seat: confirmed in open mode, offered (to confirm) in reviewed mode."""
    sprint = registration.sprint
    registration.revision += 1
    if admission_mode_for(sprint, registration.site) == AdmissionMode.OPEN:
        registration.status = RegistrationStatus.CONFIRMED
        registration.confirmed_at = now
        registration.save(update_fields=["status", "confirmed_at", "revision", "updated_at"])
        emails.notify(registration, event)
    else:
        registration.status = RegistrationStatus.OFFERED
        registration.offered_at = now
        # A window stored before it had a ceiling must not make every freed seat fail to move on.
        hours = min(sprint.confirm_window_hours, MAX_CONFIRM_WINDOW_HOURS)
        registration.confirm_by = now + timedelta(hours=hours)
        registration.save(update_fields=["status", "offered_at", "confirm_by", "revision", "updated_at"])
        emails.notify(registration, emails.OFFERED)


def _fill_location(*, sprint: Sprint, site: LocalSite | None, now: datetime) -> list[Registration]:
    promoted = []
    while has_free_seat(sprint=sprint, site=site):
        waiting = (
            Registration.objects.select_for_update(of=("self",))
            .select_related("user")
            .filter(sprint=sprint, site=site, status=RegistrationStatus.WAITLISTED)
            .order_by(queue_position_expression(), "id")
            .first()
        )
        if waiting is None:
            break
        waiting.sprint, waiting.site = sprint, site
        give_seat(registration=waiting, now=now, event=emails.SEAT_GRANTED)
        promoted.append(waiting)
    return promoted


def fill_free_seats(*, sprint: Sprint, site: LocalSite | None, now: datetime) -> list[Registration]:
    """Promote the first waiting people at ``site`` (None: remote) while seats remain there.

    When the sprint has an overall capacity, a freed sprint seat may also serve people waiting
    elsewhere (their site had room but the sprint did not): they are promoted in the order they
    joined their waitlists. The caller holds the locks from ``lock_places``; holding the sprint's
    lock makes it safe to lock further sites here.
    """
    if now >= sprint.submission_deadline_at:
        return []  # the sprint is over: a seat now would help nobody and the email would confuse
    promoted = _fill_location(sprint=sprint, site=site, now=now)
    if sprint.capacity is None:
        return promoted
    heads = (
        Registration.objects.filter(sprint=sprint, status=RegistrationStatus.WAITLISTED)
        .values("site_id")
        .annotate(first_waiting=Min(queue_position_expression()))
        .order_by("first_waiting")
    )
    for head in heads:
        if seats_taken(sprint=sprint, whole_sprint=True) >= sprint.capacity:
            break
        other_site = None
        if head["site_id"] is not None:
            if site is not None and head["site_id"] == site.pk:
                continue
            other_site = LocalSite.objects.select_for_update().get(pk=head["site_id"])
            other_site.sprint = sprint
        elif site is None:
            continue
        promoted += _fill_location(sprint=sprint, site=other_site, now=now)
    return promoted
