"""The organisers' registrations table of one sprint, with filters, counts and a CSV export."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

from sprintlab.core.csv_export import csv_download
from sprintlab.localsites.selectors import sprint_sites_for_filter
from sprintlab.registrations.display import EXPERIENCE_SHORT
from sprintlab.registrations.export import registration_header, registration_rows
from sprintlab.registrations.forms import RegistrationFilterForm
from sprintlab.registrations.models import RegistrationStatus
from sprintlab.registrations.selectors import registration_status_counts, registrations_for_organisers
from sprintlab.sprints.selectors import sprint_for_manager

REGISTRATIONS_PER_PAGE = 50


@login_required
def sprint_registrations_view(request, slug):
    sprint = sprint_for_manager(slug, request.user, "sprints.view_registrations")
    form = RegistrationFilterForm(request.GET or None, sites=sprint_sites_for_filter(sprint))
    filters = form.filters()
    registrations = registrations_for_organisers(sprint, filters)
    if request.GET.get("format") == "csv":
        stamp = timezone.now().strftime("%Y%m%d-%H%M")
        return csv_download(
            filename=f"{sprint.slug}-registrations-{stamp}.csv",
            header=registration_header(),
            rows=registration_rows(registrations),
        )
    page = Paginator(registrations, REGISTRATIONS_PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    for registration in page.object_list:
        registration.experience_short = EXPERIENCE_SHORT.get(
            registration.experience_level, registration.experience_level
        )
    counts = registration_status_counts(sprint)
    return render(
        request,
        "sprints/sprint_registrations.html",
        {
            "sprint": sprint,
            "form": form,
            "filters": filters,
            "page": page,
            "status_counts": [(value, label, counts.get(value, 0)) for value, label in RegistrationStatus.choices],
            "total": sum(counts.values()),
            "can_manage": request.user.has_perm("sprints.manage_registrations", sprint),
        },
    )
