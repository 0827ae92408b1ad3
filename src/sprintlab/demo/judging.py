"""Judging in the demo: the sprint that ran last is being judged.

It gets judges (the demo judge login among them) with expertise and an affiliation, the five default
criteria, a calibration entry, bids, a local first round at its sites (the sites' organisers score
their own teams and nominate the best), the global round's assignments with their reasons, and
reviews: most finished, some started, the demo judge's own queue half done so that scoring can be
tried on a phone, and one more review asked for where the ranking says it helps most. The sprint is
also judged in pairs: the other judges have compared a few pairs each, so the organisers' ranking
shows a pairwise ranking and the demo judge can compare on a phone. The sprint's submissions are used
when the submissions demo wrote them; otherwise
one is written per live team (``_submissions``), so the two demo modules merge either way.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from datetime import datetime, timedelta
from decimal import Decimal

from sprintlab.accounts.models import User
from sprintlab.judging import assignment_problem, ranking, rankings
from sprintlab.judging.conflicts import conflict_matrix
from sprintlab.judging.extra_reviews import extra_review_candidates, extra_review_reason
from sprintlab.judging.models import (
    Assignment,
    AssignmentSource,
    Bid,
    BidLevel,
    CalibrationEntry,
    Comparison,
    Criterion,
    JudgeProfile,
    JudgingRound,
    JudgingSettings,
    Nomination,
    Review,
    Score,
)
from sprintlab.judging.services import DEFAULT_CRITERIA
from sprintlab.localsites.models import SiteOrganiser
from sprintlab.registrations.models import ACTIVE_STATUSES, Registration
from sprintlab.sprints.models import Sprint, SprintMembership, SprintRole
from sprintlab.submissions.models import Submission, SubmissionAuthor
from sprintlab.teams.models import Team, TeamMember

JUDGES = 8
REVIEWS_PER_SUBMISSION = 3
COMPARISONS_PER_JUDGE = 6
TITLES = (
    "Linear probes find deception before the model acts",
    "A cheaper trusted monitor for agentic coding tasks",
    "Backdoor triggers survive fine-tuning: a replication",
    "Audit budgets under adaptive attackers",
    "Sparse features that track refusal",
    "Measuring sandbagging with paired prompts",
    "Collusion between agents through formatting channels",
    "A small benchmark for honest uncertainty",
    "Steering vectors against sycophancy",
    "When does resampling beat monitoring?",
    "Evaluating evaluation awareness in chat models",
    "Canary strings for training-data provenance",
)
EXPERTISE = (
    (["interpretability", "sae"], "Sparse autoencoders, probing and circuit analysis in small transformers."),
    (["evals", "control"], "Control evaluations, trusted monitoring and red-team protocols for agents."),
    (["governance"], "Compute governance and evaluation standards; reads for policy relevance."),
    (["security", "red-teaming"], "Jailbreaks, prompt injection and backdoors."),
    (["statistics"], "Experiment design, baselines and confidence intervals."),
    (["multi-agent"], "Cooperation and collusion between learning agents."),
)
AFFILIATIONS = ("Oxford", "Apollo Research", "Redwood Research", "ETH Zürich", "MATS", "Independent", "UC Berkeley")
FEEDBACK = (
    "A clear question and an honest write-up. The baseline in the second figure needs error bars.",
    "Strong idea; the evaluation is thin. Try the same probe on a second model family.",
    "Well executed replication. Say more about what would change your conclusion.",
    "Interesting direction but the claims go beyond the evidence; narrow them.",
)


def build_judging(rng: random.Random, *, sprints: list[Sprint], judge: User, now: datetime) -> None:
    sprint = _sprint_to_judge(sprints, now)
    if sprint is None:
        return
    submissions = _submissions(rng, sprint)
    if not submissions:
        return
    judged_at = sprint.submission_deadline_at + timedelta(hours=12)
    judges = [judge, *_other_judges(rng, sprint, exclude=judge)]
    SprintMembership.objects.bulk_create(
        [
            SprintMembership(
                sprint=sprint, user=person, role=SprintRole.JUDGE, created_at=judged_at, updated_at=judged_at
            )
            for person in judges
        ],
        ignore_conflicts=True,
    )
    existing = set(JudgeProfile.objects.filter(user__in=judges).values_list("user_id", flat=True))
    JudgeProfile.objects.bulk_create(
        [_profile(rng, person, judged_at) for person in judges if person.pk not in existing]
    )
    JudgingSettings.objects.update_or_create(
        sprint=sprint,
        defaults={
            "reviews_per_submission": REVIEWS_PER_SUBMISSION,
            "load_cap": max(4, -(-len(submissions) * REVIEWS_PER_SUBMISSION // len(judges)) + 1),
            "local_first_round": True,
            "pairwise_mode": True,
            "nominations_per_site": 2,
            "assigned_at": judged_at + timedelta(days=1),
            "created_at": judged_at,
            "updated_at": judged_at,
        },
    )
    criteria = Criterion.objects.bulk_create(
        Criterion(sprint=sprint, name=name, description=text, levels=levels, position=n)
        for n, (name, text, levels) in enumerate(DEFAULT_CRITERIA)
    )
    CalibrationEntry.objects.create(sprint=sprint, submission=submissions[0], position=0)
    conflicts = conflict_matrix(sprint, judge_ids=[j.pk for j in judges], submissions=submissions)
    _bids(rng, sprint, submissions, judges, conflicts)
    _local_round(rng, sprint, submissions, criteria, now)
    pairs = _assign(sprint)
    _reviews(rng, sprint, pairs, criteria, demo_judge=judge, now=now)
    _calibration_reviews(rng, sprint, submissions[0], judges, criteria, conflicts, now=now)
    _extra_review(sprint, now=now)
    _comparisons(rng, sprint, submissions, [j for j in judges if j.pk != judge.pk], conflicts, now=now)


def _sprint_to_judge(sprints: list[Sprint], now: datetime) -> Sprint | None:
    done = [s for s in sprints if s.is_published and s.submission_deadline_at <= now]
    judging = [s for s in done if now < s.results_published_at]
    return max(judging or done, key=lambda s: s.kickoff_at, default=None)


def _submissions(rng: random.Random, sprint: Sprint) -> list[Submission]:
    """The sprint's submissions; when the submissions demo wrote none, one per live team with members."""
    existing = list(Submission.objects.filter(sprint=sprint).order_by("pk"))
    if existing:
        return existing
    teams = list(Team.objects.filter(sprint=sprint, disbanded_at__isnull=True).order_by("pk"))
    members = defaultdict(list)
    for team_id, user_id in TeamMember.objects.filter(sprint=sprint).order_by("pk").values_list("team_id", "user_id"):
        members[team_id].append(user_id)
    at = sprint.submission_deadline_at - timedelta(hours=1)
    rows = [
        Submission(
            sprint=sprint,
            team=team,
            title=TITLES[n % len(TITLES)] + ("" if n < len(TITLES) else f" ({n // len(TITLES) + 1})"),
            abstract=f"{team.name} report on {TITLES[n % len(TITLES)].lower()}. " + team.description,
            version_count=1,
            first_submitted_at=at - timedelta(hours=rng.randint(1, 20)),
            last_submitted_at=at,
            created_at=at - timedelta(hours=20),
            updated_at=at,
        )
        for n, team in enumerate(team for team in teams if members[team.pk])
    ]
    made = Submission.objects.bulk_create(rows)
    SubmissionAuthor.objects.bulk_create(
        SubmissionAuthor(submission=s, user_id=user_id, position=k)
        for s in made
        for k, user_id in enumerate(members[s.team_id])
    )
    return made


