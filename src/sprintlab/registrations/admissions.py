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
from sprintlab.core.errors import Conflict, PermissionDeniedError, ServiceError
from sprintlab.core.transactions import retry_on_conflict
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


@retry_on_conflict
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
    actor,
) -> AdmissionWave:
    """Decide about applicants of ``sprint`` (only those at ``site`` when given) in one wave.

    Admitted people are offered a seat at their place to confirm by ``confirm_by``; waitlisted
    ones get the next free seats; declined ones are told. Admitting more people than a place has
    free seats is refused and nothing changes. A person whose place or status changed while the
    wave was being sent (they switched sites or cancelled at the same moment) is skipped: the
    wave records them in ``skipped`` with the reason, for the organiser to decide again.

    Side effects: an AdmissionWave; the registrations' statuses; one email per decided person
    (admitted ones include ``message``); an audit entry.
    Raises: PermissionDeniedError (``registrations.manage_admissions``), ServiceError (bad input, unknown or already decided applicants), Conflict (over
    capacity, or everybody was skipped).
    """
    if not actor.has_perm("registrations.manage_admissions", sprint):
        raise PermissionDeniedError(_("Only the sprint's organisers decide about admissions."))
    now = timezone.now()
    admit, waitlist, decline = list(admit), list(waitlist), list(decline)
    _check_wave_input(admit=admit, waitlist=waitlist, decline=decline, message=message, confirm_by=confirm_by, now=now)
    if site is not None and site.sprint_id != sprint.pk:
        raise ServiceError({"site": [_("This site belongs to another sprint.")]})
    ids = [*admit, *waitlist, *decline]
    # Where the chosen people are as the wave comes in: the places the organiser decided about.
    candidates = Registration.objects.filter(sprint=sprint, pk__in=ids, status__in=UNDECIDED_STATUSES)
    if site is not None:
        candidates = candidates.filter(site=site)
    chosen = dict(candidates.values_list("pk", "site_id"))
    missing = [pk for pk in ids if pk not in chosen]
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
    # Global lock order: the sprint (always: wave numbers are per sprint), the sites by id, then
    # the registrations, read again under their locks.
    sprint = seats.lock_sprint(sprint)
    locked_sites = seats.lock_sites(sprint=sprint, site_ids={pk for pk in chosen.values() if pk is not None})
    registrations = {
        r.pk: r
        for r in Registration.objects.select_for_update(of=("self",)).select_related("user", "site").filter(pk__in=ids)
    }
    skipped = []
    for pk in ids:
        if pk not in registrations:  # deleted meanwhile (with its account): nobody to tell
            continue
        reason = _skip_reason(registrations[pk], site_id_then=chosen[pk])
        if reason:
            registration = registrations.pop(pk)
            skipped.append({"registration": pk, "person": registration.user.name, "reason": reason})
    if not registrations:
        raise Conflict(
            {
                "admit": [f"{entry['person']}: {entry['reason']}" for entry in skipped]
                or [_("Nobody left to decide about; reload the page.")]
            }
        )
    admit, waitlist, decline = ([pk for pk in group if pk in registrations] for group in (admit, waitlist, decline))
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
        created_by=actor,
        admitted_count=len(admit),
        waitlisted_count=len(waitlist),
        declined_count=len(decline),
        skipped=skipped,
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
        actor=actor,
        action="registration.admission_wave",
        target=wave,
        admitted=admit,
        waitlisted=waitlist,
        declined=decline,
        skipped=[entry["registration"] for entry in skipped],
    )
    return wave


def _skip_reason(registration: Registration, *, site_id_then: int | None) -> str:
    """Why ``registration`` changed since the wave read it (so the wave leaves it out), or ""."""
    if registration.status not in UNDECIDED_STATUSES:
        return _("Skipped: they are now “%(status)s”.") % {"status": registration.get_status_display()}
    if registration.site_id != site_id_then:
        place = registration.site.name if registration.site is not None else _("remote")
        return _("Skipped: they moved to %(place)s while the wave was being sent; decide about them again.") % {
            "place": place
        }
    return ""


def _save_decision(registration: Registration, wave: AdmissionWave) -> None:
    registration.wave = wave
    registration.revision += 1
    registration.save()


def _seats_and_selection(seats: str, selection: str) -> str:
    # Two plural forms, one per number: a single message would pluralise only one of them.
    return f"{seats} {selection}"


def _check_capacity(*, sprint: Sprint, admitted: list[Registration]) -> None:
    by_place = Counter(r.site for r in admitted)
    problems = []
    for place, count in by_place.items():
        if place is None:
            continue
        free = place.capacity - seats.seats_taken(sprint=sprint, site=place)
        if count > free:
            problems.append(
                _seats_and_selection(
                    ngettext("%(site)s has %(free)s free seat;", "%(site)s has %(free)s free seats;", free),
                    ngettext("you selected %(count)s person there.", "you selected %(count)s people there.", count),
                )
                % {"site": place.name, "free": max(free, 0), "count": count}
            )
    if sprint.capacity is not None:
        free = sprint.capacity - seats.seats_taken(sprint=sprint, whole_sprint=True)
        if len(admitted) > free:
            problems.append(
                _seats_and_selection(
                    ngettext("The sprint has %(free)s free seat;", "The sprint has %(free)s free seats;", free),
                    ngettext("you selected %(count)s person.", "you selected %(count)s people.", len(admitted)),
                )
                % {"free": max(free, 0), "count": len(admitted)}
            )
    if problems:
        raise Conflict({"admit": problems})


@retry_on_conflict
@transaction.atomic
def _expire_one(*, registration_id: int, now: datetime) -> bool:
    registration = Registration.objects.select_related("sprint").get(pk=registration_id)
    registration, sprint, sites = seats.lock_registration(registration)
    if (
        registration.status != RegistrationStatus.OFFERED
        or registration.confirm_by is None
        or registration.confirm_by >= now
    ):
        return False  # confirmed or changed meanwhile
    registration.status = RegistrationStatus.EXPIRED
    registration.revision += 1
    registration.save(update_fields=["status", "revision", "updated_at"])
    emails.notify(registration, emails.EXPIRED)
    seats.fill_free_seats(sprint=sprint, site=registration.site, sites=sites, now=now)
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
