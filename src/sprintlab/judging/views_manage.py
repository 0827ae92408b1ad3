"""Organisers' judging pages: settings, judges and their progress, invitations, reminders, criteria and
calibration, the assignment (with why each pair), pins and forbids, and every review's scores and notes.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sprintlab.core.errors import ServiceError
from sprintlab.core.forms import add_service_error
from sprintlab.judging import assignment_runs, scoring, selectors, services
from sprintlab.judging.conflicts import conflict_matrix
from sprintlab.judging.forms import (
    AssignmentAddForm,
    CalibrationForm,
    CriterionForm,
    InviteForm,
    PairRuleForm,
    SettingsForm,
)
from sprintlab.judging.models import Assignment, Criterion, JudgeInvitation, PairRule
from sprintlab.sprints.selectors import sprint_for_manager


def _settings_form(sprint, data=None) -> SettingsForm:
    settings = selectors.settings_for(sprint)
    return SettingsForm(data, initial={name: getattr(settings, name) for name in services.SETTINGS_FIELDS})


def _overview(request, sprint, *, settings_form=None, invite_form=None, status=200):
    now = timezone.now()
    progress = selectors.progress_of(sprint, now=now)
    return render(
        request,
        "judging/overview.html",
        {
            "sprint": sprint,
            "settings": selectors.settings_for(sprint),
            "settings_form": settings_form or _settings_form(sprint),
            "invite_form": invite_form or InviteForm(),
            "progress": progress,
            "late_count": sum(row.late for row in progress),
            "invitations": selectors.invitations_of(sprint)[:200],
            "criteria_count": len(selectors.criteria_of(sprint)),
            "submission_count": selectors.submissions_of(sprint).count(),
            "can_remind": request.user.has_perm("judging.remind_judges", sprint),
        },
        status=status,
    )


def _flash(request, action, success: str) -> None:
    """Run a service; say ``success`` or, when it refuses, its sentence (the page redirects either way)."""
    try:
        action()
    except ServiceError as exc:
        messages.error(request, exc.text)
    else:
        messages.success(request, success)


@login_required
def overview(request, slug):
    sprint = sprint_for_manager(slug, request.user, "judging.view_judges")
    return _overview(request, sprint)


@login_required
@require_POST
def settings_update(request, slug):
    sprint = sprint_for_manager(slug, request.user, "judging.manage_assignments")
    form = _settings_form(sprint, request.POST)
    if form.is_valid():
        try:
            services.judging_settings_update(actor=request.user, sprint=sprint, **form.cleaned_data)
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Judging settings saved."))
            return redirect("judging:overview", slug=sprint.slug)
    return _overview(request, sprint, settings_form=form, status=400)


@login_required
@require_POST
def invite(request, slug):
    sprint = sprint_for_manager(slug, request.user, "judging.invite_judges")
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            services.judge_invite(actor=request.user, sprint=sprint, **form.cleaned_data)
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]})
            return redirect("judging:overview", slug=sprint.slug)
    return _overview(request, sprint, invite_form=form, status=400)


@login_required
@require_POST
def revoke(request, slug, pk):
    sprint = sprint_for_manager(slug, request.user, "judging.invite_judges")
    invitation = get_object_or_404(JudgeInvitation, pk=pk, sprint=sprint)
    _flash(
        request,
        lambda: services.invitation_revoke(actor=request.user, invitation=invitation),
        _("The invitation to %(email)s is withdrawn.") % {"email": invitation.email},
    )
    return redirect("judging:overview", slug=sprint.slug)


@login_required
@require_POST
def remind(request, slug):
    sprint = sprint_for_manager(slug, request.user, "judging.remind_judges")
    judge_ids = [int(v) for v in request.POST.getlist("judge") if v.isdigit() and len(v) < 19] or None
    try:
        count = scoring.judges_remind(actor=request.user, sprint=sprint, judge_ids=judge_ids)
    except ServiceError as exc:
        messages.error(request, exc.text)
    else:
        if count:
            messages.success(request, _("Reminded %(count)d judges.") % {"count": count})
        else:
            messages.info(request, _("Nobody to remind: no judge is late."))
    return redirect("judging:overview", slug=sprint.slug)


# --- Criteria ------------------------------------------------------------------------------------


def _criterion_values(form: CriterionForm) -> dict:
    data = form.cleaned_data
    return {
        "name": data["name"],
        "description": data["description"],
        "scale_min": data["scale_min"],
        "scale_max": data["scale_max"],
        "half_steps": data["half_steps"],
        "weight": data["weight"],
        "levels": form.levels_dict(),
    }


@login_required
def criteria(request, slug):
    """The sprint's criteria, a form to add one, and the calibration entries."""
    sprint = sprint_for_manager(slug, request.user, "judging.edit_criteria")
    form = CriterionForm(request.POST or None, initial={"weight": 1})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.criterion_save(actor=request.user, sprint=sprint, **_criterion_values(form))
            except ServiceError as exc:
                add_service_error(form, exc)
            else:
                messages.success(request, _("Criterion added."))
                return redirect("judging:criteria", slug=sprint.slug)
        status = 400
    submissions = list(selectors.submissions_of(sprint))
    calibration = CalibrationForm(
        initial={"submissions": selectors.calibration_submission_ids(sprint)}, submissions=submissions
    )
    return render(
        request,
        "judging/criteria.html",
        {"sprint": sprint, "criteria": selectors.criteria_of(sprint), "form": form, "calibration_form": calibration},
        status=status,
    )


