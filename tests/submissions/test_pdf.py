"""Each bad file is refused by content with a clear message; good ones give their facts, text and thumbnail."""

import io
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from sprintlab.core.errors import ServiceError
from sprintlab.submissions import pdf
from sprintlab.submissions.sample_pdf import sample_pdf
from tests.submissions import factories as f


def _upload(data: bytes, name: str = "report.pdf"):
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def _refusal(data: bytes) -> str:
    with pytest.raises(ServiceError) as caught:
        pdf.check_report(_upload(data))
    return " ".join(caught.value.message_dict["report"])


def test_a_good_pdf_gives_its_size_digest_and_pages():
    data = sample_pdf("Circuits", ["A paragraph."], pages=3)
    facts = pdf.check_report(_upload(data))
    assert facts.pages == 3 and facts.size == len(data) and len(facts.sha256) == 64


def test_a_renamed_png_is_not_a_pdf():
    assert "not a PDF" in _refusal(f.renamed_png())


def test_an_empty_file_is_refused():
    assert "empty" in _refusal(b"")


def test_a_truncated_pdf_is_damaged():
    assert "damaged" in _refusal(f.truncated_pdf())


def test_garbage_after_the_header_is_damaged():
    assert "damaged" in _refusal(f.garbage_pdf())


def test_an_encrypted_pdf_is_refused():
    assert "encrypted" in _refusal(f.encrypted_pdf())


def test_a_pdf_without_pages_is_refused():
    assert "no pages" in _refusal(f.no_pages_pdf())


def test_a_pdf_claiming_fifty_thousand_pages_is_refused_without_walking_them():
    started = time.monotonic()
    assert "more than 300 pages" in _refusal(f.page_count_bomb_pdf(50_000))
    assert time.monotonic() - started < 5


def test_a_page_tree_hiding_its_real_count_is_refused_after_the_walk(settings):
    settings.SUBMISSION_PDF_MAX_PAGES = 20
    assert "more than 20 pages" in _refusal(f.many_real_pages_pdf(25))


def test_a_deeply_nested_page_tree_is_refused_not_a_crash():
    message = _refusal(f.deep_page_tree_pdf(5000))
    assert "damaged" in message or "pages" in message


def test_an_oversize_file_is_refused_from_its_declared_size(settings):
    settings.UPLOAD_FILE_MAX_BYTES = 1000
    assert "larger than" in _refusal(sample_pdf("Long", ["word " * 400]))


def test_a_decompression_bomb_is_accepted_but_its_text_extraction_is_bounded():
    """Checking never inflates content; extraction stops at pypdf's per-stream limit, quickly."""
    data = f.decompression_bomb_pdf(200 * 1024 * 1024)
    assert len(data) < 1024 * 1024
    assert pdf.check_report(_upload(data)).pages == 1
    started = time.monotonic()
    assert pdf.extract_text(io.BytesIO(data)) == ""
    assert time.monotonic() - started < 30


def test_text_extraction_stops_at_the_character_limit():
    data = sample_pdf("Title", ["many words " * 200], pages=5)
    assert len(pdf.extract_text(io.BytesIO(data), max_chars=100)) <= 101


def test_text_is_storable():
    assert pdf.storable("a\x00b\ud800c") == "ab?c"


def test_the_first_page_renders_as_a_png():
    png = pdf.render_thumbnail(io.BytesIO(sample_pdf("Thumb")))
    assert png.startswith(b"\x89PNG")


def test_an_unrenderable_file_gives_no_thumbnail():
    assert pdf.render_thumbnail(b"%PDF-1.4 nonsense") is None
