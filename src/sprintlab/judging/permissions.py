"""Who may do what in judging, and when.

Roles (``user.has_perm("judging.<action>", sprint)``): the sprint's organisers and staff see the
judges, invite them, edit criteria and settings, run and adjust the assignment, see every score and
the judges' private notes, remind late judges and ask for one more review; the sprint's judges open
their queue.

What may happen *now*, written once as refusals (``*_refusal(user, obj, *, now)``) with ``may_*``
twins: bidding (a judge of the sprint, not conflicted, until the first assignment run), scoring (a
judge assigned to the submission in that round, or a calibration entry, never when conflicted,
from the submission deadline until results are published) and nominating (a site's organiser,
while the sprint's local first round is on and the site has nominations left).
"""

from __future__ import annotations

from datetime import datetime

import rules
from django.db.models import Q
from django.utils.translation import gettext as _

from sprintlab.core.errors import Conflict, PermissionDeniedError, ServiceError
from sprintlab.core.permissions import is_signed_in, is_staff
from sprintlab.judging.conflicts import conflicts_for
from sprintlab.judging.models import Assignment, CalibrationEntry, Comparison, JudgingRound, Nomination, PairOffer
from sprintlab.judging.selectors import is_judge, settings_for, site_submissions
from sprintlab.localsites.permissions import is_site_organiser
from sprintlab.sprints.models import SprintMembership, SprintRole
from sprintlab.sprints.permissions import can_manage_sprint


@rules.predicate
def is_sprint_judge(user, sprint) -> bool:
    return sprint is not None and is_judge(user, sprint)


rules.add_perm("judging.view_judges", can_manage_sprint)
rules.add_perm("judging.invite_judges", can_manage_sprint)
rules.add_perm("judging.edit_criteria", can_manage_sprint)
rules.add_perm("judging.manage_assignments", can_manage_sprint)
rules.add_perm("judging.view_scores", can_manage_sprint)
rules.add_perm("judging.view_private_notes", can_manage_sprint)
rules.add_perm("judging.remind_judges", can_manage_sprint)
rules.add_perm("judging.request_extra_review", can_manage_sprint)


@rules.predicate
def has_reviews_to_write(user, sprint) -> bool:
    """A site organiser judging their site's first round reviews without being one of the sprint's judges."""
    if not (is_signed_in(user) and sprint is not None):
        return False
    return Assignment.objects.filter(sprint=sprint, judge=user).exists()


# The judge's pages (queue, scoring, profile).
rules.add_perm("judging.judge", is_sprint_judge | has_reviews_to_write)


def reviews_submission_files(user, submission) -> bool:
    """A judge reads the report and appendices of what they review: their assignments in any round,
    the sprint's calibration entries, and in pairwise mode both sides of the pair they are offered or
    have compared; never when conflicted. Registered with the submissions app (``register_file_access``,
    in ``JudgingConfig.ready``), which asks it only after its own roles."""
    if not is_signed_in(user):
        return False
    either_side = Q(left=submission) | Q(right=submission)
    reviews_it = (
        Assignment.objects.filter(submission=submission, judge=user).exists()
        or (CalibrationEntry.objects.filter(submission=submission).exists() and is_judge(user, submission.sprint))
        or PairOffer.objects.filter(either_side, judge=user).exists()
        or Comparison.objects.filter(either_side, judge=user).exists()
    )
    return reviews_it and not conflicts_for(user, submission)


def may_edit_judge_profile(actor, user) -> bool:
    """The judge themself, staff, or an organiser of a sprint the person judges."""
    if not is_signed_in(actor):
        return False
    if actor.pk == user.pk or is_staff(actor):
        return True
    judged = SprintMembership.objects.filter(user=user, role=SprintRole.JUDGE).values("sprint_id")
    return SprintMembership.objects.filter(user=actor, role=SprintRole.ORGANISER, sprint_id__in=judged).exists()


def judging_over_reason(sprint, *, now: datetime) -> str:
    if now >= sprint.results_published_at:
        return _("The results of this sprint are published; judging is closed.")
    return ""


# --- One more review ----------------------------------------------------------------------------


def extra_review_refusal(user, sprint, *, now: datetime) -> ServiceError | None:
    """Why ``user`` may not ask for one more review in ``sprint`` now: organisers and staff, while
    judging is open (from the submission deadline until the results are published)."""
    if not (is_signed_in(user) and user.has_perm("judging.request_extra_review", sprint)):
        return PermissionDeniedError(_("Only the sprint's organisers ask for one more review."))
    if now < sprint.submission_deadline_at:
        return Conflict(_("Judging starts after the submission deadline; ask for more reviews then."))
    reason = judging_over_reason(sprint, now=now)
    return Conflict(reason) if reason else None


def may_request_extra_review(user, sprint, *, now: datetime) -> bool:
    return extra_review_refusal(user, sprint, now=now) is None


# --- Bids ----------------------------------------------------------------------------------------


def bid_refusal(user, submission, *, now: datetime, settings=None) -> ServiceError | None:
    sprint = submission.sprint
    if not is_signed_in(user) or not is_judge(user, sprint):
        return PermissionDeniedError(_("Only the sprint's judges bid on submissions."))
    settings = settings if settings is not None else settings_for(sprint)
    if settings.assigned_at is not None:
        return Conflict(_("The assignment has been made: bids are closed."))
    reason = judging_over_reason(sprint, now=now)
    if reason:
        return Conflict(reason)
    reasons = conflicts_for(user, submission)
    if reasons:
        return Conflict(_("You have a conflict with this submission: %(why)s") % {"why": " ".join(reasons)})
    return None


