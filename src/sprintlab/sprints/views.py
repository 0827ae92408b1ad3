"""Public sprint pages: the list with its tabs and one sprint's page."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.vary import vary_on_headers

from sprintlab.core.cache import cache_anonymous_page
from sprintlab.localsites.display import site_points
from sprintlab.localsites.permissions import takes_site_applications
from sprintlab.localsites.selectors import public_site_points
from sprintlab.registrations.display import register_action
from sprintlab.registrations.selectors import (
    approved_sites,
    registration_of_user,
    sprint_public_stats,
    sprint_seats,
    with_registered_count,
    with_seats,
)
from sprintlab.sprints.display import PHASE_BADGES, timeline_rows
from sprintlab.sprints.models import Phase, ResearchArea
from sprintlab.sprints.selectors import (
    SEARCH_MAX_LENGTH,
    WHEN_CHOICES,
    drafts_visible_to,
    published_sprints,
    sprint_for_viewer,
    with_partners,
)

# Twelve cards fill four rows on a wide screen; the demo's past sprints then take two pages.
SPRINTS_PER_PAGE = 12
DRAFTS_ON_LIST = 12
# The sprint page lists this many sites; the sites page lists them all.
SITES_ON_SPRINT_PAGE = 24
TAB_LABELS = {"upcoming": _("Upcoming"), "running": _("Running now"), "past": _("Past")}
# The search box and the area menu ask for this part of the page when htmx is there (sprint_list.html).
RESULTS_TARGET = "sprint-results"


@cache_anonymous_page(seconds=5)
@vary_on_headers("HX-Request")
def sprint_list(request):
    when = request.GET.get("when", "upcoming")
    when = when if when in WHEN_CHOICES else "upcoming"
    area = request.GET.get("area", "")
    area = area if area in ResearchArea.values else ""
    # A longer search is cut rather than refused: the box itself stops at this length.
    query = " ".join(request.GET.get("q", "").split())[:SEARCH_MAX_LENGTH]
    now = timezone.now()
    sprints = with_partners(with_registered_count(published_sprints(when=when, area=area, query=query, now=now)))
    page = Paginator(sprints, SPRINTS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "when": when,
        "area": area,
        "query": query,
        "query_max_length": SEARCH_MAX_LENGTH,
        "areas": ResearchArea.choices,
        "tabs": [(key, TAB_LABELS[key]) for key in WHEN_CHOICES],
        "tab_label": TAB_LABELS[when],
        "page": page,
        "cards": [_card(sprint, now) for sprint in page.object_list],
    }
    if request.htmx and request.htmx.target == RESULTS_TARGET and not request.htmx.history_restore_request:
        return render(request, "sprints/sprint_list.html#results", {**context, "partial": True})
    context.update(
        can_create=request.user.has_perm("sprints.create_sprint"),
        drafts=list(drafts_visible_to(request.user)[:DRAFTS_ON_LIST]) if request.user.is_authenticated else [],
    )
    return render(request, "sprints/sprint_list.html", context)


def _card(sprint, now) -> dict:
    phase = sprint.phase_at(now)
    return {
        "sprint": sprint,
        "phase_label": Phase(phase).label,
        "phase_badge": PHASE_BADGES[phase],
        "next_step": sprint.next_step(now),
    }


@cache_anonymous_page(seconds=5)
def sprint_detail(request, slug):
    sprint = sprint_for_viewer(slug, request.user, with_content=True)
    now = timezone.now()
    stats = sprint_public_stats(sprint)
    seats = sprint_seats(sprint, now=now)
    registration = registration_of_user(sprint, request.user) if request.user.is_authenticated else None
    phase = sprint.phase_at(now)
    can_manage = request.user.has_perm("sprints.change_sprint", sprint)
    return render(
        request,
        "sprints/sprint_detail.html",
        {
            "sprint": sprint,
            "phase": phase,
            "phase_label": Phase(phase).label,
            "phase_badge": PHASE_BADGES[phase],
            "cover_url": sprint.cover_image.url if sprint.cover_image else "",
            "partners": sprint.partners.all(),
            "tracks": sprint.tracks.all(),
            "prizes": sprint.prizes.all(),
            "stats": stats,
            "sites": with_seats(approved_sites(sprint)[:SITES_ON_SPRINT_PAGE], seats_of=seats),
            # Every approved site, also those past the list's first ones; no query when there are none.
            "sites_map": site_points(public_site_points(sprint)) if stats.approved_sites else None,
            "seats_shown": not seats.registration_closed,
            "register": register_action(sprint, seats, registration, now),
            "timeline": timeline_rows(sprint, now),
            "next_step": sprint.next_step(now),
            "can_manage": can_manage,
            "can_clone": can_manage and request.user.has_perm("sprints.clone_sprint", sprint),
            "can_view_registrations": request.user.has_perm("sprints.view_registrations", sprint),
            # "Host a site": the sites app's own rule, so the link and the application form agree.
            "can_apply_to_host": takes_site_applications(sprint, now=now),
        },
    )
