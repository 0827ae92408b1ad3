"""Judges' pages: accepting an invitation, the profile, bids, the queue and the scoring page with autosave.

The scoring page saves each criterion on its own (htmx posts one form per criterion on change) and
the texts when they change; a refused save answers 4xx with its message, which the page shows next
to the criterion (static/judging/scoring.js lets htmx swap those answers in). Without JavaScript
the same forms post and come back to the page.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sprintlab.core.errors import ServiceError
from sprintlab.core.forms import add_service_error
from sprintlab.judging import scoring, selectors, services
from sprintlab.judging.conflicts import conflict_matrix
from sprintlab.judging.forms import BidForm, JudgeProfileForm, ReviewTextsForm
from sprintlab.judging.models import BidLevel, JudgingRound, Review
from sprintlab.judging.permissions import may_edit_judge_profile, score_refusal
from sprintlab.sprints.selectors import sprint_for_viewer
from sprintlab.submissions import selectors as submission_selectors

# The three kinds of review a judge writes, as they appear in addresses.
KINDS = {
    "global": (JudgingRound.GLOBAL, False),
    "local": (JudgingRound.LOCAL, False),
    "calibration": (JudgingRound.GLOBAL, True),
}


def _judge_sprint(request, slug: str):
    sprint = sprint_for_viewer(slug, request.user)
    if not request.user.has_perm("judging.judge", sprint):
        raise PermissionDenied(_("Only the sprint's judges open this page."))
    return sprint


def _kind_of(round: str, is_calibration: bool) -> str:
    return "calibration" if is_calibration else round


def accept(request, token):
    """The invitation's link: who invites, to what; signed-in people accept, others sign in or sign up first."""
    invitation = selectors.invitation_by_token(token)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('account_login')}?next={request.path}")
        try:
            services.invitation_accept(actor=request.user, invitation=invitation)
        except ServiceError as exc:
            messages.error(request, exc.text)
            return render(request, "judging/accept.html", {"invitation": invitation}, status=exc.status_code)
        messages.success(
            request,
            _("You are a judge of %(sprint)s. Tell us your expertise and conflicts.")
            % {"sprint": invitation.sprint.title},
        )
        return redirect("judging:profile", slug=invitation.sprint.slug)
    return render(
        request,
        "judging/accept.html",
        {"invitation": invitation, "next": request.path, "is_open": invitation.is_open},
    )


@login_required
def profile(request, slug):
    sprint = _judge_sprint(request, slug)
    current = selectors.profile_of(request.user)
    if not may_edit_judge_profile(request.user, request.user):
        raise PermissionDenied
    initial = {
        "affiliation": current.affiliation,
        "expertise": current.expertise,
        "expertise_tags": ", ".join(current.expertise_tags),
        "links": "\n".join(current.links),
        "conflict_institutions": "\n".join(current.conflict_institutions),
        "conflict_people": "\n".join(current.conflict_people),
    }
    form = JudgeProfileForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.judge_profile_update(actor=request.user, user=request.user, **form.service_values())
            except ServiceError as exc:
                add_service_error(form, exc)
            else:
                messages.success(request, _("Your judge profile is saved."))
                return redirect("judging:profile", slug=sprint.slug)
        status = 400
    return render(request, "judging/profile.html", {"sprint": sprint, "form": form}, status=status)


@login_required
def bids(request, slug):
    """Every submission of the sprint with the judge's bid; conflicted ones say why they cannot be bid on."""
    sprint = _judge_sprint(request, slug)
    now = timezone.now()
    settings = selectors.settings_for(sprint)
    submissions = list(selectors.submissions_of(sprint))
    conflicts = conflict_matrix(sprint, judge_ids=[request.user.pk], submissions=submissions)
    mine = selectors.bids_of(request.user, sprint)
    open_ = settings.assigned_at is None and now < sprint.results_published_at
    rows = [
        {
            "submission": submission,
            "level": mine.get(submission.pk, ""),
            "conflicts": conflicts.get((submission.pk, request.user.pk), []),
            "can_bid": open_ and (submission.pk, request.user.pk) not in conflicts,
        }
        for submission in submissions
    ]
    return render(
        request,
        "judging/bids.html",
        {"sprint": sprint, "rows": rows, "levels": BidLevel.choices, "bidding_open": open_},
    )


@login_required
@require_POST
def bid(request, slug, submission_id):
    sprint = _judge_sprint(request, slug)
    submission = selectors.get_submission(sprint, submission_id)
    form = BidForm(request.POST)
    if not form.is_valid():
        return render(
            request, "judging/_status.html", {"error": _("Choose eager, willing or not willing.")}, status=400
        )
    try:
        services.bid_set(actor=request.user, submission=submission, level=form.cleaned_data["level"])
    except ServiceError as exc:
        if request.htmx:
            return render(request, "judging/_status.html", {"error": exc.text}, status=exc.status_code)
        messages.error(request, exc.text)
        return redirect("judging:bids", slug=sprint.slug)
    if request.htmx:
        return render(request, "judging/_status.html", {"saved": True})
    messages.success(request, _("Your bid on “%(title)s” is saved.") % {"title": submission.title})
    return redirect("judging:bids", slug=sprint.slug)


@login_required
def queue(request, slug):
    """What the judge has to score, calibration first, with their progress; in pairwise mode, the way
    to the compare page too."""
    sprint = _judge_sprint(request, slug)
    items = selectors.queue_for(request.user, sprint, conflicted_ids=_conflicted_calibration(request.user, sprint))
    progress = selectors.judge_progress(request.user, sprint, items)
    for item in items:
        item.kind = _kind_of(item.round, item.is_calibration)
    settings = selectors.settings_for(sprint)
    return render(
        request,
        "judging/queue.html",
        {
            "sprint": sprint,
            "items": items,
            "progress": progress,
            "due": settings.due_at(),
            "compares_pairs": settings.pairwise_mode and selectors.is_judge(request.user, sprint),
            "next_item": next((item for item in items if not item.done), None),
        },
    )


