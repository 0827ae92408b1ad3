"""Reads shared by the sprint pages and the API (counts of registrations: ``registrations.selectors``)."""

from datetime import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, prefetch_related_objects
from django.http import Http404
from django.utils import timezone

from sprintlab.accounts.ratelimits import email_lookups_charge
from sprintlab.core.precompiled import PrecompiledQuery
from sprintlab.sprints.models import Partner, Sprint, SprintMembership, SprintRole, Track

WHEN_CHOICES = ("upcoming", "running", "past")
# A search is at most this long (the page's box and the API refuse more) and uses its first few words.
SEARCH_MAX_LENGTH = 100
SEARCH_MAX_WORDS = 8


def search_words(query: str) -> list[str]:
    """The words of a search, in order, without repeats: at most ``SEARCH_MAX_WORDS``."""
    words = dict.fromkeys(query.casefold().split())
    return list(words)[:SEARCH_MAX_WORDS]


def matching_sprints(sprints: QuerySet[Sprint], query: str) -> QuerySet[Sprint]:
    """``sprints`` whose title, tagline, a track's name or a co-host's name contains every word of ``query``.

    Tracks and co-hosts are matched with EXISTS, so a sprint comes once however many of them match,
    and the search adds no query to the page.
    """
    for word in search_words(query):
        tracks = Track.objects.filter(sprint=OuterRef("pk"), name__icontains=word)
        partners = Sprint.partners.through.objects.filter(sprint=OuterRef("pk"), partner__name__icontains=word)
        sprints = sprints.filter(
            Q(title__icontains=word) | Q(tagline__icontains=word) | Exists(tracks) | Exists(partners)
        )
    return sprints


def published_sprints(
    *, when: str = "upcoming", area: str = "", query: str = "", now: datetime | None = None
) -> QuerySet[Sprint]:
    """Published sprints in one tab (pages add ``registrations.selectors.with_registered_count``).

    upcoming: kickoff in the future (soonest first); running: kickoff ≤ now < submission deadline;
    past: after the submission deadline (latest first). ``query`` narrows them with ``matching_sprints``.
    """
    now = now or timezone.now()
    sprints = Sprint.objects.filter(is_published=True)
    if area:
        sprints = sprints.filter(research_area=area)
    if query:
        sprints = matching_sprints(sprints, query)
    if when == "running":
        return sprints.filter(kickoff_at__lte=now, submission_deadline_at__gt=now).order_by(
            "submission_deadline_at", "id"
        )
    if when == "past":
        return sprints.filter(submission_deadline_at__lte=now).order_by("-kickoff_at", "-id")
    return sprints.filter(kickoff_at__gt=now).order_by("kickoff_at", "id")


def drafts_visible_to(user) -> QuerySet[Sprint]:
    """Unpublished sprints ``user`` may open: all of them for staff, else those they organise or co-host."""
    if not user.is_authenticated:
        return Sprint.objects.none()
    drafts = Sprint.objects.filter(is_published=False).order_by("kickoff_at", "id")
    if user.is_staff:
        return drafts
    # Mentors of a draft do not open it before it is published.
    running = (SprintRole.ORGANISER, SprintRole.COHOST)
    return drafts.filter(memberships__user=user, memberships__role__in=running).distinct()


def sprints_run_by(user) -> QuerySet[Sprint]:
    """Sprints ``user`` organises or co-hosts, latest kickoff first, each annotated with ``organises``
    (True for an organiser, False for a partner co-host only): one query, whatever their number."""
    if not user.is_authenticated:
        return Sprint.objects.none()
    # Mentors, judges and info-hazard reviewers help in a sprint but do not run it: their roles open their own pages.
    memberships = SprintMembership.objects.filter(user=user, role__in=(SprintRole.ORGANISER, SprintRole.COHOST))
    organiser_role = memberships.filter(sprint=OuterRef("pk"), role=SprintRole.ORGANISER)
    return (
        Sprint.objects.filter(pk__in=memberships.values("sprint_id"))
        .annotate(organises=Exists(organiser_role))
        .order_by("-kickoff_at", "-id")
    )


def _partners_by_name() -> Prefetch:
    return Prefetch("partners", queryset=Partner.objects.order_by("name"))


def _content_prefetches() -> tuple:
    return (_partners_by_name(), "tracks", "prizes")


def with_partners(sprints: QuerySet[Sprint]) -> QuerySet[Sprint]:
    """``sprints`` with their co-hosts by name: one more query, whatever their number."""
    return sprints.prefetch_related(_partners_by_name())


def sprint_with_content(queryset: QuerySet[Sprint] | None = None) -> QuerySet[Sprint]:
    """Sprints with their partners, tracks and prizes prefetched: three queries, whatever their number."""
    queryset = queryset if queryset is not None else Sprint.objects.all()
    return queryset.prefetch_related(*_content_prefetches())


def load_content(sprint: Sprint) -> Sprint:
    """Prefetch the partners, tracks and prizes of a sprint loaded without them (three queries)."""
    prefetch_related_objects([sprint], *_content_prefetches())
    return sprint


# A sprint by its slug: read on every sprint page and every registration through the API.
SPRINT_BY_SLUG = PrecompiledQuery(lambda slug: Sprint.objects.filter(slug=slug)[:1], slug="\x00sprint-slug")


def sprint_by_slug(slug: str) -> Sprint | None:
    return SPRINT_BY_SLUG.first(slug=slug)


def sprint_for_viewer(slug: str, user, *, with_content: bool = False) -> Sprint:
    """The sprint called ``slug``, or 404 when it is missing or a draft ``user`` may not see.

    The one "sprint visible or 404" of pages and the API alike. A draft answers exactly like a
    missing sprint, so that its existence does not leak. ``with_content`` prefetches partners,
    tracks and prizes for the sprint's own page.
    """
    sprint = sprint_with_content().filter(slug=slug).first() if with_content else sprint_by_slug(slug)
    if sprint is None or not (sprint.is_published or user.has_perm("sprints.view_sprint", sprint)):
        raise Http404("No such sprint.")
    return sprint


def sprint_for_manager(slug: str, user, perm: str) -> Sprint:
    """The sprint called ``slug`` when ``user`` holds ``perm`` on it.

    Raises 404 when it is missing or a draft the user may not see (no leak), 403 when the user can see
    the sprint but not do this.
    """
    sprint = Sprint.objects.filter(slug=slug).first()
    if sprint is None:
        raise Http404("No such sprint.")
    if not user.has_perm(perm, sprint):
        if sprint.is_published or user.has_perm("sprints.view_sprint", sprint):
            raise PermissionDenied
        raise Http404("No such sprint.")
    return sprint


def team_memberships(sprint: Sprint) -> QuerySet[SprintMembership]:
    """The sprint's organisers, then its partner co-hosts, each with their person and organisation."""
    return (
        SprintMembership.objects.filter(sprint=sprint)
        .select_related("user", "partner")
        .order_by("-role", "user__display_name", "user__email")
    )


def account_by_email(email: str, *, looked_up_by):
    """The account that signs in with ``email`` (addresses are stored lower-case), or None.

    Each different address counts against ``looked_up_by``'s hourly budget (``TooManyRequests`` past
    it): the answer tells whether an address has an account, so nobody may ask it in bulk.
    """
    email_lookups_charge(user=looked_up_by, emails=[email])
    return get_user_model().objects.filter(email__iexact=email.strip()).first()
