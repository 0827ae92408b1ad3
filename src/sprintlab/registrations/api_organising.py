"""/api/v1/me/organising: the caller's organiser home, the same to-dos as the "Sprints I run" page."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Router, Schema

from sprintlab.api.auth import write_auth
from sprintlab.api.errors import errors
from sprintlab.registrations.selectors_organising import SprintToDos, organiser_home
from sprintlab.sprints.models import Sprint, SprintRole

router = Router(tags=["account"], auth=write_auth)


class ToDoOut(Schema):
    count: int
    url: str = ""


class ToDosOut(Schema):
    """Work waiting in one sprint; null where the caller's role does not do that work (partner co-hosts)."""

    site_applications: ToDoOut | None
    applicants_to_decide: ToDoOut | None
    offers_expiring: ToDoOut | None
    registrations_today: ToDoOut


class RunSprintOut(Schema):
    slug: str
    title: str
    url: str
    kickoff_at: datetime
    is_published: bool


class RunningSprintOut(RunSprintOut):
    role: str
    to_dos: ToDosOut


class OrganisingOut(Schema):
    current: list[RunningSprintOut]
    past: list[RunSprintOut]


def _sprint_out(request, sprint: Sprint) -> dict:
    return {
        "slug": sprint.slug,
        "title": sprint.title,
        "url": request.build_absolute_uri(sprint.get_absolute_url()),
        "kickoff_at": sprint.kickoff_at,
        "is_published": sprint.is_published,
    }


def _to_do(request, count: int | None, url: str) -> dict | None:
    return None if count is None else {"count": count, "url": request.build_absolute_uri(url)}


def _running_out(request, item: SprintToDos) -> dict:
    slug = {"slug": item.sprint.slug}
    admissions = reverse("registrations:admissions", kwargs=slug)
    return {
        **_sprint_out(request, item.sprint),
        "role": SprintRole.ORGANISER if item.organises else SprintRole.COHOST,
        "to_dos": {
            "site_applications": _to_do(
                request,
                item.site_applications,
                reverse("localsites:applications", kwargs={"sprint_slug": item.sprint.slug}) + "?status=pending",
            ),
            "applicants_to_decide": _to_do(request, item.applicants_to_decide, admissions + "?status=applied"),
            "offers_expiring": _to_do(request, item.offers_expiring, admissions + "?status=offered"),
            "registrations_today": _to_do(
                request, item.registrations_today, reverse("sprints:registrations", kwargs=slug)
            ),
        },
    }


@router.get("", response={200: OrganisingOut, **errors(401, 403)}, summary="Sprints I run, with their to-dos")
def my_organising(request):
    """The sprints the caller organises or co-hosts. Those not finished yet come with their to-dos: site
    applications awaiting review, applicants awaiting a decision, offers that expire within 24 hours and
    registrations since midnight in the caller's time zone, each with the page where it is done."""
    if not request.auth.has_perm("sprints.view_organiser_home"):
        raise PermissionDenied(_("Only people who run a sprint or may create one have an organiser home."))
    home = organiser_home(request.auth)
    return {
        "current": [_running_out(request, item) for item in home.current],
        "past": [_sprint_out(request, sprint) for sprint in home.past],
    }
