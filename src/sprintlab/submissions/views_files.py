"""Serving a submission's files to the people allowed (``permissions.may_view_files``), safely.

Files never come from a public address: these views read them from private storage and answer
with headers no browser runs anything from. Reports and appendices are downloads
(``Content-Disposition: attachment``), thumbnails are PNG images we rendered ourselves; every
answer says ``X-Content-Type-Options: nosniff``, carries a ``sandbox`` Content-Security-Policy
and is cached only privately.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404

from sprintlab.sprints.selectors import sprint_for_viewer
from sprintlab.submissions import permissions, selectors
from sprintlab.submissions.models import AppendixFile

FILE_POLICY = "default-src 'none'; sandbox"


def _safe(response: FileResponse) -> FileResponse:
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = FILE_POLICY
    response["Cache-Control"] = "private, max-age=300"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


def _open(field_file):
    try:
        return field_file.open("rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404("The file is missing from storage.") from exc


def _allowed_version(request, slug, version_id):
    sprint = sprint_for_viewer(slug, request.user)
    version = selectors.get_version(sprint=sprint, version_id=version_id)
    if not permissions.may_view_files(request.user, version.submission):
        raise PermissionDenied
    return version


def report_response(version) -> FileResponse:
    name = version.report_name if version.report_name.lower().endswith(".pdf") else f"{version.report_name}.pdf"
    return _safe(FileResponse(_open(version.report), as_attachment=True, filename=name, content_type="application/pdf"))


def appendix_response(appendix: AppendixFile) -> FileResponse:
    # Whatever the file holds, it is bytes to save, never a page to show.
    response = FileResponse(
        _open(appendix.file), as_attachment=True, filename=appendix.name, content_type="application/octet-stream"
    )
    return _safe(response)


def report_file(request, slug, version_id):
    return report_response(_allowed_version(request, slug, version_id))


def thumbnail_file(request, slug, version_id):
    version = _allowed_version(request, slug, version_id)
    if not version.thumbnail:
        raise Http404("No thumbnail yet.")
    return _safe(FileResponse(_open(version.thumbnail), content_type="image/png"))


def appendix_file(request, slug, appendix_id):
    sprint = sprint_for_viewer(slug, request.user)
    appendix = (
        AppendixFile.objects.select_related("version__submission__team")
        .filter(version__submission__sprint=sprint, pk=appendix_id)
        .first()
    )
    if appendix is None:
        raise Http404("No such file.")
    appendix.version.submission.sprint = sprint
    if not permissions.may_view_files(request.user, appendix.version.submission):
        raise PermissionDenied
    return appendix_response(appendix)
