"""Judging services: settings, criteria, invitations, profiles, bids, pairs and the local round."""

from decimal import Decimal

import pytest

from sprintlab.core.audit import AuditEntry
from sprintlab.core.errors import Conflict, PermissionDeniedError, ServiceError
from sprintlab.judging import assignment_problem, assignment_runs, localround, services
from sprintlab.judging.models import (
    Assignment,
    AssignmentSource,
    Bid,
    CalibrationEntry,
    Criterion,
    JudgeInvitation,
    JudgeProfile,
    JudgingRound,
    Nomination,
    PairRule,
    Score,
    hash_token,
)
from sprintlab.notifications.models import OutboxMessage
from sprintlab.registrations.models import Registration
from sprintlab.sprints.models import SprintMembership, SprintRole
from tests.factories import LocalSiteFactory, SiteOrganiserFactory, StaffFactory, UserFactory
from tests.judging.factories import (
    CriterionFactory,
    JudgingSprintFactory,
    SubmissionFactory,
    assign,
    judging_settings,
    make_judge,
    make_organiser,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def sprint():
    return JudgingSprintFactory()


@pytest.fixture
def organiser(sprint):
    return make_organiser(sprint)


# --- settings and criteria ---------------------------------------------------------------------------


def test_organisers_change_settings(sprint, organiser):
    settings = services.judging_settings_update(actor=organiser, sprint=sprint, reviews_per_submission=4, load_cap=6)
    assert (settings.reviews_per_submission, settings.load_cap) == (4, 6)
    with pytest.raises(ServiceError) as exc:
        services.judging_settings_update(actor=organiser, sprint=sprint, reviews_per_submission=0)
    assert "reviews_per_submission" in exc.value.message_dict
    with pytest.raises(PermissionDeniedError):
        services.judging_settings_update(actor=make_judge(sprint), sprint=sprint, load_cap=1)


def test_default_criteria_once(sprint, organiser):
    made = services.criteria_use_defaults(actor=organiser, sprint=sprint)
    assert [c.name for c in made][:2] == ["Relevance to AI safety", "Rigour"]
    assert len(made) == 5 and all(c.levels for c in made)
    with pytest.raises(Conflict):
        services.criteria_use_defaults(actor=organiser, sprint=sprint)


def test_criterion_save_checks_scale_levels_and_weight(sprint, organiser):
    criterion = services.criterion_save(
        actor=organiser, sprint=sprint, name="Rigour", scale_min=0, scale_max=10, levels={"0": "None", "10": "Full"}
    )
    assert criterion.levels == {"0": "None", "10": "Full"}
    for bad, field in [
        ({"scale_min": 5, "scale_max": 5}, "scale_max"),
        ({"levels": {"11": "Off the scale"}}, "levels"),
        ({"weight": "NaN"}, "weight"),
        ({"weight": "1e9"}, "weight"),
        ({"name": ""}, "name"),
        ({"name": "a\x00b"}, "name"),
    ]:
        values = {"name": "Novelty", "scale_min": 1, "scale_max": 5, **bad}
        with pytest.raises(ServiceError) as exc:
            services.criterion_save(actor=organiser, sprint=sprint, **values)
        assert field in exc.value.message_dict, bad
    assert Criterion.objects.filter(sprint=sprint).count() == 1


def test_a_scored_criterion_keeps_its_scale_and_stays(sprint, organiser):
    submission = SubmissionFactory(sprint=sprint)
    criterion = CriterionFactory(sprint=sprint)
    judge = make_judge(sprint)
    assign(submission, judge)
    from sprintlab.judging.scoring import score_save

    score_save(actor=judge, submission=submission, criterion=criterion, value=3)
    with pytest.raises(Conflict):
        services.criterion_save(actor=organiser, sprint=sprint, criterion=criterion, name="X", scale_max=7)
    services.criterion_save(actor=organiser, sprint=sprint, criterion=criterion, name="Renamed", weight="2")
    criterion.refresh_from_db()
    assert (criterion.name, criterion.weight) == ("Renamed", Decimal("2"))
    with pytest.raises(Conflict):
        services.criterion_delete(actor=organiser, criterion=criterion)


def test_calibration_entries(sprint, organiser):
    first, second = SubmissionFactory(sprint=sprint), SubmissionFactory(sprint=sprint)
    services.calibration_set(actor=organiser, sprint=sprint, submissions=[second, first])
    assert list(CalibrationEntry.objects.values_list("submission_id", flat=True)) == [second.pk, first.pk]
    with pytest.raises(ServiceError):
        services.calibration_set(actor=organiser, sprint=sprint, submissions=[SubmissionFactory()])
    assert CalibrationEntry.objects.count() == 2


# --- invitations ---------------------------------------------------------------------------------------


def test_invite_someone_without_an_account(sprint, organiser):
    sent = services.judge_invite(actor=organiser, sprint=sprint, email=" Ada@Example.org ", message="Please")
    invitation = sent.invitation
    assert invitation.email == "ada@example.org"
    assert invitation.token_hash == hash_token(sent.token) and sent.token not in invitation.token_hash
    email = OutboxMessage.objects.get(to_email="ada@example.org")
    assert f"/judging/invitations/{sent.token}/" in email.body_text and "Please" in email.body_text
    with pytest.raises(Conflict):
        services.judge_invite(actor=organiser, sprint=sprint, email="ada@example.org")
    with pytest.raises(ServiceError):
        services.judge_invite(actor=organiser, sprint=sprint, email="not an address")
    with pytest.raises(PermissionDeniedError):
        services.judge_invite(actor=UserFactory(), sprint=sprint, email="bob@example.org")
    assert JudgeInvitation.objects.count() == 1


def test_accepting_makes_a_judge_once(sprint, organiser):
    sent = services.judge_invite(actor=organiser, sprint=sprint, email="ada@example.org")
    person = UserFactory(email="other@example.org", affiliation="Acme")
    services.invitation_accept(actor=person, invitation=sent.invitation)
    assert SprintMembership.objects.filter(sprint=sprint, user=person, role=SprintRole.JUDGE).exists()
    assert JudgeProfile.objects.get(user=person).affiliation == "Acme"
    with pytest.raises(Conflict):
        services.invitation_accept(actor=UserFactory(), invitation=sent.invitation)
    with pytest.raises(Conflict):
        services.judge_invite(actor=organiser, sprint=sprint, email="other@example.org")


def test_a_withdrawn_invitation_cannot_be_accepted(sprint, organiser):
    sent = services.judge_invite(actor=organiser, sprint=sprint, email="ada@example.org")
    services.invitation_revoke(actor=organiser, invitation=sent.invitation)
    with pytest.raises(Conflict):
        services.invitation_accept(actor=UserFactory(), invitation=sent.invitation)
    # A new invitation to the same address is possible once the old one is withdrawn.
    services.judge_invite(actor=organiser, sprint=sprint, email="ada@example.org")


# --- profiles ------------------------------------------------------------------------------------------


def test_judge_profile(sprint):
    judge = make_judge(sprint)
    profile = services.judge_profile_update(
        actor=judge,
        user=judge,
        expertise_tags=["Evals", "evals", "SAE"],
        expertise="I build evals.",
        links=["https://example.org/me"],
        affiliation="Acme",
        conflict_institutions=["Acme Labs"],
        conflict_people=["ada@example.org"],
    )
    assert profile.expertise_tags == ["evals", "sae"]
    for bad, field in [
        ({"links": ["javascript:alert(1)"]}, "links"),
        ({"expertise_tags": [f"t{i}" for i in range(13)]}, "expertise_tags"),
        ({"conflict_people": ["x" * 201]}, "conflict_people"),
        ({"expertise": "a\x00b"}, "expertise"),
    ]:
        values = {
            "expertise_tags": [],
            "expertise": "",
            "links": [],
            "affiliation": "",
            "conflict_institutions": [],
            "conflict_people": [],
            **bad,
        }
        with pytest.raises(ServiceError) as exc:
            services.judge_profile_update(actor=judge, user=judge, **values)
        assert field in exc.value.message_dict
    with pytest.raises(PermissionDeniedError):
        services.judge_profile_update(actor=UserFactory(), user=judge, **values | {"expertise": ""})


# --- bids ----------------------------------------------------------------------------------------------


def test_bids(sprint):
    submission = SubmissionFactory(sprint=sprint)
    judge = make_judge(sprint)
    services.bid_set(actor=judge, submission=submission, level="eager")
    services.bid_set(actor=judge, submission=submission, level="willing")
    assert Bid.objects.get().level == "willing"
    services.bid_set(actor=judge, submission=submission, level="")
    assert not Bid.objects.exists()
    with pytest.raises(ServiceError):
        services.bid_set(actor=judge, submission=submission, level="desperate")
    with pytest.raises(PermissionDeniedError):
        services.bid_set(actor=UserFactory(), submission=submission, level="eager")
    author = make_judge(sprint, submission.team.lead)
    with pytest.raises(Conflict):
        services.bid_set(actor=author, submission=submission, level="eager")
    from django.utils import timezone

    judging_settings(sprint, assigned_at=timezone.now())
    with pytest.raises(Conflict):
        services.bid_set(actor=judge, submission=submission, level="eager")
    assert not Bid.objects.exists()


# --- pairs ---------------------------------------------------------------------------------------------


def test_pins_forbids_and_manual_pairs(sprint, organiser):
    submission = SubmissionFactory(sprint=sprint)
    judge, other = make_judge(sprint), make_judge(sprint)
    author = make_judge(sprint, submission.team.lead)
    assignment_runs.pair_rule_set(actor=organiser, submission=submission, judge=judge, kind="pin", note="Expert")
    pinned = Assignment.objects.get(judge=judge)
    assert pinned.source == AssignmentSource.PINNED and "Expert" in pinned.reason
    with pytest.raises(Conflict):
        assignment_runs.pair_rule_set(actor=organiser, submission=submission, judge=author, kind="pin")
    with pytest.raises(Conflict):
        assignment_runs.assignment_add(actor=organiser, submission=submission, judge=author)
    assignment_runs.pair_rule_set(actor=organiser, submission=submission, judge=other, kind="forbid")
    with pytest.raises(Conflict):
        assignment_runs.assignment_add(actor=organiser, submission=submission, judge=other)
    with pytest.raises(ServiceError):
        assignment_runs.assignment_add(actor=organiser, submission=submission, judge=UserFactory())
    with pytest.raises(PermissionDeniedError):
        assignment_runs.assignment_add(actor=judge, submission=submission, judge=other)
    assignment_runs.pair_rule_set(actor=organiser, submission=submission, judge=judge, kind="forbid")
    assert not Assignment.objects.filter(judge=judge).exists()
    assert PairRule.objects.count() == 2


def test_a_started_review_is_never_taken_away(sprint, organiser):
    submission = SubmissionFactory(sprint=sprint)
    criterion = CriterionFactory(sprint=sprint)
    judge = make_judge(sprint)
    assignment = assignment_runs.assignment_add(actor=organiser, submission=submission, judge=judge)
    from sprintlab.judging.scoring import score_save

    score_save(actor=judge, submission=submission, criterion=criterion, value=4)
    with pytest.raises(Conflict):
        assignment_runs.assignment_remove(actor=organiser, assignment=assignment)
    with pytest.raises(Conflict):
        assignment_runs.pair_rule_set(actor=organiser, submission=submission, judge=judge, kind="forbid")
    assert Assignment.objects.filter(pk=assignment.pk).exists() and Score.objects.count() == 1


def _stand_in_solver(problem):
    """A stand-in for the solver's answer: every allowed pair with a reason (tests the adapter only)."""
    return [
        (row, column, "Stand-in reason")
        for row in range(len(problem.submission_ids))
        for column in range(len(problem.judge_ids))
        if (row, column) not in problem.conflicts
    ]


def test_the_adapter_writes_the_solvers_pairs_and_keeps_hand_made_ones(sprint, organiser, monkeypatch):
    first, second = SubmissionFactory(sprint=sprint), SubmissionFactory(sprint=sprint)
    judge = make_judge(sprint, affiliation="")
    author = make_judge(sprint, first.team.lead, affiliation="")
    assignment_runs.assignment_add(actor=organiser, submission=second, judge=judge)
    problem = assignment_problem.build_problem(sprint)
    row, column = problem.submission_ids.index(first.pk), problem.judge_ids.index(author.pk)
    assert (row, column) in problem.conflicts
    assert problem.kept == {(problem.submission_ids.index(second.pk), problem.judge_ids.index(judge.pk))}
    monkeypatch.setattr(assignment_problem, "solve", _stand_in_solver)
    made = assignment_runs.assignment_run(actor=organiser, sprint=sprint)
    pairs = set(Assignment.objects.values_list("submission_id", "judge_id", "source"))
    assert (second.pk, judge.pk, "manual") in pairs and (first.pk, judge.pk, "solver") in pairs
    assert not Assignment.objects.filter(submission=first, judge=author).exists()
    assert len(made) == 2
    assert AuditEntry.objects.filter(action="judging.assignment_run").exists()
    # Bids close with the first run.
    with pytest.raises(Conflict):
        services.bid_set(actor=judge, submission=first, level="eager")


def test_the_adapter_refuses_a_conflicted_pair_from_the_solver(sprint, organiser, monkeypatch):
    submission = SubmissionFactory(sprint=sprint)
    make_judge(sprint, submission.team.lead)
    monkeypatch.setattr(assignment_problem, "solve", lambda problem: [(0, 0, "bad")])
    with pytest.raises(Conflict):
        assignment_runs.assignment_run(actor=organiser, sprint=sprint)
    assert not Assignment.objects.exists()


def test_the_real_solver_assigns_k_reviews_per_submission(sprint, organiser):
    judging_settings(sprint, reviews_per_submission=2, load_cap=3)
    submissions = [SubmissionFactory(sprint=sprint) for _ in range(3)]
    for _ in range(3):
        make_judge(sprint, affiliation="")
    assignment_runs.assignment_run(actor=organiser, sprint=sprint)
    for submission in submissions:
        assert Assignment.objects.filter(submission=submission).count() == 2
    assert all(reason.startswith("Match") for reason in Assignment.objects.values_list("reason", flat=True))


def test_the_real_solver_counts_kept_pairs_and_refuses_an_impossible_instance(sprint, organiser):
    settings = judging_settings(sprint, reviews_per_submission=2, load_cap=2)
    first, second = SubmissionFactory(sprint=sprint), SubmissionFactory(sprint=sprint)
    judges = [make_judge(sprint, affiliation="") for _ in range(2)]
    assignment_runs.assignment_add(actor=organiser, submission=first, judge=judges[0])
    assignment_runs.assignment_run(actor=organiser, sprint=sprint)
    # Two judges with a cap of two and two reviews each: the hand-made pair counts, nothing is doubled.
    assert Assignment.objects.count() == 4
    assert Assignment.objects.get(submission=first, judge=judges[0]).source == "manual"
    assert {Assignment.objects.filter(submission=s).count() for s in (first, second)} == {2}
    settings.reviews_per_submission = 3
    settings.save()
    with pytest.raises(Conflict, match="cannot be made"):
        assignment_runs.assignment_run(actor=organiser, sprint=sprint)
    assert Assignment.objects.count() == 4


# --- the local first round -----------------------------------------------------------------------------


def test_local_round_and_nominations(sprint, organiser):
    site = LocalSiteFactory(sprint=sprint)
    lead_organiser = SiteOrganiserFactory(site=site).user
    here, elsewhere = SubmissionFactory(sprint=sprint), SubmissionFactory(sprint=sprint)
    Registration.objects.filter(user=here.team.lead).update(site=site)
    with pytest.raises(Conflict):
        localround.local_round_open(actor=lead_organiser, site=site)
    judging_settings(sprint, local_first_round=True, nominations_per_site=1)
    assert localround.local_round_open(actor=lead_organiser, site=site) == 1
    assert localround.local_round_open(actor=lead_organiser, site=site) == 0
    assert Assignment.objects.get().round == JudgingRound.LOCAL
    with pytest.raises(ServiceError):
        localround.nomination_add(actor=lead_organiser, site=site, submission=elsewhere)
    with pytest.raises(PermissionDeniedError):
        localround.nomination_add(actor=UserFactory(), site=site, submission=here)
    nomination = localround.nomination_add(actor=lead_organiser, site=site, submission=here, note="Best")
    with pytest.raises(Conflict):
        localround.nomination_add(actor=StaffFactory(), site=site, submission=here)
    # The site's nominated submission goes on; the team that belongs to no site goes straight there.
    assert assignment_problem.global_round_submissions(sprint) == [here, elsewhere]
    third = SubmissionFactory(sprint=sprint)
    Registration.objects.filter(user=third.team.lead).update(site=site)
    assert third not in assignment_problem.global_round_submissions(sprint)
    localround.nomination_remove(actor=lead_organiser, nomination=nomination)
    assert not Nomination.objects.exists()
