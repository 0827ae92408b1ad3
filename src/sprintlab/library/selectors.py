"""Reads for results, the info-hazard gate and the library, shared by the pages and the API."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import Count, F, Max, Prefetch, Q, QuerySet
from django.http import Http404

from sprintlab.library import sources
from sprintlab.library.models import (
    Award,
    Certificate,
    HazardDecision,
    HazardDecisionKind,
    Publication,
    PublicationStatus,
    ResultsRelease,
)
from sprintlab.library.permissions import sees_unpublished_project
from sprintlab.library.similarity import Document, Match, SimilarityIndex
from sprintlab.registrations.models import Registration, RegistrationStatus
from sprintlab.sprints.models import Sprint
from sprintlab.submissions.models import InfoHazard, Submission, SubmissionAuthor, SubmissionVersion
from sprintlab.teams.models import TeamMember

SEARCH_MAX_LENGTH = 200
SEARCH_MAX_WORDS = 8
# How many earlier projects the similarity check compares a new one with (the most recent first).
SIMILARITY_CORPUS_CAP = 2_000
SIMILAR_SHOWN = 5
FTS_CONFIG = "english"


# --- The info-hazard gate ------------------------------------------------------------------------


@dataclass
class Gate:
    """Why a project waits for an info-hazard reviewer, and what was decided (the latest decision)."""

    team_flag: str = ""
    team_note: str = ""
    judge_flags: list[tuple[str, str]] = field(default_factory=list)
    decision: HazardDecision | None = None

    @property
    def flagged(self) -> bool:
        return bool(self.team_flag) or bool(self.judge_flags)

    @property
    def awaiting_review(self) -> bool:
        # A withdrawal (a new flag after the project was let through) asks for a reviewer again.
        return self.flagged and (self.decision is None or self.decision.decision == HazardDecisionKind.WITHDRAWN)

    @property
    def let_through(self) -> bool:
        """A reviewer's latest decision lets the project be published."""
        return self.decision is not None and self.decision.decision in (
            HazardDecisionKind.PUBLISH,
            HazardDecisionKind.REDACT,
        )

    @property
    def kept_private(self) -> bool:
        return self.decision is not None and self.decision.decision == HazardDecisionKind.PRIVATE

    @property
    def may_publish(self) -> bool:
        return not (self.awaiting_review or self.kept_private)


def gates_for(submissions: list[Submission]) -> dict[int, Gate]:
    """The gate of each submission: the team's self-assessment, judges' flags, the latest decision."""
    ids = [submission.pk for submission in submissions]
    judge_flags = sources.judge_hazard_flags(ids) or {}
    latest: dict[int, HazardDecision] = {}
    for decision in HazardDecision.objects.filter(submission_id__in=ids).order_by(
        "submission_id", "-decided_at", "-id"
    ):
        latest.setdefault(decision.submission_id, decision)
    gates = {}
    for submission in submissions:
        flagged_by_team = submission.info_hazard in (InfoHazard.POSSIBLE, InfoHazard.YES)
        gates[submission.pk] = Gate(
            team_flag=submission.get_info_hazard_display() if flagged_by_team else "",
            team_note=submission.info_hazard_note if flagged_by_team else "",
            judge_flags=list(judge_flags.get(submission.pk, [])),
            decision=latest.get(submission.pk),
        )
    return gates


def gate_for(submission: Submission) -> Gate:
    return gates_for([submission])[submission.pk]


def hazard_log(sprint: Sprint) -> QuerySet[HazardDecision]:
    return (
        HazardDecision.objects.filter(submission__sprint=sprint)
        .select_related("submission", "decided_by")
        .order_by("-decided_at", "-id")
    )


# --- A sprint's projects and results -------------------------------------------------------------


def submitted(sprint: Sprint) -> QuerySet[Submission]:
    """The sprint's submissions that have at least one version, with what the results pages show."""
    return (
        Submission.objects.filter(sprint=sprint, version_count__gt=0)
        .select_related("team", "track", "publication")
        .prefetch_related(Prefetch("awards", queryset=Award.objects.select_related("prize", "track")))
        .order_by("title", "id")
    )


