"""Writes of scoring: one criterion's score (the queue autosaves each on its own), a review's texts and
completion, and reminders to judges who are late.

A score or review is refused, changing nothing, when the submission is not assigned to the judge
(nor a calibration entry), when the judge is conflicted with it, outside the judging window, and
for any value that is not a number on the criterion's scale: NaN, infinities, huge numbers, a
fraction where the scale takes whole (or half) points.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.conf import settings as django_settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _

from sprintlab.core.audit import record_audit
from sprintlab.core.dates import format_local
from sprintlab.core.errors import PermissionDeniedError, ServiceError
from sprintlab.core.unstorable_text import unstorable_text_errors
from sprintlab.judging.models import Criterion, JudgingRound, Review, Score
from sprintlab.judging.permissions import score_refusal
from sprintlab.judging.selectors import progress_of, settings_for
from sprintlab.notifications.inbox import inbox_add_many
from sprintlab.notifications.models import InboxItem, NotificationKind
from sprintlab.notifications.selectors import channels_by_user
from sprintlab.notifications.services import outbox_enqueue
from sprintlab.sprints.models import Sprint
from sprintlab.submissions.models import Submission
from sprintlab.submissions.signals import info_hazard_flagged

MAX_FEEDBACK = Review._meta.get_field("feedback").max_length
MAX_PRIVATE_NOTE = Review._meta.get_field("private_note").max_length


def _parse_score(criterion: Criterion, value) -> Decimal:
    """``value`` as a score on ``criterion``'s scale, or a ServiceError on ``value`` saying why not."""
    scale = {"min": criterion.scale_min, "max": criterion.scale_max}
    if isinstance(value, bool) or value is None:
        raise ServiceError({"value": [_("Give a score from %(min)d to %(max)d.") % scale]})
    text = str(value).strip()
    if len(text) > 20:
        raise ServiceError({"value": [_("Give a score from %(min)d to %(max)d.") % scale]})
    try:
        number = Decimal(text)
    except (InvalidOperation, ValueError) as exc:
        raise ServiceError({"value": [_("Give the score as a number from %(min)d to %(max)d.") % scale]}) from exc
    if not number.is_finite():
        raise ServiceError({"value": [_("Give the score as a number from %(min)d to %(max)d.") % scale]})
    if not criterion.scale_min <= number <= criterion.scale_max:
        raise ServiceError({"value": [_("Give a score from %(min)d to %(max)d.") % scale]})
    if number % criterion.step != 0:
        message = _("Use half points, e.g. 3.5.") if criterion.half_steps else _("Use whole points, e.g. 3.")
        raise ServiceError({"value": [message]})
    return number.quantize(Decimal("0.1"))


def _refuse(actor, submission: Submission, *, round: str, is_calibration: bool) -> None:
    if round not in JudgingRound.values:
        raise ServiceError({"round": [_("Choose the global or the local round.")]})
    refusal = score_refusal(actor, submission, now=timezone.now(), round=round, is_calibration=is_calibration)
    if refusal is not None:
        raise refusal


def _review_for_update(actor, submission: Submission, *, round: str, is_calibration: bool) -> Review:
    review, _created = Review.objects.select_for_update().get_or_create(
        submission=submission,
        judge=actor,
        round=round,
        is_calibration=is_calibration,
        defaults={"sprint_id": submission.sprint_id},
    )
    return review


@transaction.atomic
def score_save(
    *,
    actor,
    submission: Submission,
    criterion: Criterion,
    value,
    round: str = JudgingRound.GLOBAL,
    is_calibration: bool = False,
) -> Score:
    """``actor`` gives ``submission`` the score ``value`` on ``criterion`` (their review is made on first use).

    Side effects: the Review and Score rows; an audit entry. Raises: PermissionDeniedError (not
    assigned), Conflict (conflicted, outside the judging window), ServiceError (value off the scale,
    a criterion of another sprint).
    """
    if criterion.sprint_id != submission.sprint_id:
        raise ServiceError({"criterion": [_("Choose one of this sprint's criteria.")]})
    number = _parse_score(criterion, value)
    _refuse(actor, submission, round=round, is_calibration=is_calibration)
    review = _review_for_update(actor, submission, round=round, is_calibration=is_calibration)
    score, _created = Score.objects.update_or_create(review=review, criterion=criterion, defaults={"value": number})
    record_audit(actor=actor, action="judging.score", target=review, criterion=criterion.pk, value=str(number))
    return score


