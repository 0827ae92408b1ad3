"""The organiser home, "Sprints I run": each sprint a person runs with the work waiting in it."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from sprintlab.registrations.selectors_organising import OFFER_EXPIRY_WARNING, organiser_home


@login_required
def organising(request):
    if not request.user.has_perm("sprints.view_organiser_home"):
        raise PermissionDenied
    return render(
        request,
        "registrations/organising.html",
        {
            "home": organiser_home(request.user),
            "can_create": request.user.has_perm("sprints.create_sprint"),
            "offer_warning_hours": int(OFFER_EXPIRY_WARNING.total_seconds() // 3600),
        },
    )
