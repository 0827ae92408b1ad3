"""Seats: the one rule for how many are left, and locking, counting and filling them.

``seats_left`` is the rule every page, form, schema and service applies (the pages read their
counts through ``selectors.sprint_seats``); the rest is used by this app's services and receivers.

Correctness under concurrency rests on one rule: every change that takes or frees a seat first
locks the rows whose capacity it touches, always in the same order — the sprint (when it has a
capacity, and always for anything but registering), then sites by ascending id, then
registrations — and only then counts seat-holding registrations. Two requests for the last seat
therefore queue on the same row lock and the second one counts the first one's seat; and as
nobody waits for a lock earlier in the order while holding a later one, no two of them deadlock.
What was read before the locks is read again under them. On SQLite, whose IMMEDIATE
transactions already serialise writers, ``select_for_update`` is a no-op and the same code stays
exact. The guarantee in full: docs/registration.md, "Capacity guarantee".
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db.models import Count, Q
from django.utils import timezone

from sprintlab.core.precompiled import PrecompiledQuery
from sprintlab.core.transactions import RetryTransaction
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


def lock_sprint(sprint: Sprint) -> Sprint:
    """Lock ``sprint``'s row and return it as read under the lock."""
    locked = LOCKED_SPRINT.first(pk=sprint.pk)
    if locked is None:
        raise Sprint.DoesNotExist
    return locked


def lock_sites(*, sprint: Sprint, site_ids: Iterable[int], every_site: bool = False) -> dict[int, LocalSite]:
    """Lock the sites ``site_ids`` (or all of ``sprint``'s with ``every_site``) by ascending id.

    Returns ``{site_id: site}`` read under the locks; the caller already holds the sprint's lock
    when it has one to take.
    """
    site_ids = sorted(set(site_ids))
    if every_site:
        site_rows = LocalSite.objects.select_for_update().filter(Q(sprint=sprint) | Q(pk__in=site_ids)).order_by("pk")
    elif not site_ids:
        return {}
    elif len(site_ids) == 1:  # the common case (a registration): one site, a query compiled once
        site_rows = LOCKED_SITE.all(pk=site_ids[0])
    else:
        site_rows = LocalSite.objects.select_for_update().filter(pk__in=site_ids).order_by("pk")
    locked = {site.pk: site for site in site_rows}
    for site in locked.values():
        if site.sprint_id == sprint.pk:
            site.sprint = sprint  # share the locked sprint instance instead of loading it again
    return locked


def lock_places(*, sprint: Sprint, sites: list[LocalSite | None], always_lock_sprint: bool = False):
    """Lock the sprint (if it has a capacity, or when asked) and then ``sites`` by ascending id.

    Returns the sprint and a dict ``{site_id: site}`` freshly read under the locks, so that
    capacities changed by an organiser a moment ago are the ones counted.
    """
    if always_lock_sprint or sprint.capacity is not None:
        sprint = lock_sprint(sprint)
    return sprint, lock_sites(sprint=sprint, site_ids=[site.pk for site in sites if site is not None])


def lock_registration(registration: Registration, *, extra_sites: tuple[LocalSite | None, ...] = ()):
    """Lock, in the global order, the registration's sprint, its place and ``extra_sites``, then the registration.

    Returns (registration, sprint, sites) as read under the locks. The caller's copy of the
    registration may be stale (it was loaded before any lock): its place is read again once the
    sprint is locked — a switch holds that lock — and checked again under the
    registration's own lock. Should it still have moved (a path that does not lock the sprint,
    such as registering again after a cancellation), the site it moved to was not locked in
    order, so the transaction starts again instead of locking it late.
    """
    sprint = lock_sprint(registration.sprint)
    site_id = Registration.objects.filter(pk=registration.pk).values_list("site_id", flat=True).first()
    site_ids = [site.pk for site in extra_sites if site is not None]
    if site_id is not None:
        site_ids.append(site_id)
    # Every site of a sprint with a capacity: a seat freed here may go to someone waiting at any.
    sites = lock_sites(sprint=sprint, site_ids=site_ids, every_site=sprint.capacity is not None)
    locked = Registration.objects.select_for_update(of=("self",)).select_related("user").get(pk=registration.pk)
    if locked.site_id is not None and locked.site_id not in sites:
        raise RetryTransaction
    locked.sprint = sprint
    locked.site = sites.get(locked.site_id)
    return locked, sprint, sites


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


def seats_left(
    *, site_capacity: int | None, site_taken: int, sprint_capacity: int | None, sprint_taken: int
) -> int | None:
    """Seats left for one more person at a place: the smaller of the site's and the sprint's free seats.

    ``site_capacity`` is None for remote places, ``sprint_capacity`` None for a sprint without an
    overall cap; None as the answer means unlimited. Never below zero (a lowered capacity may be
    below the seats already held).
    """
    limits = [
        capacity - taken
        for capacity, taken in ((site_capacity, site_taken), (sprint_capacity, sprint_taken))
        if capacity is not None
    ]
    return max(0, min(limits)) if limits else None


