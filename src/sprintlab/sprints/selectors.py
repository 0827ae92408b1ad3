"""Reads shared by the sprint pages and the API (counts of registrations: ``registrations.selectors``)."""

from datetime import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Prefetch, QuerySet, prefetch_related_objects
from django.http import Http404
from django.utils import timezone

from sprintlab.accounts.ratelimits import email_lookups_charge
from sprintlab.sprints.models import Partner, Sprint, SprintMembership, SprintRole

WHEN_CHOICES = ("upcoming", "running", "past")


def published_sprints(*, when: str = "upcoming", area: str = "", now: datetime | None = None) -> QuerySet[Sprint]:
    """Published sprints in one tab (pages add ``registrations.selectors.with_registered_count``).

    upcoming: kickoff in the future (soonest first); running: kickoff ≤ now < submission deadline;
    past: after the submission deadline (latest first).
    """
    now = now or timezone.now()
    sprints = Sprint.objects.filter(is_published=True)
    if area:
        sprints = sprints.filter(research_area=area)
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
    return drafts if user.is_staff else drafts.filter(memberships__user=user).distinct()


def sprints_run_by(user) -> QuerySet[Sprint]:
    """Sprints ``user`` organises or co-hosts, latest kickoff first, each annotated with ``organises``
    (True for an organiser, False for a partner co-host only): one query, whatever their number."""
    if not user.is_authenticated:
        return Sprint.objects.none()
    memberships = SprintMembership.objects.filter(user=user)
    organiser_role = memberships.filter(sprint=OuterRef("pk"), role=SprintRole.ORGANISER)
    return (
        Sprint.objects.filter(pk__in=memberships.values("sprint_id"))
        .annotate(organises=Exists(organiser_role))
        .order_by("-kickoff_at", "-id")
    )


def _content_prefetches() -> tuple:
    return (Prefetch("partners", queryset=Partner.objects.order_by("name")), "tracks", "prizes")


def sprint_with_content(queryset: QuerySet[Sprint] | None = None) -> QuerySet[Sprint]:
    """Sprints with their partners, tracks and prizes prefetched: three queries, whatever their number."""
    queryset = queryset if queryset is not None else Sprint.objects.all()
    return queryset.prefetch_related(*_content_prefetches())


def load_content(sprint: Sprint) -> Sprint:
    """Prefetch the partners, tracks and prizes of a sprint loaded without them (three queries)."""
    prefetch_related_objects([sprint], *_content_prefetches())
    return sprint


def sprint_for_viewer(slug: str, user, *, content: bool = True) -> Sprint:
    """The sprint called ``slug`` (with its content unless ``content=False``), or 404 when it is
    missing or a draft ``user`` may not see.

    A draft answers exactly like a missing sprint, so that its existence does not leak.
    """
    sprints = Sprint.objects.filter(slug=slug)
    sprint = (sprint_with_content(sprints) if content else sprints).first()
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
