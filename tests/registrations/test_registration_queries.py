"""The registration request stays cheap: few queries, the site read once under its lock, no rendering."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sprintlab.registrations import selectors, services
from sprintlab.registrations.models import RegistrationStatus
from tests.factories import LocalSiteFactory, RegistrationFactory, SprintFactory, UserFactory
from tests.helpers import bearer_for
from tests.registrations.helpers import ANSWERS, register

pytestmark = pytest.mark.django_db
URL = "/api/v1/registrations"


def statements(queries) -> list[str]:
    """The SQL that does work (transaction and savepoint bookkeeping left out)."""
    skip = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT", "BEGIN", "COMMIT")
    return [q["sql"] for q in queries if not q["sql"].upper().startswith(skip)]


def test_a_new_registration_at_a_site_costs_eight_statements(client):
    site = LocalSiteFactory(capacity=5)
    headers = bearer_for(UserFactory())
    body = {"sprint": site.sprint.slug, "site": site.pk, **ANSWERS}
    with CaptureQueriesContext(connection) as queries:
        response = client.post(URL, body, content_type="application/json", headers=headers)
    assert response.status_code == 201, response.json()
    sql = statements(queries.captured_queries)
    # token + person, first-use touch, the site with its sprint (the only read of the sprint), the
    # site FOR UPDATE, the seat and queue counts, the registration, the outbox row (the delivery
    # task: immediate backend in tests, after commit, so not here).
    assert len(sql) <= 8, "\n".join(sql)
    assert sum("localsites_localsite" in s and s.startswith("SELECT") for s in sql) == 2
    assert not any(s.startswith("SELECT") and 'FROM "sprints_sprint"' in s for s in sql)
    assert not any("SAVEPOINT" in q["sql"] for q in queries.captured_queries if "outbox" in q["sql"])


def test_the_waitlist_position_of_a_new_registration_matches_the_selector():
    site = LocalSiteFactory(capacity=1)
    RegistrationFactory(sprint=site.sprint, site=site)
    first = register(sprint=site.sprint, site=site)
    second = register(sprint=site.sprint, site=site)
    assert (first.status, second.status) == (RegistrationStatus.WAITLISTED, RegistrationStatus.WAITLISTED)
    assert (first.waitlist_position, second.waitlist_position) == (1, 2)
    assert [selectors.waitlist_position(r) for r in (first, second)] == [1, 2]


def test_an_unknown_site_id_is_refused_on_the_site_field(client):
    body = {"sprint": SprintFactory().slug, "site": 987654, **ANSWERS}
    response = client.post(URL, body, content_type="application/json", headers=bearer_for(UserFactory()))
    assert response.status_code == 400
    assert "site" in response.json()["errors"]


def test_a_site_of_another_sprint_is_refused_on_the_site_field(client):
    body = {"sprint": SprintFactory().slug, "site": LocalSiteFactory().pk, **ANSWERS}
    response = client.post(URL, body, content_type="application/json", headers=bearer_for(UserFactory()))
    assert response.status_code == 400
    assert "site" in response.json()["errors"]


def test_a_registered_person_gets_their_registration_back_even_when_the_request_would_be_refused():
    site = LocalSiteFactory(capacity=1)
    user = UserFactory()
    mine = register(user, sprint=site.sprint, site=site)
    again, created = services.registration_create_or_get(
        actor=user,
        sprint=site.sprint,
        site=site,
        join_waitlist=False,
        experience_level="some",
        accepted_code_of_conduct=False,
    )
    assert (again.pk, created) == (mine.pk, False)


def test_a_cancelled_person_registers_again_through_the_slow_path():
    site = LocalSiteFactory(capacity=1)
    user = UserFactory()
    first = register(user, sprint=site.sprint, site=site)
    services.registration_cancel(registration=first, actor=user)
    other_site = LocalSiteFactory(sprint=site.sprint, capacity=3)
    again, created = services.registration_create_or_get(actor=user, sprint=site.sprint, site=other_site, **ANSWERS)
    assert (again.pk, created, again.site_id, again.status) == (
        first.pk,
        True,
        other_site.pk,
        RegistrationStatus.CONFIRMED,
    )
    assert again.revision == first.revision + 2


def test_at_a_site_of_a_sprint_with_a_capacity_the_sprint_is_locked_first_and_counted(client):
    sprint = SprintFactory(capacity=1)
    site = LocalSiteFactory(sprint=sprint, capacity=5)
    answers = []
    for _ in range(2):
        response = client.post(
            URL,
            {"sprint": sprint.slug, "site": site.pk, **ANSWERS},
            content_type="application/json",
            headers=bearer_for(UserFactory()),
        )
        assert response.status_code == 201
        answers.append((response.json()["status"], response.json()["waitlist_position"]))
    assert answers == [("confirmed", None), ("waitlisted", 1)]


def test_the_slug_must_name_the_sites_sprint(client):
    site = LocalSiteFactory()
    response = client.post(
        URL,
        {"sprint": "no-such-sprint", "site": site.pk, **ANSWERS},
        content_type="application/json",
        headers=bearer_for(UserFactory()),
    )
    assert response.status_code == 400 and "sprint" in response.json()["errors"]
