"""Reviewed admission: organisers decide in waves; admitted people confirm by a deadline or lose the seat."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from sprintlab.core.audit import record_audit
from sprintlab.core.errors import Conflict, ServiceError
from sprintlab.core.validators import DATETIME_WINDOW_MESSAGE, datetime_in_window
from sprintlab.localsites.models import LocalSite
from sprintlab.registrations import emails, seats
from sprintlab.registrations.models import AdmissionWave, Registration, RegistrationStatus
from sprintlab.sprints.models import Sprint

# Whom a wave may decide about: people not admitted yet.
UNDECIDED_STATUSES = (RegistrationStatus.APPLIED, RegistrationStatus.WAITLISTED)
MAX_WAVE_MESSAGE = 5000


def _check_wave_input(*, admit, waitlist, decline, message: str, confirm_by, now: datetime) -> None:
    errors: dict[str, list[str]] = {}
    if not (admit or waitlist or decline):
        errors["admit"] = [_("Select at least one applicant.")]
    chosen = Counter([*admit, *waitlist, *decline])
    if any(count > 1 for count in chosen.values()):
        errors["admit"] = [_("Each applicant can get only one decision in a wave.")]
    if admit and confirm_by is None:
        errors["confirm_by"] = [_("Set the deadline for admitted people to confirm.")]
    elif confirm_by is not None and not datetime_in_window(confirm_by):
        errors["confirm_by"] = [str(DATETIME_WINDOW_MESSAGE)]
    elif confirm_by is not None and confirm_by <= now:
        errors["confirm_by"] = [_("The confirmation deadline must be in the future.")]
    if len(message or "") > MAX_WAVE_MESSAGE:
        errors["message"] = [_("Keep the message under %(max)s characters.") % {"max": MAX_WAVE_MESSAGE}]
    if errors:
        raise ServiceError(errors)


@transaction.atomic
def admission_wave_create(
    *,
    sprint: Sprint,
    site: LocalSite | None = None,
    admit: list[int],
    waitlist: list[int],
    decline: list[int],
    message: str,
    confirm_by: datetime | None,
    acting_user,
) -> AdmissionWave:
    """Decide about applicants of ``sprint`` (only those at ``site`` when given) in one wave.

    Admitted people are offered a seat to confirm by ``confirm_by``; waitlisted ones get the next
    free seats; declined ones are told. Admitting more people than a place has free seats is
    refused and nothing changes.

    Side effects: an AdmissionWave; the registrations' statuses; one email per person (admitted
    ones include ``message``); an audit entry.
    Raises: ServiceError (bad input, unknown or already decided applicants), Conflict (over capacity).
    """
    now = timezone.now()
    admit, waitlist, decline = list(admit), list(waitlist), list(decline)
    _check_wave_input(admit=admit, waitlist=waitlist, decline=decline, message=message, confirm_by=confirm_by, now=now)
    if site is not None and site.sprint_id != sprint.pk:
        raise ServiceError({"site": [_("This site belongs to another sprint.")]})
    ids = [*admit, *waitlist, *decline]
    candidates = Registration.objects.filter(sprint=sprint, pk__in=ids)
    if site is not None:
        candidates = candidates.filter(site=site)
    site_ids = set(candidates.values_list("site_id", flat=True))
    # The sprint is always locked here: wave numbers are per sprint.
    sprint, locked_sites = seats.lock_places(
        sprint=sprint, sites=[LocalSite(pk=pk) for pk in site_ids if pk is not None], always_lock_sprint=True
    )
    registrations = {
        r.pk: r
        for r in candidates.select_for_update(of=("self",)).select_related("user").filter(status__in=UNDECIDED_STATUSES)
    }
    missing = [pk for pk in ids if pk not in registrations]
    if missing:
        raise ServiceError(
            {
                "admit": [
                    _(
                        "Some selected people are not undecided applicants of this sprint "
                        "(ids %(ids)s); reload the page and try again."
                    )
                    % {"ids": ", ".join(str(pk) for pk in missing[:20])}
                ]
            }
        )
    for registration in registrations.values():
        registration.sprint = sprint
        registration.site = locked_sites.get(registration.site_id)
    _check_capacity(sprint=sprint, admitted=[registrations[pk] for pk in admit])

    number = (AdmissionWave.objects.filter(sprint=sprint).aggregate(n=Max("number"))["n"] or 0) + 1
    wave = AdmissionWave.objects.create(
        sprint=sprint,
        site=site,
        number=number,
        message=message or "",
        confirm_by=confirm_by or now,
        created_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
        admitted_count=len(admit),
        waitlisted_count=len(waitlist),
        declined_count=len(decline),
    )
    for pk in admit:
        registration = registrations[pk]
        registration.status = RegistrationStatus.OFFERED
        registration.offered_at = now
        registration.confirm_by = confirm_by
        _save_decision(registration, wave)
        emails.notify(registration, emails.OFFERED, wave=wave)
    for pk in waitlist:
        registration = registrations[pk]
        if registration.status != RegistrationStatus.WAITLISTED:
            registration.status = RegistrationStatus.WAITLISTED
            registration.waitlisted_at = now
        _save_decision(registration, wave)
        emails.notify(registration, emails.WAITLISTED, wave=wave)
    for pk in decline:
        registration = registrations[pk]
        registration.status = RegistrationStatus.DECLINED
        _save_decision(registration, wave)
        emails.notify(registration, emails.DECLINED, wave=wave)
    record_audit(
        actor=acting_user,
        action="registration.admission_wave",
        target=wave,
        admitted=admit,
        waitlisted=waitlist,
        declined=decline,
    )
    return wave


def _save_decision(registration: Registration, wave: AdmissionWave) -> None:
    registration.wave = wave
    registration.revision += 1
    registration.save()


def _check_capacity(*, sprint: Sprint, admitted: list[Registration]) -> None:
    by_place = Counter(r.site for r in admitted)
    problems = []
    for place, count in by_place.items():
        if place is None:
            continue
        free = place.capacity - seats.seats_taken(sprint=sprint, site=place)
        if count > free:
            problems.append(
                ngettext(
                    "%(site)s has %(free)s free seat; you selected %(count)s people there.",
                    "%(site)s has %(free)s free seats; you selected %(count)s people there.",
                    free,
                )
                % {"site": place.name, "free": max(free, 0), "count": count}
            )
    if sprint.capacity is not None:
        free = sprint.capacity - seats.seats_taken(sprint=sprint, whole_sprint=True)
        if len(admitted) > free:
            problems.append(
                ngettext(
                    "The sprint has %(free)s free seat; you selected %(count)s people.",
                    "The sprint has %(free)s free seats; you selected %(count)s people.",
                    free,
                )
                % {"free": max(free, 0), "count": len(admitted)}
            )
    if problems:
        raise Conflict({"admit": problems})


def _expire_one(*, registration_id: int, now: datetime) -> bool:
    with transaction.atomic():
        registration = Registration.objects.select_related("sprint", "site").get(pk=registration_id)
        sprint, locked_sites = seats.lock_places(sprint=registration.sprint, sites=[registration.site])
        registration = (
            Registration.objects.select_for_update(of=("self",)).select_related("user").get(pk=registration_id)
        )
        if (
            registration.status != RegistrationStatus.OFFERED
            or registration.confirm_by is None
            or registration.confirm_by >= now
        ):
            return False  # confirmed or changed meanwhile
        registration.sprint = sprint
        registration.site = locked_sites.get(registration.site_id)
        registration.status = RegistrationStatus.EXPIRED
        registration.revision += 1
        registration.save(update_fields=["status", "revision", "updated_at"])
        emails.notify(registration, emails.EXPIRED)
        seats.fill_free_seats(sprint=sprint, site=registration.site, now=now)
        return True


def registrations_expire_offers(*, now: datetime | None = None) -> int:
    """Expire every offer whose confirmation deadline has passed; return how many expired.

    Each one runs in its own short transaction so that a long backlog never holds the sprint's
    lock for long. Side effects per offer: the registration becomes expired, the person is told,
    and the seat goes to the first person waiting at that place (as a new offer in reviewed mode).
    """
    now = now or timezone.now()
    due = Registration.objects.filter(status=RegistrationStatus.OFFERED, confirm_by__lt=now).order_by(
        "confirm_by", "id"
    )
    return sum(_expire_one(registration_id=pk, now=now) for pk in due.values_list("pk", flat=True))
