"""Pages of this app; thin: validate, call a service or selector, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from sprintlab.core.cache import personal_fragments
from sprintlab.core.errors import ServiceError
from sprintlab.core.forms import add_service_error
from sprintlab.library.selectors import certificate_entries
from sprintlab.mentoring.permissions import help_is_open
from sprintlab.registrations import admissions, check_in_codes, emails, selectors, services
from sprintlab.registrations.forms import REMOTE, AdmissionWaveForm, RegistrationForm, SwitchForm
from sprintlab.registrations.models import Registration, RegistrationStatus
from sprintlab.registrations.permissions import (
    may_cancel,
    may_confirm_offer,
    may_register_again,
    may_show_check_in_code,
    may_switch,
    registration_closed_reason,
    switch_refusal,
)
from sprintlab.sprints.selectors import sprint_for_viewer
from sprintlab.teams.selectors import teams_of_user

STATUS_BADGES = {
    RegistrationStatus.CONFIRMED: "badge-ok",
    RegistrationStatus.OFFERED: "badge-info",
    RegistrationStatus.APPLIED: "badge-info",
    RegistrationStatus.WAITLISTED: "badge-warn",
    RegistrationStatus.DECLINED: "badge-bad",
    RegistrationStatus.CANCELLED: "badge-bad",
    RegistrationStatus.EXPIRED: "badge-bad",
}
# Lazy: built at import time, translated for each request's language when shown.
STATUS_MESSAGES = {
    RegistrationStatus.CONFIRMED: gettext_lazy(
        "You're registered for %(sprint)s: your seat is confirmed. We've emailed you the details."
    ),
    RegistrationStatus.WAITLISTED: gettext_lazy(
        "%(sprint)s is full, so you're on the waitlist. We'll email you when you get a seat."
    ),
    RegistrationStatus.APPLIED: gettext_lazy(
        "Your application for %(sprint)s is in. The organisers will email you their decision."
    ),
    RegistrationStatus.OFFERED: gettext_lazy("You have a seat offer for %(sprint)s: please confirm it."),
}


def _next_or_mine(request) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return reverse("registrations:mine")


@login_required
def register(request, slug):
    sprint = sprint_for_viewer(slug, request.user)
    existing = Registration.objects.filter(sprint=sprint, user=request.user).first()
    if existing is not None and not existing.is_reopenable:
        messages.info(
            request,
            _("You're already registered for %(sprint)s (%(status)s).")
            % {"sprint": sprint.title, "status": existing.get_status_display().lower()},
        )
        return redirect("registrations:mine")
    closed_reason = registration_closed_reason(sprint, now=timezone.now()) or None
    seats = selectors.sprint_seats(sprint)
    sites = selectors.with_seats(selectors.approved_sites(sprint), seats_of=seats)
    initial = {"place": request.GET.get("site") or (REMOTE if sprint.remote_allowed else None)}
    form = RegistrationForm(
        request.POST if request.method == "POST" else None,
        sprint=sprint,
        sites=sites,
        remote_seats_left=seats.left_at(None),
        initial=initial,
    )
    if request.method == "POST" and closed_reason is None and form.is_valid():
        try:
            registration, _created = services.registration_create_or_get(
                actor=request.user,
                sprint=sprint,
                site=form.cleaned_data["place"],
                join_waitlist=form.cleaned_data["join_waitlist"],
                **form.answers(),
            )
        except ServiceError as exc:
            add_service_error(form, exc, {"site": "place"})
        else:
            messages.success(request, STATUS_MESSAGES[registration.status] % {"sprint": sprint.title})
            return redirect("registrations:mine")
    return render(
        request,
        "registrations/register.html",
        {"sprint": sprint, "form": form, "closed_reason": closed_reason, "has_sites": bool(sites)},
        status=409 if closed_reason and request.method == "POST" else 200,
    )


@login_required
def my_sprints(request):
    registrations = selectors.registrations_of_user(request.user)
    now = timezone.now()
    user = request.user
    switchable = [r for r in registrations if may_switch(user, r, now=now)]
    # The switch menu lists every site of the sprint with its seats: it is loaded when opened
    # (``switch``); here only whether there is anywhere else to go (counts a few seconds old).
    site_counts = selectors.shown_approved_site_counts([r.sprint_id for r in switchable])
    teams = teams_of_user(user, [r.sprint_id for r in registrations])
    # Certificates (the library, above this app): the finished sprints whose results are out and that
    # this person took part in. Asked only when there is a finished sprint.
    finished = [r.sprint_id for r in registrations if now >= r.sprint.submission_deadline_at]
    certificate_sprints = {entry.sprint.pk for entry in certificate_entries(user, finished)} if finished else set()
    for registration in registrations:
        registration.sprint_is_over = now >= registration.sprint.submission_deadline_at
        registration.kickoff_ahead = now < registration.sprint.kickoff_at
        registration.badge = STATUS_BADGES[registration.status]
        registration.team = teams.get(registration.sprint_id)
        registration.has_certificate = registration.sprint_id in certificate_sprints
        registration.can_cancel = may_cancel(user, registration, now=now)
        # Live and still ahead (or running): worth a countdown and a calendar entry.
        registration.can_add_to_calendar = registration.is_active and not registration.sprint_is_over
        registration.can_confirm = may_confirm_offer(user, registration, now=now)
        registration.can_register_again = may_register_again(user, registration, now=now)
        registration.can_show_check_in_code = may_show_check_in_code(user, registration, now=now)
        if registration.can_show_check_in_code:
            registration.check_in_short_code = check_in_codes.short_code(registration.pk)
        # Mentor help (office hours, the help queue): for confirmed people while the mentoring app takes requests.
        registration.can_ask_for_help = registration.status == RegistrationStatus.CONFIRMED and help_is_open(
            registration.sprint, now=now
        )
        here = int(registration.site is not None and registration.site.is_approved)
        registration.can_switch = registration in switchable and (
            (registration.sprint.remote_allowed and registration.site_id is not None)
            or site_counts.get(registration.sprint_id, 0) - here > 0
        )
    cards = personal_fragments(
        request, "registrations/_registration_card.html", [_card_part(r, now=now) for r in registrations]
    )
    return render(
        request,
        "registrations/my_sprints.html",
        {
            "upcoming": [card for r, card in zip(registrations, cards, strict=True) if not r.sprint_is_over],
            "past": [card for r, card in zip(registrations, cards, strict=True) if r.sprint_is_over],
        },
    )


def _card_part(registration: Registration, *, now) -> tuple[tuple, dict]:
    """A registration's card on "My sprints" is kept for its person, keyed by all that it shows: the
    rows' last changes, the waitlist place, the answers of the predicates (so buttons change at
    their phase boundaries) and, for the countdown's text, the minute."""
    site = registration.site
    vary_on = (
        registration.pk,
        registration.updated_at.isoformat(),
        registration.sprint.updated_at.isoformat(),
        site.updated_at.isoformat() if site is not None else "",
        registration.waitlist_position,
        registration.sprint_is_over,
        registration.kickoff_ahead,
        registration.can_cancel,
        registration.can_add_to_calendar,
        registration.can_confirm,
        registration.can_register_again,
        registration.can_switch,
        registration.can_show_check_in_code,
        registration.can_ask_for_help,
        registration.has_certificate,
        (registration.team.pk, registration.team.updated_at.isoformat()) if registration.team else "",
        int(now.timestamp() // 60) if registration.can_add_to_calendar else "",  # the minute
    )
    return vary_on, {"registration": registration}


def sprint_calendar(request, slug):
    """ "Add to calendar": the sprint as an .ics file, with the viewer's site hours when they hold a place."""
    sprint = sprint_for_viewer(slug, request.user)
    registration = selectors.active_registration_of(sprint=sprint, user=request.user)
    response = HttpResponse(
        emails.sprint_calendar(sprint, registration=registration), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{sprint.slug}.ics"'
    return response


def _registration_for_action(request, pk: int, perm: str) -> Registration:
    registration = selectors.get_registration_for_user(registration_id=pk, user=request.user)
    if not request.user.has_perm(perm, registration):
        raise PermissionDenied
    return registration


@login_required
@require_POST
def cancel(request, pk):
    registration = _registration_for_action(request, pk, "registrations.cancel_registration")
    try:
        services.registration_cancel(registration=registration, actor=request.user)
    except ServiceError as exc:
        messages.error(request, exc.text)
    else:
        messages.success(
            request, _("The registration for %(sprint)s is cancelled.") % {"sprint": registration.sprint.title}
        )
    return redirect(_next_or_mine(request))


@login_required
@require_http_methods(["GET", "POST"])
def switch(request, pk):
    """The switch menu (GET: a page, or the form alone when "My sprints" loads it with htmx) and the switch."""
    registration = _registration_for_action(request, pk, "registrations.switch_registration")
    seats = selectors.sprint_seats(registration.sprint)
    sites = selectors.with_seats(selectors.approved_sites(registration.sprint), seats_of=seats, holder=registration)
    form = SwitchForm(
        request.POST if request.method == "POST" else None,
        registration=registration,
        sites=sites,
        # The menu counts the person's own seat as free: switching keeps it where there is room.
        remote_seats_left=seats.left_at(None, holder=registration),
        auto_id=f"switch-{registration.pk}-%s",
    )
    if request.method == "GET":
        template = "registrations/switch.html#switch-form" if request.htmx else "registrations/switch.html"
        # Registration may have closed since "My sprints" offered the menu: say so instead of a form.
        refusal = switch_refusal(request.user, registration, now=timezone.now())
        return render(request, template, {"registration": registration, "form": form, "refusal": refusal})
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect(_next_or_mine(request))
    try:
        registration = services.registration_switch(
            registration=registration,
            site=form.cleaned_data["place"],
            actor=request.user,
            join_waitlist=form.cleaned_data["join_waitlist"],
        )
    except ServiceError as exc:
        messages.error(request, exc.text)
    else:
        place = registration.site.name if registration.site else _("remote")
        messages.success(
            request,
            _("You switched to %(place)s; your status: %(status)s.")
            % {"place": place, "status": registration.get_status_display().lower()},
        )
    return redirect(_next_or_mine(request))


@login_required
@require_POST
def confirm(request, pk):
    registration = _registration_for_action(request, pk, "registrations.confirm_offer")
    try:
        services.registration_confirm_offer(registration=registration, actor=request.user)
    except ServiceError as exc:
        messages.error(request, exc.text)
    else:
        messages.success(
            request, _("Your seat at %(sprint)s is confirmed. See you there!") % {"sprint": registration.sprint.title}
        )
    return redirect(_next_or_mine(request))


@login_required
def admissions_page(request, slug):
    sprint = sprint_for_viewer(slug, request.user)
    if not request.user.has_perm("registrations.manage_admissions", sprint):
        raise PermissionDenied
    seats = selectors.sprint_seats(sprint)
    sites = list(selectors.approved_sites(sprint))
    for site in sites:  # what a wave may still fill, whether or not registration is open
        site.free_seats = seats.free_at(site)
    site_filter = request.GET.get("site", "")
    status_filter = request.GET.get("status", "")
    if status_filter not in RegistrationStatus.values:
        status_filter = ""
    site_id = int(site_filter) if site_filter.isdigit() else None
    applicants = selectors.admission_applicants(
        sprint=sprint, site_id=site_id, remote=site_filter == REMOTE, status=status_filter or None
    )
    page = Paginator(applicants, 100).get_page(request.GET.get("page"))
    undecided_ids = [r.pk for r in page if r.status in admissions.UNDECIDED_STATUSES]
    form = AdmissionWaveForm(request.POST if request.method == "POST" else None, applicant_ids=undecided_ids)
    if request.method == "POST" and form.is_valid():
        decision = form.cleaned_data["decision"]
        chosen = form.cleaned_data["selected"]
        try:
            wave = admissions.admission_wave_create(
                sprint=sprint,
                site=next((s for s in sites if s.pk == site_id), None),
                admit=chosen if decision == "admit" else [],
                waitlist=chosen if decision == "waitlist" else [],
                decline=chosen if decision == "decline" else [],
                message=form.cleaned_data["message"],
                confirm_by=form.cleaned_data["confirm_by"],
                actor=request.user,
            )
        except ServiceError as exc:
            add_service_error(form, exc, {"admit": "selected", "waitlist": "selected", "decline": "selected"})
        else:
            messages.success(
                request,
                _("Wave %(number)s sent: %(admitted)s admitted, %(waitlisted)s waitlisted, %(declined)s declined.")
                % {
                    "number": wave.number,
                    "admitted": wave.admitted_count,
                    "waitlisted": wave.waitlisted_count,
                    "declined": wave.declined_count,
                },
            )
            for entry in wave.skipped:
                messages.warning(request, f"{entry['person']}: {entry['reason']}")
            return redirect(request.get_full_path())
    for registration in page:
        registration.badge = STATUS_BADGES[registration.status]
        registration.selectable = registration.pk in undecided_ids
    return render(
        request,
        "registrations/admissions.html",
        {
            "sprint": sprint,
            "sites": sites,
            "sprint_free_seats": seats.free_at(None) if sprint.capacity is not None else None,
            "page": page,
            "form": form,
            "waves": selectors.admission_waves(sprint),
            "site_filter": site_filter,
            "status_filter": status_filter,
            "statuses": RegistrationStatus.choices,
            "selected_ids": {int(v) for v in form.data.getlist("selected") if v.isdigit()} if form.is_bound else set(),
        },
    )
