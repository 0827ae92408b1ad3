"""The site organiser's dashboard and its CSV export.

Messages to attendees and check-in write registrations, so their pages live in the registrations
app (``registrations.views_attendance``), at URLs under the site's.
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _

from sprintlab.core.csv_export import csv_download
from sprintlab.localsites import selectors
from sprintlab.localsites.forms import SiteMessageForm
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
