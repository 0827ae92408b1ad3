"""Every library action × every role: the page, the API, the predicate and the service agree in each cell.

A judge holds no library right: judges read submissions in the judging app (until judging is wired,
a judge is simply a signed-in person here, which is what the matrix pins down).
"""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sprintlab.core.errors import ServiceError
from sprintlab.library import services
from sprintlab.library.models import ResultsRelease
from sprintlab.library.permissions import may_decide_hazards, may_manage_results, sees_unpublished_project
from sprintlab.submissions.models import InfoHazard
from tests.factories import RegistrationFactory, StaffFactory, UserFactory
from tests.library.factories import PrizeFactory, ProjectFactory, make_organiser, make_reviewer

pytestmark = pytest.mark.django_db

ROLES = ("visitor", "participant", "team_member", "judge", "hazard_reviewer", "organiser", "staff")
EXPECTED = {
    "see_unpublished_project": {"team_member", "hazard_reviewer", "organiser", "staff"},
    "publish": {"organiser", "staff"},
    "decide_hazard": {"hazard_reviewer", "staff"},
    "choose_winners": {"organiser", "staff"},
    # Everyone who took part (a confirmed remote registrant here; the team as authors), nobody else.
    "download_certificate": {"participant", "team_member"},
}


@pytest.fixture
def world():
    project = ProjectFactory()
    sprint = project.sprint
    flagged = ProjectFactory(sprint=sprint, info_hazard=InfoHazard.YES)
    ResultsRelease.objects.create(sprint=sprint)
    people = {
        "visitor": AnonymousUser(),
        "participant": RegistrationFactory(sprint=sprint).user,
        "team_member": project.team.lead,
        "judge": UserFactory(),
        "hazard_reviewer": make_reviewer(sprint),
        "organiser": make_organiser(sprint),
        "staff": StaffFactory(),
    }
    return {"project": project, "flagged": flagged, "sprint": sprint, "prize": PrizeFactory(sprint=sprint), **people}


def _service_allows(call) -> bool:
    try:
        with transaction.atomic():
            call()
            transaction.set_rollback(True)
    except ServiceError:
        return False
    return True


def _client(person) -> Client:
    client = Client()
    if person.is_authenticated:
        client.force_login(person)
    return client


@pytest.mark.parametrize("role", ROLES)
def test_see_unpublished_project(world, role):
    person, project = world[role], world["project"]
    expected = role in EXPECTED["see_unpublished_project"]
    assert sees_unpublished_project(person, project) is expected
    response = _client(person).get(reverse("library:project", kwargs={"pk": project.pk}))
    assert response.status_code == (200 if expected else 404)
    api = _client(person).get(f"/api/v1/library/projects/{project.pk}")
    assert api.status_code == (200 if expected else 404)


@pytest.mark.parametrize("role", ROLES)
def test_publish(world, role):
    person, project = world[role], world["project"]
    expected = role in EXPECTED["publish"]
    assert may_manage_results(person, world["sprint"], now=timezone.now()) is expected
    assert _service_allows(lambda: services.project_publish(actor=person, submission=project)) is expected


@pytest.mark.parametrize("role", ROLES)
def test_decide_hazard(world, role):
    person, flagged = world[role], world["flagged"]
    expected = role in EXPECTED["decide_hazard"]
    assert may_decide_hazards(person, world["sprint"], now=timezone.now()) is expected
    decide = lambda: services.hazard_decide(actor=person, submission=flagged, decision="publish", reason="Fine.")  # noqa: E731
    assert _service_allows(decide) is expected
    url = reverse("library:hazard_decide", kwargs={"slug": world["sprint"].slug, "pk": flagged.pk})
    status = _client(person).get(url).status_code
    assert (status == 200) is expected


@pytest.mark.parametrize("role", ROLES)
def test_choose_winners(world, role):
    person = world[role]
    expected = role in EXPECTED["choose_winners"]
    grant = lambda: services.award_grant(actor=person, prize=world["prize"], submission=world["project"])  # noqa: E731
    assert _service_allows(grant) is expected
    url = reverse("library:manage_results", kwargs={"slug": world["sprint"].slug})
    assert (_client(person).get(url).status_code == 200) is expected


@pytest.mark.parametrize("role", ROLES)
def test_download_certificate(world, role):
    person = world[role]
    expected = role in EXPECTED["download_certificate"]
    response = _client(person).get(reverse("library:certificate", kwargs={"slug": world["sprint"].slug}))
    assert (response.status_code == 200) is expected
    assert _service_allows(lambda: services.certificate_issue(actor=person, sprint=world["sprint"])) is expected
