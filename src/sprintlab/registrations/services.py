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
from sprintlab.core.errors import Conflict, ServiceError
from sprintlab.core.permissions import is_signed_in
from sprintlab.core.transactions import retry_on_conflict
from sprintlab.localsites.models import LocalSite
from sprintlab.registrations import emails, seats
from sprintlab.registrations.models import REOPENABLE_STATUSES, Registration, RegistrationStatus
from sprintlab.registrations.permissions import (
    cancel_refusal,
    confirm_offer_refusal,
    may_confirm_as,
    register_refusal,
    switch_refusal,
)
from sprintlab.registrations.signals import registration_cancelled
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


def _check_place(*, sprint: Sprint, site: LocalSite | None) -> None:
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
    *, actor, sprint: Sprint, site: LocalSite | None = None, join_waitlist: bool = True, **answers
) -> tuple[Registration, bool]:
    """Register ``actor`` for ``sprint`` remotely (no site) or at ``site``; return (registration, created).

    Open mode: confirmed while seats remain at the site and in the sprint, else waitlisted (or
    refused when ``join_waitlist`` is False). Reviewed mode: applied, for organisers to decide. A
    person already registered gets their registration back unchanged, also when two requests race
    (the unique constraint decides). One who cancelled may register again. A new waitlisted
    registration comes with ``waitlist_position`` set.

    Side effects: one Registration row; an email (confirmation with .ics, waitlist or application
    received) written to the outbox.
    Raises: PermissionDeniedError (not signed in), Conflict (unpublished, not open yet, closed,
    full without waitlist), ServiceError (a field: remote not allowed, unusable site, code of
    conduct not accepted, invalid answer).
    """
    attempt = _Attempt(actor=actor, sprint=sprint, site=site, join_waitlist=join_waitlist, answers=answers)
    # The common case (a first registration) runs optimistically: no look-up of an existing row,
    # no savepoint. A repeat or a reopened registration makes the INSERT fail on the unique
    # (sprint, user) constraint; the transaction is then rolled back and the rare path below runs.
    try:
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


class _Attempt:
    def __init__(self, *, actor, sprint: Sprint, site: LocalSite | None, join_waitlist: bool, answers: dict):
        self.actor, self.sprint, self.site = actor, sprint, site
        self.join_waitlist, self.answers = join_waitlist, answers

    def existing(self) -> Registration | None:
        if not is_signed_in(self.actor):
            return None
        return Registration.objects.filter(sprint=self.sprint, user=self.actor).select_related("sprint", "site").first()

    def _sprint_and_site(self) -> tuple[Sprint, LocalSite | None]:
        """Lock (sprint, when it has a capacity, then) the site; return both as read under the locks."""
        sprint, locked_sites = seats.lock_places(sprint=self.sprint, sites=[self.site])
        if self.site is None:
            return sprint, None
        site = locked_sites.get(self.site.pk)
        if site is None:
            raise ServiceError({"site": [_("There is no site with this id.")]})
        return sprint, site

    def register(self, *, reopen: bool) -> tuple[Registration, bool]:
        user = self.actor
        sprint, site = self._sprint_and_site()
        refusal = register_refusal(user, sprint, now=timezone.now())
        if refusal is not None:
            raise refusal
        _check_place(sprint=sprint, site=site)
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
    *, actor, sprint: Sprint, site: LocalSite | None = None, join_waitlist: bool = True, **answers
) -> Registration:
    """Like ``registration_create_or_get`` but returns only the registration."""
    registration, _created = registration_create_or_get(
        actor=actor, sprint=sprint, site=site, join_waitlist=join_waitlist, **answers
    )
    return registration


@retry_on_conflict
@transaction.atomic
def registration_cancel(*, registration: Registration, actor) -> Registration:
    """Cancel ``registration``, free its seat and give it to the first person waiting.

    Side effects: the registration becomes cancelled; ``signals.registration_cancelled`` is sent
    (the teams app takes the person out of their team); the first waiting person at the same place
    (or, when the sprint's overall capacity was the limit, elsewhere) is confirmed in open mode or
    offered the seat in reviewed mode, and told by email; the cancelled person gets an email; an
    audit entry when someone other than the participant cancels.
    Raises: Conflict when the registration is no longer active or the sprint is over.
    """
    registration, sprint, sites = seats.lock_registration(registration)
    registration.sprint = sprint
    now = timezone.now()
    refusal = cancel_refusal(actor, registration, now=now)
    if refusal is not None:
        raise refusal
    held_seat = registration.holds_seat
    registration.status = RegistrationStatus.CANCELLED
    registration.cancelled_at = now
    registration.revision += 1
    registration.save(update_fields=["status", "cancelled_at", "revision", "updated_at"])
    emails.notify(registration, emails.CANCELLED)
    if actor.pk != registration.user_id:
        record_audit(
            actor=actor, action="registration.cancel", target=registration, participant=registration.user.email
        )
    registration_cancelled.send(sender=Registration, registration=registration, actor=actor)
    if held_seat:
        seats.fill_free_seats(sprint=sprint, site=registration.site, sites=sites, now=now)
    return registration


@retry_on_conflict
@transaction.atomic
def registration_switch(
    *, registration: Registration, site: LocalSite | None, actor, join_waitlist: bool = True
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
    registration.sprint = sprint
    now = timezone.now()
    refusal = switch_refusal(actor, registration, now=now)
    if refusal is not None:
        raise refusal
    if registration.site_id == (target.pk if target else None):
        raise ServiceError({"site": [_("You are already registered for this place.")]})
    _check_place(sprint=sprint, site=target)
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
    if actor.pk != registration.user_id:
        record_audit(
            actor=actor,
            action="registration.switch",
            target=registration,
            from_site=old_site.pk if old_site else None,
            to_site=target.pk if target else None,
        )
    if held_seat:
        seats.fill_free_seats(sprint=sprint, site=old_site, sites=locked_sites, now=now)
    return registration


@transaction.atomic
def registration_confirm_offer(*, registration: Registration, actor) -> Registration:
    """The participant (``actor``) confirms the seat offered in reviewed mode, before its deadline.

    Confirming twice changes nothing. Side effects: the registration becomes confirmed; a
    confirmation email with the .ics file.
    Raises: PermissionDeniedError (someone else's offer), Conflict when there is no open offer or
    its deadline has passed.
    """
    registration = (
        Registration.objects.select_for_update(of=("self",))
        .select_related("user", "sprint", "site")
        .get(pk=registration.pk)
    )
    now = timezone.now()
    if registration.status == RegistrationStatus.CONFIRMED and may_confirm_as(actor, registration):
        return registration
    refusal = confirm_offer_refusal(actor, registration, now=now)
    if refusal is not None:
        raise refusal
    registration.status = RegistrationStatus.CONFIRMED
    registration.confirmed_at = now
    registration.revision += 1
    registration.save(update_fields=["status", "confirmed_at", "revision", "updated_at"])
    emails.notify(registration, emails.CONFIRMED)
    return registration