def _other_judges(rng: random.Random, sprint: Sprint, *, exclude: User) -> list[User]:
    candidates = list(
        User.objects.exclude(registrations__sprint=sprint)
        .exclude(pk=exclude.pk)
        .filter(is_staff=False, is_organiser=False, career_stage__in=("senior", "researcher", "mid"))
        .order_by("pk")[:300]
    )
    return rng.sample(candidates, min(JUDGES - 1, len(candidates)))


def _profile(rng: random.Random, person: User, at: datetime) -> JudgeProfile:
    tags, text = rng.choice(EXPERTISE)
    return JudgeProfile(
        user=person,
        expertise_tags=list(tags),
        expertise=text,
        affiliation=person.affiliation or rng.choice(AFFILIATIONS),
        links=["https://scholar.example.org/" + str(person.pk)],
        created_at=at,
        updated_at=at,
    )


def _bids(rng, sprint, submissions, judges, conflicts) -> None:
    at = sprint.submission_deadline_at + timedelta(hours=18)
    levels = (BidLevel.EAGER, BidLevel.WILLING, BidLevel.WILLING, BidLevel.NOT_WILLING)
    Bid.objects.bulk_create(
        Bid(sprint=sprint, submission=s, judge=j, level=rng.choice(levels), created_at=at, updated_at=at)
        for s in submissions
        for j in judges
        if (s.pk, j.pk) not in conflicts and rng.random() < 0.4
    )