def results_released(sprint: Sprint) -> bool:
    return ResultsRelease.objects.filter(sprint=sprint).exists()


def awards_of(sprint: Sprint) -> QuerySet[Award]:
    return Award.objects.filter(sprint=sprint).select_related("prize", "track", "submission", "submission__team")


def author_names(submission: Submission) -> list[str]:
    return [row.user.display_name for row in authors(submission)]


def authors(submission: Submission) -> list[SubmissionAuthor]:
    return list(SubmissionAuthor.objects.filter(submission=submission).select_related("user").order_by("position"))


def latest_version(submission: Submission) -> SubmissionVersion | None:
    return submission.versions.order_by("-number").first()


def project_site_id(submission: Submission) -> int | None:
    """The site most of the project's authors registered at (None: remote, or no registration)."""
    author_ids = SubmissionAuthor.objects.filter(submission=submission).values("user_id")
    sites = Counter(
        Registration.objects.filter(
            sprint_id=submission.sprint_id, user_id__in=author_ids, site__isnull=False
        ).values_list("site_id", flat=True)
    )
    return sites.most_common(1)[0][0] if sites else None


# --- The public library ------------------------------------------------------------------------


def public_projects() -> QuerySet[Publication]:
    return Publication.objects.filter(status=PublicationStatus.PUBLISHED).select_related("sprint", "track", "site")


def search_words(query: str) -> list[str]:
    return list(dict.fromkeys(query.casefold().split()))[:SEARCH_MAX_WORDS]


def search(projects: QuerySet[Publication], query: str) -> QuerySet[Publication]:
    """Projects whose title, abstract or report text match ``query``, best match first.

    On PostgreSQL: the stored, GIN-indexed ``search_vector`` against a web-style query (English
    stemming), ranked by ``SearchRank`` (title counts most, then abstract, then text). Elsewhere
    every word must appear in one of the three fields (case-insensitive), newest first.
    """
    words = search_words(query)
    if not words:
        return projects
    if connection.vendor == "postgresql":
        search_query = SearchQuery(" ".join(words), search_type="websearch", config=FTS_CONFIG)
        return (
            projects.filter(search_vector=search_query)
            .annotate(rank=SearchRank(F("search_vector"), search_query))
            .order_by("-rank", "-published_at", "-id")
        )
    for word in words:
        projects = projects.filter(Q(title__icontains=word) | Q(abstract__icontains=word) | Q(text__icontains=word))
    return projects


@dataclass(frozen=True)
class LibraryFilters:
    query: str = ""
    sprint: str = ""
    area: str = ""
    track: int | None = None
    year: int | None = None
    site: int | None = None
    awarded: bool = False
    # The API names them (a track's name, a site's slug), so no id range needs guarding there.
    track_name: str = ""
    site_slug: str = ""


def library_projects(filters: LibraryFilters) -> QuerySet[Publication]:
    projects = public_projects()
    if filters.sprint:
        projects = projects.filter(sprint__slug=filters.sprint)
    if filters.area:
        projects = projects.filter(research_area=filters.area)
    if filters.track is not None:
        projects = projects.filter(track_id=filters.track)
    if filters.year is not None:
        projects = projects.filter(year=filters.year)
    if filters.site is not None:
        projects = projects.filter(site_id=filters.site)
    if filters.track_name:
        projects = projects.filter(track__name__iexact=filters.track_name)
    if filters.site_slug:
        projects = projects.filter(site__slug=filters.site_slug)
    if filters.awarded:
        projects = projects.exclude(award_names="")
    return search(projects, filters.query)


