from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.utils import timezone

from sprintlab.sprints.selectors import published_sprints, sprint_for_viewer
from tests.factories import SprintFactory, SprintMembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def sprint_at(now, *, kickoff_in_days: float, **kwargs):
    kickoff = now + timedelta(days=kickoff_in_days)
    return SprintFactory(
        announced_at=kickoff - timedelta(days=60),
        registration_opens_at=kickoff - timedelta(days=30),
        kickoff_at=kickoff,
        **kwargs,
    )


def test_published_sprints_split_into_upcoming_running_and_past():
    now = timezone.now()
    upcoming_later = sprint_at(now, kickoff_in_days=30)
    upcoming_soon = sprint_at(now, kickoff_in_days=3)
    running = sprint_at(now, kickoff_in_days=-1)  # deadline is two days after kickoff
    past = sprint_at(now, kickoff_in_days=-20)
    sprint_at(now, kickoff_in_days=5, is_published=False)

    assert list(published_sprints(when="upcoming", now=now)) == [upcoming_soon, upcoming_later]
    assert list(published_sprints(when="running", now=now)) == [running]
    assert list(published_sprints(when="past", now=now)) == [past]


def test_sprint_for_viewer_hides_drafts_from_everyone_but_its_team():
    draft = SprintFactory(is_published=False)
    organiser = SprintMembershipFactory(sprint=draft).user
    cohost = SprintMembershipFactory(sprint=draft, role="cohost").user
    for user in (AnonymousUser(), UserFactory()):
        with pytest.raises(Http404):
            sprint_for_viewer(draft.slug, user)
    assert sprint_for_viewer(draft.slug, organiser) == draft
    assert sprint_for_viewer(draft.slug, cohost) == draft
    with pytest.raises(Http404):
        sprint_for_viewer("no-such-sprint", organiser)
