"""Reading submissions: a person's team and its submission, versions with their files, a sprint's list."""

from __future__ import annotations

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import Http404

from sprintlab.sprints.models import Sprint
from sprintlab.submissions.models import AppendixFile, DeadlineExtension, Submission, SubmissionVersion
from sprintlab.teams.models import Team, TeamMember


def team_of(*, user, sprint: Sprint) -> Team | None:
    """The live team ``user`` is in for ``sprint`` (with its sprint and extension read), or None."""
    if not (user and user.is_authenticated):
        return None
    membership = (
        TeamMember.objects.filter(sprint=sprint, user=user, team__disbanded_at__isnull=True)
        .select_related("team")
        .first()
    )
    if membership is None:
        return None
    team = membership.team
    team.sprint = sprint
    team.deadline_extension_cache = DeadlineExtension.objects.filter(team=team).first()
    return team


def submission_of(team: Team | None) -> Submission | None:
    if team is None:
        return None
    return Submission.objects.select_related("track", "team").filter(team=team).first()


def versions(submission: Submission) -> list[SubmissionVersion]:
    """Every version, newest first, with who saved it and its appendices."""
    return list(
        submission.versions.select_related("submitted_by", "track").prefetch_related(
            Prefetch("appendices", queryset=AppendixFile.objects.order_by("id"))
        )
    )


def latest_version(submission: Submission) -> SubmissionVersion | None:
    """The version that counts (the highest number), for a link to its report."""
    return submission.versions.order_by("-number").first()


def authors(submission: Submission) -> list:
    return [row.user for row in submission.author_rows.select_related("user")]


def get_submission(*, sprint: Sprint, submission_id: int) -> Submission:
    submission = Submission.objects.select_related("team", "track").filter(sprint=sprint, pk=submission_id).first()
    if submission is None:
        raise Http404("No such submission.")
    submission.sprint = sprint
    submission.team.sprint = sprint
    return submission


def get_version(*, sprint: Sprint, version_id: int) -> SubmissionVersion:
    version = (
        SubmissionVersion.objects.select_related("submission__team")
        .filter(submission__sprint=sprint, pk=version_id)
        .first()
    )
    if version is None:
        raise Http404("No such file.")
    version.submission.sprint = sprint
    version.submission.team.sprint = sprint
    return version


def get_team(*, sprint: Sprint, team_id: int) -> Team:
    team = Team.objects.filter(sprint=sprint, pk=team_id).first()
    if team is None:
        raise Http404("No such team.")
    team.sprint = sprint
    return team


def sprint_submissions(sprint: Sprint) -> QuerySet[Submission]:
    """The sprint's submissions for its organisers, newest save first, with what the list shows."""
    return (
        Submission.objects.filter(sprint=sprint)
        .select_related("team", "track")
        .annotate(
            author_count=Count("author_rows", distinct=True),
            pages=Subquery(
                SubmissionVersion.objects.filter(submission=OuterRef("pk"))
                .order_by("-number")
                .values("report_pages")[:1]
            ),
        )
        .order_by("-last_submitted_at", "id")
    )


def sprint_counts(sprint: Sprint) -> dict[str, int]:
    """How many live teams, submissions, versions and info-hazard flags the sprint has."""
    teams = Team.objects.filter(sprint=sprint, disbanded_at__isnull=True).count()
    totals = Submission.objects.filter(sprint=sprint).aggregate(
        submissions=Count("id"),
        versions=Count("versions"),
        flagged=Count("id", filter=~Q(info_hazard="none"), distinct=True),
    )
    return {"teams": teams, **{key: value or 0 for key, value in totals.items()}}


def teams_without_submission(sprint: Sprint) -> QuerySet[Team]:
    return Team.objects.filter(sprint=sprint, disbanded_at__isnull=True, submissions__isnull=True).order_by("name")


def extensions(sprint: Sprint) -> dict[int, DeadlineExtension]:
    return {row.team_id: row for row in DeadlineExtension.objects.filter(team__sprint=sprint)}
