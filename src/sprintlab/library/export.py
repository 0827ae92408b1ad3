"""A sprint's results as JSON, for the page's download and the API alike."""

from __future__ import annotations

from sprintlab.library import selectors
from sprintlab.library.models import PublicationStatus
from sprintlab.sprints.models import Sprint


def results_export(sprint: Sprint, *, full: bool) -> dict:
    """Winners and projects. ``full`` (organisers) lists every submitted project with its publication
    state; otherwise only public projects appear, under their public titles."""
    projects = []
    for submission in selectors.submitted(sprint):
        publication = getattr(submission, "publication", None)
        public = publication is not None and publication.status == PublicationStatus.PUBLISHED
        if not (full or public):
            continue
        row = {
            "id": submission.pk,
            "title": publication.title if public else submission.title,
            "team": submission.team.name,
            "track": submission.track.name if submission.track_id else None,
            "authors": selectors.author_names(submission),
            "awards": [award.label for award in submission.awards.all()],
            "published": public,
        }
        if full:
            row["publication_status"] = publication.status if publication else "unpublished"
        projects.append(row)
    return {
        "sprint": {"slug": sprint.slug, "title": sprint.title, "year": sprint.kickoff_at.year},
        "released": selectors.results_released(sprint),
        "awards": [
            {
                "prize": award.prize.name,
                "amount": award.prize.amount,
                "track": award.track.name if award.track_id else None,
                "project": award.submission_id,
            }
            for award in selectors.awards_of(sprint)
        ],
        "projects": projects,
    }
