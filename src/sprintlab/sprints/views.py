"""Public sprint pages: the list with its tabs and one sprint's page."""

import functools
from types import SimpleNamespace

import rules
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _
from django.views.decorators.vary import vary_on_headers

from sprintlab.core.cache import cache_anonymous_page, shared_fragment
from sprintlab.judging import selectors as judging_selectors
from sprintlab.library import selectors as library_selectors
from sprintlab.library.permissions import holds_hazard_reviewer_role
from sprintlab.localsites.display import site_points
from sprintlab.localsites.permissions import takes_site_applications
from sprintlab.localsites.selectors import public_site_points
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
    SEARCH_MAX_LENGTH,
    WHEN_CHOICES,
    drafts_visible_to,
    load_content,
    published_sprints,
    sprint_for_viewer,
    with_partners,
)
from sprintlab.teams.permissions import teams_are_forming
from sprintlab.teams.selectors import live_team_count

# Twelve cards fill four rows on a wide screen; the demo's past sprints then take two pages.
SPRINTS_PER_PAGE = 12
DRAFTS_ON_LIST = 12
# The sprint page lists this many sites; the sites page lists them all.
SITES_ON_SPRINT_PAGE = 24
TAB_LABELS = {"upcoming": _("Upcoming"), "running": _("Running now"), "past": _("Past")}
# The search box and the area menu ask for this part of the page when htmx is there (sprint_list.html).
RESULTS_TARGET = "sprint-results"

# Before kickoff there is nothing to submit yet.
SUBMISSIONS_NOT_YET = frozenset({Phase.DRAFT, Phase.ANNOUNCED, Phase.REGISTRATION})
JUDGING_NOT_YET = SUBMISSIONS_NOT_YET | {Phase.RUNNING}


