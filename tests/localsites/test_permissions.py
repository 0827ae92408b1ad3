"""Every role × every sensitive action, through the pages (what people actually hit) and the rules."""

import pytest
from django.urls import reverse

from sprintlab.localsites.models import SiteMessage, SiteStatus
from tests.localsites.helpers import ROLES, client_for

pytestmark = pytest.mark.django_db

RUNS_SITE = {"applicant", "site_organiser", "sprint_organiser", "staff"}
REVIEWS = {"sprint_organiser", "staff"}
SIGNED_IN = set(ROLES) - {"anonymous"}


def site_kwargs(site):
    return {"sprint_slug": site.sprint.slug, "slug": site.slug}


def apply(world, client):
    return client.get(reverse("localsites:apply", args=[world.sprint.slug]))


def decide(action, reason=""):
    def run(world, client):
        url = reverse("localsites:decide", args=[world.sprint.slug, world.pending.pk])
        return client.post(url, {"action": action, "reason": reason})

    return run


def view_pending(world, client):
    return client.get(world.pending.get_absolute_url())


def dashboard(world, client):
    return client.get(reverse("localsites:dashboard", kwargs=site_kwargs(world.site)))


def check_in(world, client):
    registration = world.site.registrations.get()
    url = reverse(
        "registrations:check_in_attendee", kwargs={**site_kwargs(world.site), "registration_id": registration.pk}
    )
    return client.post(url, {"action": "check_in"})


def check_in_page(world, client):
    return client.get(reverse("registrations:check_in", kwargs=site_kwargs(world.site)))


def export_csv(world, client):
    return client.get(reverse("localsites:export", kwargs=site_kwargs(world.site)))


def message(world, client):
    return client.post(
        reverse("registrations:site_message", kwargs=site_kwargs(world.site)), {"subject": "Hi", "body": "Hello"}
    )


def review_page(world, client):
    return client.get(reverse("localsites:applications", args=[world.sprint.slug]))


# action → (request, roles allowed, what a denied signed-in person gets, effect check)
ACTIONS = {
    "apply": (apply, SIGNED_IN, None, None),
    "review_page": (review_page, REVIEWS, 403, None),
    "approve": (decide("approve"), REVIEWS, 403, lambda w: w.pending.status == SiteStatus.APPROVED),
    "reject": (decide("reject", "No room."), REVIEWS, 403, lambda w: w.pending.status == SiteStatus.REJECTED),
    "request_changes": (
        decide("request_changes", "Which room?"),
        REVIEWS,
        403,
        lambda w: w.pending.status == SiteStatus.CHANGES_REQUESTED,
    ),
    "view_pending": (view_pending, RUNS_SITE, 404, None),
    "dashboard": (dashboard, RUNS_SITE, 403, None),
    "check_in_page": (check_in_page, RUNS_SITE, 403, None),
    "check_in": (check_in, RUNS_SITE, 403, lambda w: w.site.registrations.get().checked_in_at is not None),
    "export_csv": (export_csv, RUNS_SITE, 403, None),
    "message": (message, RUNS_SITE, 403, lambda w: SiteMessage.objects.exists()),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ACTIONS)
def test_matrix(world, role, action):
    request, allowed, denied_status, effect = ACTIONS[action]
    response = request(world, client_for(world.user(role)))
    world.pending.refresh_from_db()
    if role in allowed:
        assert response.status_code in (200, 302), (role, action, response.status_code)
        if response.status_code == 302:
            assert "/accounts/login/" not in response["Location"]
        if effect:
            assert effect(world), (role, action)
    else:
        if role == "anonymous" and action != "view_pending":
            assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        else:
            assert response.status_code == denied_status, (role, action, response.status_code)
        if effect:
            assert not effect(world), (role, action)


RULES = {
    "localsites.view_site (pending)": ("localsites.view_site", "pending", RUNS_SITE),
    "localsites.view_site (approved)": ("localsites.view_site", "site", set(ROLES)),
    "localsites.view_application": ("localsites.view_application", "site", RUNS_SITE),
    "localsites.manage_site": ("localsites.manage_site", "site", RUNS_SITE),
    "localsites.check_in": ("localsites.check_in", "site", RUNS_SITE),
    "localsites.view_attendees": ("localsites.view_attendees", "site", RUNS_SITE),
    "localsites.export_attendees": ("localsites.export_attendees", "site", RUNS_SITE),
    "localsites.message_attendees": ("localsites.message_attendees", "site", RUNS_SITE),
    "localsites.edit_application (pending)": ("localsites.edit_application", "pending", {"applicant"}),
    "localsites.edit_application (approved)": ("localsites.edit_application", "site", set()),
    "localsites.withdraw_application": ("localsites.withdraw_application", "pending", {"applicant", "staff"}),
    "localsites.apply": ("localsites.apply", "sprint", SIGNED_IN),
    "sprints.review_site_applications": ("sprints.review_site_applications", "sprint", REVIEWS),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("rule", RULES)
def test_rules(world, role, rule):
    perm, target, allowed = RULES[rule]
    obj = {"pending": world.pending, "site": world.site, "sprint": world.sprint}[target]
    assert world.user(role).has_perm(perm, obj) is (role in allowed)


def test_other_sites_organiser_runs_only_their_own_site(world):
    organiser = world.user("other_site_organiser")
    assert organiser.has_perm("localsites.check_in", world.other_site)
    assert not organiser.has_perm("localsites.check_in", world.site)