@login_required
def criterion_edit(request, slug, pk):
    sprint = sprint_for_manager(slug, request.user, "judging.edit_criteria")
    criterion = get_object_or_404(Criterion, pk=pk, sprint=sprint)
    initial = {
        "name": criterion.name,
        "description": criterion.description,
        "scale_min": criterion.scale_min,
        "scale_max": criterion.scale_max,
        "half_steps": criterion.half_steps,
        "weight": criterion.weight,
        "levels": "\n".join(f"{k}: {v}" for k, v in sorted(criterion.levels.items(), key=lambda kv: int(kv[0]))),
    }
    form = CriterionForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.criterion_save(
                    actor=request.user, sprint=sprint, criterion=criterion, **_criterion_values(form)
                )
            except ServiceError as exc:
                add_service_error(form, exc)
            else:
                messages.success(request, _("Criterion saved."))
                return redirect("judging:criteria", slug=sprint.slug)
        status = 400
    return render(
        request, "judging/criterion_edit.html", {"sprint": sprint, "criterion": criterion, "form": form}, status=status
    )


@login_required
@require_POST
def criteria_defaults(request, slug):
    sprint = sprint_for_manager(slug, request.user, "judging.edit_criteria")
    _flash(
        request,
        lambda: services.criteria_use_defaults(actor=request.user, sprint=sprint),
        _("The five default criteria are in place; adjust them as you like."),
    )
    return redirect("judging:criteria", slug=sprint.slug)


@login_required
@require_POST
def criterion_delete(request, slug, pk):
    sprint = sprint_for_manager(slug, request.user, "judging.edit_criteria")
    criterion = get_object_or_404(Criterion, pk=pk, sprint=sprint)
    _flash(request, lambda: services.criterion_delete(actor=request.user, criterion=criterion), _("Criterion removed."))
    return redirect("judging:criteria", slug=sprint.slug)


@login_required
@require_POST
def calibration(request, slug):
    sprint = sprint_for_manager(slug, request.user, "judging.edit_criteria")
    submissions = list(selectors.submissions_of(sprint))
    form = CalibrationForm(request.POST, submissions=submissions)
    if not form.is_valid():
        messages.error(request, _("Choose calibration entries from the list."))
        return redirect("judging:criteria", slug=sprint.slug)
    chosen = [s for s in submissions if s.pk in set(form.cleaned_data["submissions"])]
    _flash(
        request,
        lambda: services.calibration_set(actor=request.user, sprint=sprint, submissions=chosen),
        _("Calibration entries saved."),
    )
    return redirect("judging:criteria", slug=sprint.slug)


# --- Assignments ---------------------------------------------------------------------------------


def _pair_forms(sprint, data=None):
    submissions = list(selectors.submissions_of(sprint))
    judges = list(selectors.judges_of(sprint))
    return (
        PairRuleForm(data, submissions=submissions, judges=judges),
        AssignmentAddForm(data, submissions=submissions, judges=judges),
    )


