"""A site's own first round: its organisers review the site's submissions, then nominate the best ones
to the global round (``JudgingSettings.local_first_round``; ``nominations_per_site`` at most).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sprintlab.core.audit import record_audit
from sprintlab.core.errors import Conflict, ServiceError
from sprintlab.judging.conflicts import conflict_matrix
from sprintlab.judging.models import Assignment, AssignmentSource, JudgingRound, Nomination
from sprintlab.judging.permissions import local_round_refusal, nominate_refusal
from sprintlab.judging.selectors import site_submissions
from sprintlab.localsites.models import LocalSite
from sprintlab.sprints.models import Sprint
from sprintlab.submissions.models import Submission


@transaction.atomic
def local_round_open(*, actor, site: LocalSite) -> int:
    """Give each of ``site``'s organisers the site's submissions to review in the local round.

    Own-team conflicts still apply (same-site conflicts do not: the round is about the site's own
    teams). Running it again adds what is new. Side effects: Assignment rows ("local"); an audit
    entry. Returns how many pairs were added. Raises: PermissionDeniedError, Conflict (no local round).
    """
    refusal = local_round_refusal(actor, site, now=timezone.now())
    if refusal is not None:
        raise refusal
    Sprint.objects.select_for_update().filter(pk=site.sprint_id).first()
    LocalSite.objects.select_for_update().filter(pk=site.pk).first()
    submissions = list(site_submissions(site))
    judge_ids = list(site.organiser_links.values_list("user_id", flat=True))
    conflicted = conflict_matrix(site.sprint, judge_ids=judge_ids, submissions=submissions, same_site=False)
    existing = set(
        Assignment.objects.filter(sprint_id=site.sprint_id, round=JudgingRound.LOCAL).values_list(
            "submission_id", "judge_id"
        )
    )
    reason = _("A submission of %(site)s, reviewed by the site's organisers first.") % {"site": site.name}
    made = [
        Assignment(
            sprint_id=site.sprint_id,
            submission=submission,
            judge_id=judge_id,
            round=JudgingRound.LOCAL,
            source=AssignmentSource.LOCAL,
            reason=reason,
            created_by=actor,
        )
        for submission in submissions
        for judge_id in judge_ids
        if (submission.pk, judge_id) not in conflicted and (submission.pk, judge_id) not in existing
    ]
    Assignment.objects.bulk_create(made)
    record_audit(actor=actor, action="judging.local_round_open", target=site, pairs=len(made))
    return len(made)


@transaction.atomic
def nomination_add(*, actor, site: LocalSite, submission: Submission, note: str = "") -> Nomination:
    """``site`` sends ``submission`` on to the global round.

    Side effects: a Nomination row; an audit entry. Raises: PermissionDeniedError (not the site's
    organiser), Conflict (no local round, already nominated, the site's limit reached), ServiceError
    (not one of the site's submissions, note too long).
    """
    if len(note or "") > 500:
        raise ServiceError({"note": [_("Keep the note under 500 characters.")]})
    Sprint.objects.select_for_update().filter(pk=site.sprint_id).first()
    LocalSite.objects.select_for_update().filter(pk=site.pk).first()
    refusal = nominate_refusal(actor, site, submission, now=timezone.now())
    if refusal is not None:
        raise refusal
    nomination = Nomination.objects.create(
        sprint_id=site.sprint_id, site=site, submission=submission, nominated_by=actor, note=(note or "").strip()
    )
    record_audit(actor=actor, action="judging.nominate", target=nomination, site=site.pk, submission=submission.pk)
    return nomination


@transaction.atomic
def nomination_remove(*, actor, nomination: Nomination) -> None:
    """Withdraw a nomination before the global round is assigned. Side effects: an audit entry."""
    refusal = local_round_refusal(actor, nomination.site, now=timezone.now())
    if refusal is not None:
        raise refusal
    if Assignment.objects.filter(submission=nomination.submission, round=JudgingRound.GLOBAL).exists():
        raise Conflict(_("The global round already reviews this submission; the nomination stays."))
    record_audit(
        actor=actor, action="judging.nomination_remove", target=nomination.site, submission=nomination.submission_id
    )
    nomination.delete()