def library_choices(sprint_slug: str = "") -> dict:
    """What the filters offer: sprints and years with public projects; tracks and sites of the chosen sprint."""
    public = Publication.objects.filter(status=PublicationStatus.PUBLISHED)
    sprints = list(
        Sprint.objects.filter(pk__in=public.values("sprint_id")).order_by("-kickoff_at").values_list("slug", "title")
    )
    years = sorted(set(public.values_list("year", flat=True)), reverse=True)
    tracks, sites = [], []
    if sprint_slug:
        chosen = public.filter(sprint__slug=sprint_slug)
        tracks = sorted(
            {(row[0], row[1]) for row in chosen.filter(track__isnull=False).values_list("track_id", "track__name")},
            key=lambda pair: pair[1],
        )
        sites = sorted(
            {(row[0], row[1]) for row in chosen.filter(site__isnull=False).values_list("site_id", "site__name")},
            key=lambda pair: pair[1],
        )
    return {"sprints": sprints, "years": years, "tracks": tracks, "sites": sites}


@dataclass
class ProjectView:
    """A project as one viewer may see it: the public copy once published, else the submission itself."""

    submission: Submission
    publication: Publication | None
    is_public: bool

    @property
    def title(self) -> str:
        return self.publication.title if self.is_public else self.submission.title

    @property
    def abstract(self) -> str:
        return self.publication.abstract if self.is_public else self.submission.abstract


def project_for_viewer(submission_id: int, user) -> ProjectView:
    """The project, or 404 when it is not public and ``user`` may not see it unpublished."""
    submission = (
        Submission.objects.select_related("sprint", "team", "track")
        .filter(pk=submission_id, version_count__gt=0)
        .first()
    )
    if submission is None:
        raise Http404
    publication = Publication.objects.filter(submission=submission).select_related("site", "track").first()
    is_public = publication is not None and publication.is_public
    if not is_public and not sees_unpublished_project(user, submission):
        raise Http404
    return ProjectView(submission=submission, publication=publication, is_public=is_public)


def public_report_file(project: ProjectView):
    """The PDF the public may download: the reviewer's replacement when redacted, else the latest report.

    None when a redacted project has no replacement PDF: its original may hold what was redacted.
    """
    publication = project.publication
    if publication is None or not publication.is_public:
        return None
    if publication.redacted:
        return publication.redacted_report or None
    version = latest_version(project.submission)
    return version.report if version and version.report else None


# Built indexes by corpus signature (per process): the page is asked for many projects of one sprint.
_SIMILARITY_INDEXES: dict[tuple, SimilarityIndex] = {}
SIMILARITY_INDEXES_KEPT = 4


def _similarity_index(submission: Submission) -> SimilarityIndex:
    """The index of the public projects of sprints that began before ``submission``'s (capped, newest first).

    Rebuilt when one of them is added, republished or changes state (its count, top id or latest
    ``updated_at`` changes), so a cached index never answers with stale text.
    """
    earlier = Publication.objects.filter(
        status=PublicationStatus.PUBLISHED, sprint__kickoff_at__lt=submission.sprint.kickoff_at
    )
    facts = earlier.aggregate(count=Count("id"), top=Max("id"), changed=Max("updated_at"))
    signature = (submission.sprint.kickoff_at, facts["count"], facts["top"], facts["changed"])
    index = _SIMILARITY_INDEXES.get(signature)
    if index is None:
        rows = earlier.order_by("-published_at", "-id").values_list("id", "title", "abstract", "text")
        index = SimilarityIndex(
            [Document(key=pk, text=f"{t}\n{a}\n{x}") for pk, t, a, x in rows[:SIMILARITY_CORPUS_CAP]]
        )
        if len(_SIMILARITY_INDEXES) >= SIMILARITY_INDEXES_KEPT:
            _SIMILARITY_INDEXES.clear()
        _SIMILARITY_INDEXES[signature] = index
    return index


def similar_earlier_projects(submission: Submission, *, limit: int = SIMILAR_SHOWN) -> list[tuple[Publication, Match]]:
    """The public projects of earlier sprints most like ``submission`` (TF-IDF cosine), best first.

    Only public copies are compared, so a private or redacted project leaks nothing to another sprint.
    """
    query = f"{submission.title}\n{submission.abstract}\n{submission.report_text}"
    matches = _similarity_index(submission).most_similar(query, limit=limit)
    found = Publication.objects.select_related("sprint").in_bulk([match.key for match in matches])
    return [(found[match.key], match) for match in matches if match.key in found]


