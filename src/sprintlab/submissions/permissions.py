"""Who may submit, see and extend a sprint's submissions, and when.

Roles are ``rules`` predicates (``user.has_perm("submissions.view_files", submission)``). What may
happen now is written once as a refusal (``submit_refusal``, ``solo_submit_refusal``,
``extension_refusal``) returning the ``ServiceError`` the service raises, with a ``may_*`` twin
for pages and the API (docs/style-guide.md).

The lock rule: a team submits from kickoff until ``closes_at`` — the deadline plus the sprint's
grace period, or the team's own extension when an organiser granted a later one. The services ask
the refusal again under the sprint's and the team's locks with the time read after locking, so a
save that reaches the database one second late is refused whatever raced it.

**Who sees the files.** ``may_view_files`` lets in the team's members, the sprint's organisers and
staff, and anyone an extra rule admits. Higher apps add rules at start-up (their
``AppConfig.ready``) with ``register_file_access(rule)``: ``rule(user, submission) -> bool``, for
instance judging for the judges assigned to a submission, or a published project for everyone. A
rule is asked only when the built-in roles say no; none may raise.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import rules
from django.utils.translation import gettext as _

from sprintlab.core.dates import format_local
from sprintlab.core.errors import Conflict, PermissionDeniedError, ServiceError
from sprintlab.core.permissions import is_signed_in, is_staff
from sprintlab.sprints.permissions import can_manage_sprint, is_sprint_organiser
from sprintlab.submissions.models import DeadlineExtension, Submission
from sprintlab.teams.models import Team
from sprintlab.teams.permissions import is_team_member, solo_team_refusal

FileAccessRule = Callable[[object, Submission], bool]
_file_access_rules: list[FileAccessRule] = []


def register_file_access(rule: FileAccessRule) -> FileAccessRule:
    """Let ``rule(user, submission)`` grant access to a submission's files too (usable as a decorator)."""
    if rule not in _file_access_rules:
        _file_access_rules.append(rule)
    return rule


def unregister_file_access(rule: FileAccessRule) -> None:
    if rule in _file_access_rules:
        _file_access_rules.remove(rule)


# --- Roles ------------------------------------------------------------------------------------


@rules.predicate
def is_submission_member(user, submission) -> bool:
    return submission is not None and is_team_member(user, submission.team)


@rules.predicate
def organises_submission_sprint(user, submission) -> bool:
    return submission is not None and is_sprint_organiser(user, submission.sprint)


oversees_submission = is_staff | organises_submission_sprint


def may_view_files(user, submission: Submission | None) -> bool:
    """The team, the sprint's organisers and staff, and whoever a registered rule admits."""
    if submission is None:
        return False
    if is_submission_member(user, submission) or oversees_submission(user, submission):
        return True
    return any(rule(user, submission) for rule in _file_access_rules)


rules.add_perm("submissions.view_files", rules.predicate(may_view_files))
rules.add_perm("submissions.view_submission", rules.predicate(may_view_files))
# A sprint's list of submissions, its CSV export and extensions: the sprint's organisers and staff.
rules.add_perm("submissions.manage_submissions", can_manage_sprint)


# --- Time ------------------------------------------------------------------------------------


def extension_of(team: Team) -> DeadlineExtension | None:
    cached = getattr(team, "deadline_extension_cache", False)
    if cached is not False:
        return cached
    return DeadlineExtension.objects.filter(team=team).first()


def closes_at(sprint, extension: DeadlineExtension | None = None) -> datetime:
    """When submissions lock: the deadline plus the grace period, or a later extension."""
    closing = sprint.submission_deadline_at + timedelta(minutes=sprint.submission_grace_minutes)
    if extension is not None and extension.until > closing:
        return extension.until
    return closing


def team_closes_at(team: Team) -> datetime:
    return closes_at(team.sprint, extension_of(team))


def _window_refusal(sprint, closing: datetime, *, now: datetime) -> ServiceError | None:
    if not sprint.is_published:
        return Conflict(_("This sprint is not published yet."))
    if now < sprint.kickoff_at:
        return Conflict(_("Submissions open at kickoff, %(when)s.") % {"when": format_local(sprint.kickoff_at)})
    if now >= closing:
        return Conflict(
            _("Submissions closed at %(when)s; the submission is locked and nothing was saved.")
            % {"when": format_local(closing)}
        )
    return None


def submit_refusal(user, team: Team, *, now: datetime) -> ServiceError | None:
    """Why ``user`` cannot save ``team``'s submission (a new version) at ``now``; None when they can."""
    if not is_signed_in(user):
        return PermissionDeniedError(_("Sign in to submit."))
    if not is_team_member(user, team):
        return PermissionDeniedError(_("Only the team's members submit its project."))
    if not team.is_live:
        return Conflict(_("This team was disbanded."))
    return _window_refusal(team.sprint, team_closes_at(team), now=now)


def may_submit(user, team: Team | None, *, now: datetime) -> bool:
    return team is not None and submit_refusal(user, team, now=now) is None


def solo_submit_refusal(user, sprint, *, now: datetime) -> ServiceError | None:
    """Why ``user``, in no team, cannot submit alone (as a team of one formed for them) at ``now``."""
    refusal = solo_team_refusal(user, sprint, now=now)
    if refusal is not None:
        return refusal
    return _window_refusal(sprint, closes_at(sprint), now=now)


def may_submit_solo(user, sprint, *, now: datetime) -> bool:
    return solo_submit_refusal(user, sprint, now=now) is None


def extension_refusal(user, team: Team, *, now: datetime) -> ServiceError | None:
    """Only the sprint's organisers and staff extend a team's deadline, until judging ends."""
    if not can_manage_sprint(user, team.sprint):
        return PermissionDeniedError(_("Only the sprint's organisers grant extensions."))
    if not team.is_live:
        return Conflict(_("This team was disbanded."))
    if now >= team.sprint.judging_ends_at:
        return Conflict(_("Judging has ended; deadlines no longer move."))
    return None


def may_extend(user, team: Team, *, now: datetime) -> bool:
    return extension_refusal(user, team, now=now) is None
