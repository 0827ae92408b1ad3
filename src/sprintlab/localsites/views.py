"""Public site pages and the application workflow; thin: validate, call a service or selector, render.

The organiser's dashboard lives in ``dashboard_views.py``; check-in and messages to attendees in
``registrations.views_attendance``.
"""

import zoneinfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sprintlab.core.cache import cache_anonymous_page, shared_fragment
from sprintlab.core.errors import ServiceError
from sprintlab.core.forms import add_service_error
from sprintlab.core.geography import Region
from sprintlab.localsites import selectors, services
from sprintlab.localsites.display import site_map
from sprintlab.localsites.forms import DecisionForm, ReviewFilterForm, SiteApplicationForm
from sprintlab.localsites.models import LocalSite
from sprintlab.localsites.permissions import apply_refusal, may_withdraw_site, takes_site_applications
from sprintlab.registrations.permissions import takes_registrations
from sprintlab.registrations.selectors import shown_sprint_seats, site_ids_with_people, sprint_seats, with_seats
from sprintlab.sprints.models import Sprint
from sprintlab.sprints.permissions import shows_organiser_home
from sprintlab.sprints.selectors import sprint_for_viewer


def register_url(site: LocalSite) -> str:
    """The registration page with ``site`` preselected."""
    return reverse("registrations:register", kwargs={"slug": site.sprint.slug}) + f"?site={site.pk}"


@cache_anonymous_page(seconds=10)
def site_list(request, sprint_slug):
    sprint = sprint_for_viewer(sprint_slug, request.user)
    country = request.GET.get("country", "").strip()[:2]
    region = request.GET.get("region", "")
    region = region if region in Region.values else ""
    query = request.GET.get("q", "").strip()[:100]
    # The same for every viewer (the form asks visitors to sign in), and part of the shared key.
    can_apply = takes_site_applications(sprint, now=timezone.now())

    def shared() -> dict:
        seats = shown_sprint_seats(sprint)
        sites = with_seats(selectors.public_sites(sprint, country=country, region=region, query=query), seats_of=seats)
        filtered = bool(country or region or query)
        return {
            "sprint": sprint,
            "regions": selectors.group_by_region(sites),
            "site_count": len(sites),
            "countries": selectors.public_site_countries(sprint),
            "region_choices": [(key, label) for key, label in Region.choices if key != Region.OTHER],
            "country": country.upper(),
            "region": region,
            "query": query,
            "filtered": filtered,
            "map": site_map(sites),
            "seats_shown": not seats.registration_closed,
            "can_apply": can_apply,
        }

    return render(
        request,
        "localsites/site_list.html",
        {
            "sprint": sprint,
            # The list with its seats is the same for everyone who filters alike (shared_fragment).
            "shared_html": shared_fragment(
                "localsites/site_list.html#shared",
                sprint.pk,
                sprint.updated_at.isoformat(),
                country,
                region,
                query,
                can_apply,
                context=shared,
            ),
            # Reviewing needs a role in some sprint, or staff: most viewers have neither (cached).
            "can_review": shows_organiser_home(request.user)
            and request.user.has_perm("sprints.review_site_applications", sprint),
        },
    )


def site_detail(request, sprint_slug, slug):
    site = selectors.get_site_for_user(request.user, sprint_slug, slug)
    seats = sprint_seats(site.sprint)
    with_seats([site], seats_of=seats)
    viewer_zone = timezone.get_current_timezone()
    return render(
        request,
        "localsites/site_detail.html",
        {
            "site": site,
            "sprint": site.sprint,
            "seats_shown": site.is_approved and not seats.registration_closed,
            "seats_left": site.seats_left,
            "organisers": [link.user for link in site.organiser_links.all()],
            "register_url": register_url(site)
            if site.is_approved and takes_registrations(site.sprint, now=timezone.now())
            else "",
            "viewer_zone_differs": str(viewer_zone) != site.timezone,
            "can_manage": request.user.has_perm("localsites.manage_site", site),
            "can_review": request.user.has_perm("sprints.review_site_applications", site.sprint),
            "can_edit": request.user.has_perm("localsites.edit_application", site),
        },
    )


def _timezone_names() -> list[str]:
    return sorted(zoneinfo.available_timezones())


