import pytest
from django.urls import reverse

from sprintlab.demo import catalogue
from sprintlab.programme.models import AgendaItem, Resource, Session, SessionKind
from sprintlab.sprints.models import Sprint
from tests.demo.test_seed_demo import seed

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_weekend_programme_and_the_participants_agenda(client):
    seed()
    open_sprint = Sprint.objects.get(title=catalogue.OPEN_SPRINT_TITLE)
    sessions = Session.objects.filter(sprint=open_sprint)
    kinds = set(sessions.values_list("kind", flat=True))
    assert {SessionKind.KICKOFF, SessionKind.KEYNOTE, SessionKind.TALK, SessionKind.CLOSING} <= kinds
    assert (
        sessions.filter(site__isnull=False).exists() and sessions.exclude(online_url="").count() > sessions.count() / 2
    )
    assert all(open_sprint.kickoff_at <= s.starts_at < open_sprint.submission_deadline_at for s in sessions)
    assert Resource.objects.filter(sprint=open_sprint).values("category").distinct().count() >= 4
    starred = AgendaItem.objects.filter(user__email="participant@example.org", session__sprint=open_sprint)
    assert starred.count() == 3
    assert not Session.objects.filter(sprint__is_published=False).exists()
    response = client.get(reverse("programme:schedule", kwargs={"slug": open_sprint.slug}))
    assert response.status_code == 200 and "Keynote: what a weekend of research can find" in response.content.decode()
