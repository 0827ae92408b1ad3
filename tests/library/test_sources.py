"""The library reads judging through ``library.sources``: judges' flags, the ranking, anonymous reviews."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from sprintlab.judging.models import Review, Score
from sprintlab.library import sources
from sprintlab.library.services import results_release
from tests.factories import UserFactory
from tests.judging.factories import (
    CriterionFactory,
    JudgingSprintFactory,
    SubmissionFactory,
    make_judge,
    make_organiser,
)

pytestmark = pytest.mark.django_db


def review(submission, judge, values: dict, *, feedback="", flag=False, note="", completed=True) -> Review:
    made = Review.objects.create(
        sprint=submission.sprint,
        submission=submission,
        judge=judge,
        feedback=feedback,
        info_hazard_flag=flag,
        private_note=note,
        completed_at=timezone.now() if completed else None,
    )
    for criterion, value in values.items():
        Score.objects.create(review=made, criterion=criterion, value=Decimal(value))
    return made


@pytest.fixture
def judged():
    sprint = JudgingSprintFactory()
    rigour = CriterionFactory(sprint=sprint, name="Rigour", position=0)
    novelty = CriterionFactory(sprint=sprint, name="Novelty", position=1)
    strong, weak = SubmissionFactory(sprint=sprint), SubmissionFactory(sprint=sprint)
    ada = make_judge(sprint, UserFactory(display_name="Ada Judge"))
    bob = make_judge(sprint, UserFactory(display_name="Bob Judge"))
    review(strong, ada, {rigour: 5, novelty: 4}, feedback="Clear and careful.", flag=True, note="Dual use")
    review(strong, bob, {rigour: 4, novelty: 5}, feedback="Novel.")
    review(weak, ada, {rigour: 2, novelty: 1})
    review(weak, bob, {rigour: 1, novelty: 2})
    review(weak, make_judge(sprint), {rigour: 5}, completed=False)  # half-scored: never counted
    return {"sprint": sprint, "strong": strong, "weak": weak, "rigour": rigour}


def test_judge_flags_name_the_judge_and_their_private_note(judged):
    flags = sources.judge_hazard_flags([judged["strong"].pk, judged["weak"].pk])
    assert flags == {judged["strong"].pk: [("Ada Judge", "Dual use")]}


def test_the_ranking_comes_from_completed_reviews_best_first(judged):
    ranked = sources.ranking_for(judged["sprint"])
    assert [row.submission_id for row in ranked] == [judged["strong"].pk, judged["weak"].pk]
    assert [row.rank for row in ranked] == [1, 2]


def test_no_ranking_before_any_review_is_complete():
    assert sources.ranking_for(JudgingSprintFactory()) is None


def test_the_team_sees_scores_and_feedback_with_judges_anonymous(judged):
    reviews = sources.team_reviews(judged["strong"])
    assert [r.reviewer_label for r in reviews] == ["Judge 1", "Judge 2"]
    assert [r.feedback for r in reviews] == ["Clear and careful.", "Novel."]
    assert [(line.criterion, line.score) for line in reviews[0].scores] == [("Rigour", 5.0), ("Novelty", 4.0)]
    assert "Ada" not in repr(reviews) and "Dual use" not in repr(reviews)


def test_the_organisers_results_page_shows_the_judges_ranking(client, judged):
    organiser = make_organiser(judged["sprint"])
    client.force_login(organiser)
    page = client.get(reverse("library:manage_results", kwargs={"slug": judged["sprint"].slug})).content.decode()
    ranking = page[page.index("Judges’ ranking") :]
    assert ranking.index(judged["strong"].title) < ranking.index(judged["weak"].title)


def test_the_team_reads_its_scores_as_points_out_of_the_scale_with_judges_anonymous(client, judged):
    strong = judged["strong"]
    review(strong, make_judge(judged["sprint"]), {judged["rigour"]: Decimal("3.5")}, feedback="Half a point off.")
    results_release(actor=make_organiser(judged["sprint"]), sprint=judged["sprint"])
    client.force_login(strong.team.lead)
    page = client.get(reverse("library:feedback", kwargs={"pk": strong.pk})).content.decode()
    # Whole points without a trailing ".0", half points with their half.
    assert "<td>5 / 5</td>" in page and "<td>4 / 5</td>" in page and "<td>3.5 / 5</td>" in page
    assert "Judge 3" in page and "Half a point off." in page
    assert "Ada Judge" not in page and "Bob Judge" not in page and "Dual use" not in page