@cache_anonymous_page(seconds=5)
@vary_on_headers("HX-Request")
def sprint_list(request):
    when = request.GET.get("when", "upcoming")
    when = when if when in WHEN_CHOICES else "upcoming"
    area = request.GET.get("area", "")
    area = area if area in ResearchArea.values else ""
    # A longer search is cut rather than refused: the box itself stops at this length.
    query = " ".join(request.GET.get("q", "").split())[:SEARCH_MAX_LENGTH]
    # The search box and the area menu ask for the results alone (with the status line out of band).
    partial = bool(request.htmx and request.htmx.target == RESULTS_TARGET and not request.htmx.history_restore_request)

    def shared() -> dict:
        now = timezone.now()
        sprints = with_partners(with_registered_count(published_sprints(when=when, area=area, query=query, now=now)))
        page = Paginator(sprints, SPRINTS_PER_PAGE).get_page(request.GET.get("page"))
        return {
            # The tab and pagination links keep the query; nothing else of the request may reach shared HTML.
            "request": SimpleNamespace(GET=request.GET),
            "when": when,
            "area": area,
            "query": query,
            "tabs": [(key, TAB_LABELS[key]) for key in WHEN_CHOICES],
            "tab_label": TAB_LABELS[when],
            "page": page,
            "cards": [_card(sprint, now) for sprint in page.object_list],
            "partial": partial,
        }

    # Status line, tabs, cards and pages: the same for everyone who asks for the same query (the
    # full path: tab, search, area, page and whatever else the links carry on), whole page or htmx part.
    results_html = shared_fragment("sprints/sprint_list.html#results", request.get_full_path(), partial, context=shared)
    if partial:
        return HttpResponse(results_html)
    return render(
        request,
        "sprints/sprint_list.html",
        {
            "when": when,
            "area": area,
            "query": query,
            "query_max_length": SEARCH_MAX_LENGTH,
            "areas": ResearchArea.choices,
            "results_html": results_html,
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


def _results_links(sprint, user, registration, phase) -> dict:
    """The results page once released; the viewer's certificate (and feedback) when they took part."""
    if phase in JUDGING_NOT_YET or not library_selectors.results_released(sprint):
        return {"results_url": "", "certificate_url": "", "feedback_url": ""}
    took_part = library_selectors.participation(user, sprint) if registration is not None else None
    submission = took_part.submission if took_part is not None else None
    return {
        "results_url": reverse("library:results", kwargs={"slug": sprint.slug}),
        "certificate_url": reverse("library:certificate", kwargs={"slug": sprint.slug}) if took_part else "",
        "feedback_url": reverse("library:feedback", kwargs={"pk": submission.pk}) if submission else "",
    }


@cache_anonymous_page(seconds=5)
def sprint_detail(request, slug):
    # The content is loaded only when the shared part is rendered (load_content).
    sprint = sprint_for_viewer(slug, request.user)
    now = timezone.now()
    registration = registration_of_user(sprint, request.user) if request.user.is_authenticated else None
    phase = sprint.phase_at(now)
    # The organiser tools need a role in some sprint, or staff: most viewers have neither, and
    # that answer is cached (shows_organiser_home), so they pay no query for the three rules.
    runs_sprints = shows_organiser_home(request.user)
    can_manage = runs_sprints and request.user.has_perm("sprints.change_sprint", sprint)

    # "Host a site": the sites app's own rule, so the link and the application form agree. It
    # depends on the sprint and the time only, never on the viewer, so it may be in the shared part;
    # it is part of that part's key, as is the phase, so that neither is stale at a deadline.
    can_apply_to_host = takes_site_applications(sprint, now=now)
    # Likewise whether teams still form: the teams line offers "create a team" to everyone then
    # (the form says who may); how many formed is read with the shared part.
    teams_forming = teams_are_forming(sprint, now=now)

    @functools.cache  # one rendering of the page may need it for both shared parts
    def shared() -> dict:
        seats = shown_sprint_seats(sprint, now=now)
        load_content(sprint)
        stats = sprint_public_stats(sprint)
        return {
            "sprint": sprint,
            "phase": phase,
            "stats": stats,
            "partners": sprint.partners.all(),
            "tracks": sprint.tracks.all(),
            "prizes": sprint.prizes.all(),
            "sites": with_seats(approved_sites(sprint)[:SITES_ON_SPRINT_PAGE], seats_of=seats),
            # Every approved site, also those past the list's first ones; no query when there are none.
            "sites_map": site_points(public_site_points(sprint)) if stats.approved_sites else None,
            "seats_shown": not seats.registration_closed,
            "timeline": timeline_rows(sprint, now),
            "can_apply_to_host": can_apply_to_host,
            "teams_formed": live_team_count(sprint) if sprint.is_published else None,
            "teams_forming": teams_forming,
        }

    # The same for everyone: the sprint, its last change, its phase and whether it takes offers of sites.
    vary_on = (sprint.pk, sprint.updated_at.isoformat(), phase, can_apply_to_host, teams_forming)

    return render(
        request,
        "sprints/sprint_detail.html",
        {
            "sprint": sprint,
            "phase": phase,
            "phase_label": Phase(phase).label,
            "phase_badge": PHASE_BADGES[phase],
            "cover_url": sprint.cover_image.url if sprint.cover_image else "",
            # Mentor help (its own app, above this one): its pages decide who may do what there.
            "mentors_url": reverse("mentoring:mentors", kwargs={"slug": sprint.slug}),
            "mentor_overview_url": reverse("mentoring:overview", kwargs={"slug": sprint.slug}) if can_manage else "",
            # Judging (its own app, above this one): the organisers' pages, and a judge's queue once
            # submissions close (asked only then: the page's other phases make no judging query).
            "judging_url": reverse("judging:overview", kwargs={"slug": sprint.slug}) if can_manage else "",
            "judge_queue_url": reverse("judging:queue", kwargs={"slug": sprint.slug})
            if phase not in JUDGING_NOT_YET and judging_selectors.has_judging_queue(request.user, sprint)
            else "",
            # The info-hazard review (the library, above this one) for the sprint's reviewers once
            # submissions close; organisers reach it from the results page.
            "hazard_review_url": reverse("library:hazard_queue", kwargs={"slug": sprint.slug})
            if phase not in JUDGING_NOT_YET and not can_manage and holds_hazard_reviewer_role(request.user, sprint)
            else "",
            # Submissions (their own app, above this one): the team's page from kickoff on, for people
            # in the sprint; the list for its organisers. Those pages decide who may do what there.
            "submissions_list_url": reverse("submissions:list", kwargs={"slug": sprint.slug}) if can_manage else "",
            "submit_url": reverse("submissions:mine", kwargs={"slug": sprint.slug})
            if registration is not None and registration.is_active and phase not in SUBMISSIONS_NOT_YET
            else "",
            # The announcements a participant received (their own app's list decides what each sees):
            # anyone who registered, whatever became of it, and the organisers who write them.
            "announcements_url": (
                reverse("announcements:list", kwargs={"slug": sprint.slug})
                if registration is not None or can_manage
                else ""
            ),
            # Where (remote, how many sites) in the hero; counts, content, timeline, sites and map below.
            "where_html": shared_fragment("sprints/_sprint_where.html", *vary_on, context=shared),
            "shared_html": shared_fragment("sprints/sprint_detail.html#shared", *vary_on, context=shared),
            # Seats are read only when the button depends on them (no live registration).
            "register": register_action(
                sprint, SimpleLazyObject(lambda: shown_sprint_seats(sprint, now=now)), registration, now
            ),
            "next_step": sprint.next_step(now),
            "can_manage": can_manage,
            "can_clone": can_manage and request.user.has_perm("sprints.clone_sprint", sprint),
            "can_view_registrations": runs_sprints and request.user.has_perm("sprints.view_registrations", sprint),
            # The programme's pages (schedule, resources) are as public as this one; the agenda is for
            # people with a live registration, known here without another query.
            "shows_agenda": registration is not None and registration.is_active,
            # Results and certificates (the library, above this app), asked only once submissions closed.
            **_results_links(sprint, request.user, registration, phase),
        },
    )