@login_required
def site_apply(request, sprint_slug):
    sprint = sprint_for_viewer(sprint_slug, request.user)
    if not request.user.has_perm("localsites.apply", sprint):
        raise Http404
    refusal = apply_refusal(request.user, sprint, now=timezone.now())
    if refusal is not None:
        messages.error(request, " ".join(refusal.messages))
        return redirect("localsites:list", sprint_slug=sprint.slug)
    user = request.user
    initial = {
        "contact_name": user.name,
        "contact_email": user.email,
        "timezone": user.timezone,
        "city": user.city,
        "country": str(user.country or ""),
    }
    form = SiteApplicationForm(request.POST or None, sprint=sprint, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            site = services.site_application_submit(sprint=sprint, actor=user, data=form.to_data())
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Thank you! The organisers will review your application and email you."))
            return redirect(site.get_absolute_url())
    return render(
        request,
        "localsites/site_apply.html",
        {
            "sprint": sprint,
            "form": form,
            "timezones": _timezone_names(),
            "editing": None,
        },
    )


@login_required
def application_edit(request, sprint_slug, slug):
    site = selectors.get_site_for_user(request.user, sprint_slug, slug)
    if not request.user.has_perm("localsites.edit_application", site):
        raise PermissionDenied
    current = services.SiteApplicationData.from_site(site)
    form = SiteApplicationForm(
        request.POST or None, sprint=site.sprint, initial=SiteApplicationForm.initial_from(current)
    )
    if request.method == "POST" and form.is_valid():
        try:
            site = services.site_application_update(site=site, actor=request.user, data=form.to_data())
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Your changes are saved and the application is back with the organisers."))
            return redirect("localsites:mine")
    return render(
        request,
        "localsites/site_apply.html",
        {
            "sprint": site.sprint,
            "form": form,
            "timezones": _timezone_names(),
            "editing": site,
        },
    )


@login_required
@require_POST
def application_withdraw(request, sprint_slug, slug):
    site = selectors.get_site_for_user(request.user, sprint_slug, slug)
    try:
        services.site_application_withdraw(site=site, actor=request.user)
    except ServiceError as exc:
        messages.error(request, exc.text)
    else:
        messages.success(request, _("The site “%(site)s” is withdrawn.") % {"site": site.name})
    return redirect("localsites:mine")


@login_required
def my_sites(request):
    sites = with_seats(selectors.sites_of_user(request.user))
    with_people = site_ids_with_people(site.pk for site in sites)
    now = timezone.now()
    for site in sites:
        site.can_edit = request.user.has_perm("localsites.edit_application", site)
        # A site people registered at is not withdrawn from here (the registrations app refuses it too).
        site.can_withdraw = may_withdraw_site(request.user, site, now=now) and site.pk not in with_people
        site.can_manage = site.is_approved
    return render(request, "localsites/my_sites.html", {"sites": sites})


# --- Organisers review applications ------------------------------------------------------------


def _reviewable_sprint(request, sprint_slug) -> Sprint:
    sprint = sprint_for_viewer(sprint_slug, request.user)
    if not request.user.has_perm("sprints.review_site_applications", sprint):
        raise PermissionDenied
    return sprint


@login_required
def application_list(request, sprint_slug, bound_form=None, bound_site_id=None):
    sprint = _reviewable_sprint(request, sprint_slug)
    filters = ReviewFilterForm(request.GET or None)
    status = filters.cleaned_data["status"] if filters.is_valid() else ""
    applications = list(selectors.applications_for_sprint(sprint, status=status))
    for site in applications:
        site.decision_form = bound_form if site.pk == bound_site_id else DecisionForm()
    return render(
        request,
        "localsites/applications.html",
        {
            "sprint": sprint,
            "applications": applications,
            "filters": filters,
        },
        status=400 if bound_form is not None else 200,
    )


@login_required
@require_POST
def application_decide(request, sprint_slug, pk):
    sprint = _reviewable_sprint(request, sprint_slug)
    site = get_object_or_404(LocalSite, sprint=sprint, pk=pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        action, reason = form.cleaned_data["action"], form.cleaned_data["reason"]
        try:
            if action == "approve":
                services.site_application_approve(site=site, actor=request.user)
            elif action == "reject":
                services.site_application_reject(site=site, actor=request.user, reason=reason)
            else:
                services.site_application_request_changes(site=site, actor=request.user, message=reason)
        except ServiceError as exc:
            add_service_error(form, exc)
    if form.errors:
        form.open_action = request.POST.get("action", "")
    elif not request.htmx:
        messages.success(request, _("Decision saved; the applicant is told by email."))
    if not request.htmx:
        if form.errors:
            return application_list(request, sprint_slug, bound_form=form, bound_site_id=site.pk)
        return redirect("localsites:applications", sprint_slug=sprint.slug)
    site = selectors.applications_for_sprint(sprint).get(pk=site.pk)
    site.decision_form = form if form.errors else DecisionForm()
    site.just_decided = not form.errors
    return render(request, "localsites/applications.html#application-row", {"sprint": sprint, "site": site})
