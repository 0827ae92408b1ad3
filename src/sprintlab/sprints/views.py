"""Public sprint pages: the list with its tabs and one sprint's page."""

from types import SimpleNamespace

import rules
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from sprintlab.core.cache import cache_anonymous_page, shared_fragment
from sprintlab.registrations.display import register_action
from sprintlab.registrations.selectors import (
    approved_sites,
    registration_of_user,
    shown_sprint_seats,
    sprint_public_stats,
    with_registered_count,
    with_seats,
)
from sprintlab.sprints.display import PHASE_BADGES, timeline_rows
from sprintlab.sprints.models import Phase, ResearchArea
from sprintlab.sprints.permissions import shows_organiser_home
from sprintlab.sprints.selectors import (
    WHEN_CHOICES,
    drafts_visible_to,
    load_content,
    published_sprints,
    sprint_for_viewer,
)

SPRINTS_PER_PAGE = 24
DRAFTS_ON_LIST = 12
# The sprint page lists this many sites; the sites page lists them all.
SITES_ON_SPRINT_PAGE = 24
TAB_LABELS = {"upcoming": _("Upcoming"), "running": _("Running now"), "past": _("Past")}


@cache_anonymous_page(seconds=5)
def sprint_list(request):
    when = request.GET.get("when", "upcoming")
    when = when if when in WHEN_CHOICES else "upcoming"
    area = request.GET.get("area", "")
    area = area if area in ResearchArea.values else ""

    def shared() -> dict:
        now = timezone.now()
        page = Paginator(
            with_registered_count(published_sprints(when=when, area=area, now=now)), SPRINTS_PER_PAGE
        ).get_page(request.GET.get("page"))
        return {
            # The pagination links keep the query; nothing else of the request may reach shared HTML.
            "request": SimpleNamespace(GET=request.GET),
            "when": when,
            "area": area,
            "areas": ResearchArea.choices,
            "tabs": [(key, TAB_LABELS[key]) for key in WHEN_CHOICES],
            "page": page,
            "cards": [_card(sprint, now) for sprint in page.object_list],
        }

    return render(
        request,
        "sprints/sprint_list.html",
        {
            # Tabs, cards and pages: the same for everyone who asks for the same query (shared_fragment).
            "shared_html": shared_fragment("sprints/sprint_list.html#shared", request.get_full_path(), context=shared),
            # The rule itself: ``user.has_perm`` would also load Django's model permissions (two queries).
            "can_create": rules.has_perm("sprints.create_sprint", request.user),
            # Only people who run a sprint (or staff) can see drafts: nobody else pays for the query.
            "drafts": list(drafts_visible_to(request.user)[:DRAFTS_ON_LIST])
            if shows_organiser_home(request.user)
            else [],
        },
    )


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
    sprint = sprint_for_viewer(slug, request.user, content=False)
    now = timezone.now()
    registration = registration_of_user(sprint, request.user) if request.user.is_authenticated else None
    phase = sprint.phase_at(now)
    # The organiser tools need a role in some sprint, or staff: most viewers have neither, and
    # that answer is cached (shows_organiser_home), so they pay no query for the three rules.
    runs_sprints = shows_organiser_home(request.user)
    can_manage = runs_sprints and request.user.has_perm("sprints.change_sprint", sprint)

    def shared() -> dict:
        seats = shown_sprint_seats(sprint, now=now)
        load_content(sprint)
        return {
            "sprint": sprint,
            "phase": phase,
            "stats": sprint_public_stats(sprint),
            "partners": sprint.partners.all(),
            "tracks": sprint.tracks.all(),
            "prizes": sprint.prizes.all(),
            "sites": with_seats(approved_sites(sprint)[:SITES_ON_SPRINT_PAGE], seats_of=seats),
            "seats_shown": not seats.registration_closed,
            "timeline": timeline_rows(sprint, now),
        }

    return render(
        request,
        "sprints/sprint_detail.html",
        {
            "sprint": sprint,
            "phase": phase,
            "phase_label": Phase(phase).label,
            "phase_badge": PHASE_BADGES[phase],
            "cover_url": sprint.cover_image.url if sprint.cover_image else "",
            # Counts, content, timeline and sites: the same for everyone (sprint and its last change).
            "shared_html": shared_fragment(
                "sprints/sprint_detail.html#shared", sprint.pk, sprint.updated_at.isoformat(), context=shared
            ),
            # Seats are read only when the button depends on them (no live registration).
            "register": register_action(
                sprint, SimpleLazyObject(lambda: shown_sprint_seats(sprint, now=now)), registration, now
            ),
            "next_step": sprint.next_step(now),
            "can_manage": can_manage,
            "can_clone": can_manage and request.user.has_perm("sprints.clone_sprint", sprint),
            "can_view_registrations": runs_sprints and request.user.has_perm("sprints.view_registrations", sprint),
        },
    )
