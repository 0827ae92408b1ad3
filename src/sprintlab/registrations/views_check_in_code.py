"""A participant's check-in code: the page to show at the door, and its QR code as an SVG image."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import cache_control

from sprintlab.core.errors import PermissionDeniedError
from sprintlab.registrations import check_in_codes, selectors
from sprintlab.registrations.permissions import check_in_code_refusal


@login_required
def check_in_code(request, pk):
    """The QR code large enough to scan from a phone held up at the door, with the short code under it."""
    registration, refusal = _own_registration(request, pk)
    context = {"registration": registration, "sprint": registration.sprint, "site": registration.site}
    if refusal is None:
        context["short_code"] = check_in_codes.short_code(registration.pk)
    else:
        context["refusal"] = refusal.text
    return render(
        request,
        "registrations/check_in_code.html",
        context,
        status=200 if refusal is None else refusal.status_code,
    )


# The code never changes, but it is personal: browsers may keep it, shared caches may not.
@cache_control(private=True, max_age=3600)
@login_required
def check_in_code_svg(request, pk):
    registration, refusal = _own_registration(request, pk)
    if refusal is not None:
        raise Http404
    return HttpResponse(check_in_codes.qr_svg(registration.pk), content_type="image/svg+xml")


def _own_registration(request, pk):
    """The viewer's own registration and why it has no code now (None when it has one).

    Anyone else's registration answers 404, as a missing one does.
    """
    registration = selectors.get_registration_for_user(registration_id=pk, user=request.user)
    refusal = check_in_code_refusal(request.user, registration, now=timezone.now())
    if isinstance(refusal, PermissionDeniedError):
        raise Http404
    return registration, refusal
