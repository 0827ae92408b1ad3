"""Who may do what with results, the info-hazard gate and the library, and when.

Roles: published projects are public. A project's team (its authors and current members), the
sprint's organisers (and staff) and its info-hazard reviewers see it before it is published.
Organisers choose winners, publish projects and release results; info-hazard reviewers (the
sprint role ``SprintRole.HAZARD_REVIEWER``, the staff-granted permission
``library.review_all_info_hazards``, or staff) decide on flagged projects. What may happen now:
the ``*_refusal`` / ``may_*`` pairs below, which services raise and pages and the API ask.
"""

from __future__ import annotations

from datetime import datetime

import rules
from django.utils.translation import gettext as _

from sprintlab.core.errors import Conflict, PermissionDeniedError, ServiceError
from sprintlab.core.permissions import is_signed_in, is_staff
from sprintlab.sprints.models import SprintRole
from sprintlab.sprints.permissions import can_manage_sprint
from sprintlab.submissions.models import SubmissionAuthor
from sprintlab.teams.models import TeamMember


def holds_hazard_reviewer_role(user, sprint) -> bool:
    """``user`` has the sprint role Info-hazard reviewer in ``sprint``: one query, for the sprint page's link."""
    if not (is_signed_in(user) and sprint is not None):
        return False
    return sprint.memberships.filter(user=user, role=SprintRole.HAZARD_REVIEWER).exists()


@rules.predicate
def reviews_info_hazards(user, sprint) -> bool:
    """An info-hazard reviewer of ``sprint``, or of every sprint (staff, or the staff-granted permission)."""
    if not (is_signed_in(user) and sprint is not None):
        return False
    if is_staff(user) or user.has_perm("library.review_all_info_hazards"):
        return True
    return holds_hazard_reviewer_role(user, sprint)


def is_on_project(user, submission) -> bool:
    """``user`` wrote ``submission`` or is on the team that submitted it."""
    if not (is_signed_in(user) and submission is not None):
        return False
    return (
        SubmissionAuthor.objects.filter(submission=submission, user=user).exists()
        or TeamMember.objects.filter(team_id=submission.team_id, user=user).exists()
    )


@rules.predicate
def sees_unpublished_project(user, submission) -> bool:
    if submission is None:
        return False
    return (
        can_manage_sprint(user, submission.sprint)
        or reviews_info_hazards(user, submission.sprint)
        or is_on_project(user, submission)
    )


# Checked against a sprint.
rules.add_perm("library.manage_results", can_manage_sprint)
rules.add_perm("library.decide_hazards", reviews_info_hazards)
rules.add_perm("library.view_hazard_log", can_manage_sprint | reviews_info_hazards)
# Checked against a submission.
rules.add_perm("library.view_unpublished_project", sees_unpublished_project)


def _after_deadline(sprint, now: datetime) -> ServiceError | None:
    if now < sprint.submission_deadline_at:
        return Conflict(_("Submissions are still open; wait until the submission deadline has passed."))
    return None


def results_refusal(user, sprint, *, now: datetime) -> ServiceError | None:
    """Choose winners, publish projects, release results: the sprint's organisers, after the deadline."""
    if not can_manage_sprint(user, sprint):
        return PermissionDeniedError(_("Only the sprint's organisers choose winners and publish results."))
    return _after_deadline(sprint, now)


def may_manage_results(user, sprint, *, now: datetime) -> bool:
    return results_refusal(user, sprint, now=now) is None


def hazard_decision_refusal(user, sprint, *, now: datetime) -> ServiceError | None:
    if not reviews_info_hazards(user, sprint):
        return PermissionDeniedError(_("Only the sprint's info-hazard reviewers decide on flagged projects."))
    return _after_deadline(sprint, now)


def may_decide_hazards(user, sprint, *, now: datetime) -> bool:
    return hazard_decision_refusal(user, sprint, now=now) is None


def certificate_refusal(user, sprint, *, released: bool, took_part: bool) -> ServiceError | None:
    """A certificate: everyone who took part in the sprint (docs/library.md), once its results are released."""
    if not is_signed_in(user):
        return PermissionDeniedError(_("Sign in to download your certificate."))
    if not took_part:
        return PermissionDeniedError(_("Certificates go to the people who took part in this sprint."))
    if not released:
        return Conflict(_("Certificates can be downloaded once the sprint's results are published."))
    return None