@login_required
def assignments(request, slug):
    """Every pair with why it was chosen, the pins and forbids, and the conflicts found."""
    sprint = sprint_for_manager(slug, request.user, "judging.manage_assignments")
    rows = list(selectors.assignments_of(sprint))
    judges = list(selectors.judges_of(sprint))
    conflicts = conflict_matrix(sprint, judge_ids=[j.pk for j in judges])
    names = {j.pk: j.name for j in judges}
    titles = dict(selectors.submissions_of(sprint).values_list("pk", "title"))
    rule_form, add_form = _pair_forms(sprint)
    return render(
        request,
        "judging/assignments.html",
        {
            "sprint": sprint,
            "settings": selectors.settings_for(sprint),
            "rows": rows,
            "rules": PairRule.objects.filter(sprint=sprint).select_related("judge", "submission"),
            "conflicts": [
                {"submission": titles.get(s, ""), "judge": names.get(j, ""), "reasons": reasons}
                for (s, j), reasons in sorted(conflicts.items())
            ],
            "rule_form": rule_form,
            "add_form": add_form,
        },
    )


def _pair(sprint, form):
    submission = selectors.get_submission(sprint, form.cleaned_data["submission"])
    judge = get_user_model().objects.get(pk=form.cleaned_data["judge"])
    return submission, judge


@login_required
@require_POST
def assignment_run(request, slug):
    sprint = sprint_for_manager(slug, request.user, "judging.manage_assignments")
    try:
        made = assignment_runs.assignment_run(actor=request.user, sprint=sprint)
    except ServiceError as exc:
        messages.error(request, exc.text)
    else:
        messages.success(request, _("The assignment wrote %(count)d new pairs.") % {"count": len(made)})
    return redirect("judging:assignments", slug=sprint.slug)


@login_required
@require_POST
def pair_rule(request, slug):
    sprint = sprint_for_manager(slug, request.user, "judging.manage_assignments")
    form, _add = _pair_forms(sprint, request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a submission, a judge and a rule."))
        return redirect("judging:assignments", slug=sprint.slug)
    submission, judge = _pair(sprint, form)
    _flash(
        request,
        lambda: assignment_runs.pair_rule_set(
            actor=request.user,
            submission=submission,
            judge=judge,
            kind=form.cleaned_data["kind"],
            note=form.cleaned_data["note"],
        ),
        _("Rule saved; it holds for every later run."),
    )
    return redirect("judging:assignments", slug=sprint.slug)


@login_required
@require_POST
def pair_rule_remove(request, slug, pk):
    sprint = sprint_for_manager(slug, request.user, "judging.manage_assignments")
    rule = get_object_or_404(PairRule, pk=pk, sprint=sprint)
    _flash(request, lambda: assignment_runs.pair_rule_remove(actor=request.user, rule=rule), _("Rule removed."))
    return redirect("judging:assignments", slug=sprint.slug)


@login_required
@require_POST
def assignment_add(request, slug):
    sprint = sprint_for_manager(slug, request.user, "judging.manage_assignments")
    _rule, form = _pair_forms(sprint, request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a submission and a judge."))
        return redirect("judging:assignments", slug=sprint.slug)
    submission, judge = _pair(sprint, form)
    _flash(
        request,
        lambda: assignment_runs.assignment_add(actor=request.user, submission=submission, judge=judge),
        _("Pair added."),
    )
    return redirect("judging:assignments", slug=sprint.slug)


@login_required
@require_POST
def assignment_remove(request, slug, pk):
    sprint = sprint_for_manager(slug, request.user, "judging.manage_assignments")
    assignment = get_object_or_404(Assignment, pk=pk, sprint=sprint)
    _flash(
        request,
        lambda: assignment_runs.assignment_remove(actor=request.user, assignment=assignment),
        _("Pair removed."),
    )
    return redirect("judging:assignments", slug=sprint.slug)


@login_required
def reviews(request, slug):
    """Every review with its scores, feedback, private note and flag (organisers only)."""
    sprint = sprint_for_manager(slug, request.user, "judging.view_scores")
    criteria = selectors.criteria_of(sprint)
    rows = []
    for review in selectors.reviews_of(sprint):
        by_criterion = {s.criterion_id: s.value for s in review.scores.all()}
        rows.append({"review": review, "scores": [by_criterion.get(c.pk) for c in criteria]})
    return render(
        request,
        "judging/reviews.html",
        {
            "sprint": sprint,
            "criteria": criteria,
            "rows": rows,
            "show_private_notes": request.user.has_perm("judging.view_private_notes", sprint),
        },
    )