@transaction.atomic
def review_save(
    *,
    actor,
    submission: Submission,
    round: str = JudgingRound.GLOBAL,
    is_calibration: bool = False,
    feedback: str | None = None,
    private_note: str | None = None,
    info_hazard_flag: bool | None = None,
    complete: bool | None = None,
) -> Review:
    """Write the texts of ``actor``'s review of ``submission``; ``complete`` marks it done (or not).

    Fields left ``None`` stay as they are. A review is done only when every criterion has a score.
    Side effects: the Review row; an audit entry. Raises as ``score_save``, and ServiceError for
    unstorable or oversize text and for completing with criteria unscored.
    """
    errors = unstorable_text_errors([("feedback", feedback or ""), ("private_note", private_note or "")])
    if feedback is not None and len(feedback) > MAX_FEEDBACK:
        errors.setdefault("feedback", []).append(_("Keep the feedback under %(n)d characters.") % {"n": MAX_FEEDBACK})
    if private_note is not None and len(private_note) > MAX_PRIVATE_NOTE:
        errors.setdefault("private_note", []).append(
            _("Keep the note under %(n)d characters.") % {"n": MAX_PRIVATE_NOTE}
        )
    if errors:
        raise ServiceError(errors)
    _refuse(actor, submission, round=round, is_calibration=is_calibration)
    review = _review_for_update(actor, submission, round=round, is_calibration=is_calibration)
    if feedback is not None:
        review.feedback = feedback.strip()
    if private_note is not None:
        review.private_note = private_note.strip()
    newly_flagged = bool(info_hazard_flag) and not review.info_hazard_flag
    if info_hazard_flag is not None:
        review.info_hazard_flag = bool(info_hazard_flag)
    if complete:
        criteria = set(Criterion.objects.filter(sprint_id=submission.sprint_id).values_list("pk", flat=True))
        scored = set(review.scores.values_list("criterion_id", flat=True))
        if not criteria or criteria - scored:
            raise ServiceError({"complete": [_("Score every criterion before marking the review done.")]})
        review.completed_at = review.completed_at or timezone.now()
    elif complete is False:
        review.completed_at = None
    review.save()
    record_audit(
        actor=actor,
        action="judging.review_save",
        target=review,
        completed=review.completed_at is not None,
        info_hazard_flag=review.info_hazard_flag,
    )
    if newly_flagged:
        info_hazard_flagged.send(sender=Review, submission=submission, actor=actor, source="judge")
    return review


@transaction.atomic
def judges_remind(*, actor, sprint: Sprint, judge_ids: list[int] | None = None) -> int:
    """Remind judges with reviews left (the late ones, or those in ``judge_ids``), once a day each.

    Side effects: an inbox item and an email per judge, as each chose for reminders; an audit
    entry. Returns how many judges were reminded (0 when all are done); a second reminder on the
    same day reaches nobody twice.
    """
    if not (actor and actor.is_authenticated and actor.has_perm("judging.remind_judges", sprint)):
        raise PermissionDeniedError(_("Only the sprint's organisers remind judges."))
    now = timezone.now()
    progress = progress_of(sprint, now=now)
    if judge_ids is not None and not set(judge_ids) <= {row.judge.pk for row in progress}:
        raise ServiceError({"judges": [_("Choose judges of this sprint.")]})
    rows = [
        row for row in progress if row.left > 0 and (row.late if judge_ids is None else row.judge.pk in set(judge_ids))
    ]
    if not rows:
        return 0
    due = format_local(settings_for(sprint).due_at())
    url = reverse("judging:queue", kwargs={"slug": sprint.slug})
    day = now.date().isoformat()
    title = _("Reviews waiting for you in %(sprint)s") % {"sprint": sprint.title}
    by_email, in_app = channels_by_user(kind=NotificationKind.REMINDER, user_ids=[row.judge.pk for row in rows])
    inbox_add_many(
        items=[
            InboxItem(
                key=f"judging-reminder:{sprint.pk}:{row.judge.pk}:{day}",
                user=row.judge,
                kind=NotificationKind.REMINDER,
                title=title,
                body_html=format_html(
                    "<p>{}</p>",
                    _("You have %(left)d of %(total)d reviews left; they are due %(due)s.")
                    % {"left": row.left, "total": row.total, "due": due},
                ),
                url=url,
            )
            for row in rows
            if row.judge.pk in in_app
        ]
    )
    for row in rows:
        if row.judge.pk in by_email:
            outbox_enqueue(
                key=f"judging-reminder:{sprint.pk}:{row.judge.pk}:{day}:email",
                to_email=row.judge.email,
                user=row.judge,
                subject=title,
                body_text=_("You have %(left)d of %(total)d reviews left; they are due %(due)s.")
                % {"left": row.left, "total": row.total, "due": due}
                + f"\n\n{django_settings.SITE_URL}{url}\n",
                kind=NotificationKind.REMINDER,
            )
    record_audit(actor=actor, action="judging.remind", target=sprint, judges=[row.judge.pk for row in rows])
    return len(rows)
