"""A site's people on the day: the organisers' check-in page and their messages to attendees.

They sit on the site's own URLs (``…/sites/<slug>/check-in/``, ``…/dashboard/message/``) but write
registrations through ``registrations.attendance``, so they live here, above the sites app.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sprintlab.core.dates import format_local
from sprintlab.core.errors import ServiceError
from sprintlab.core.forms import add_service_error
from sprintlab.localsites import selectors as site_selectors
from sprintlab.localsites.dashboard_views import site_dashboard
from sprintlab.localsites.forms import SiteMessageForm
from sprintlab.localsites.permissions import check_in_is_open
from sprintlab.registrations import attendance, selectors
from sprintlab.registrations.forms import CheckInCodeForm


@login_required
@require_POST
def site_message(request, sprint_slug, slug):
    site = site_selectors.get_site_for_user(request.user, sprint_slug, slug, perm="localsites.message_attendees")
    form = SiteMessageForm(request.POST)
    if form.is_valid():
        try:
            message = attendance.site_message_send(
                site=site,
                actor=request.user,
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["body"],
            )
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Message sent to %(count)d attendees.") % {"count": message.recipient_count})
            return redirect("localsites:dashboard", sprint_slug=site.sprint.slug, slug=site.slug)
    return site_dashboard(request, sprint_slug, slug, message_form=form)


@login_required
def check_in(request, sprint_slug, slug):
    site = site_selectors.get_site_for_user(request.user, sprint_slug, slug, perm="localsites.check_in")
    query = request.GET.get("q", "").strip()[:100]
    context = {
        "site": site,
        "sprint": site.sprint,
        "code_form": CheckInCodeForm(),
        "query": query,
        "candidates": selectors.check_in_candidates(site, query=query),
        "counts": selectors.site_people_counts(site),
        "check_in_open": check_in_is_open(site, now=timezone.now()),
    }
    if request.htmx and request.htmx.target == "check-in-results":
        return render(request, "registrations/check_in.html#check-in-results", context)
    return render(request, "registrations/check_in.html", context)


@login_required
@require_POST
def check_in_attendee(request, sprint_slug, slug, registration_id):
    """Check one attendee in (or undo it); answers the row for HTMX, else goes back to the list."""
    site = site_selectors.get_site_for_user(request.user, sprint_slug, slug, perm="localsites.check_in")
    registration = selectors.get_site_registration(site, registration_id)
    undo = request.POST.get("action") == "undo"
    service = attendance.site_check_in_undo if undo else attendance.site_check_in
    error = ""
    try:
        registration = service(registration=registration, actor=request.user)
    except ServiceError as exc:
        error = exc.text
    query = request.POST.get("q", "").strip()[:100]
    if request.htmx:
        return render(
            request,
            "registrations/check_in.html#check-in-response",
            {
                "site": site,
                "registration": registration,
                "query": query,
                "error": error,
                "counts": selectors.site_people_counts(site),
                "check_in_open": check_in_is_open(site, now=timezone.now()),
                "clear_search": not (error or undo),
            },
        )
    if error:
        messages.error(request, error)
    elif undo:
        messages.info(request, _("Check-in of %(name)s undone.") % {"name": registration.user.name})
    else:
        messages.success(request, _("%(name)s is checked in.") % {"name": registration.user.name})
    url = reverse("registrations:check_in", kwargs={"sprint_slug": site.sprint.slug, "slug": site.slug})
    # After a check-in the search starts afresh for the next person; otherwise the list stays as it was.
    keep_query = query and (error or undo)
    return redirect(f"{url}?{urlencode({'q': query})}" if keep_query else url)


@login_required
@require_POST
def check_in_by_code(request, sprint_slug, slug):
    """Check in the person whose QR code the scanner read (or whose short code was typed).

    Answers the scan's result (and the count) for HTMX, else goes back to the check-in page with a message.
    """
    site = site_selectors.get_site_for_user(request.user, sprint_slug, slug, perm="localsites.check_in")
    form = CheckInCodeForm(request.POST)
    scan, error = None, ""
    if form.is_valid():
        try:
            scan = attendance.site_check_in_by_code(site=site, code=form.cleaned_data["code"], actor=request.user)
        except ServiceError as exc:
            error = exc.text
    else:
        error = " ".join(form.errors.get("code", [])) or _("Type or scan a code.")
    if request.htmx:
        return render(
            request,
            "registrations/check_in.html#scan-response",
            {
                "site": site,
                "scan": scan,
                "scan_error": error,
                "counts": selectors.site_people_counts(site),
                "query": "",
                "candidates": selectors.check_in_candidates(site),
                "check_in_open": check_in_is_open(site, now=timezone.now()),
            },
        )  # 200 with a refusal in it too: htmx swaps in 2xx answers only
    if error:
        messages.error(request, error)
    elif scan.already_checked_in:
        messages.info(request, _scan_text(scan))
    else:
        messages.success(request, _scan_text(scan))
    return redirect("registrations:check_in", sprint_slug=site.sprint.slug, slug=site.slug)


def _scan_text(scan: attendance.CodeCheckIn) -> str:
    registration = scan.registration
    if not scan.already_checked_in:
        return _("%(name)s is checked in.") % {"name": registration.user.name}
    when = format_local(registration.checked_in_at, "time", zone=registration.site.zone)
    return _("%(name)s was already checked in at %(time)s.") % {"name": registration.user.name, "time": when}
