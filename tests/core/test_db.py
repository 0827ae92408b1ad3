"""PostgreSQL rows holding times Python cannot represent still load, so lists keep working."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test import Client

from sprintlab.core.db import EARLIEST_READABLE, LATEST_READABLE
from sprintlab.sprints.models import Sprint
from tests.factories import SprintFactory, StaffFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("announced", "results"),
    [
        # What the report's payloads became once stored: 0001-01-01T00:30+01:00 and 9999-12-31T23:30-01:00.
        ("0001-12-31 23:30:00+00 BC", "10000-01-01 00:30:00+00"),
        ("-infinity", "infinity"),
    ],
)
def test_times_beyond_pythons_range_load_at_its_edge_and_pages_answer(on_postgres, announced, results):
    sprint = SprintFactory(title="Odd sprint")
    SprintFactory(title="Ordinary sprint")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE sprints_sprint SET announced_at = %s::timestamptz, results_published_at = %s::timestamptz "
            "WHERE id = %s",
            [announced, results, sprint.pk],
        )
    loaded = Sprint.objects.get(pk=sprint.pk)
    assert (loaded.announced_at, loaded.results_published_at) == (EARLIEST_READABLE, LATEST_READABLE)
    assert Sprint.objects.get(title="Ordinary sprint").announced_at.year > 2000
    anonymous = Client()
    anonymous.cookies["sprintlab_tz"] = "Pacific/Kiritimati"
    for url in ("/sprints/", "/api/v1/sprints", f"/sprints/{sprint.slug}/", f"/api/v1/sprints/{sprint.slug}"):
        assert anonymous.get(url).status_code == 200, url
    staff = Client()
    staff.force_login(StaffFactory(is_superuser=True, timezone="America/New_York"))
    for url in ("/sprints/", "/admin/sprints/sprint/", f"/admin/sprints/sprint/{sprint.pk}/change/"):
        assert staff.get(url).status_code == 200, url


def test_ordinary_times_load_unchanged(on_postgres):
    sprint = SprintFactory(kickoff_at=datetime(2030, 5, 1, 12, 0, tzinfo=UTC))
    assert Sprint.objects.get(pk=sprint.pk).kickoff_at == datetime(2030, 5, 1, 12, 0, tzinfo=UTC)
