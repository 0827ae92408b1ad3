"""Reads of judging: settings, judges, criteria, a judge's queue and everyone's progress."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, Q, QuerySet
from django.http import Http404

from sprintlab.judging.models import (
    Assignment,
    Bid,
    CalibrationEntry,
    Criterion,
    JudgeInvitation,
    JudgeProfile,
    JudgingRound,
    JudgingSettings,
    Review,
    hash_token,
)
from sprintlab.localsites.models import LocalSite
from sprintlab.registrations.models import ACTIVE_STATUSES, Registration
from sprintlab.sprints.models import Sprint, SprintMembership, SprintRole
from sprintlab.submissions.models import Submission


def settings_for(sprint: Sprint) -> JudgingSettings:
    """The sprint's judging settings; unsaved defaults when nobody has changed them yet."""
    found = JudgingSettings.objects.filter(sprint=sprint).first()
    return found if found is not None else JudgingSettings(sprint=sprint)


def is_judge(user, sprint: Sprint) -> bool:
    if not (user and user.is_authenticated):
        return False
    return SprintMembership.objects.filter(sprint=sprint, user=user, role=SprintRole.JUDGE).exists()


def has_judging_queue(user, sprint: Sprint) -> bool:
    """A judge of the sprint, or someone with reviews to write in it (a site's first round), in one
    query: what ``judging.judge`` decides in two, for the sprint page's link to the queue."""
    if not (user and user.is_authenticated):
        return False
    judge = SprintMembership.objects.filter(sprint=sprint, user=user, role=SprintRole.JUDGE)
    reviewer = Assignment.objects.filter(sprint=sprint, judge=user)
    return Sprint.objects.filter(pk=sprint.pk).filter(Exists(judge) | Exists(reviewer)).exists()


def judges_of(sprint: Sprint) -> QuerySet:
    """The sprint's judges with their profiles, by name."""
    judge_ids = SprintMembership.objects.filter(sprint=sprint, role=SprintRole.JUDGE).values("user_id")
    return (
        get_user_model()
        .objects.filter(pk__in=judge_ids)
        .select_related("judge_profile")
        .order_by("display_name", "email")
    )


def profile_of(user) -> JudgeProfile:
    found = JudgeProfile.objects.filter(user=user).first()
    return found if found is not None else JudgeProfile(user=user, affiliation=user.affiliation)


def invitations_of(sprint: Sprint) -> QuerySet[JudgeInvitation]:
    return JudgeInvitation.objects.filter(sprint=sprint).select_related("accepted_by", "invited_by")


def invitation_by_token(token: str) -> JudgeInvitation:
    """The invitation whose link holds ``token``, or 404 (an unknown token and a wrong one look alike)."""
    token = (token or "")[:100]
    invitation = (
        JudgeInvitation.objects.select_related("sprint").filter(token_hash=hash_token(token)).first() if token else None
    )
    if invitation is None:
        raise Http404("No such invitation.")
    return invitation


def criteria_of(sprint: Sprint) -> list[Criterion]:
    return list(Criterion.objects.filter(sprint=sprint).order_by("position", "id"))


def submissions_of(sprint: Sprint) -> QuerySet[Submission]:
    return Submission.objects.filter(sprint=sprint).select_related("team", "track").order_by("title", "id")


def get_submission(sprint: Sprint, submission_id: int) -> Submission:
    submission = submissions_of(sprint).filter(pk=submission_id).first()
    if submission is None:
        raise Http404("No such submission.")
    return submission


def bids_of(judge, sprint: Sprint) -> dict[int, str]:
    return dict(Bid.objects.filter(sprint=sprint, judge=judge).values_list("submission_id", "level"))


def calibration_submission_ids(sprint: Sprint) -> list[int]:
    return list(CalibrationEntry.objects.filter(sprint=sprint).values_list("submission_id", flat=True))


@dataclass
class QueueItem:
    submission: Submission
    round: str
    is_calibration: bool
    review: Review | None
    reason: str = ""

    @property
    def done(self) -> bool:
        return self.review is not None and self.review.completed_at is not None

    @property
    def started(self) -> bool:
        return self.review is not None


@dataclass
class Progress:
    judge: object
    total: int
    done: int
    started: int
    late: bool = False
    items: list = field(default_factory=list)

    @property
    def left(self) -> int:
        return self.total - self.done

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 100


