"""Pages of this app; thin: validate, call a service or selector, render."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def my_sprints(request):
    return render(request, "registrations/my_sprints.html", {"registrations": request.user.registrations.select_related("sprint", "site")})