# --- Who took part: certificates and the results notification -------------------------------------


@dataclass(frozen=True)
class TookPart:
    """The ways of having taken part in a sprint (docs/library.md, "Who took part"), as querysets."""

    authors: QuerySet[SubmissionAuthor]  # authors of a submitted project
    members: QuerySet[TeamMember]  # members of a team that submitted
    present: QuerySet[Registration]  # confirmed and remote, or confirmed at a site and checked in there


def _took_part(*, sprint: Sprint | None = None, user=None) -> TookPart:
    authors = SubmissionAuthor.objects.filter(submission__version_count__gt=0)
    members = TeamMember.objects.filter(team__submissions__version_count__gt=0)
    present = Registration.objects.filter(status=RegistrationStatus.CONFIRMED).filter(
        Q(site__isnull=True) | Q(checked_in_at__isnull=False)
    )
    if sprint is not None:
        authors = authors.filter(submission__sprint=sprint)
        members = members.filter(team__sprint=sprint)
        present = present.filter(sprint=sprint)
    if user is not None:
        authors, members, present = authors.filter(user=user), members.filter(user=user), present.filter(user=user)
    return TookPart(authors=authors, members=members, present=present)


def participants_of(sprint: Sprint) -> dict[int, int | None]:
    """Everyone who took part in ``sprint``: ``{user id: the submitted project they are on, or None}``.

    Three queries, whatever the number of people (an author's own project wins over their team's).
    """
    took_part = _took_part(sprint=sprint)
    people: dict[int, int | None] = dict.fromkeys(took_part.present.values_list("user_id", flat=True))
    for user_id, submission_id in took_part.members.values_list("user_id", "team__submissions__id"):
        people[user_id] = submission_id
    for user_id, submission_id in took_part.authors.values_list("user_id", "submission_id"):
        people[user_id] = submission_id
    return people


@dataclass(frozen=True)
class Participation:
    """``user`` took part in a sprint, on ``submission`` (their team's submitted project) or without one."""

    submission: Submission | None


def participation(user, sprint: Sprint) -> Participation | None:
    """Whether ``user`` took part in ``sprint`` (see ``participants_of``), and on which project."""
    if not user.is_authenticated:
        return None
    took_part = _took_part(sprint=sprint, user=user)
    row = took_part.authors.select_related("submission").first()
    if row is not None:
        return Participation(submission=row.submission)
    submission = Submission.objects.filter(team__members__user=user, sprint=sprint, version_count__gt=0).first()
    if submission is not None:
        return Participation(submission=submission)
    return Participation(submission=None) if took_part.present.exists() else None


@dataclass(frozen=True)
class CertificateEntry:
    """A sprint whose results are out and that ``user`` took part in, with their certificate once issued."""

    sprint: Sprint
    certificate: Certificate | None


def certificate_entries(user, sprint_ids: list[int] | None = None) -> list[CertificateEntry]:
    """The released sprints ``user`` took part in (of ``sprint_ids``, or all), newest first: two queries."""
    if not user.is_authenticated:
        return []
    took_part = _took_part(user=user)
    sprints = Sprint.objects.filter(results_release__isnull=False).filter(
        Q(pk__in=took_part.authors.values("submission__sprint_id"))
        | Q(pk__in=took_part.members.values("team__sprint_id"))
        | Q(pk__in=took_part.present.values("sprint_id"))
    )
    if sprint_ids is not None:
        sprints = sprints.filter(pk__in=sprint_ids)
    sprints = list(sprints.order_by("-kickoff_at", "-id"))
    issued = {
        certificate.sprint_id: certificate for certificate in Certificate.objects.filter(user=user, sprint__in=sprints)
    }
    return [CertificateEntry(sprint=sprint, certificate=issued.get(sprint.pk)) for sprint in sprints]


def certificate_by_code(code: str) -> Certificate:
    certificate = Certificate.objects.select_related("sprint", "user").filter(code=code.strip().upper()[:16]).first()
    if certificate is None:
        raise Http404
    return certificate