def free_seats(*, sprint: Sprint, site: LocalSite | None, ignoring: Registration | None = None) -> int | None:
    """Seats left for one more person at ``site`` (None: remote); None means unlimited.

    ``ignoring`` is a registration that already holds a seat and is moving here: its own seat
    must not count against the sprint's total.
    """
    moving = ignoring is not None and ignoring.holds_seat
    site_taken = 0
    if site is not None:
        site_taken = seats_taken(sprint=sprint, site=site) - (moving and ignoring.site_id == site.pk)
    sprint_taken = 0
    if sprint.capacity is not None:
        sprint_taken = seats_taken(sprint=sprint, whole_sprint=True) - moving
    return seats_left(
        site_capacity=site.capacity if site is not None else None,
        site_taken=site_taken,
        sprint_capacity=sprint.capacity,
        sprint_taken=sprint_taken,
    )


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


def _promote_in_order(
    *, sprint: Sprint, sites: dict[int, LocalSite], now: datetime, at_sites: list[LocalSite], remote: bool
) -> list[Registration]:
    """Give free seats to people waiting at ``at_sites`` (and remote ones if ``remote``) in queue order.

    A person is promoted when both their place and the sprint have a free seat; the order is
    when they joined their queue, across all those places. The waiting rows are locked one at a
    time, after the sprint and the sites, as the global lock order requires.
    """
    taken = dict(
        Registration.objects.filter(sprint=sprint, status__in=SEAT_HOLDING_STATUSES)
        .order_by()
        .values_list("site_id")
        .annotate(n=Count("pk"))
    )
    sprint_free = None if sprint.capacity is None else sprint.capacity - sum(taken.values())
    promoted = []
    while sprint_free is None or sprint_free > 0:
        open_site_ids = [site.pk for site in at_sites if site.capacity > taken.get(site.pk, 0)]
        places = Q(site_id__in=open_site_ids)
        if remote:
            places |= Q(site__isnull=True)
        waiting = (
            Registration.objects.select_for_update(of=("self",))
            .select_related("user")
            .filter(places, sprint=sprint, status=RegistrationStatus.WAITLISTED)
            .order_by(queue_position_expression(), "id")
            .first()
        )
        if waiting is None:
            break
        waiting.sprint, waiting.site = sprint, sites.get(waiting.site_id)
        give_seat(registration=waiting, now=now, event=emails.SEAT_GRANTED)
        taken[waiting.site_id] = taken.get(waiting.site_id, 0) + 1
        if sprint_free is not None:
            sprint_free -= 1
        promoted.append(waiting)
    return promoted


def fill_free_seats(*, sprint: Sprint, site: LocalSite | None, sites: dict[int, LocalSite], now: datetime):
    """Promote the first waiting people at ``site`` (None: remote) while seats remain there.

    When the sprint has an overall capacity, a freed sprint seat may also serve people waiting
    elsewhere (their site had room but the sprint did not): they are promoted in the order they
    joined their waitlists. The caller holds the locks from ``lock_registration``, so ``sites``
    holds every site of a sprint with a capacity.
    Returns the people promoted (confirmed, or offered the seat in reviewed mode).
    """
    if now >= sprint.submission_deadline_at:
        return []  # the sprint is over: a seat now would help nobody and the email would confuse
    here = [site] if site is not None else []
    promoted = _promote_in_order(sprint=sprint, sites=sites, now=now, at_sites=here, remote=site is None)
    if sprint.capacity is not None:
        promoted += _promote_in_order(sprint=sprint, sites=sites, now=now, at_sites=list(sites.values()), remote=True)
    return promoted


def fill_after_capacity_change(*, sprint: Sprint, site: LocalSite | None) -> list[Registration]:
    """Give the seats a raised capacity (of ``site``, or of the sprint when None) to waiting people in order.

    Exactly what a cancellation does with the seat it frees: people waiting at the site first
    (for a site), then — when the sprint's capacity was the limit — people waiting anywhere in
    the order they joined their queues. Runs inside the caller's transaction.
    """
    now = timezone.now()
    sprint = lock_sprint(sprint)
    if now >= sprint.submission_deadline_at:
        return []
    # A sprint whose capacity was just removed frees seats at every site: lock them all too.
    sites = lock_sites(sprint=sprint, site_ids=[site.pk] if site else [], every_site=True)
    if site is not None:
        return fill_free_seats(sprint=sprint, site=sites[site.pk], sites=sites, now=now)
    return _promote_in_order(sprint=sprint, sites=sites, now=now, at_sites=list(sites.values()), remote=True)
