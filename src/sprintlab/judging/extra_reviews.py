"""One more review where it helps most (docs/judging.md, "One more review").

The ranking says where one more review most reduces the uncertainty at the top
(``ranking.next_reviews``); this module chooses who writes it and assigns it. Only judges who may
take it are considered: judges of the sprint, not conflicted with the submission (every automatic
conflict and the ones they declared), not forbidden from it by an organiser, not already reviewing
it, and without a "not willing" bid. Among them, judges under the load cap come first (a judge over
it is asked only when nobody under it can take the review), then those who bid "eager", then the
best match of expertise (the assignment's affinity), then the lighter load.

Asked without a submission, the service takes the ranking's suggestions in order and skips those
that already wait for an extra review (asking again before it is done would pile reviews onto one
submission while the ranking cannot yet see the first).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings as django_settings
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _

from sprintlab.core.audit import record_audit
from sprintlab.core.dates import format_local
from sprintlab.core.errors import Conflict, ServiceError
from sprintlab.judging import ranking, rankings
from sprintlab.judging.assignment.affinity import affinity_matrix
from sprintlab.judging.assignment_problem import global_round_submissions, judge_text, submission_text
from sprintlab.judging.conflicts import conflict_matrix
from sprintlab.judging.models import (
    Assignment,
    AssignmentSource,
    Bid,
    BidLevel,
    JudgeProfile,
    JudgingRound,
    PairRule,
    PairRuleKind,
    Review,
)
from sprintlab.judging.permissions import extra_review_refusal
from sprintlab.judging.selectors import judges_of, settings_for
from sprintlab.notifications.inbox import inbox_add
from sprintlab.notifications.models import NotificationKind
from sprintlab.notifications.selectors import channels_by_user
from sprintlab.notifications.services import outbox_enqueue
from sprintlab.sprints.models import Sprint
from sprintlab.submissions.models import Submission


@dataclass(frozen=True)
class Candidate:
    """A judge who may write one more review of a submission, with what ranks them."""

    judge: object
    affinity: float
    load: int  # global-round assignments they have now
    eager: bool
    under_cap: bool

    def sort_key(self) -> tuple:
        return (not self.under_cap, not self.eager, -self.affinity, self.load, self.judge.name, self.judge.pk)


def extra_review_candidates(sprint: Sprint, submission: Submission) -> list[Candidate]:
    """The judges who may write one more review of ``submission``, best first (reads only)."""
    judges = list(judges_of(sprint))
    if not judges:
        return []
    judge_ids = [judge.pk for judge in judges]
    refused = {judge_id for _s, judge_id in conflict_matrix(sprint, judge_ids=judge_ids, submissions=[submission])}
    refused |= set(
        PairRule.objects.filter(submission=submission, kind=PairRuleKind.FORBID).values_list("judge_id", flat=True)
    )
    refused |= set(
        Assignment.objects.filter(submission=submission, round=JudgingRound.GLOBAL).values_list("judge_id", flat=True)
    )
    refused |= set(
        Review.objects.filter(submission=submission, round=JudgingRound.GLOBAL, is_calibration=False).values_list(
            "judge_id", flat=True
        )
    )
    bids = dict(Bid.objects.filter(submission=submission).values_list("judge_id", "level"))
    eligible = [j for j in judges if j.pk not in refused and bids.get(j.pk) != BidLevel.NOT_WILLING]
    if not eligible:
        return []
    loads = dict(
        Assignment.objects.filter(sprint=sprint, round=JudgingRound.GLOBAL, judge_id__in=[j.pk for j in eligible])
        .values("judge_id")
        .annotate(n=Count("id"))
        .values_list("judge_id", "n")
    )
    profiles = {p.user_id: p for p in JudgeProfile.objects.filter(user_id__in=[j.pk for j in eligible])}
    matrix, _method = affinity_matrix([submission_text(submission)], [judge_text(profiles.get(j.pk)) for j in eligible])
    cap = settings_for(sprint).load_cap
    candidates = [
        Candidate(
            judge=judge,
            affinity=float(matrix[0, column]),
            load=loads.get(judge.pk, 0),
            eager=bids.get(judge.pk) == BidLevel.EAGER,
            under_cap=loads.get(judge.pk, 0) < cap,
        )
        for column, judge in enumerate(eligible)
    ]
    return sorted(candidates, key=Candidate.sort_key)


def _suggestions(sprint: Sprint) -> list[ranking.ReviewSuggestion]:
    """Every submission whose place at the top is unsettled, where one more review helps most first."""
    report = rankings.ranking_report(sprint)
    if report is None:
        raise Conflict(
            _(
                "No review is complete yet, so the ranking cannot say where one more review helps; "
                "choose a submission instead."
            )
        )
    suggestions = ranking.next_reviews(report.ranking, count=len(report.ranking.rows))
    if not suggestions:
        raise Conflict(
            _("The top places are settled: no single review would change them much. Choose a submission to ask anyway.")
        )
    return suggestions


def _waiting_for_an_extra_review(sprint: Sprint) -> set[int]:
    """Submissions with an extra review asked for and not completed yet."""
    asked = set(
        Assignment.objects.filter(sprint=sprint, round=JudgingRound.GLOBAL, source=AssignmentSource.EXTRA).values_list(
            "submission_id", "judge_id"
        )
    )
    done = set(
        Review.objects.filter(
            sprint=sprint, round=JudgingRound.GLOBAL, is_calibration=False, completed_at__isnull=False
        ).values_list("submission_id", "judge_id")
    )
    return {submission_id for submission_id, judge_id in asked - done}


def _nobody(submission: Submission) -> Conflict:
    return Conflict(
        _(
            "Nobody can write one more review of “%(title)s”: every judge of the sprint already reviews it, "
            "has a conflict with it, is forbidden from it or bid “not willing”. Invite another judge first."
        )
        % {"title": submission.title}
    )


def _choose(
    sprint: Sprint, submission: Submission | None, suggestions: list[ranking.ReviewSuggestion]
) -> tuple[Submission, Candidate, str]:
    """The submission (the organiser's, else the most useful one someone can review), its judge, and why."""
    if submission is not None:
        candidates = extra_review_candidates(sprint, submission)
        if not candidates:
            raise _nobody(submission)
        return submission, candidates[0], ""
    waiting = _waiting_for_an_extra_review(sprint)
    first_without_judge = None
    for suggestion in suggestions:
        if int(suggestion.submission) in waiting:
            continue
        chosen = Submission.objects.filter(sprint=sprint, pk=int(suggestion.submission)).first()
        if chosen is None:
            continue
        candidates = extra_review_candidates(sprint, chosen)
        if candidates:
            return chosen, candidates[0], suggestion.reason
        first_without_judge = first_without_judge or chosen
    if first_without_judge is not None:
        raise _nobody(first_without_judge)
    raise Conflict(
        _(
            "One more review is already on its way for every submission where it would help; "
            "wait for those, or choose a submission."
        )
    )


def extra_review_reason(why: str, candidate: Candidate, *, asked_by: str, cap: int) -> str:
    """The assignment's reason: who asked, why this submission (``why``, may be empty), why this judge."""
    parts = [_("One more review, asked for by %(name)s.") % {"name": asked_by}, why]
    match = _("Best available match of expertise (affinity %(affinity).2f)") % {"affinity": candidate.affinity}
    if candidate.eager:
        match += _("; the judge asked for it")
    parts.append(match + ".")
    if not candidate.under_cap:
        parts.append(_("Beyond the load cap of %(cap)d reviews: no judge under it can take this one.") % {"cap": cap})
    return " ".join(part for part in parts if part)[:2000]


def _tell_the_judge(assignment: Assignment, *, actor) -> None:
    """An inbox item and an email, as the judge chose for reminders. The email is stored in the outbox
    with this transaction and delivered only after it commits (``outbox_enqueue``)."""
    sprint, judge = assignment.sprint, assignment.judge
    url = reverse("judging:queue", kwargs={"slug": sprint.slug})
    title = _("One more review for you in %(sprint)s") % {"sprint": sprint.title}
    text = _("%(name)s asks you to review “%(submission)s” as well; it is due %(due)s.") % {
        "name": actor.name,
        "submission": assignment.submission.title,
        "due": format_local(settings_for(sprint).due_at()),
    }
    by_email, in_app = channels_by_user(kind=NotificationKind.REMINDER, user_ids=[judge.pk])
    key = f"judging-extra-review:{assignment.pk}"
    if judge.pk in in_app:
        inbox_add(
            key=key,
            user=judge,
            kind=NotificationKind.REMINDER,
            title=title,
            body_html=format_html("<p>{}</p>", text),
            url=url,
        )
    if judge.pk in by_email:
        outbox_enqueue(
            key=f"{key}:email",
            to_email=judge.email,
            user=judge,
            subject=title,
            body_text=f"{text}\n\n{django_settings.SITE_URL}{url}\n",
            kind=NotificationKind.REMINDER,
            fresh_key=True,
        )


@transaction.atomic
def request_extra_review(*, actor, sprint: Sprint, submission: Submission | None = None) -> Assignment:
    """Ask one more judge to review ``submission``, or, without one, the submission where one more
    review most reduces the uncertainty at the top; the judge is chosen as the module says.

    Side effects: an Assignment in the global round ("extra", with its reason); an inbox item and an
    email to the judge (delivered after commit); an audit entry. Raises: PermissionDeniedError (not
    an organiser or staff), Conflict (judging not open, nothing to suggest, nobody can take it),
    ServiceError (a submission of another sprint or outside the global round).
    """
    refusal = extra_review_refusal(actor, sprint, now=timezone.now())
    if refusal is not None:
        raise refusal
    if submission is not None:
        if submission.sprint_id != sprint.pk:
            raise ServiceError({"submission": [_("Choose one of this sprint's submissions.")]})
        if submission.pk not in {s.pk for s in global_round_submissions(sprint)}:
            raise ServiceError(
                {"submission": [_("This submission is not in the global round: its site has not nominated it.")]}
            )
    # The ranking (about a second for a big sprint, usually cached) is read before the lock.
    suggestions = _suggestions(sprint) if submission is None else []
    Sprint.objects.select_for_update().filter(pk=sprint.pk).first()
    chosen, candidate, why = _choose(sprint, submission, suggestions)
    cap = settings_for(sprint).load_cap
    try:
        with transaction.atomic():
            assignment = Assignment.objects.create(
                sprint=sprint,
                submission=chosen,
                judge=candidate.judge,
                round=JudgingRound.GLOBAL,
                source=AssignmentSource.EXTRA,
                reason=extra_review_reason(why, candidate, asked_by=actor.name, cap=cap),
                created_by=actor,
            )
    except IntegrityError as exc:
        raise Conflict(_("%(name)s already reviews this submission.") % {"name": candidate.judge.name}) from exc
    _tell_the_judge(assignment, actor=actor)
    record_audit(
        actor=actor,
        action="judging.extra_review",
        target=assignment,
        submission=chosen.pk,
        judge=candidate.judge.pk,
        chosen_by="organiser" if submission is not None else "ranking",
    )
    return assignment
