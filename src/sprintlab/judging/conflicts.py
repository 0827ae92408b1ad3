"""Which judges may not review which submissions, and why.

A judge is conflicted with a submission when they are one of its team or authors, share an
affiliation with an author, declared the author's institution or the author themself, or (when the
sprint's setting is on) registered or organise at the site where an author registered. Every
function returns the reasons as sentences, so pages can say why a pair is refused; an empty list
means no conflict. The assignment must never pair a conflicted judge, and scoring refuses it.

Reads only: a few queries for any number of judges and submissions (``conflict_matrix``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from sprintlab.judging.models import JudgeProfile, JudgingSettings
from sprintlab.localsites.models import SiteOrganiser
from sprintlab.registrations.models import ACTIVE_STATUSES, Registration
from sprintlab.submissions.models import Submission, SubmissionAuthor
from sprintlab.teams.models import TeamMember


def normalised(text: str) -> str:
    """Affiliations and names compared without case, punctuation or repeated spaces."""
    return " ".join("".join(ch if ch.isalnum() else " " for ch in (text or "").casefold()).split())


@dataclass
class _Author:
    user_id: int
    email: str
    name: str
    affiliation: str


@dataclass
class _Judge:
    user_id: int
    affiliations: set[str] = field(default_factory=set)
    institutions: set[str] = field(default_factory=set)
    people: set[str] = field(default_factory=set)
    site_ids: set[int] = field(default_factory=set)


def _authors_by_submission(submissions: list[Submission]) -> dict[int, dict[int, _Author]]:
    """Authors and team members of each submission, each once."""
    authors: dict[int, dict[int, _Author]] = defaultdict(dict)
    team_to_submission = {s.team_id: s.pk for s in submissions}
    fields = ("user_id", "user__email", "user__display_name", "user__affiliation")
    for sub_id, *row in SubmissionAuthor.objects.filter(submission__in=[s.pk for s in submissions]).values_list(
        "submission_id", *fields
    ):
        authors[sub_id][row[0]] = _Author(*row)
    for team_id, *row in TeamMember.objects.filter(team_id__in=team_to_submission).values_list("team_id", *fields):
        authors[team_to_submission[team_id]].setdefault(row[0], _Author(*row))
    return authors


def _judges(sprint, judge_ids: list[int], *, same_site: bool) -> dict[int, _Judge]:
    judges = {pk: _Judge(user_id=pk) for pk in judge_ids}
    for pk, affiliation in get_user_model().objects.filter(pk__in=judge_ids).values_list("pk", "affiliation"):
        if normalised(affiliation):
            judges[pk].affiliations.add(normalised(affiliation))
    for profile in JudgeProfile.objects.filter(user_id__in=judge_ids):
        judge = judges[profile.user_id]
        if normalised(profile.affiliation):
            judge.affiliations.add(normalised(profile.affiliation))
        judge.institutions |= {normalised(text) for text in profile.conflict_institutions if normalised(text)}
        judge.people |= {normalised(text) for text in profile.conflict_people if normalised(text)}
    if same_site:
        for pk, site_id in Registration.objects.filter(
            sprint=sprint, user_id__in=judge_ids, site__isnull=False, status__in=ACTIVE_STATUSES
        ).values_list("user_id", "site_id"):
            judges[pk].site_ids.add(site_id)
        for pk, site_id in SiteOrganiser.objects.filter(site__sprint=sprint, user_id__in=judge_ids).values_list(
            "user_id", "site_id"
        ):
            judges[pk].site_ids.add(site_id)
    return judges


def _author_sites(sprint, author_ids: set[int]) -> dict[int, int]:
    return dict(
        Registration.objects.filter(
            sprint=sprint, user_id__in=author_ids, site__isnull=False, status__in=ACTIVE_STATUSES
        ).values_list("user_id", "site_id")
    )


def _reasons(judge: _Judge, authors: dict[int, _Author], author_sites: dict[int, int]) -> list[str]:
    reasons = []
    if judge.user_id in authors:
        reasons.append(_("The judge is one of this submission's team."))
    for author in authors.values():
        if author.user_id == judge.user_id:
            continue
        affiliation = normalised(author.affiliation)
        if affiliation and affiliation in judge.affiliations:
            reasons.append(
                _("Same affiliation as %(name)s (%(org)s).") % {"name": author.name, "org": author.affiliation}
            )
        elif affiliation and affiliation in judge.institutions:
            reasons.append(
                _("The judge declared a conflict with %(org)s, %(name)s's affiliation.")
                % {"org": author.affiliation, "name": author.name}
            )
        if normalised(author.email) in judge.people or normalised(author.name) in judge.people:
            reasons.append(_("The judge declared a conflict with %(name)s.") % {"name": author.name})
        site_id = author_sites.get(author.user_id)
        if site_id is not None and site_id in judge.site_ids:
            reasons.append(_("%(name)s registered at the judge's own site.") % {"name": author.name})
    return list(dict.fromkeys(reasons))


def conflict_matrix(
    sprint, *, judge_ids, submissions=None, same_site: bool | None = None
) -> dict[tuple[int, int], list[str]]:
    """``{(submission id, judge id): [reasons]}`` for every conflicted pair of ``sprint``.

    ``submissions`` defaults to all of the sprint's; pairs without a conflict are left out. Same-site
    conflicts follow the sprint's setting unless ``same_site`` says otherwise (a site's own first
    round judges its own teams on purpose).
    """
    if submissions is None:
        # Only the keys: a submission's texts (its report's full text among them) are not needed here.
        submissions = Submission.objects.filter(sprint=sprint).only("pk", "team_id")
    submissions = list(submissions)
    judge_ids = list(judge_ids)
    if not submissions or not judge_ids:
        return {}
    if same_site is None:
        settings = JudgingSettings.objects.filter(sprint=sprint).first()
        same_site = bool(settings and settings.same_site_conflicts)
    authors = _authors_by_submission(submissions)
    judges = _judges(sprint, judge_ids, same_site=same_site)
    all_author_ids = {pk for people in authors.values() for pk in people}
    author_sites = _author_sites(sprint, all_author_ids) if same_site else {}
    matrix = {}
    for submission in submissions:
        people = authors.get(submission.pk, {})
        for judge in judges.values():
            reasons = _reasons(judge, people, author_sites)
            if reasons:
                matrix[(submission.pk, judge.user_id)] = reasons
    return matrix


def conflicts_for(judge, submission, *, same_site: bool | None = None) -> list[str]:
    """Why ``judge`` may not review ``submission``; empty when they may."""
    matrix = conflict_matrix(submission.sprint, judge_ids=[judge.pk], submissions=[submission], same_site=same_site)
    return matrix.get((submission.pk, judge.pk), [])