def queue_for(judge, sprint: Sprint, *, conflicted_ids: set[int] | None = None) -> list[QueueItem]:
    """What ``judge`` scores in ``sprint``: calibration entries first, then their assignments.

    Calibration entries the judge is conflicted with are left out (``conflicted_ids``: submission ids).
    """
    conflicted_ids = conflicted_ids or set()
    reviews = {
        (r.submission_id, r.round, r.is_calibration): r
        for r in Review.objects.filter(sprint=sprint, judge=judge).prefetch_related("scores")
    }
    items = []
    for entry in CalibrationEntry.objects.filter(sprint=sprint).select_related("submission", "submission__team"):
        if entry.submission_id in conflicted_ids:
            continue
        review = reviews.get((entry.submission_id, JudgingRound.GLOBAL, True))
        items.append(QueueItem(entry.submission, JudgingRound.GLOBAL, True, review))
    assignments = (
        Assignment.objects.filter(sprint=sprint, judge=judge)
        .select_related("submission", "submission__team", "submission__track")
        .order_by("-round", "submission__title", "id")
    )
    for assignment in assignments:
        review = reviews.get((assignment.submission_id, assignment.round, False))
        items.append(QueueItem(assignment.submission, assignment.round, False, review, assignment.reason))
    return items


def progress_of(sprint: Sprint, *, now: datetime) -> list[Progress]:
    """Each judge's reviews done out of what they must score (calibration entries plus assignments)."""
    settings = settings_for(sprint)
    calibration = CalibrationEntry.objects.filter(sprint=sprint).count()
    assigned = dict(
        Assignment.objects.filter(sprint=sprint).values("judge_id").annotate(n=Count("id")).values_list("judge_id", "n")
    )
    done = dict(
        Review.objects.filter(sprint=sprint, completed_at__isnull=False)
        .values("judge_id")
        .annotate(n=Count("id"))
        .values_list("judge_id", "n")
    )
    started = dict(
        Review.objects.filter(sprint=sprint).values("judge_id").annotate(n=Count("id")).values_list("judge_id", "n")
    )
    due = settings.due_at()
    rows = []
    for judge in judges_of(sprint):
        total = assigned.get(judge.pk, 0) + calibration
        finished = min(done.get(judge.pk, 0), total)
        rows.append(
            Progress(
                judge=judge,
                total=total,
                done=finished,
                started=started.get(judge.pk, 0),
                late=now >= due and finished < total,
            )
        )
    return rows


def judge_progress(judge, sprint: Sprint, items: list[QueueItem]) -> Progress:
    return Progress(
        judge=judge,
        total=len(items),
        done=sum(item.done for item in items),
        started=sum(item.started for item in items),
        items=items,
    )


def assignments_of(sprint: Sprint, *, round: str | None = None) -> QuerySet[Assignment]:
    queryset = Assignment.objects.filter(sprint=sprint).select_related("judge", "submission")
    if round:
        queryset = queryset.filter(round=round)
    return queryset.order_by("submission__title", "submission_id", "judge__display_name", "judge__email")


def reviews_of(sprint: Sprint, *, submission: Submission | None = None) -> QuerySet[Review]:
    queryset = Review.objects.filter(sprint=sprint).select_related("judge", "submission").prefetch_related("scores")
    if submission is not None:
        queryset = queryset.filter(submission=submission)
    return queryset.order_by("submission__title", "submission_id", "judge__email")


def site_submissions(site: LocalSite) -> QuerySet[Submission]:
    """Submissions with a team member registered at ``site``: the site's own teams."""
    members_here = Registration.objects.filter(sprint_id=site.sprint_id, site=site, status__in=ACTIVE_STATUSES).values(
        "user_id"
    )
    return (
        Submission.objects.filter(sprint_id=site.sprint_id)
        .filter(Q(team__members__user_id__in=members_here) | Q(author_rows__user_id__in=members_here))
        .distinct()
        .select_related("team")
        .order_by("title", "id")
    )


def get_site(sprint: Sprint, slug: str) -> LocalSite:
    site = LocalSite.objects.filter(sprint=sprint, slug=slug).select_related("sprint").first()
    if site is None:
        raise Http404("No such site.")
    return site
