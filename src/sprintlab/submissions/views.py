"""The submission pages: a team's own (submit, countdown, versions), one submission, the organisers' list.

Thin views: the services decide; the predicates give the booleans the templates test.
"""

from __future__ import annotations

import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from sprintlab.core.csv_export import csv_download
from sprintlab.core.dates import format_local
from sprintlab.core.errors import ServiceError
from sprintlab.core.forms import add_service_error
from sprintlab.core.uploads import upload_refusal
from sprintlab.sprints.selectors import sprint_for_manager, sprint_for_viewer
from sprintlab.submissions import permissions, selectors, services
from sprintlab.submissions.forms import ExtensionForm, SubmissionForm

MANAGE = "submissions.manage_submissions"


def _submit_context(request, sprint, team, submission, *, now):
    """What the team's page shows besides the form: the lock, the countdown, the versions."""
    closing = permissions.team_closes_at(team) if team is not None else permissions.closes_at(sprint)
    if team is not None:
        refusal = permissions.submit_refusal(request.user, team, now=now)
    else:
        refusal = permissions.solo_submit_refusal(request.user, sprint, now=now)
    return {
        "sprint": sprint,
        "team": team,
        "submission": submission,
        "versions": selectors.versions(submission) if submission else [],
        "authors": selectors.authors(submission) if submission else [],
        "closes_at": closing,
        "deadline": sprint.submission_deadline_at,
        "grace_minutes": sprint.submission_grace_minutes,
        "extended": closing > sprint.submission_deadline_at
        and team is not None
        and submission is not None
        and submission.extended_until is not None,
        "can_submit": refusal is None,
        "refusal": refusal,
        "solo": team is None,
    }


@login_required
@require_http_methods(["GET", "POST"])
def my_submission(request, slug):
    sprint = sprint_for_viewer(slug, request.user)
    team = selectors.team_of(user=request.user, sprint=sprint)
    submission = selectors.submission_of(team)
    now = timezone.now()
    context = _submit_context(request, sprint, team, submission, now=now)
    # A copy: validating the form writes the typed values onto its instance, and the page shows the saved ones.
    form = SubmissionForm(
        request.POST or None, request.FILES or None, instance=copy.copy(submission), sprint=sprint,
        has_report=bool(submission),
    )  # fmt: skip
    if request.method == "POST":
        refused_files = upload_refusal(request)
        for field, field_messages in refused_files.items():
            form.add_error(field if field in form.fields else None, field_messages)
        if not refused_files and context["can_submit"] and form.is_valid():
            data = form.cleaned_data
            try:
                saved = services.submission_save(
                    actor=request.user, sprint=sprint, team=team, title=data["title"], abstract=data["abstract"],
                    track=data.get("track"), code_url=data["code_url"], video_url=data["video_url"],
                    info_hazard=data["info_hazard"], info_hazard_note=data["info_hazard_note"],
                    report=data["report"], appendices=data["appendices"],
                )  # fmt: skip
            except ServiceError as exc:
                add_service_error(form, exc)
            else:
                messages.success(
                    request,
                    _("Version %(number)d is saved; it is the one that counts.") % {"number": saved.version.number},
                )
                return redirect("submissions:mine", slug=sprint.slug)
        elif context["refusal"] is not None and not refused_files:
            form.add_error(None, context["refusal"].text)
    context["form"] = form
    return render(request, "submissions/my_submission.html", context, status=400 if form.errors else 200)


def submission_detail(request, slug, submission_id):
    sprint = sprint_for_viewer(slug, request.user)
    submission = selectors.get_submission(sprint=sprint, submission_id=submission_id)
    if not permissions.may_view_files(request.user, submission):
        raise PermissionDenied
    now = timezone.now()
    return render(
        request,
        "submissions/submission_detail.html",
        {
            "sprint": sprint,
            "submission": submission,
            "versions": selectors.versions(submission),
            "authors": selectors.authors(submission),
            "closes_at": permissions.team_closes_at(submission.team),
            "can_extend": permissions.may_extend(request.user, submission.team, now=now),
            "is_member": permissions.is_submission_member(request.user, submission),
        },
    )


def sprint_submissions(request, slug):
    sprint = sprint_for_manager(slug, request.user, MANAGE)
    submissions = selectors.sprint_submissions(sprint)
    if request.GET.get("format") == "csv":
        return _csv(request, sprint, submissions)
    extensions = selectors.extensions(sprint)
    return render(
        request,
        "submissions/sprint_submissions.html",
        {
            "sprint": sprint,
            "submissions": submissions,
            "counts": selectors.sprint_counts(sprint),
            "missing": selectors.teams_without_submission(sprint),
            "extensions": extensions,
            "closes_at": permissions.closes_at(sprint),
        },
    )


def _csv(request, sprint, submissions):
    header = ["id", "team", "title", "track", "authors", "versions", "pages", "info hazard", "info hazard note",
              "code", "video", "first submitted", "last submitted", "extended until", "url"]  # fmt: skip
    rows = (
        [
            submission.pk,
            submission.team.name,
            submission.title,
            submission.track.name if submission.track else "",
            submission.author_count,
            submission.version_count,
            submission.pages or 0,
            submission.info_hazard,
            submission.info_hazard_note,
            submission.code_url,
            submission.video_url,
            format_local(submission.first_submitted_at),
            format_local(submission.last_submitted_at),
            format_local(submission.extended_until) if submission.extended_until else "",
            request.build_absolute_uri(
                reverse("submissions:detail", kwargs={"slug": sprint.slug, "submission_id": submission.pk})
            ),
        ]
        for submission in submissions
    )
    return csv_download(filename=f"{sprint.slug}-submissions.csv", header=header, rows=rows)


@login_required
@require_http_methods(["GET", "POST"])
def extension_grant(request, slug, team_id):
    sprint = sprint_for_manager(slug, request.user, MANAGE)
    team = selectors.get_team(sprint=sprint, team_id=team_id)
    extension = permissions.extension_of(team)
    initial = {"until": extension.until, "reason": extension.reason} if extension else {}
    form = ExtensionForm(request.POST or None, initial=initial)
    refusal = permissions.extension_refusal(request.user, team, now=timezone.now())
    if request.method == "POST" and refusal is None and form.is_valid():
        try:
            granted = services.submission_extension_grant(
                actor=request.user, team=team, until=form.cleaned_data["until"], reason=form.cleaned_data["reason"]
            )
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            if granted is None:
                messages.success(request, _("%(team)s has no extension now.") % {"team": team.name})
            else:
                messages.success(
                    request,
                    _("%(team)s may submit until %(when)s.") % {"team": team.name, "when": format_local(granted.until)},
                )
            return redirect("submissions:list", slug=sprint.slug)
    return render(
        request,
        "submissions/extension_form.html",
        {"sprint": sprint, "team": team, "form": form, "refusal": refusal, "closes_at": permissions.closes_at(sprint)},
        status=400 if form.errors else 200,
    )
