"""Writes for a person's registration: register, cancel, switch place, confirm an offer.

Reviewed-mode waves and offer expiry live in ``admissions.py``; seat locking and counting in
``seats.py``. Every function here runs in one transaction: a refusal changes nothing, and the
emails it causes are written to the outbox in the same transaction.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sprintlab.core.audit import record_audit
from sprintlab.core.dates import format_local
from sprintlab.core.errors import Conflict, ServiceError
from sprintlab.core.precompiled import PrecompiledQuery
from sprintlab.core.transactions import retry_on_conflict
from sprintlab.localsites.models import LocalSite
from sprintlab.registrations import emails, seats
from sprintlab.registrations.models import ACTIVE_STATUSES, REOPENABLE_STATUSES, Registration, RegistrationStatus
from sprintlab.sprints.models import AdmissionMode, Sprint

ANSWER_FIELDS = (
    "experience_level",
    "background",
    "motivation",
    "heard_from",
    "first_sprint",
    "accepted_code_of_conduct",
    "consent_fellowship_contact",
    "consent_public_listing",
)


def check_registration_open(*, sprint: Sprint, now: datetime) -> None:
    """Raise Conflict with the reason when ``sprint`` does not take registrations at ``now``."""
    if not sprint.is_published:
        raise Conflict(_("This sprint is not published, so it does not take registrations."))
    if now < sprint.registration_opens_at:
        opens = format_local(sprint.registration_opens_at)
        raise Conflict(_("Registration opens on %(when)s.") % {"when": opens})
    if now >= sprint.registration_deadline:
        raise Conflict(_("Registration for this sprint has closed."))


def check_place(*, sprint: Sprint, site: LocalSite | None) -> None:
    """Raise ServiceError on ``site`` when the place cannot be chosen for ``sprint``."""
    if site is None:
        if not sprint.remote_allowed:
            raise ServiceError({"site": [_("This sprint has no remote participation: choose a local site.")]})
        return
    if site.sprint_id != sprint.pk:
        raise ServiceError({"site": [_("This site belongs to another sprint.")]})
    if not site.is_approved:
        raise ServiceError({"site": [_("This site is not open for registration.")]})


def _validated_answers(answers: dict) -> dict:
    unknown = set(answers) - set(ANSWER_FIELDS)
    if unknown:
        raise TypeError(f"Unknown answers: {sorted(unknown)}")
    errors: dict[str, list[str]] = {}
    candidate = Registration(**answers)
    try:
        candidate.clean_fields(exclude=[f.name for f in Registration._meta.fields if f.name not in ANSWER_FIELDS])
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if not answers.get("accepted_code_of_conduct"):
        errors["accepted_code_of_conduct"] = [_("Please read and accept the code of conduct.")]
    if errors:
        raise ServiceError(errors)
    return {field: getattr(candidate, field) for field in ANSWER_FIELDS if field in answers}


def _full_reason(sprint: Sprint, site: LocalSite | None) -> str:
    if site is not None and seats.seats_taken(sprint=sprint, site=site) >= site.capacity:
        return _("%(site)s is full.") % {"site": site.name}
    return _("This sprint is full.")


def _initial_status(*, sprint: Sprint, site: LocalSite | None, join_waitlist: bool, ignoring=None) -> str:
    if seats.admission_mode_for(sprint, site) == AdmissionMode.REVIEWED:
        return RegistrationStatus.APPLIED
    if seats.has_free_seat(sprint=sprint, site=site, ignoring=ignoring):
        return RegistrationStatus.CONFIRMED
    if join_waitlist:
        return RegistrationStatus.WAITLISTED
    raise Conflict(
        _("%(reason)s Tick “join the waitlist” to be told when a seat frees up.")
        % {"reason": _full_reason(sprint, site)}
    )


def _status_fields(status: str, now: datetime) -> dict:
    return {
        "status": status,
        "confirmed_at": now if status == RegistrationStatus.CONFIRMED else None,
        "waitlisted_at": now if status == RegistrationStatus.WAITLISTED else None,
        "offered_at": None,
        "confirm_by": None,
        "cancelled_at": None,
    }


EVENT_FOR_STATUS = {
    RegistrationStatus.CONFIRMED: emails.CONFIRMED,
    RegistrationStatus.WAITLISTED: emails.WAITLISTED,
    RegistrationStatus.APPLIED: emails.APPLIED,
    RegistrationStatus.OFFERED: emails.OFFERED,
}


@retry_on_conflict
def registration_create_or_get(
    *,
    user,
    sprint: Sprint | None = None,
    sprint_slug: str = "",
    site: LocalSite | None = None,
    site_id: int | None = None,
    join_waitlist: bool = True,
    **answers,
) -> tuple[Registration, bool]:
    """Register ``user`` for ``sprint`` remotely (no site) or at ``site``; return (registration, created).

    To save queries the API passes ``sprint_slug`` and ``site_id`` instead of objects: the site
    and its sprint are then read in one query, under the site's lock. Open mode: confirmed while
    seats remain at the site and in the sprint, else waitlisted (or refused when ``join_waitlist``
    is False). Reviewed mode: applied, for organisers to decide. A person already registered gets
    their registration back unchanged, also when two requests race (the unique constraint
    decides). One who cancelled may register again. A new waitlisted registration comes with
    ``waitlist_position`` set.

    Side effects: one Registration row; an email (confirmation with .ics, waitlist or application
    received) written to the outbox.
    Raises: Conflict (unpublished, not open yet, closed, full without waitlist), ServiceError
    (a field: unknown sprint or site, remote not allowed, unusable site, code of conduct not
    accepted, invalid answer).
    """
    if site is not None:
        site_id = site.pk
    attempt = _Attempt(
        user=user, sprint=sprint, sprint_slug=sprint_slug, site_id=site_id, join_waitlist=join_waitlist, answers=answers
    )
    # The common case (a first registration) runs optimistically: no look-up of an existing row,
    # no savepoint. A repeat or a reopened registration makes the INSERT fail on the unique
    # (sprint, user) constraint; the transaction is then rolled back and the rare path below runs.
    try:
        try:
            with transaction.atomic():
                return attempt.register(reopen=False)
        except _SprintFirst:  # rolled back: the site's lock is released before we wait for another
            attempt.sprint = _sprint_by_slug(sprint_slug)
            with transaction.atomic():
                return attempt.register(reopen=False)
    except (Conflict, ServiceError):
        existing = attempt.existing()
        if existing is not None and existing.status not in REOPENABLE_STATUSES:
            return existing, False  # already registered: the refusal does not concern them
        raise
    except IntegrityError:
        existing = attempt.existing()
        if existing is None:
            raise  # not the (sprint, user) constraint
        if existing.status not in REOPENABLE_STATUSES:
            return existing, False
    with transaction.atomic():
        return attempt.register(reopen=True)


class _SprintFirst(Exception):
    """The sprint must be locked before the site (it has a capacity), or the slug does not match."""


def _sprint_by_slug(slug: str) -> Sprint:
    sprint = SPRINT_BY_SLUG.first(slug=slug)
    if sprint is None:
        raise ServiceError({"sprint": [_("There is no sprint with this slug.")]})
    return sprint


SPRINT_BY_SLUG = PrecompiledQuery(lambda slug: Sprint.objects.filter(slug=slug)[:1], slug="\x00sprint-slug")


class _Attempt:
    def __init__(self, *, user, sprint, sprint_slug, site_id, join_waitlist, answers):
        self.user, self.sprint, self.sprint_slug, self.site_id = user, sprint, sprint_slug, site_id
        self.join_waitlist, self.answers = join_waitlist, answers

    def existing(self) -> Registration | None:
        if self.sprint is None:
            return None
        return Registration.objects.filter(sprint=self.sprint, user=self.user).select_related("sprint", "site").first()

    def _sprint_and_site(self) -> tuple[Sprint, LocalSite | None]:
        """Lock (sprint, when it has a capacity, then) the site; return both as read under the locks."""
        site_id = self.site_id
        if self.sprint is None:
            if site_id is None:
                self.sprint = _sprint_by_slug(self.sprint_slug)
            else:
                # One query: the site, locked, with its sprint. Fine when the sprint has no
                # capacity (its row is never locked); otherwise start again, sprint first.
                site = seats.LOCKED_SITE_WITH_SPRINT.first(pk=site_id)
                if site is None or site.sprint.slug != self.sprint_slug or site.sprint.capacity is not None:
                    raise _SprintFirst
                self.sprint = site.sprint
                return site.sprint, site
        sprint, locked_sites = seats.lock_places(sprint=self.sprint, sites=[LocalSite(pk=site_id)] if site_id else [])
        if site_id is None:
            return sprint, None
        site = locked_sites.get(site_id)
        if site is None:
            raise ServiceError({"site": [_("There is no site with this id.")]})
        return sprint, site

    def register(self, *, reopen: bool) -> tuple[Registration, bool]:
        user = self.user
        sprint, site = self._sprint_and_site()
        check_registration_open(sprint=sprint, now=timezone.now())
        check_place(sprint=sprint, site=site)
        clean_answers = _validated_answers(self.answers)
        existing = None
        if reopen:
            existing = Registration.objects.select_for_update(of=("self",)).filter(sprint=sprint, user=user).first()
            if existing is not None and existing.status not in REOPENABLE_STATUSES:
                existing.sprint = sprint
                return existing, False
        # Taken under the locks, so that queue order (waitlisted_at) follows lock order.
        now = timezone.now()
        status, waiting_before = _new_status(sprint=sprint, site=site, join_waitlist=self.join_waitlist)
        fields = {"site": site, **clean_answers, **_status_fields(status, now)}
        if existing is not None:
            for name, value in fields.items():
                setattr(existing, name, value)
            existing.revision += 1
            existing.save()
            registration = existing
        else:
            registration = Registration(sprint=sprint, user=user, revision=1, **fields)
            registration.save(force_insert=True)
        registration.sprint = sprint
        registration.user = user
        # Everyone already waiting here joined before this person (we hold the place's lock).
        registration.waitlist_position = waiting_before + 1 if status == RegistrationStatus.WAITLISTED else None
        emails.notify(registration, EVENT_FOR_STATUS[status], new_revision=True)
        return registration, True


def _new_status(*, sprint: Sprint, site: LocalSite | None, join_waitlist: bool) -> tuple[str, int]:
    """The status of a new registration at ``site`` and how many people already wait there (one or two counts)."""
    if seats.admission_mode_for(sprint, site) == AdmissionMode.REVIEWED:
        return RegistrationStatus.APPLIED, 0
    free, waiting_here = None, None
    if site is not None:
        taken_here, waiting_here = seats.site_counts(site)
        free = site.capacity - taken_here
    if sprint.capacity is not None:
        sprint_free = sprint.capacity - seats.seats_taken(sprint=sprint, whole_sprint=True)
        free = sprint_free if free is None else min(free, sprint_free)
    if free is None or free > 0:
        return RegistrationStatus.CONFIRMED, 0
    if join_waitlist:
        if waiting_here is None:
            waiting_here = seats.waiting_count(sprint=sprint, site=site)
        return RegistrationStatus.WAITLISTED, waiting_here
    raise Conflict(
        _("%(reason)s Tick “join the waitlist” to be told when a seat frees up.")
        % {"reason": _full_reason(sprint, site)}
    )


def registration_create(
    *, user, sprint: Sprint, site: LocalSite | None = None, join_waitlist: bool = True, **answers
) -> Registration:
    """Like ``registration_create_or_get`` but returns only the registration."""
    registration, _created = registration_create_or_get(
        user=user, sprint=sprint, site=site, join_waitlist=join_waitlist, **answers
    )
    return registration


@retry_on_conflict
@transaction.atomic
def registration_cancel(*, registration: Registration, acting_user) -> Registration:
    """Cancel ``registration``, free its seat and give it to the first person waiting.

    Side effects: the registration becomes cancelled; the first waiting person at the same place
    (or, when the sprint's overall capacity was the limit, elsewhere) is confirmed in open mode or
    offered the seat in reviewed mode, and told by email; the cancelled person gets an email; an
    audit entry when someone other than the participant cancels.
    Raises: Conflict when the registration is no longer active or the sprint is over.
    """
    registration, sprint, sites = seats.lock_registration(registration)
    if registration.status not in ACTIVE_STATUSES:
        raise Conflict(
            _("This registration is already %(status)s.") % {"status": registration.get_status_display().lower()}
        )
    now = timezone.now()
    if now >= sprint.submission_deadline_at:
        raise Conflict(_("This sprint is over; its registrations can no longer be cancelled."))
    held_seat = registration.holds_seat
    registration.status = RegistrationStatus.CANCELLED
    registration.cancelled_at = now
    registration.revision += 1
    registration.save(update_fields=["status", "cancelled_at", "revision", "updated_at"])
    emails.notify(registration, emails.CANCELLED)
    if acting_user is not None and acting_user.pk != registration.user_id:
        record_audit(
            actor=acting_user, action="registration.cancel", target=registration, participant=registration.user.email
        )
    if held_seat:
        seats.fill_free_seats(sprint=sprint, site=registration.site, sites=sites, now=now)
    return registration


@retry_on_conflict
@transaction.atomic
def registration_switch(
    *, registration: Registration, site: LocalSite | None, acting_user, join_waitlist: bool = True
) -> Registration:
    """Move ``registration`` to ``site`` (None: remote): a seat there, or its waitlist.

    A person who held a seat keeps it at the new place when one is free there (also in reviewed
    mode: they were already admitted); otherwise they join the new place's waitlist at its end
    (or the switch is refused when ``join_waitlist`` is False). An application still under review
    simply moves. The old seat goes to the first person waiting there.

    Side effects: the registration's place and status; promotions at the old place; an email to
    the person; an audit entry when someone else switches it.
    Raises: ServiceError (site: invalid target or the same place), Conflict (inactive registration,
    registration closed, target full without waitlist).
    """
    registration, sprint, locked_sites = seats.lock_registration(registration, extra_sites=(site,))
    target = locked_sites.get(site.pk) if site is not None else None
    if registration.status not in ACTIVE_STATUSES:
        raise Conflict(
            _("This registration is %(status)s; register again instead.")
            % {"status": registration.get_status_display().lower()}
        )
    if registration.site_id == (target.pk if target else None):
        raise ServiceError({"site": [_("You are already registered for this place.")]})
    now = timezone.now()
    check_registration_open(sprint=sprint, now=now)
    check_place(sprint=sprint, site=target)
    old_site, held_seat, old_status = registration.site, registration.holds_seat, registration.status
    if old_status == RegistrationStatus.APPLIED:
        status = RegistrationStatus.APPLIED
    elif held_seat and seats.has_free_seat(sprint=sprint, site=target, ignoring=registration):
        status = old_status
    elif held_seat or old_status == RegistrationStatus.WAITLISTED:
        status = _initial_status(sprint=sprint, site=target, join_waitlist=join_waitlist, ignoring=registration)
        if status == RegistrationStatus.APPLIED:
            # Admission was already decided: at a reviewed place the person waits for a seat.
            if not join_waitlist:
                raise Conflict(_full_reason(sprint, target))
            status = RegistrationStatus.WAITLISTED
    registration.site = target
    if status != old_status:
        registration.status = status
        if status == RegistrationStatus.CONFIRMED:
            registration.confirmed_at = now
        registration.offered_at = registration.offered_at if status == RegistrationStatus.OFFERED else None
        registration.confirm_by = registration.confirm_by if status == RegistrationStatus.OFFERED else None
    if status == RegistrationStatus.WAITLISTED:
        registration.waitlisted_at = now  # the end of the new place's queue
    registration.revision += 1
    registration.save()
    emails.notify(registration, EVENT_FOR_STATUS[status], switched=True)
    if acting_user is not None and acting_user.pk != registration.user_id:
        record_audit(
            actor=acting_user,
            action="registration.switch",
            target=registration,
            from_site=old_site.pk if old_site else None,
            to_site=target.pk if target else None,
        )
    if held_seat:
        seats.fill_free_seats(sprint=sprint, site=old_site, sites=locked_sites, now=now)
    return registration


@transaction.atomic
def registration_confirm_offer(*, registration: Registration) -> Registration:
    """Confirm the seat offered in reviewed mode, before its deadline.

    Side effects: the registration becomes confirmed; a confirmation email with the .ics file.
    Raises: Conflict when there is no open offer or its deadline has passed.
    """
    registration = (
        Registration.objects.select_for_update(of=("self",))
        .select_related("user", "sprint", "site")
        .get(pk=registration.pk)
    )
    if registration.status == RegistrationStatus.CONFIRMED:
        return registration
    if registration.status != RegistrationStatus.OFFERED:
        raise Conflict(_("There is no seat offer to confirm."))
    now = timezone.now()
    if registration.confirm_by is not None and now > registration.confirm_by:
        raise Conflict(_("This offer expired on %(when)s.") % {"when": format_local(registration.confirm_by)})
    registration.status = RegistrationStatus.CONFIRMED
    registration.confirmed_at = now
    registration.revision += 1
    registration.save(update_fields=["status", "confirmed_at", "revision", "updated_at"])
    emails.notify(registration, emails.CONFIRMED)
    return registration