def may_bid(user, submission, *, now: datetime, settings=None) -> bool:
    """A judge of the sprint without a conflict, until the first assignment run."""
    return bid_refusal(user, submission, now=now, settings=settings) is None


# --- Scores --------------------------------------------------------------------------------------


def score_refusal(
    user, submission, *, now: datetime, round: str = JudgingRound.GLOBAL, is_calibration: bool = False
) -> ServiceError | None:
    """Why ``user`` may not score ``submission`` (in ``round``, or as a calibration entry) now."""
    sprint = submission.sprint
    if not is_signed_in(user):
        return PermissionDeniedError(_("Sign in to score submissions."))
    if is_calibration:
        listed = (
            round == JudgingRound.GLOBAL
            and CalibrationEntry.objects.filter(sprint=sprint, submission=submission).exists()
        )
        if not (listed and is_judge(user, sprint)):
            return PermissionDeniedError(_("This is not one of the sprint's calibration entries for you."))
    elif not Assignment.objects.filter(submission=submission, judge=user, round=round).exists():
        return PermissionDeniedError(_("This submission is not assigned to you, so you cannot score it."))
    if now < sprint.submission_deadline_at:
        return Conflict(_("Judging starts after the submission deadline."))
    reason = judging_over_reason(sprint, now=now)
    if reason:
        return Conflict(reason)
    reasons = conflicts_for(user, submission, same_site=False if round == JudgingRound.LOCAL else None)
    if reasons:
        return Conflict(
            _("You have a conflict with this submission, so you cannot score it: %(why)s") % {"why": " ".join(reasons)}
        )
    return None


def may_score(
    user, submission, *, now: datetime, round: str = JudgingRound.GLOBAL, is_calibration: bool = False
) -> bool:
    return score_refusal(user, submission, now=now, round=round, is_calibration=is_calibration) is None


# --- The local first round -----------------------------------------------------------------------


def runs_local_round(user, site) -> bool:
    """The site's organisers, the sprint's organisers and staff run a site's first round."""
    return is_signed_in(user) and (is_site_organiser(user, site) or can_manage_sprint(user, site.sprint))


def local_round_refusal(user, site, *, now: datetime) -> ServiceError | None:
    if not runs_local_round(user, site):
        return PermissionDeniedError(_("Only the site's organisers and the sprint's organisers run its first round."))
    if not settings_for(site.sprint).local_first_round:
        return Conflict(_("This sprint has no local first round."))
    reason = judging_over_reason(site.sprint, now=now)
    return Conflict(reason) if reason else None


def may_run_local_round(user, site, *, now: datetime) -> bool:
    return local_round_refusal(user, site, now=now) is None


def nominate_refusal(user, site, submission, *, now: datetime) -> ServiceError | None:
    refusal = local_round_refusal(user, site, now=now)
    if refusal is not None:
        return refusal
    if not site_submissions(site).filter(pk=submission.pk).exists():
        return ServiceError({"submission": [_("Choose one of this site's own submissions.")]})
    if Nomination.objects.filter(submission=submission).exists():
        return Conflict(_("This submission is already nominated to the global round."))
    limit = settings_for(site.sprint).nominations_per_site
    if Nomination.objects.filter(site=site).count() >= limit:
        return Conflict(
            _("This site has already nominated %(count)d submissions, its limit; withdraw one first.")
            % {"count": limit}
        )
    return None


def may_nominate(user, site, submission, *, now: datetime) -> bool:
    """A site's organiser (or the sprint's), while the local round is on and the site has places left."""
    return nominate_refusal(user, site, submission, now=now) is None


# --- Pairwise comparisons ------------------------------------------------------------------------


def comparison_refusal(user, sprint, *, now: datetime, settings=None) -> ServiceError | None:
    """Why ``user`` may not compare pairs in ``sprint`` now: only its judges, in pairwise mode, while
    judging is open (after the submission deadline, before the results)."""
    if not is_signed_in(user) or not is_judge(user, sprint):
        return PermissionDeniedError(_("Only the sprint's judges compare submissions."))
    settings = settings if settings is not None else settings_for(sprint)
    if not settings.pairwise_mode:
        return Conflict(_("This sprint is not judged in pairs: the organisers have not turned pairwise mode on."))
    if now < sprint.submission_deadline_at:
        return Conflict(_("Judging starts after the submission deadline."))
    reason = judging_over_reason(sprint, now=now)
    return Conflict(reason) if reason else None


def may_compare(user, sprint, *, now: datetime, settings=None) -> bool:
    return comparison_refusal(user, sprint, now=now, settings=settings) is None


def pair_refusal(user, left, right, *, now: datetime, settings=None) -> ServiceError | None:
    """Why ``user`` may not compare ``left`` with ``right`` now: as ``comparison_refusal``, and never
    a submission they have a conflict with."""
    refusal = comparison_refusal(user, left.sprint, now=now, settings=settings)
    if refusal is not None:
        return refusal
    for submission in (left, right):
        reasons = conflicts_for(user, submission)
        if reasons:
            return Conflict(
                _("You have a conflict with “%(title)s”, so you cannot compare it: %(why)s")
                % {"title": submission.title, "why": " ".join(reasons)}
            )
    return None


def may_compare_pair(user, left, right, *, now: datetime) -> bool:
    return pair_refusal(user, left, right, now=now) is None
