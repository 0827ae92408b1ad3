"""Every role × every sensitive action on someone's registration, by predicate and over HTTP."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from sprintlab.registrations.models import RegistrationStatus
from sprintlab.sprints.models import SprintRole
from tests.factories import (
    LocalSiteFactory,
    RegistrationFactory,
    SiteOrganiserFactory,
    SprintFactory,
    SprintMembershipFactory,
    StaffFactory,
)
from tests.helpers import bearer_for

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "participant",
    "other participant",
    "site organiser",
    "sprint organiser",
    "partner co-host",
    "staff",
]

ALLOWED = {
    "registrations.view_registration": {
        "participant",
        "site organiser",
        "sprint organiser",
        "partner co-host",
        "staff",
    },
    "registrations.cancel_registration": {"participant", "site organiser", "sprint organiser", "staff"},
    "registrations.switch_registration": {"participant", "sprint organiser", "staff"},
    "registrations.confirm_offer": {"participant"},
    "registrations.manage_admissions": {"sprint organiser", "staff"},
}


@pytest.fixture
def world():
    sprint = SprintFactory()
    site = LocalSiteFactory(sprint=sprint)
    registration = RegistrationFactory(
        sprint=sprint, site=site, status=RegistrationStatus.OFFERED, confirm_by=timezone.now() + timedelta(days=1)
    )
    other_registration = RegistrationFactory(sprint=sprint)
    users = {
        "anonymous": AnonymousUser(),
        "participant": registration.user,
        "other participant": other_registration.user,
        "site organiser": SiteOrganiserFactory(site=site).user,
        "sprint organiser": SprintMembershipFactory(sprint=sprint, role=SprintRole.ORGANISER).user,
        "partner co-host": SprintMembershipFactory(sprint=sprint, role=SprintRole.COHOST).user,
        "staff": StaffFactory(),
    }
    return sprint, registration, users


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("perm", sorted(ALLOWED))
def test_permission_matrix(world, role, perm):
    sprint, registration, users = world
    target = sprint if perm == "registrations.manage_admissions" else registration
    assert users[role].has_perm(perm, target) is (role in ALLOWED[perm])


def test_an_organiser_of_another_site_or_sprint_has_no_rights(world):
    sprint, registration, _users = world
    elsewhere = [SiteOrganiserFactory(site=LocalSiteFactory(sprint=sprint)).user, SprintMembershipFactory().user]
    for user in elsewhere:
        assert not user.has_perm("registrations.view_registration", registration)
        assert not user.has_perm("registrations.cancel_registration", registration)


HTTP_EXPECTED = {
    # role: (view, cancel, confirm, wave) status codes; 404 hides registrations the caller may not see.
    "participant": (200, 200, 200, 403),
    "other participant": (404, 404, 404, 403),
    "site organiser": (200, 200, 403, 403),
    "sprint organiser": (200, 200, 403, 201),
    "partner co-host": (200, 403, 403, 403),
    "staff": (200, 200, 403, 201),
}


@pytest.mark.parametrize("action", ["view", "cancel", "confirm", "wave"])
@pytest.mark.parametrize("role", ROLES)
def test_api_matrix(client, world, role, action):
    sprint, registration, users = world
    headers = {} if role == "anonymous" else bearer_for(users[role])
    url = f"/api/v1/registrations/{registration.pk}"
    if action == "view":
        response = client.get(url, headers=headers)
    elif action in ("cancel", "confirm"):
        response = client.post(f"{url}/{action}", headers=headers, content_type="application/json")
    else:
        applicant = RegistrationFactory(sprint=sprint, status=RegistrationStatus.APPLIED)
        response = client.post(
            "/api/v1/registrations/admission-waves",
            {"sprint": sprint.slug, "decline": [applicant.pk]},
            headers=headers,
            content_type="application/json",
        )
    expected = 401 if role == "anonymous" else HTTP_EXPECTED[role][["view", "cancel", "confirm", "wave"].index(action)]
    assert response.status_code == expected, response.content


@pytest.mark.parametrize("role", ROLES)
def test_page_cancel_matrix(client, world, role):
    from django.urls import reverse

    _sprint, registration, users = world
    if role != "anonymous":
        client.force_login(users[role])
    response = client.post(reverse("registrations:cancel", kwargs={"pk": registration.pk}))
    registration.refresh_from_db()
    if role == "anonymous":
        assert response.status_code == 302 and "login" in response.url
    elif role in ALLOWED["registrations.cancel_registration"]:
        assert response.status_code == 302 and registration.status == RegistrationStatus.CANCELLED
    else:
        assert response.status_code in (403, 404) and registration.status == RegistrationStatus.OFFERED