def _conflicted_calibration(user, sprint) -> set[int]:
    entries = selectors.calibration_submission_ids(sprint)
    if not entries:
        return set()
    submissions = selectors.submissions_of(sprint).filter(pk__in=entries)
    return {s for s, _j in conflict_matrix(sprint, judge_ids=[user.pk], submissions=submissions)}


def _review_context(request, sprint, submission, kind: str) -> dict:
    round, is_calibration = KINDS[kind]
    refusal = score_refusal(request.user, submission, now=timezone.now(), round=round, is_calibration=is_calibration)
    review = Review.objects.filter(
        submission=submission, judge=request.user, round=round, is_calibration=is_calibration
    ).first()
    scores = {s.criterion_id: s.value for s in review.scores.all()} if review else {}
    criteria = []
    for criterion in selectors.criteria_of(sprint):
        value = scores.get(criterion.pk)
        options = []
        if (criterion.scale_max - criterion.scale_min) / criterion.step <= 10:
            step, point = criterion.step, criterion.scale_min
            while point <= criterion.scale_max:
                options.append({"value": f"{point:g}", "checked": value is not None and value == point})
                point += step
        criteria.append({"criterion": criterion, "value": value, "options": options})
    texts = ReviewTextsForm(
        initial={
            "feedback": review.feedback if review else "",
            "private_note": review.private_note if review else "",
            "info_hazard_flag": review.info_hazard_flag if review else False,
        }
    )
    items = selectors.queue_for(request.user, sprint, conflicted_ids=_conflicted_calibration(request.user, sprint))
    position = next(
        (
            i
            for i, item in enumerate(items)
            if item.submission.pk == submission.pk and item.round == round and item.is_calibration == is_calibration
        ),
        None,
    )
    following = next((item for item in items[(position or 0) + 1 :] if not item.done), None)
    if following is not None:
        following.kind = _kind_of(following.round, following.is_calibration)
    return {
        "sprint": sprint,
        "submission": submission,
        "kind": kind,
        "review": review,
        "criteria": criteria,
        "texts": texts,
        "refusal": refusal.text if refusal else "",
        "can_score": refusal is None,
        "progress": selectors.judge_progress(request.user, sprint, items),
        "following": following,
        "listed": position is not None,
        "report_version": submission_selectors.latest_version(submission),
    }


@login_required
def review(request, slug, submission_id, kind):
    """The scoring page: the submission, each criterion with its levels, the texts and "done"."""
    sprint = _judge_sprint(request, slug)
    if kind not in KINDS:
        raise Http404("No such review.")
    submission = selectors.get_submission(sprint, submission_id)
    context = _review_context(request, sprint, submission, kind)
    if not context["listed"]:
        raise PermissionDenied(context["refusal"] or _("This submission is not in your queue."))
    return render(request, "judging/review.html", context)


def _answer(request, sprint, submission, kind, *, error: ServiceError | None, saved_message: str):
    if request.htmx:
        if error is not None:
            return render(request, "judging/_status.html", {"error": error.text}, status=error.status_code)
        return render(request, "judging/_status.html", {"saved": True})
    if error is not None:
        messages.error(request, error.text)
        context = _review_context(request, sprint, submission, kind)
        return render(request, "judging/review.html", context, status=error.status_code)
    messages.success(request, saved_message)
    return redirect("judging:review", slug=sprint.slug, submission_id=submission.pk, kind=kind)


@login_required
@require_POST
def score(request, slug, submission_id, kind, criterion_id):
    """Save one criterion's score (the autosave of the scoring page)."""
    sprint = _judge_sprint(request, slug)
    if kind not in KINDS:
        raise Http404("No such review.")
    submission = selectors.get_submission(sprint, submission_id)
    criterion = next((c for c in selectors.criteria_of(sprint) if c.pk == criterion_id), None)
    if criterion is None:
        raise Http404("No such criterion.")
    round, is_calibration = KINDS[kind]
    error = None
    try:
        scoring.score_save(
            actor=request.user,
            submission=submission,
            criterion=criterion,
            value=request.POST.get("value", ""),
            round=round,
            is_calibration=is_calibration,
        )
    except ServiceError as exc:
        error = exc
    return _answer(request, sprint, submission, kind, error=error, saved_message=_("Score saved."))


@login_required
@require_POST
def review_texts(request, slug, submission_id, kind):
    """Save the feedback, the private note and the flag; "done" also marks the review complete."""
    sprint = _judge_sprint(request, slug)
    if kind not in KINDS:
        raise Http404("No such review.")
    submission = selectors.get_submission(sprint, submission_id)
    round, is_calibration = KINDS[kind]
    form = ReviewTextsForm(request.POST)
    error = None
    if not form.is_valid():
        error = ServiceError({field: list(errors) for field, errors in form.errors.items()})
    else:
        complete = {"done": True, "reopen": False}.get(request.POST.get("action", ""))
        try:
            scoring.review_save(
                actor=request.user,
                submission=submission,
                round=round,
                is_calibration=is_calibration,
                complete=complete,
                **form.cleaned_data,
            )
        except ServiceError as exc:
            error = exc
    if error is None and request.POST.get("action") == "done" and not request.htmx:
        messages.success(request, _("Review done. Thank you!"))
        return redirect("judging:queue", slug=sprint.slug)
    return _answer(request, sprint, submission, kind, error=error, saved_message=_("Review saved."))
