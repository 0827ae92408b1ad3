"""Checking a submitted PDF by its content, and reading its text and first page, with bounded work.

``check_report`` runs while the upload is handled: it reads the file's bytes once in chunks
(size, SHA-256, the ``%PDF-`` header), lets pypdf parse the cross-reference table and the page
tree, and refuses an empty, oversize, corrupt or encrypted file or one with no pages or more than
``SUBMISSION_PDF_MAX_PAGES``. The declared page count is read before the page tree is walked, so
a file claiming tens of thousands of pages is refused without walking them. Content streams are
not decompressed here.

``extract_text`` and ``render_thumbnail`` run in the background (``tasks``). Text extraction
stops at ``SUBMISSION_TEXT_MAX_CHARS`` characters or ``SUBMISSION_TEXT_MAX_SECONDS``, whichever
comes first, and pypdf itself refuses to inflate any one stream beyond its limit (75 MB), so a
decompression bomb costs bounded time and memory. Pages that fail to parse are skipped.
"""

from __future__ import annotations

import hashlib
import io
import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _
from pypdf import PdfReader
from pypdf.errors import PyPdfError

from sprintlab.core.errors import ServiceError
from sprintlab.core.uploads import file_too_large_message

logger = logging.getLogger(__name__)

PDF_MAGIC = b"%PDF-"
# The PDF standard lets a header start anywhere in the first kilobyte (some tools put junk first).
HEADER_WINDOW = 1024
CHUNK = 256 * 1024
THUMBNAIL_WIDTH = 480
# What pypdf (and the file) may raise on malformed input: a broken file is refused, never a 500.
PARSE_ERRORS = (PyPdfError, ValueError, TypeError, KeyError, IndexError, AttributeError, RecursionError, OSError,
                AssertionError, ZeroDivisionError, OverflowError, MemoryError)  # fmt: skip


@dataclass(frozen=True)
class ReportFacts:
    size: int
    sha256: str
    pages: int


def _refuse(message: str, field: str = "report") -> ServiceError:
    return ServiceError({field: [message]})


def file_digest(upload) -> tuple[int, str, bytes]:
    """Size, SHA-256 and the first kilobyte of ``upload``, read once in chunks (never whole)."""
    digest = hashlib.sha256()
    size = 0
    head = b""
    upload.seek(0)
    for chunk in upload.chunks(CHUNK) if hasattr(upload, "chunks") else iter(lambda: upload.read(CHUNK), b""):
        if len(head) < HEADER_WINDOW:
            head += chunk[: HEADER_WINDOW - len(head)]
        digest.update(chunk)
        size += len(chunk)
        if size > settings.UPLOAD_FILE_MAX_BYTES:
            raise _refuse(file_too_large_message())
    upload.seek(0)
    return size, digest.hexdigest(), head


def check_size(upload, field: str) -> int:
    """The file's size; refused when empty or over the limit (from its declared size, before reading)."""
    size = getattr(upload, "size", None)
    if size is not None and size > settings.UPLOAD_FILE_MAX_BYTES:
        raise _refuse(file_too_large_message(), field)
    if size == 0:
        raise _refuse(_("This file is empty (0 bytes)."), field)
    return size or 0


def _declared_page_count(reader: PdfReader) -> int:
    count = reader.trailer["/Root"]["/Pages"].get("/Count", 0)
    return int(count)


def check_report(upload) -> ReportFacts:
    """The facts of a valid report, or ServiceError {"report": [...]} saying what is wrong with it."""
    check_size(upload, "report")
    size, sha256, head = file_digest(upload)
    if size == 0:
        raise _refuse(_("This file is empty (0 bytes)."))
    if PDF_MAGIC not in head:
        raise _refuse(_("This file is not a PDF (whatever its name says). Export your report as PDF and upload that."))
    limit = settings.SUBMISSION_PDF_MAX_PAGES
    try:
        reader = PdfReader(upload, strict=False)
        if reader.is_encrypted:
            raise _refuse(
                _("This PDF is encrypted or password-protected. Save it without a password and upload it again.")
            )
        if _declared_page_count(reader) > limit:
            raise _refuse(_("This PDF has more than %(limit)d pages, the most a report may have.") % {"limit": limit})
        pages = len(reader.pages)
    except ServiceError:
        raise
    except PARSE_ERRORS as exc:
        logger.info("Refused a corrupt PDF (%s): %s", sha256, exc)
        raise _refuse(_("This PDF is damaged and cannot be read. Export it again and upload the new file.")) from exc
    finally:
        upload.seek(0)
    if pages == 0:
        raise _refuse(_("This PDF has no pages."))
    if pages > limit:
        raise _refuse(_("This PDF has more than %(limit)d pages, the most a report may have.") % {"limit": limit})
    return ReportFacts(size=size, sha256=sha256, pages=pages)


def storable(text: str) -> str:
    """Text PostgreSQL stores: no NUL characters, no lone surrogates."""
    return text.replace("\x00", "").encode("utf-8", "replace").decode("utf-8")


def extract_text(stream, *, max_chars: int | None = None, max_seconds: float | None = None) -> str:
    """The report's text, page after page, cut at ``max_chars`` or when ``max_seconds`` have passed."""
    max_chars = max_chars or settings.SUBMISSION_TEXT_MAX_CHARS
    max_seconds = max_seconds or settings.SUBMISSION_TEXT_MAX_SECONDS
    started = time.monotonic()
    parts: list[str] = []
    length = 0
    try:
        reader = PdfReader(stream, strict=False)
        pages = reader.pages
        count = min(len(pages), settings.SUBMISSION_PDF_MAX_PAGES)
    except PARSE_ERRORS as exc:
        logger.info("No text from a PDF that does not parse: %s", exc)
        return ""
    for index in range(count):
        if length >= max_chars or time.monotonic() - started > max_seconds:
            break
        try:
            page_text = pages[index].extract_text() or ""
        except PARSE_ERRORS as exc:
            logger.info("Skipped page %d of a PDF: %s", index + 1, exc)
            continue
        page_text = storable(page_text)[: max_chars - length]
        parts.append(page_text)
        length += len(page_text) + 1
    return "\n".join(parts).strip()


def render_thumbnail(source, *, width: int = THUMBNAIL_WIDTH) -> bytes | None:
    """A PNG of the first page ``width`` pixels wide, or None when PDFium cannot render it.

    ``source`` is bytes or an open binary file, which PDFium reads as it needs.
    """
    try:
        import pypdfium2
    except ImportError:  # the binary wheel is missing for this platform: no thumbnail, no failure
        return None
    try:
        document = pypdfium2.PdfDocument(source)
        try:
            page = document[0]
            page_width = page.get_width() or 1
            bitmap = page.render(scale=min(width / page_width, 4))
            image = bitmap.to_pil()
            out = io.BytesIO()
            image.save(out, format="PNG", optimize=True)
            return out.getvalue()
        finally:
            document.close()
    except Exception as exc:
        logger.info("No thumbnail for a PDF: %s", exc)
        return None
