"""Scoring: per-criterion scores, review texts, completion, progress and reminders; bad input changes nothing."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from sprintlab.core.errors import Conflict, PermissionDeniedError, ServiceError
from sprintlab.judging import scoring, selectors
from sprintlab.judging.models import JudgingRound, Review, Score
from sprintlab.notifications.models import InboxItem, OutboxMessage
from tests.factories import UserFactory
from tests.judging.factories import (
    CriterionFactory,
    JudgingSprintFactory,
    SubmissionFactory,
    assign,
    judging_settings,
    make_judge,
    make_organiser,
)
from tests.teams.factories import add_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def sprint():
    return JudgingSprintFactory()


@pytest.fixture
def setup(sprint):
    submission = SubmissionFactory(sprint=sprint)
    criterion = CriterionFactory(sprint=sprint)
    judge = make_judge(sprint, affiliation="")
    assign(submission, judge)
    return submission, criterion, judge


def _rows():
    return list(Review.objects.values_list()), list(Score.objects.values_list())


def test_a_judge_scores_and_changes_a_score(setup):
    submission, criterion, judge = setup
    scoring.score_save(actor=judge, submission=submission, criterion=criterion, value="4")
    scoring.score_save(actor=judge, submission=submission, criterion=criterion, value=5)
    assert Score.objects.get().value == Decimal("5")
    review = Review.objects.get()
    assert review.completed_at is None and review.judge == judge


@pytest.mark.parametrize(
    "value",
    ["0", "6", "-1", "NaN", "nan", "Infinity", "-inf", "1e999", "9" * 40, "3.5", "2.0001", "three", "", None, True],
)
def test_bad_scores_are_refused_and_change_nothing(setup, value):
    submission, criterion, judge = setup
    scoring.score_save(actor=judge, submission=submission, criterion=criterion, value=2)
    before = _rows()
    with pytest.raises(ServiceError) as exc:
        scoring.score_save(actor=judge, submission=submission, criterion=criterion, value=value)
    assert exc.value.message_dict["value"]
    assert _rows() == before


def test_half_points_where_the_scale_allows_them(sprint, setup):
    submission, _criterion, judge = setup
    halves = CriterionFactory(sprint=sprint, half_steps=True, scale_min=0, scale_max=10)
    scoring.score_save(actor=judge, submission=submission, criterion=halves, value="7.5")
    with pytest.raises(ServiceError, match="half points"):
        scoring.score_save(actor=judge, submission=submission, criterion=halves, value="7.25")
    assert Score.objects.get().value == Decimal("7.5")


def test_scoring_what_is_not_assigned_is_refused(sprint, setup):
    submission, criterion, _judge = setup
    other = make_judge(sprint)
    with pytest.raises(PermissionDeniedError, match="not assigned to you"):
        scoring.score_save(actor=other, submission=submission, criterion=criterion, value=3)
    with pytest.raises(PermissionDeniedError):
        scoring.score_save(actor=UserFactory(), submission=submission, criterion=criterion, value=3)
    with pytest.raises(PermissionDeniedError):
        scoring.review_save(actor=other, submission=submission, feedback="Nice")
    # A local-round score needs a local-round assignment.
    with pytest.raises(PermissionDeniedError):
        scoring.score_save(
            actor=setup[2], submission=submission, criterion=criterion, value=3, round=JudgingRound.LOCAL
        )
    assert not Review.objects.exists()


def test_a_conflicted_judge_is_refused_even_when_assigned(sprint, setup):
    submission, criterion, judge = setup
    add_member(submission.team, judge, register=False)
    with pytest.raises(Conflict, match="conflict"):
        scoring.score_save(actor=judge, submission=submission, criterion=criterion, value=3)
    assert not Review.objects.exists()


def test_a_criterion_of_another_sprint_is_refused(setup):
    submission, _criterion, judge = setup
    with pytest.raises(ServiceError):
        scoring.score_save(actor=judge, submission=submission, criterion=CriterionFactory(), value=3)
    assert not Review.objects.exists()


def test_outside_the_judging_window(sprint, setup):
    submission, criterion, judge = setup
    sprint.submission_deadline_at = timezone.now() + timedelta(hours=1)
    sprint.save()
    with pytest.raises(Conflict, match="after the submission deadline"):
        scoring.score_save(actor=judge, submission=submission, criterion=criterion, value=3)


def test_feedback_notes_flag_and_done(setup):
    submission, criterion, judge = setup
    review = scoring.review_save(
        actor=judge, submission=submission, feedback=" Clear. ", private_note="Maybe plagiarised", info_hazard_flag=True
    )
    assert (review.feedback, review.private_note, review.info_hazard_flag) == ("Clear.", "Maybe plagiarised", True)
    with pytest.raises(ServiceError, match="Score every criterion"):
        scoring.review_save(actor=judge, submission=submission, complete=True)
    scoring.score_save(actor=judge, submission=submission, criterion=criterion, value=3)
    assert scoring.review_save(actor=judge, submission=submission, complete=True).completed_at is not None
    assert scoring.review_save(actor=judge, submission=submission, feedback="More").completed_at is not None
    assert scoring.review_save(actor=judge, submission=submission, complete=False).completed_at is None


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"feedback": "a\x00b"}, "feedback"),
        ({"private_note": "\ud800"}, "private_note"),
        ({"feedback": "x" * 5001}, "feedback"),
        ({"private_note": "x" * 3001}, "private_note"),
    ],
)
def test_bad_texts_are_refused_and_change_nothing(setup, values, field):
    submission, _criterion, judge = setup
    scoring.review_save(actor=judge, submission=submission, feedback="Kept")
    before = _rows()
    with pytest.raises(ServiceError) as exc:
        scoring.review_save(actor=judge, submission=submission, **values)
    assert field in exc.value.message_dict
    assert _rows() == before


def test_calibration_entries_come_first_for_every_judge(sprint, setup):
    submission, criterion, judge = setup
    entry = SubmissionFactory(sprint=sprint)
    from sprintlab.judging.services import calibration_set

    calibration_set(actor=make_organiser(sprint), sprint=sprint, submissions=[entry])
    items = selectors.queue_for(judge, sprint)
    assert [(i.submission, i.is_calibration) for i in items] == [(entry, True), (submission, False)]
    scoring.score_save(actor=judge, submission=entry, criterion=criterion, value=1, is_calibration=True)
    # Calibration is only for the listed entries.
    with pytest.raises(PermissionDeniedError):
        scoring.score_save(actor=judge, submission=submission, criterion=criterion, value=1, is_calibration=True)
    progress = {row.judge.pk: row for row in selectors.progress_of(sprint, now=timezone.now())}
    assert (progress[judge.pk].total, progress[judge.pk].done) == (2, 0)


def test_progress_late_and_reminders(sprint, setup):
    submission, criterion, judge = setup
    organiser = make_organiser(sprint)
    done_judge = make_judge(sprint, affiliation="")
    assign(submission, done_judge)
    scoring.score_save(actor=done_judge, submission=submission, criterion=criterion, value=3)
    scoring.review_save(actor=done_judge, submission=submission, complete=True)
    assert scoring.judges_remind(actor=organiser, sprint=sprint) == 0  # not due yet: nobody is late
    judging_settings(sprint, reviews_due_at=timezone.now() - timedelta(hours=1))
    rows = {row.judge.pk: row for row in selectors.progress_of(sprint, now=timezone.now())}
    assert rows[judge.pk].late and not rows[done_judge.pk].late
    assert scoring.judges_remind(actor=organiser, sprint=sprint) == 1
    assert scoring.judges_remind(actor=organiser, sprint=sprint) == 1  # the same day: nobody is told twice
    assert OutboxMessage.objects.filter(to_email=judge.email).count() == 1
    assert InboxItem.objects.filter(user=judge).count() == 1
    assert not OutboxMessage.objects.filter(to_email=done_judge.email).exists()
    with pytest.raises(PermissionDeniedError):
        scoring.judges_remind(actor=judge, sprint=sprint)
