"""Stopping an oversize upload while it arrives, instead of after it was read whole.

Django reads a multipart body through its upload handlers, in order. ``LimitedUploadHandler``
comes first (``FILE_UPLOAD_HANDLERS``) and counts each file's bytes as they stream past: the
first chunk beyond ``UPLOAD_FILE_MAX_BYTES`` stops the parsing, and a request whose declared
Content-Length is over ``UPLOAD_REQUEST_MAX_BYTES`` is stopped at its first file, before any of
its bytes are read. The form fields parsed before the file (the CSRF token first) are kept, so a
page can answer with a clear message; the file is simply missing from ``request.FILES`` and
``upload_refusal(request)`` says why.
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

REFUSAL_ATTRIBUTE = "upload_refusal_messages"


def upload_refusal(request) -> dict[str, list[str]]:
    """The files refused while ``request`` was read, as messages per form field (empty when none)."""
    return getattr(request, REFUSAL_ATTRIBUTE, {})


def file_too_large_message() -> str:
    return _("This file is larger than %(limit)s, the most a file may be.") % {
        "limit": filesizeformat(settings.UPLOAD_FILE_MAX_BYTES)
    }


def request_too_large_message() -> str:
    return _("These files together are larger than %(limit)s, the most one upload may be.") % {
        "limit": filesizeformat(settings.UPLOAD_REQUEST_MAX_BYTES)
    }


class LimitedUploadHandler(FileUploadHandler):
    """Passes every chunk on to the next handler, counting; stops the upload at the limits."""

    def __init__(self, request=None):
        super().__init__(request)
        self.request_too_large = False
        self.received = 0

    def _refuse(self, message: str) -> None:
        if self.request is not None:
            refusals = getattr(self.request, REFUSAL_ATTRIBUTE, {})
            refusals.setdefault(self.field_name or "file", []).append(message)
            setattr(self.request, REFUSAL_ATTRIBUTE, refusals)
        # Not reading the rest: the client is told at once, and nothing more is stored.
        raise StopUpload(connection_reset=True)

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.request_too_large = content_length > settings.UPLOAD_REQUEST_MAX_BYTES

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0
        if self.request_too_large:
            self._refuse(request_too_large_message())

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > settings.UPLOAD_FILE_MAX_BYTES:
            self._refuse(file_too_large_message())
        return raw_data

    def file_complete(self, file_size):
        return None
