"""Conflicts: own team, same affiliation, declared institutions and people, same site; with reasons."""

import pytest

from sprintlab.judging.conflicts import conflict_matrix, conflicts_for, normalised
from tests.factories import LocalSiteFactory, RegistrationFactory, SiteOrganiserFactory, UserFactory
from tests.judging.factories import SubmissionFactory, judging_settings, make_judge
from tests.teams.factories import add_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def submission():
    return SubmissionFactory()


def test_no_conflict_for_a_stranger(submission):
    judge = make_judge(submission.sprint, affiliation="Elsewhere Institute")
    assert conflicts_for(judge, submission) == []


def test_own_team_member_is_conflicted_even_when_not_an_author(submission):
    member = add_member(submission.team)
    judge = make_judge(submission.sprint, member, affiliation="")
    assert conflicts_for(judge, submission) == ["The judge is one of this submission's team."]


def test_same_affiliation_ignores_case_and_punctuation(submission):
    lead = submission.team.lead
    lead.affiliation = "University of Oxford"
    lead.save()
    judge = make_judge(submission.sprint, affiliation="university of  oxford.")
    (reason,) = conflicts_for(judge, submission)
    assert "Same affiliation" in reason and lead.name in reason


def test_the_account_affiliation_counts_too(submission):
    lead = submission.team.lead
    lead.affiliation = "Acme Labs"
    lead.save()
    judge = make_judge(submission.sprint, UserFactory(affiliation="Acme Labs"), affiliation="")
    assert conflicts_for(judge, submission)


def test_declared_institution_and_person(submission):
    lead = submission.team.lead
    lead.affiliation = "MATS"
    lead.save()
    judge = make_judge(
        submission.sprint, affiliation="Other", conflict_institutions=["mats"], conflict_people=[lead.email.upper()]
    )
    reasons = conflicts_for(judge, submission)
    assert len(reasons) == 2
    assert "declared a conflict with MATS" in reasons[0]
    assert f"declared a conflict with {lead.name}" in reasons[1]


def test_same_site_only_when_the_setting_is_on(submission):
    sprint = submission.sprint
    site = LocalSiteFactory(sprint=sprint)
    RegistrationFactory._meta.model.objects.filter(sprint=sprint, user=submission.team.lead).update(site=site)
    judge = make_judge(sprint, affiliation="")
    SiteOrganiserFactory(site=site, user=judge)
    assert conflicts_for(judge, submission) == []
    judging_settings(sprint, same_site_conflicts=True)
    assert conflicts_for(judge, submission) == [f"{submission.team.lead.name} registered at the judge's own site."]
    assert conflicts_for(judge, submission, same_site=False) == []


def test_the_matrix_covers_many_pairs_in_few_queries(django_assert_max_num_queries):
    first = SubmissionFactory()
    sprint = first.sprint
    others = [SubmissionFactory(sprint=sprint) for _ in range(5)]
    judges = [make_judge(sprint, affiliation="") for _ in range(5)]
    author_judge = make_judge(sprint, first.team.lead)
    with django_assert_max_num_queries(8):
        matrix = conflict_matrix(sprint, judge_ids=[j.pk for j in [*judges, author_judge]])
    assert set(matrix) == {(first.pk, author_judge.pk)}
    assert len(others) == 5


def test_normalised():
    assert normalised("  Univ. of  Oxford ") == "univ of oxford"
