"""A project's BibTeX entry, built from what the public sees of it (the pages and the API share it)."""

from __future__ import annotations

from django.urls import reverse

from sprintlab.library import bibtex, selectors


def bibtex_for(request, project: selectors.ProjectView) -> str:
    """The entry of a published project; its URL is the project page's, absolute for ``request``'s host."""
    submission, publication = project.submission, project.publication
    names = selectors.author_names(submission)
    surname = names[0].split()[-1] if names and names[0].split() else ""
    return bibtex.entry(
        key=bibtex.citation_key(
            surname=surname, year=publication.year, title=publication.title, project_id=submission.pk
        ),
        title=publication.title,
        authors=names,
        year=publication.year,
        sprint_title=submission.sprint.title,
        url=request.build_absolute_uri(reverse("library:project", kwargs={"pk": submission.pk})),
        note="Redacted for publication" if publication.redacted else "",
    )
