"""The site organiser's pages: dashboard, CSV export, messages to attendees and check-in on the day."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sprintlab.core.csv_export import csv_download
from sprintlab.core.errors import ServiceError
from sprintlab.core.forms import add_service_error
from sprintlab.localsites import selectors
from sprintlab.localsites.forms import SiteMessageForm
from sprintlab.registrations import attendance
from sprintlab.registrations import selectors as registration_selectors


@login_required
def site_dashboard(request, sprint_slug, slug, message_form=None):
    site = selectors.get_site_for_user(request.user, sprint_slug, slug, perm="localsites.manage_site")
    return render(
        request,
        "localsites/dashboard.html",
        {
            "site": site,
            "sprint": site.sprint,
            "counts": registration_selectors.site_people_counts(site),
            # What is still free here whether or not registration is open (admissions may fill it).
            "seats_left": registration_selectors.sprint_seats(site.sprint).free_at(site),
            "attendees": registration_selectors.site_attendees(site),
            "waitlist": registration_selectors.site_waitlist(site),
            "message_form": message_form or SiteMessageForm(),
            "past_messages": site.messages.select_related("author")[:20],
            "can_message": request.user.has_perm("localsites.message_attendees", site),
            "can_export": request.user.has_perm("localsites.export_attendees", site),
            "can_check_in": request.user.has_perm("localsites.check_in", site),
        },
        status=400 if message_form is not None else 200,
    )


@login_required
@require_POST
def site_message(request, sprint_slug, slug):
    site = selectors.get_site_for_user(request.user, sprint_slug, slug, perm="localsites.message_attendees")
    form = SiteMessageForm(request.POST)
    if form.is_valid():
        try:
            message = attendance.site_message_send(
                site=site,
                acting_user=request.user,
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
def site_attendees_csv(request, sprint_slug, slug):
    site = selectors.get_site_for_user(request.user, sprint_slug, slug, perm="localsites.export_attendees")
    header = [
        _("Name"),
        _("Email"),
        _("Status"),
        _("Registered (UTC)"),
        _("Checked in (UTC)"),
        _("Experience level"),
        _("First sprint"),
    ]
    rows = (
        (
            registration.user.name,
            registration.user.email,
            registration.get_status_display(),
            registration.created_at.isoformat(timespec="seconds"),
            registration.checked_in_at.isoformat(timespec="seconds") if registration.checked_in_at else "",
            registration.get_experience_level_display(),
            _("yes") if registration.first_sprint else _("no"),
        )
        for registration in registration_selectors.site_registrations(site).order_by("status", "created_at")
    )
    return csv_download(filename=f"{site.sprint.slug}-{site.slug}-attendees.csv", header=header, rows=rows)


@login_required
def check_in(request, sprint_slug, slug):
    site = selectors.get_site_for_user(request.user, sprint_slug, slug, perm="localsites.check_in")
    query = request.GET.get("q", "").strip()[:100]
    context = {
        "site": site,
        "sprint": site.sprint,
        "query": query,
        "candidates": registration_selectors.check_in_candidates(site, query=query),
        "counts": registration_selectors.site_people_counts(site),
    }
    if request.htmx and request.htmx.target == "check-in-results":
        return render(request, "localsites/check_in.html#check-in-results", context)
    return render(request, "localsites/check_in.html", context)


@login_required
@require_POST
def check_in_attendee(request, sprint_slug, slug, registration_id):
    """Check one attendee in (or undo it); answers the row for HTMX, else goes back to the list."""
    site = selectors.get_site_for_user(request.user, sprint_slug, slug, perm="localsites.check_in")
    registration = registration_selectors.get_site_registration(site, registration_id)
    undo = request.POST.get("action") == "undo"
    service = attendance.site_check_in_undo if undo else attendance.site_check_in
    error = ""
    try:
        registration = service(registration=registration, acting_user=request.user)
    except ServiceError as exc:
        error = " ".join(exc.messages)
    query = request.POST.get("q", "").strip()[:100]
    if request.htmx:
        return render(
            request,
            "localsites/check_in.html#check-in-response",
            {
                "site": site,
                "registration": registration,
                "query": query,
                "error": error,
                "counts": registration_selectors.site_people_counts(site),
                "clear_search": not (error or undo),
            },
        )
    if error:
        messages.error(request, error)
    elif undo:
        messages.info(request, _("Check-in of %(name)s undone.") % {"name": registration.user.name})
    else:
        messages.success(request, _("%(name)s is checked in.") % {"name": registration.user.name})
    url = reverse("localsites:check_in", kwargs={"sprint_slug": site.sprint.slug, "slug": site.slug})
    # After a check-in the search starts afresh for the next person; otherwise the list stays as it was.
    keep_query = query and (error or undo)
    return redirect(f"{url}?{urlencode({'q': query})}" if keep_query else url)