def _local_round(rng, sprint, submissions, criteria, now) -> None:
    """Sites' organisers score their own teams; each site nominates its best two for the global round."""
    site_of = dict(
        Registration.objects.filter(sprint=sprint, site__isnull=False, status__in=ACTIVE_STATUSES).values_list(
            "user_id", "site_id"
        )
    )
    team_sites = defaultdict(set)
    for team_id, user_id in TeamMember.objects.filter(sprint=sprint).values_list("team_id", "user_id"):
        if user_id in site_of:
            team_sites[team_id].add(site_of[user_id])
    organisers = defaultdict(list)
    for site_id, user_id in SiteOrganiser.objects.filter(site__sprint=sprint).values_list("site_id", "user_id"):
        organisers[site_id].append(user_id)
    by_site = defaultdict(list)
    for submission in submissions:
        for site_id in team_sites.get(submission.team_id, ()):
            by_site[site_id].append(submission)
    team_of = dict(TeamMember.objects.filter(sprint=sprint).values_list("user_id", "team_id"))
    nominated, reason = set(), "A submission of the judge's own site, reviewed there first."
    for site_id, subs in by_site.items():
        means = {}
        for submission in subs:
            for judge_id in organisers[site_id]:
                if team_of.get(judge_id) == submission.team_id:
                    continue  # never one's own team
                Assignment.objects.create(
                    sprint=sprint,
                    submission=submission,
                    judge_id=judge_id,
                    round=JudgingRound.LOCAL,
                    source=AssignmentSource.LOCAL,
                    reason=reason,
                    created_at=sprint.submission_deadline_at,
                    updated_at=sprint.submission_deadline_at,
                )
                values = _write_review(rng, sprint, submission, judge_id, criteria, JudgingRound.LOCAL, now, done=True)
                means[submission.pk] = sum(values) / max(len(values), 1)
        best = sorted(subs, key=lambda s: -means.get(s.pk, 0))[:2]
        for submission in best:
            if submission.pk not in nominated and organisers[site_id]:
                Nomination.objects.create(
                    sprint=sprint,
                    site_id=site_id,
                    submission=submission,
                    nominated_by_id=organisers[site_id][0],
                    note="Best of the site's first round.",
                    created_at=sprint.submission_deadline_at + timedelta(days=1),
                    updated_at=sprint.submission_deadline_at + timedelta(days=1),
                )
                nominated.add(submission.pk)


def _assign(sprint: Sprint) -> list[Assignment]:
    """The global round's pairs from the real solver, as an organiser's run would write them."""
    problem = assignment_problem.build_problem(sprint)
    at = sprint.submission_deadline_at + timedelta(days=1, hours=12)
    return Assignment.objects.bulk_create(
        Assignment(
            sprint=sprint,
            submission_id=problem.submission_ids[row],
            judge_id=problem.judge_ids[column],
            source=AssignmentSource.SOLVER,
            reason=reason,
            created_at=at,
            updated_at=at,
        )
        for row, column, reason in assignment_problem.solve(problem)
    )


