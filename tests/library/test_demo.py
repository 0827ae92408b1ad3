"""The library's demo stage: it publishes what the submissions demo wrote and adds projects for other teams."""

import random

import pytest
from django.utils import timezone

from sprintlab.demo.library import build_library
from sprintlab.library.models import Publication, ResultsRelease
from sprintlab.submissions.models import Submission
from tests.factories import PastSprintFactory, StaffFactory
from tests.library.factories import ProjectFactory
from tests.teams.factories import TeamFactory, add_member

pytestmark = pytest.mark.django_db


def test_existing_submissions_are_published_and_other_teams_submit():
    sprint = PastSprintFactory()
    existing = ProjectFactory(sprint=sprint)
    others = [TeamFactory(sprint=sprint) for _index in range(3)]
    add_member(others[0])
    build_library(random.Random(1), sprints=[sprint], reviewer=StaffFactory(), scale="small", now=timezone.now())
    assert Submission.objects.filter(team=existing.team).count() == 1
    assert Publication.objects.filter(submission=existing).exists()
    assert Submission.objects.filter(sprint=sprint).count() == 4
    assert Publication.objects.filter(sprint=sprint).count() == 4
    assert ResultsRelease.objects.filter(sprint=sprint).exists()


def test_everyone_who_took_part_holds_a_certificate_and_winners_name_their_prize():
    from sprintlab.library.models import Certificate, CertificateKind
    from sprintlab.library.selectors import participants_of
    from tests.factories import RegistrationFactory

    sprint = PastSprintFactory()
    ProjectFactory(sprint=sprint)
    remote = RegistrationFactory(sprint=sprint).user
    build_library(random.Random(2), sprints=[sprint], reviewer=StaffFactory(), scale="small", now=timezone.now())
    holders = set(Certificate.objects.filter(sprint=sprint).values_list("user_id", flat=True))
    assert holders == set(participants_of(sprint)) and remote.pk in holders
    winners = Certificate.objects.filter(sprint=sprint, kind=CertificateKind.WINNER)
    assert all(certificate.award_names for certificate in winners)
    assert Certificate.objects.get(user=remote).kind == CertificateKind.PARTICIPATION