def _write_review(rng, sprint, submission, judge_id, criteria, round, now, *, done, calibration=False) -> list[int]:
    quality = rng.randint(2, 4)
    started = min(now, sprint.submission_deadline_at + timedelta(days=rng.randint(1, 4)))
    values = [max(1, min(5, quality + rng.choice((-1, 0, 0, 1)))) for _ in criteria]
    review = Review.objects.create(
        sprint=sprint,
        submission=submission,
        judge_id=judge_id,
        round=round,
        is_calibration=calibration,
        feedback=rng.choice(FEEDBACK),
        private_note="Possible overlap with last year's winner." if rng.random() < 0.1 else "",
        info_hazard_flag=rng.random() < 0.03,
        completed_at=started if done else None,
        created_at=started,
        updated_at=started,
    )
    Score.objects.bulk_create(
        Score(review=review, criterion=criterion, value=Decimal(value))
        for criterion, value in zip(criteria, values, strict=True)
    )
    return values


def _reviews(rng, sprint, pairs, criteria, *, demo_judge, now) -> None:
    mine = [a for a in pairs if a.judge_id == demo_judge.pk]
    for assignment in pairs:
        if assignment.judge_id == demo_judge.pk:
            if mine.index(assignment) >= len(mine) // 2:
                continue  # left for the demo judge to score
            done = True
        else:
            roll = rng.random()
            if roll < 0.15:
                continue  # a late judge has not started
            done = roll > 0.3
        _write_review(
            rng, sprint, assignment.submission, assignment.judge_id, criteria, JudgingRound.GLOBAL, now, done=done
        )


def _calibration_reviews(rng, sprint, entry, judges, criteria, conflicts, *, now) -> None:
    for judge in judges:
        if (entry.pk, judge.pk) not in conflicts:
            _write_review(rng, sprint, entry, judge.pk, criteria, JudgingRound.GLOBAL, now, done=True, calibration=True)


def _extra_review(sprint: Sprint, *, now: datetime) -> None:
    """One more review where it helps most, as an organiser's button on the ranking page asks for it
    (written directly: the demo tells no judge by email)."""
    report = rankings.ranking_report(sprint)
    if report is None:
        return
    organiser = (
        SprintMembership.objects.filter(sprint=sprint, role=SprintRole.ORGANISER)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    asked_by = organiser.user.name if organiser else "the organisers"
    cap = JudgingSettings.objects.get(sprint=sprint).load_cap
    for suggestion in ranking.next_reviews(report.ranking, count=len(report.ranking.rows)):
        submission = Submission.objects.get(pk=int(suggestion.submission))
        candidates = extra_review_candidates(sprint, submission)
        if candidates:
            Assignment.objects.create(
                sprint=sprint,
                submission=submission,
                judge=candidates[0].judge,
                source=AssignmentSource.EXTRA,
                reason=extra_review_reason(suggestion.reason, candidates[0], asked_by=asked_by, cap=cap),
                created_by=organiser.user if organiser else None,
                created_at=now,
                updated_at=now,
            )
            return


def _comparisons(rng, sprint, submissions, judges, conflicts, *, now) -> None:
    """A few pairs per judge, never a conflicted one; the better of two is drawn from a hidden quality
    per submission (Bradley–Terry), so the pairwise ranking has an order to find."""
    quality = {s.pk: rng.gauss(0, 1) for s in submissions}
    at = min(now, sprint.submission_deadline_at + timedelta(days=2))
    rows = []
    for judge in judges:
        allowed = [s for s in submissions if (s.pk, judge.pk) not in conflicts]
        pairs = {tuple(rng.sample(allowed, 2)) for _ in range(COMPARISONS_PER_JUDGE)} if len(allowed) > 1 else set()
        seen = set()
        for left, right in pairs:
            if frozenset((left.pk, right.pk)) in seen:
                continue
            seen.add(frozenset((left.pk, right.pk)))
            p_left = 1 / (1 + math.exp(quality[right.pk] - quality[left.pk]))
            winner = left if rng.random() < p_left else right
            rows.append(Comparison(sprint=sprint, judge=judge, left=left, right=right, winner=winner, created_at=at))
    Comparison.objects.bulk_create(rows)
